// The network graph on /netzwerk/: draws the data of #network's data-src with Cytoscape.
// Progressive enhancement: the table beside it holds the strongest links without JavaScript.
// Keyboard: the drawing takes focus; arrow keys move from organization to organization (most
// connected first), Enter opens the profile, Escape clears the selection.
(() => {
  "use strict";

  const EDGE_COLOURS = { project: "#131525", suggestion: "#2e7d32", topics: "#8a8fa8" };

  function kindColours() {
    // The legend's swatches carry the colours (synergies.css): one source for both.
    const colours = {};
    document.querySelectorAll(".sr-legend [data-kind]").forEach((item) => {
      const swatch = item.querySelector(".sr-swatch");
      if (swatch) colours[item.dataset.kind] = getComputedStyle(swatch).backgroundColor;
    });
    return colours;
  }

  function elements(data, colours) {
    const maxDegree = Math.max(1, ...data.nodes.map((n) => n.degree));
    const nodes = data.nodes.map((n) => ({
      data: {
        id: String(n.id),
        label: n.label,
        url: n.url,
        kindLabel: n.kind_label,
        place: n.municipality,
        degree: n.degree,
        colour: colours[n.kind] || "#6E7597",
        size: 14 + 30 * Math.sqrt(n.degree / maxDegree),
      },
    }));
    const edges = data.edges.map((e, i) => ({
      data: {
        id: `e${i}`,
        source: String(e.source),
        target: String(e.target),
        width: Math.min(8, 1 + e.weight),
        colour: EDGE_COLOURS[e.kinds[0]] || EDGE_COLOURS.topics,
        dashed: e.kinds.length === 1 && e.kinds[0] === "topics" ? "dashed" : "solid",
      },
    }));
    return [...nodes, ...edges];
  }

  const STYLE = [
    {
      selector: "node",
      style: {
        "background-color": "data(colour)",
        width: "data(size)",
        height: "data(size)",
        label: "data(label)",
        "font-size": 9,
        "text-valign": "bottom",
        "text-margin-y": 2,
        "text-wrap": "ellipsis",
        "text-max-width": 110,
        color: "#131525",
        "border-width": 1,
        "border-color": "#131525",
      },
    },
    {
      selector: "edge",
      style: {
        width: "data(width)",
        "line-color": "data(colour)",
        "line-style": "data(dashed)",
        "curve-style": "haystack",
        opacity: 0.7,
      },
    },
    {
      selector: "node:selected",
      style: { "border-width": 4, "border-color": "#F2A900", "font-size": 12, "font-weight": 600 },
    },
  ];

  function describe(node, box) {
    const parts = [node.data("label"), node.data("kindLabel"), node.data("place")].filter(Boolean);
    return `${parts.join(", ")}: ${node.data("degree")} ${box.dataset.links}. ${box.dataset.open}`;
  }

  function keyboard(cy, box, status) {
    const order = cy.nodes().sort((a, b) => b.data("degree") - a.data("degree")
      || a.data("label").localeCompare(b.data("label")));
    let current = -1;
    const select = (index) => {
      current = (index + order.length) % order.length;
      cy.nodes().unselect();
      const node = order[current];
      node.select();
      status.textContent = describe(node, box);
    };
    box.addEventListener("keydown", (event) => {
      if (!order.length) return;
      if (event.key === "ArrowRight" || event.key === "ArrowDown") select(current + 1);
      else if (event.key === "ArrowLeft" || event.key === "ArrowUp") select(current - 1);
      else if (event.key === "Enter" && current >= 0) window.location.href = order[current].data("url");
      else if (event.key === "Escape") { cy.nodes().unselect(); current = -1; status.textContent = ""; }
      else return;
      event.preventDefault();
    });
  }

  function say(box, text) {
    const note = document.createElement("p");
    note.className = "sr-network__fallback kern-body";
    note.textContent = text;
    box.replaceChildren(note);
  }

  function draw(box, data) {
    const status = document.getElementById("network-status");
    if (!data.nodes || !data.nodes.length) {
      say(box, box.dataset.empty);
      box.dataset.nodes = "0";
      return;
    }
    box.textContent = "";
    const cy = cytoscape({
      container: box,
      elements: elements(data, kindColours()),
      style: STYLE,
      layout: { name: "cose", animate: false, nodeDimensionsIncludeLabels: true, randomize: true },
      minZoom: 0.2,
      maxZoom: 3,
      selectionType: "single",
      boxSelectionEnabled: false,
    });
    cy.on("tap", "node", (event) => { window.location.href = event.target.data("url"); });
    cy.on("mouseover", "node", (event) => { status.textContent = describe(event.target, box); });
    box.tabIndex = 0;
    box.setAttribute("role", "application");
    box.setAttribute("aria-label", box.dataset.label);
    box.setAttribute("aria-describedby", "network-status");
    keyboard(cy, box, status);
    box.dataset.nodes = String(cy.nodes().length);
    box.dataset.edges = String(cy.edges().length);
    box.classList.add("sr-network--ready");
  }

  document.addEventListener("DOMContentLoaded", () => {
    const box = document.getElementById("network");
    if (!box || typeof window.cytoscape !== "function") return;
    fetch(box.dataset.src, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(`network data: HTTP ${response.status}`);
        return response.json();
      })
      .then((data) => draw(box, data))
      .catch(() => say(box, box.dataset.failed)); // the table beside it still shows the links
  });
})();
