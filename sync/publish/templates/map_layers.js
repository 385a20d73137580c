/* Healing map, part 4 of 7: what is drawn on the map — markers and their clusters, the coverage
 * shading of the community areas, and the regions of the sides of the city.
 *
 * Only runs once Leaflet has loaded: attach() (map_main.js) sets the map's objects below.
 */
var map = null;           // the folium map, once attached
var areasLayer = null;    // its community-area outlines (an L.GeoJSON)
var container = null;     // the map's element
var cluster = null;       // the marker cluster group
var PlaceIcon = null;     // L.DivIcon with an accessible name

// The whole city on any screen, clear of the buttons on the left and, when there is room, of the
// legend on the right; config's center and zoom are the view until this runs.
function fitCity() {
  var cityBounds = areasLayer.getBounds();
  if (cityBounds.isValid()) {
    var wide = map.getSize().x >= 700;
    map.fitBounds(cityBounds, { paddingTopLeft: [48, 8], paddingBottomRight: [wide ? 250 : 8, 8], animate: false });
  }
}

function icon(kind, count, label) {
  var size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 42 : 50;
  if (kind === "cluster") { size += 8; }
  return new PlaceIcon({
    className: "hm-pin hm-pin-" + kind,
    html: el("span", { "aria-hidden": "true", text: num(count) }),
    iconSize: [size, size],
    label: label
  });
}

function addCluster() {
  PlaceIcon = L.DivIcon.extend({
    createIcon: function (old) {
      var node = L.DivIcon.prototype.createIcon.call(this, old);
      node.setAttribute("aria-label", this.options.label);
      node.removeAttribute("title");
      return node;
    }
  });
  cluster = L.markerClusterGroup({
    showCoverageOnHover: false,
    animate: false,       // instant splits: "Show on map" can zoom in step by step, and less motion
    maxClusterRadius: 44,
    spiderfyOnMaxZoom: true,
    disableClusteringAtZoom: 15,
    chunkedLoading: true,
    iconCreateFunction: function (c) {
      var total = 0;
      c.getAllChildMarkers().forEach(function (m) { total += m.options.count; });
      return icon("cluster", total, t("cluster", { n: num(total) }));
    }
  });
  cluster.on("clusterkeypress", function (e) {
    var key = e.originalEvent && e.originalEvent.keyCode;
    if (key !== 13 && key !== 32) { return; }
    e.originalEvent.preventDefault();
    if (e.layer.getBounds().getNorthEast().equals(e.layer.getBounds().getSouthWest())) { e.layer.spiderfy(); }
    else { e.layer.zoomToBounds({ padding: [24, 24] }); }
  });
  map.addLayer(cluster);
}

// ---------- coverage shading: quantile classes of the counts shown, hatching for areas with none ----------
function addHatch() {
  var svg = map.getPanes().overlayPane.querySelector("svg");
  if (!svg) { return; }
  var NS = "http://www.w3.org/2000/svg";
  var defs = doc.createElementNS(NS, "defs");
  var pattern = doc.createElementNS(NS, "pattern");
  pattern.setAttribute("id", "hm-hatch");
  pattern.setAttribute("width", "8");
  pattern.setAttribute("height", "8");
  pattern.setAttribute("patternUnits", "userSpaceOnUse");
  pattern.setAttribute("patternTransform", "rotate(45)");
  var bg = doc.createElementNS(NS, "rect");
  bg.setAttribute("width", "8"); bg.setAttribute("height", "8"); bg.setAttribute("fill", RULES.hatch.background);
  var line = doc.createElementNS(NS, "rect");
  line.setAttribute("width", "2.5"); line.setAttribute("height", "8"); line.setAttribute("fill", RULES.hatch.stripe);
  pattern.appendChild(bg); pattern.appendChild(line); defs.appendChild(pattern);
  svg.insertBefore(defs, svg.firstChild);
}
var breaks = [];           // the coverage classes of the counts shown
var counts = {};           // community area number → activities shown there
// rules.coverage_classes, step by step (see map_page.py): [low, high] ranges from quantiles of the
// non-zero counts, the largest count closing the last.
function coverageClasses(counts) {
  var values = Object.keys(counts).map(function (k) { return counts[k]; })
    .filter(function (n) { return n; }).sort(function (a, b) { return a - b; });
  if (!values.length) { return []; }
  var uppers = RULES.quantiles.map(function (q) { return values[Math.floor(q * (values.length - 1))]; });
  uppers.push(values[values.length - 1]);
  var out = [], low = 1;
  uppers.forEach(function (up) { if (up >= low) { out.push([low, up]); low = up + 1; } });
  return out;
}
// rules.shade: the darkest shades for the fewest classes; null for none (hatched).
function shade(n, classes) {
  if (!n) { return null; }
  var first = RULES.shades.length - classes.length;
  for (var c = 0; c < classes.length; c++) {
    if (n <= classes[c][1]) { return RULES.shades[first + c]; }
  }
  return RULES.shades[RULES.shades.length - 1];
}
function bindAreaTooltips() {
  areasLayer.eachLayer(function (layer) {
    layer.bindTooltip(function () {
      var p = layer.feature.properties, n = counts[p.number] || 0;
      return el("span", { text: n ? plural("area", n, { area: p.name }) : t("area_none", { area: p.name }) });
    }, { sticky: true, direction: "top", className: "hm-area-tooltip" });
    layer.on("mouseover", function () { layer.setStyle({ weight: 3 }); });
    layer.on("mouseout", function () { layer.setStyle({ weight: 1 }); });
  });
}
function shadeAreas() {
  counts = areaCounts();
  breaks = coverageClasses(counts);
  areasLayer.eachLayer(function (layer) {
    var n = counts[layer.feature.properties.number] || 0;
    layer.setStyle({
      fillColor: shade(n, breaks) || NONE_FILL, fillOpacity: n ? 0.55 : 0.75, color: n ? "#4b3a78" : RULES.hatch.outline,
      weight: 1, opacity: n ? 0.7 : 0.8
    });
  });
}

