// /karte/: markers from /api/v1/map.geojson (clustered) over the region's municipality
// boundaries. The filter form is the page's state: every change re-fetches the GeoJSON with the
// form's query string, refreshes the filter counts and rewrites the URL (replaceState), so links
// to the list and to /suche/ always carry the same filters. Without JavaScript the page shows
// the list instead; tiles are used only when the operator configured a tile server.
(() => {
  "use strict";

  const SHAPES = {
    organization: "sr-marker--organization",
    offer: "sr-marker--offer",
    project: "sr-marker--project",
  };

  // A div icon with an accessible name (Leaflet makes marker icons focusable buttons).
  const LabelledIcon = () => L.DivIcon.extend({
    createIcon(oldIcon) {
      const div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
      div.setAttribute("aria-label", this.options.label);
      return div;
    },
  });

  function queryOf(form) {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (typeof value === "string" && value.trim() !== "") params.append(name, value.trim());
    }
    return params.toString();
  }

  function withQuery(base, query) {
    return query ? `${base}?${query}` : base;
  }

  function popupContent(props, labels) {
    const box = document.createElement("div");
    box.className = "sr-popup";
    const meta = document.createElement("p");
    meta.className = "sr-popup__meta";
    meta.textContent = [labels[props.type] || "", props.kind || ""].filter(Boolean).join(" · ");
    const title = document.createElement("p");
    title.className = "sr-popup__title";
    // Only same-site paths become links; the API never sends anything else.
    if (typeof props.url === "string" && props.url.startsWith("/") && !props.url.startsWith("//")) {
      const link = document.createElement("a");
      link.className = "kern-link";
      link.href = props.url;
      link.textContent = props.title;
      title.append(link);
    } else {
      title.textContent = props.title;
    }
    box.append(meta, title);
    return box;
  }

  function init() {
    const el = document.getElementById("map");
    const form = document.getElementById("map-form");
    if (!el || !form || typeof L === "undefined" || typeof L.markerClusterGroup !== "function") return;
    el.hidden = false;
    const legend = document.getElementById("map-legend");
    if (legend) legend.hidden = false;
    const d = el.dataset;
    const status = document.getElementById("map-status");
    const facets = document.getElementById("map-facets");
    const links = ["map-list-link", "map-search-link"]
      .map((id) => document.getElementById(id))
      .filter(Boolean);
    const labels = {
      organization: d.labelOrganization,
      offer: d.labelOffer,
      project: d.labelProject,
    };
    const Icon = LabelledIcon();

    // markercluster needs a maxZoom, which otherwise only a tile layer would set.
    const map = L.map(el, { scrollWheelZoom: false, zoomSnap: 0.25, minZoom: 5, maxZoom: 18 });
    map.attributionControl.setPrefix(false);
    // Place names sit above the boundaries but below the markers, which stay clickable.
    map.createPane("sr-labels").style.zIndex = 450;
    if (d.tileUrl) {
      L.tileLayer(d.tileUrl, { attribution: d.tileAttribution || "" }).addTo(map);
    }
    map.attributionControl.addAttribution(d.attribution);
    map.setView([51.2, 10.4], 6); // Germany until the boundaries or the markers arrive

    const markers = L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      iconCreateFunction: (cluster) => {
        const n = cluster.getChildCount();
        const size = n < 10 ? "small" : n < 100 ? "medium" : "large";
        return new Icon({
          html: `<span>${n}</span>`,
          className: `marker-cluster sr-cluster sr-cluster--${size}`,
          iconSize: L.point(40, 40),
          label: d.labelCluster.replace("{n}", n),
        });
      },
    }).addTo(map);

    // Focus follows the popup: into its link when it opens, back to the marker when it closes
    // (unless the person clicked somewhere else on purpose).
    map.on("popupopen", (event) => {
      const link = event.popup.getElement().querySelector("a");
      if (link) link.focus({ preventScroll: true });
    });
    map.on("popupclose", (event) => {
      const source = event.popup._source;
      const icon = source && source.getElement && source.getElement();
      const active = document.activeElement;
      const inPopup = event.popup.getElement() && event.popup.getElement().contains(active);
      if (icon && (inPopup || !active || active === document.body)) icon.focus({ preventScroll: true });
    });

    let filtered = false; // once the person changes a filter, the view follows the results
    let boundariesShown = false;
    if (d.boundaries) {
      fetch(d.boundaries, { headers: { Accept: "application/geo+json" } })
        .then((response) => (response.ok ? response.json() : Promise.reject(response)))
        .then((data) => {
          const layer = L.geoJSON(data, {
            style: (feature) => feature.properties.level === "kreis"
              ? { color: "#131525", weight: 2.5, fill: false }
              : { color: "#0b4f8a", weight: 1, fillColor: "#0b4f8a", fillOpacity: 0.08 },
            onEachFeature: (feature, lyr) => {
              if (feature.properties.level === "kreis") {
                lyr.bindTooltip(feature.properties.name, { sticky: true });
              } else {
                lyr.bindTooltip(feature.properties.name, {
                  permanent: true, direction: "center", className: "sr-map-label", pane: "sr-labels",
                });
              }
            },
          }).addTo(map);
          layer.bringToBack();
          boundariesShown = true;
          if (!filtered) map.fitBounds(layer.getBounds(), { padding: [10, 10] });
        })
        .catch(() => {});
    }

    function showStatus(n) {
      if (!status) return;
      status.textContent = n === 1 ? d.statusOne : d.statusMany.replace("{n}", n.toLocaleString(document.documentElement.lang || "de"));
    }

    function draw(data) {
      const layers = [];
      for (const feature of data.features || []) {
        const [lon, lat] = feature.geometry.coordinates;
        const props = feature.properties;
        const marker = L.marker([lat, lon], {
          keyboard: true,
          icon: new Icon({
            className: `sr-marker ${SHAPES[props.type] || SHAPES.organization}`,
            iconSize: L.point(18, 18),
            label: `${props.title} (${labels[props.type] || ""})`,
            html: "",
          }),
        });
        marker.bindPopup(() => popupContent(props, labels));
        layers.push(marker);
      }
      markers.clearLayers();
      markers.addLayers(layers);
      showStatus(layers.length);
      if (layers.length && (filtered || !boundariesShown)) {
        map.fitBounds(markers.getBounds(), { padding: [20, 20], maxZoom: 12 });
      }
    }

    function refreshFacets(query, signal) {
      fetch(withQuery(form.action, query), { signal, headers: { "HX-Request": "true" } })
        .then((response) => (response.ok ? response.text() : Promise.reject(response)))
        .then((html) => {
          const active = document.activeElement;
          const focused = active && facets.contains(active) ? active.id : "";
          const legendOf = (details) => details.closest("fieldset")?.querySelector("legend")?.textContent;
          const open = [...facets.querySelectorAll("details[open]")].map(legendOf);
          facets.innerHTML = html;
          for (const details of facets.querySelectorAll("details")) {
            if (open.includes(legendOf(details))) details.open = true;
          }
          const again = focused && document.getElementById(focused);
          if (again) again.focus({ preventScroll: true });
        })
        .catch(() => {});
    }

    let loading = null;
    function load(query, { initial = false } = {}) {
      if (loading) loading.abort();
      loading = new AbortController();
      const signal = loading.signal;
      if (status) status.textContent = d.statusLoading;
      fetch(withQuery(d.geojson, query), { signal, headers: { Accept: "application/geo+json" } })
        .then((response) => (response.ok ? response.json() : Promise.reject(response)))
        .then(draw)
        .catch((error) => {
          if (error && error.name === "AbortError") return;
          if (status) status.textContent = d.error;
        });
      if (facets && !initial) refreshFacets(query, signal);
    }

    function update() {
      const query = queryOf(form);
      filtered = true;
      history.replaceState(null, "", withQuery(window.location.pathname, query));
      for (const link of links) link.href = withQuery(link.dataset.base, query);
      load(query);
    }

    let typing = null;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      update();
    });
    form.addEventListener("change", (event) => {
      if (event.target.name !== "q") update();
    });
    form.addEventListener("input", (event) => {
      if (event.target.name !== "q") return;
      clearTimeout(typing);
      typing = setTimeout(update, 350);
    });

    load(queryOf(form), { initial: true });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
