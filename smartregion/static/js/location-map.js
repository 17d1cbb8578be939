// A small map of one place (an organization's profile). No third-party request: tiles only when
// the operator configured a tile server (data-tile-url); otherwise the region's shipped
// municipality boundaries give the point its context, the own municipality highlighted. The
// address is always written out next to the map.
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("location-map");
  if (!el || typeof L === "undefined") return;
  const lat = Number.parseFloat(el.dataset.lat);
  const lon = Number.parseFloat(el.dataset.lon);
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return;

  const map = L.map(el, { scrollWheelZoom: false, zoomSnap: 0.25 });
  map.attributionControl.setPrefix(false);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "" }).addTo(map);
  }
  map.setView([lat, lon], 12);
  L.circleMarker([lat, lon], {
    radius: 9, color: "#131525", weight: 2, fillColor: "#0b4f8a", fillOpacity: 0.9,
  }).addTo(map).bindTooltip(el.dataset.label || "");

  if (!el.dataset.geojson) return;
  fetch(el.dataset.geojson, { headers: { Accept: "application/geo+json" } })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((data) => {
      const own = el.dataset.municipality;
      let ownLayer = null;
      const layer = L.geoJSON(data, {
        interactive: false,
        style: (feature) => {
          if (feature.properties.ags === own) {
            return { color: "#0b4f8a", weight: 2, fillColor: "#0b4f8a", fillOpacity: 0.15 };
          }
          return feature.properties.level === "kreis"
            ? { color: "#131525", weight: 1.5, fill: false }
            : { color: "#6E7597", weight: 1, fillColor: "#6E7597", fillOpacity: 0.05 };
        },
        onEachFeature: (feature, lyr) => {
          if (feature.properties.ags === own) ownLayer = lyr;
        },
      }).addTo(map);
      layer.bringToBack();
      if (el.dataset.attribution) map.attributionControl.addAttribution(el.dataset.attribution);
      if (ownLayer) {
        map.fitBounds(ownLayer.getBounds().extend([lat, lon]), { padding: [16, 16], maxZoom: 13 });
      }
    })
    .catch(() => {
      // The point alone still shows; the address below the map carries the information.
    });
});
