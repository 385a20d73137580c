/* Healing map, part 4 of 7: what is drawn on the map — markers and their clusters, the coverage
 * shading of the community areas, and the regions of the sides of the city.
 *
 * Only runs once Leaflet has loaded: startMap() (map_start.js) sets the map's objects below.
 */
var map = null;           // the folium map, once attached
var areasLayer = null;    // its community-area outlines (an L.GeoJSON)
var container = null;     // the map's element
var cluster = null;       // the marker cluster group
var PlaceIcon = null;     // L.DivIcon with an accessible name

// The whole city on any screen, clear of the buttons on the left and, when there is room, of the
// legend on the right; config's center and zoom are the view until this runs.
function fitCity(cityBounds) {
  if (cityBounds.isValid()) {
    var wide = map.getSize().x >= 700;
    map.fitBounds(cityBounds, { paddingTopLeft: [48, 8], paddingBottomRight: [wide ? 250 : 8, 8], animate: false });
  }
}

// Icons never overlap, so each is a whole target (WCAG 2.5.8, axe's target-size). markercluster keeps
// the points it measures from at least clusterRadius apart at each cluster level; clusters are drawn
// on those points (drawAtClusterPoint); clusterRadius is twice the largest icon the activities shown
// can make, plus 2 px for rounding. A level is shown from half a zoom step below it (zoomSnap 0.25,
// rounded), where those points are still clusterRadius / √2 apart, so clusterRadius / 2 apart along x
// or y even on a diagonal: the sum of any two icons' half-sides. Above disableClusteringAtZoom nothing
// is clustered; community areas' points are over 250 px apart there (finer public_precision places
// can be closer).
var PIN_SIZES = [[10, 30], [100, 34], [1000, 40], [10000, 48], [Infinity, 56]];  // [counts below, px]
var clusterRadius = 80;    // px between the points markercluster measures from; set by updateMap()

function pinSize(count) {
  for (var k = 0; k < PIN_SIZES.length; k++) {
    if (count < PIN_SIZES[k][0]) { return PIN_SIZES[k][1]; }
  }
}

function icon(kind, count, label) {
  var size = pinSize(count);
  return new PlaceIcon({
    className: "hm-pin hm-pin-" + kind + (count >= 1000 ? " hm-pin-long" : ""),
    html: el("span", { "aria-hidden": "true", text: num(count) }),
    iconSize: [size, size],
    label: label
  });
}

// markercluster (1.1.0) measures a cluster's reach from its first marker's point (_cLatLng, set once)
// but draws it at its markers' average, which can sit on a neighbouring marker. The average stays what
// markercluster weighs parent clusters by (_wLatLng); the icon goes on the measured point.
// iconCreateFunction calls this whenever markercluster (re)makes a cluster's icon, which it does after
// every change to the cluster's markers, so the average is never drawn.
function drawAtClusterPoint(c) {
  if (c._cLatLng && !c.getLatLng().equals(c._cLatLng)) { c.setLatLng(c._cLatLng); }
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
    maxClusterRadius: function () { return clusterRadius; },  // read whenever the layers are cleared
    spiderfyOnMaxZoom: true,
    disableClusteringAtZoom: 15,
    chunkedLoading: true,
    iconCreateFunction: function (c) {
      drawAtClusterPoint(c);
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
  var markers = [], pinned = 0;
  places.forEach(function (p) {
    if (!p.shown) { return; }
    pinned += p.shown;
    var m = markerFor(p);
    m.options.count = p.shown;
    m.setIcon(icon("place", p.shown, plural("marker", p.shown, { place: p.name })));
    markers.push(m);
  });
  clusterRadius = 2 * pinSize(pinned) + 2;  // no icon can be larger than all the pinned activities' (+2: rounding)
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
