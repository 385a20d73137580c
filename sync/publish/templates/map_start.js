/* Healing map: starting the map in short steps, once the list and the filters are ready.
 *
 * A phone's main thread is never held long: the map is created, framed on the city, given its
 * tiles, its community-area outlines (OUTLINES_PER_STEP at a time), its markers and its controls,
 * each in a task of its own (later()), so a tap on the list or the filters is answered between
 * them. The body's data-map attribute says where it stands: "starting", then "ready" (or
 * "unavailable" when Leaflet never loaded); tests and scripts wait for it.
 */
var OUTLINES_PER_STEP = 20;

function later(step) { setTimeout(step, 0); }
function runSteps(steps) {
  if (!steps.length) { return; }
  later(function () {
    try { steps[0](); } catch (e) { mapApi = null; mapUnavailable(); throw e; }
    runSteps(steps.slice(1));
  });
}

// The city's outline bounds, from the data: the map is framed before any outline is drawn.
function outlineBounds() {
  var bounds = L.latLngBounds([]);
  D.outlines.forEach(function (area) {
    var rings = area[1].type === "Polygon" ? [area[1].coordinates] : area[1].coordinates;
    rings.forEach(function (polygon) {
      polygon[0].forEach(function (xy) { bounds.extend([xy[1], xy[0]]); });
    });
  });
  return bounds;
}
function addTiles() {
  L.tileLayer(D.tiles.url, { attribution: D.tiles.attribution, detectRetina: true, maxZoom: 18 }).addTo(map);
}
function addOutlines(first) {
  D.outlines.slice(first, first + OUTLINES_PER_STEP).forEach(function (area) {
    areasLayer.addData({ type: "Feature", geometry: area[1], properties: { number: area[0], name: areaNames[area[0]] } });
  });
}

function startMap() {
  if (!window.L || !window.L.markerClusterGroup) { mapUnavailable(); return; }
  doc.body.setAttribute("data-map", "starting");
  var steps = [function () {
    map = createMap();  // folium's L.map(...), at config's center and zoom
    container = map.getContainer();
    container.setAttribute("aria-label", t("map_label"));
    container.setAttribute("role", "region");
    areasLayer = L.geoJSON(null, { style: { color: "#4b3a78", weight: 1, fillOpacity: 0 } }).addTo(map);
    fitCity(outlineBounds());
  }, addTiles];
  for (var first = 0; first < D.outlines.length; first += OUTLINES_PER_STEP) {
    steps.push(addOutlines.bind(null, first));
  }
  steps.push(function () {
    addCluster();
    bindPopupKeys();
    addHatch();
    bindAreaTooltips();
    addLegend();
    addTools();
  }, function () {
    mapApi = { map: map, cluster: cluster, update: updateMap, relabel: relabelMap, revealSide: revealSide, reveal: reveal };
    relabelTools();
    updateMap();
  }, function () {
    revealSharedOnMap();
    doc.body.setAttribute("data-map", "ready");
  });
  runSteps(steps);
}
function relabelMap() {
  container.setAttribute("aria-label", t("map_label"));
  relabelTools();
}

function mapUnavailable() {
  var box = $("hm-map-message");
  box.textContent = t("map_unavailable");
  box.hidden = false;
  doc.body.classList.add("hm-no-map");
  doc.body.setAttribute("data-map", "unavailable");
  if (view === "map") { setView("list"); }
}
