// The lagging map: an SVG of shaded outlines under points, drawn by the browser itself (no chart library), with a
// tooltip, wheel zoom, drag to pan, double-click to reset, and a click on a point that sends its code to Python
// (ui/svg_map.py). The data come from tracker/present/maps.py status_map; every text is written as text, never markup.
const NS = "http://www.w3.org/2000/svg";

export default function ({ data, parentElement, setTriggerValue }) {
  const root = parentElement.querySelector(".tracker-map");
  root.replaceChildren();
  const home = data.box.slice();
  let view = home.slice();
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("width", "100%");
  svg.setAttribute("height", data.height);
  svg.setAttribute("role", "img");
  const tip = document.createElement("div");
  tip.className = "tip";
  for (const [path, fill, text] of data.outlines) {
    const shape = svg.appendChild(document.createElementNS(NS, "path"));
    shape.setAttribute("d", path);
    shape.setAttribute("fill", fill);
    shape.dataset.tip = text;
  }
  const dots = data.points.map(([x, y, radius, fill, text, code]) => {
    const dot = svg.appendChild(document.createElementNS(NS, "circle"));
    dot.setAttribute("cx", x);
    dot.setAttribute("cy", y);
    dot.setAttribute("fill", fill);
    dot.dataset.tip = text;
    dot.dataset.code = code;
    dot.dataset.radius = radius;
    if (data.clickable) dot.classList.add("opens");
    return dot;
  });
  root.append(svg, tip);

  // points keep their size in pixels whatever the zoom
  const draw = () => {
    svg.setAttribute("viewBox", view.join(" "));
    const unit = Math.max(view[2] / Math.max(svg.clientWidth, 1), view[3] / Math.max(svg.clientHeight, 1));
    for (const dot of dots) dot.setAttribute("r", dot.dataset.radius * unit);
  };
  draw();
  const resized = new ResizeObserver(draw);
  resized.observe(svg);

  const at = (event) => {
    const point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse());
  };
  svg.addEventListener("mousemove", (event) => {
    const text = event.target.dataset ? event.target.dataset.tip : undefined;
    if (!text || drag) {
      tip.style.display = "none";
      return;
    }
    tip.textContent = text;
    tip.style.display = "block";
    const frame = root.getBoundingClientRect();
    const x = event.clientX - frame.left;
    tip.style.left = (x > frame.width - 260 ? x - tip.offsetWidth - 12 : x + 12) + "px";
    tip.style.top = event.clientY - frame.top + 12 + "px";
  });
  svg.addEventListener("mouseleave", () => { tip.style.display = "none"; });
  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const centre = at(event);
    const factor = event.deltaY < 0 ? 0.8 : 1.25;
    view = [centre.x - (centre.x - view[0]) * factor, centre.y - (centre.y - view[1]) * factor,
            view[2] * factor, view[3] * factor];
    draw();
  }, { passive: false });
  let drag = null;
  let moved = false;
  svg.addEventListener("pointerdown", (event) => {
    drag = { x: event.clientX, y: event.clientY, left: view[0], top: view[1] };
    moved = false;
  });
  svg.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) moved = true;
    if (!moved) return;
    const unit = Math.max(view[2] / svg.clientWidth, view[3] / svg.clientHeight);
    view[0] = drag.left - dx * unit;
    view[1] = drag.top - dy * unit;
    draw();
  });
  const release = () => { drag = null; };
  window.addEventListener("pointerup", release);
  svg.addEventListener("dblclick", () => { view = home.slice(); draw(); });
  svg.addEventListener("click", (event) => {
    const code = event.target.dataset ? event.target.dataset.code : undefined;
    if (data.clickable && code && !moved) setTriggerValue("clicked", code);
  });
  return () => {
    resized.disconnect();
    window.removeEventListener("pointerup", release);
  };
}