// ---------- sides: a side's region is its community areas' outlines, dashed, with its activities in a popup ----------
function sideLayer(side) {
  if (!side.layer) {
    var features = [];
    areasLayer.eachLayer(function (layer) {
      if (side.areas.indexOf(layer.feature.properties.number) >= 0) { features.push(layer.feature); }
    });
    side.layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
      style: { color: "#0b6e6a", weight: 3, dashArray: "6 5", fillColor: "#0b6e6a", fillOpacity: 0.12 }
    });
    side.layer.bindPopup(function () {
      return groupPopup(sideName(side), function (ev) { return ev.side === side; }, side.highlight, null);
    }, popupOptions());
  }
  return side.layer;
}

// ---------- redrawn after every filter change ----------
function updateMap() {
  map.closePopup();
  places.forEach(function (p) { p.shown = 0; });
  sides.forEach(function (sd) { sd.shown = 0; });
  var citywide = 0, bySide = 0;
  for (var k = 0; k < shown.length; k++) {
    var ev = events[shown[k]], p = ev.place;
    if (p) { p.shown += 1; } else if (ev.side) { ev.side.shown += 1; bySide += 1; } else { citywide += 1; }
  }
  sides.forEach(function (sd) {
    if (sd.shown) { sideLayer(sd).addTo(map); } else if (sd.layer) { map.removeLayer(sd.layer); }
  });
  var markers = [];
  places.forEach(function (p) {
    if (!p.shown) { return; }
    var m = markerFor(p);
    m.options.count = p.shown;
    m.setIcon(icon("place", p.shown, plural("marker", p.shown, { place: p.name })));
    markers.push(m);
  });
  cluster.clearLayers();
  cluster.addLayers(markers);
  shadeAreas();
  renderLegend(citywide, bySide);
  container.setAttribute("data-citywide", String(citywide));
  container.setAttribute("data-sides", sides.filter(function (sd) { return sd.shown; })
    .map(function (sd) { return sd.key + ":" + sd.shown; }).join(","));
}

function revealSide(side, index) {
  var layer = sideLayer(side);
  if (!map.hasLayer(layer)) { layer.addTo(map); }
  side.highlight = index;
  map.fitBounds(layer.getBounds(), { animate: false });
  layer.openPopup(layer.getBounds().getCenter());
}
function reveal(place, index) {
  // Centre on the marker, then zoom in a step at a time until it is out of its cluster.
  var marker = markerFor(place);
  var at = marker.getLatLng();
  marker.highlight = index;
  map.setView(at, map.getZoom(), { animate: false });
  for (var z = Math.floor(map.getZoom()) + 1; cluster.getVisibleParent(marker) !== marker && z <= 18; z++) {
    map.setView(at, z, { animate: false });
  }
  marker.openPopup();
}
