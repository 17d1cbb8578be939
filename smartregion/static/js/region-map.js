// Draws the region's municipality boundaries with Leaflet. No third-party requests: tiles are
// used only when the operator configured a tile server (data-tile-url), otherwise the shipped
// boundaries alone make the map. The list next to the map carries the same information.
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("region-map");
  if (!el || typeof L === "undefined") return;
  const map = L.map(el, { scrollWheelZoom: false, attributionControl: true, zoomSnap: 0.25 });
  map.attributionControl.setPrefix(false);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "" }).addTo(map);
  }
  map.attributionControl.addAttribution(el.dataset.attribution);
  fetch(el.dataset.geojson, { headers: { Accept: "application/geo+json" } })
    .then((response) => response.json())
    .then((data) => {
      const layer = L.geoJSON(data, {
        style: (feature) => feature.properties.level === "kreis"
          ? { color: "#131525", weight: 2.5, fill: false }
          : { color: "#0b4f8a", weight: 1, fillColor: "#0b4f8a", fillOpacity: 0.12 },
        onEachFeature: (feature, lyr) => {
          lyr.bindTooltip(`${feature.properties.name} (${feature.properties.kind_label})`, { sticky: true });
          // The outlines are decoration for pointer users; the list beside the map names every
          // municipality, so the paths stay out of the tab order.
          lyr.on("add", () => lyr.getElement().setAttribute("tabindex", "-1"));
        },
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [10, 10] });
    })
    .catch(() => {
      el.textContent = el.dataset.error || "Die Karte konnte nicht geladen werden; die Liste nennt alle Kommunen.";
    });
});
