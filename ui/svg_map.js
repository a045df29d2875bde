// A map: an SVG of shaded outlines under points, drawn by the browser itself (no chart library), with a tooltip,
// wheel zoom, drag to pan, double-click to reset, a download of the view as an SVG file, and a click on a point
// that sends its code to Python (ui/svg_map.py). The data come from tracker/present/maps.py drawing; every text is
// written as text, never markup.
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
  svg.setAttribute("xmlns", NS);
  const tip = document.createElement("div");
  tip.className = "tip";
  // strokes as attributes, not style, so the downloaded file draws the same
  const drawn = (tag, attributes) => {
    const shape = svg.appendChild(document.createElementNS(NS, tag));
    for (const [name, value] of Object.entries(attributes)) shape.setAttribute(name, value);
    shape.setAttribute("vector-effect", "non-scaling-stroke");
    return shape;
  };
  for (const [path, fill, text] of data.outlines) {
    const shape = drawn("path", { d: path, fill, stroke: "rgb(80,80,80)", "stroke-width": 1, "fill-rule": "evenodd" });
    shape.dataset.tip = text;
  }
  const dots = data.points.map(([x, y, radius, fill, text, code]) => {
    const dot = drawn("circle", { cx: x, cy: y, fill, stroke: "rgb(60,60,60)", "stroke-width": 0.5 });
    dot.dataset.tip = text;
    dot.dataset.radius = radius;
    if (code) dot.dataset.code = code;
    if (data.clickable && code) dot.classList.add("opens");
    return dot;
  });
  const bar = document.createElement("div");
  bar.className = "bar";
  const hint = bar.appendChild(document.createElement("span"));
  hint.textContent = data.hint;
  const save = bar.appendChild(document.createElement("button"));
  save.type = "button";
  save.textContent = data.download;
  save.addEventListener("click", () => {
    const file = new Blob([new XMLSerializer().serializeToString(svg)], { type: "image/svg+xml" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(file);
    link.download = data.file;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });
  root.append(svg, tip, bar);

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
