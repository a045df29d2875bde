// Maps and charts as SVGs drawn by the browser itself (no chart library), with a tooltip and a download of the view
// as an SVG file (ui/svg_drawing.py). A map (tracker/present/maps.py drawing): shaded outlines under points, wheel
// zoom, drag to pan, double-click to reset, and a click on a point that sends its code to Python. A chart
// (tracker/present/charts.py): shapes placed across the plot by a fraction of its width, so it fits the page's width
// whenever that changes. Every text is written as text, never markup.
const NS = "http://www.w3.org/2000/svg";

export default function ({ data, parentElement, setTriggerValue }) {
  const root = parentElement.querySelector(".tracker-svg");
  root.replaceChildren();
  const isChart = data.kind === "chart";
  root.classList.toggle("tracker-chart", isChart);
  root.classList.toggle("tracker-map", !isChart);
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
    return shape;
  };
  const bar = document.createElement("div");
  bar.className = "bar";
  const hint = bar.appendChild(document.createElement("span"));
  hint.textContent = data.hint || "";
  const save = bar.appendChild(document.createElement("button"));
  save.type = "button";
  save.textContent = data.download;
  save.addEventListener("click", () => {
    const copy = svg.cloneNode(true);
    copy.setAttribute("width", svg.clientWidth);
    copy.setAttribute("height", svg.clientHeight);
    const file = new Blob([new XMLSerializer().serializeToString(copy)], { type: "image/svg+xml" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(file);
    link.download = data.file;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });
  root.append(svg, tip, bar);

  const state = { drag: null };  // a map's drag under way: no tooltip meanwhile
  svg.addEventListener("mousemove", (event) => {
    const text = event.target.dataset ? event.target.dataset.tip : undefined;
    if (!text || state.drag) {
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
  const cleanups = [];
  const place = isChart ? chart(data, svg, drawn)
    : map(data, svg, drawn, setTriggerValue, state, cleanups);
  place();
  const resized = new ResizeObserver(place);
  resized.observe(svg);
  return () => {
    resized.disconnect();
    for (const cleanup of cleanups) cleanup();
  };
}

// A chart's shapes; returns what places them at the SVG's width: x is a fraction of the plot (between `left` and
// `right` pixels from the edges) plus `dx` pixels, or `ax` pixels from the left edge; y is in pixels.
function chart(data, svg, drawn) {
  svg.setAttribute("font-family", data.font);
  svg.setAttribute("aria-label", data.title);
  const shapes = data.elements.map((e) => {
    const stroke = e.stroke ? { stroke: e.stroke, "stroke-width": e.sw || 1 } : {};
    if (e.dash) stroke["stroke-dasharray"] = e.dash;
    let shape;
    if (e.t === "text") {
      shape = drawn("text", { "font-size": e.size, fill: e.fill, "text-anchor": e.anchor || "start" });
      if (e.halo) for (const [name, value] of [["stroke", "white"], ["stroke-width", 3], ["paint-order", "stroke"]])
        shape.setAttribute(name, value);
      shape.textContent = e.s;
    } else if (e.t === "rect") {
      shape = drawn("rect", { fill: e.fill, ...stroke });
    } else if (e.t === "line") {
      shape = drawn("polyline", { fill: "none", ...stroke });
    } else if (e.t === "area") {
      shape = drawn("polygon", { fill: e.fill, stroke: "none" });
    } else {
      shape = drawn(e.shape ? "path" : "circle", { fill: e.fill, ...stroke });
    }
    if (e.tip) shape.dataset.tip = e.tip;
    return [shape, e];
  });
  return () => {
    const width = Math.max(svg.clientWidth, data.left + data.right + 100);
    svg.setAttribute("viewBox", `0 0 ${width} ${data.height}`);
    const plot = width - data.left - data.right;
    const across = (fraction) => data.left + fraction * plot;
    const points = (e) => (e.a || e.p.map(([x, y]) => [across(x), y])).map((p) => p.join(",")).join(" ");
    for (const [shape, e] of shapes) {
      if (e.t === "text") {
        shape.setAttribute("x", (e.ax !== undefined ? e.ax : across(e.x)) + (e.dx || 0));
        shape.setAttribute("y", e.y);
      } else if (e.t === "rect") {
        const [a, b] = e.ax0 !== undefined ? [e.ax0, e.ax1] : [across(e.x0), across(e.x1)];
        shape.setAttribute("x", Math.min(a, b));
        shape.setAttribute("width", Math.max(Math.abs(b - a), 0.5));
        shape.setAttribute("y", e.y0);
        shape.setAttribute("height", e.y1 - e.y0);
      } else if (e.t === "line" || e.t === "area") {
        shape.setAttribute("points", points(e));
      } else {
        const x = e.ax !== undefined ? e.ax : across(e.x);
        const r = e.r;
        if (e.shape === "diamond") shape.setAttribute("d", `M${x},${e.y - r}L${x + r},${e.y}L${x},${e.y + r}L${x - r},${e.y}Z`);
        else if (e.shape === "square") shape.setAttribute("d", `M${x - r},${e.y - r}h${2 * r}v${2 * r}h${-2 * r}Z`);
        else {
          shape.setAttribute("cx", x);
          shape.setAttribute("cy", e.y);
          shape.setAttribute("r", r);
        }
      }
    }
  };
}

// A map's outlines and points; returns what draws the view (points keep their size in pixels whatever the zoom).
function map(data, svg, drawn, setTriggerValue, state, cleanups) {
  const home = data.box.slice();
  let view = home.slice();
  const flat = { "vector-effect": "non-scaling-stroke" };
  for (const [path, fill, text] of data.outlines) {
    const shape = drawn("path", { d: path, fill, stroke: "rgb(80,80,80)", "stroke-width": 1, "fill-rule": "evenodd", ...flat });
    shape.dataset.tip = text;
  }
  const dots = data.points.map(([x, y, radius, fill, text, code]) => {
    const dot = drawn("circle", { cx: x, cy: y, fill, stroke: "rgb(60,60,60)", "stroke-width": 0.5, ...flat });
    dot.dataset.tip = text;
    dot.dataset.radius = radius;
    if (code) dot.dataset.code = code;
    if (data.clickable && code) dot.classList.add("opens");
    return dot;
  });
  const draw = () => {
    svg.setAttribute("viewBox", view.join(" "));
    const unit = Math.max(view[2] / Math.max(svg.clientWidth, 1), view[3] / Math.max(svg.clientHeight, 1));
    for (const dot of dots) dot.setAttribute("r", dot.dataset.radius * unit);
  };
  const at = (event) => {
    const point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse());
  };
  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const centre = at(event);
    const factor = event.deltaY < 0 ? 0.8 : 1.25;
    view = [centre.x - (centre.x - view[0]) * factor, centre.y - (centre.y - view[1]) * factor,
            view[2] * factor, view[3] * factor];
    draw();
  }, { passive: false });
  let moved = false;
  svg.addEventListener("pointerdown", (event) => {
    state.drag = { x: event.clientX, y: event.clientY, left: view[0], top: view[1] };
    moved = false;
  });
  svg.addEventListener("pointermove", (event) => {
    const drag = state.drag;
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
  const release = () => { state.drag = null; };
  window.addEventListener("pointerup", release);
  cleanups.push(() => window.removeEventListener("pointerup", release));
  svg.addEventListener("dblclick", () => { view = home.slice(); draw(); });
  svg.addEventListener("click", (event) => {
    const code = event.target.dataset ? event.target.dataset.code : undefined;
    if (data.clickable && code && !moved) setTriggerValue("clicked", code);
  });
  return draw;
}
