/* Healing map, part 6 of 7: the map's own controls — the legend, "locate me" and full screen —
 * small L.Control.extend classes labelled in the page's language.
 */
var legendBody = null, legendToggle = null;
var message = null;       // the map's status line (locating…, located in …)
var locateButton = null, fullButton = null, youAreHere = null;

function addLegend() {
  legendBody = el("div", { className: "hm-legend-body", id: "hm-legend-body" });
  legendToggle = el("button", {
    type: "button", className: "hm-legend-toggle", "aria-expanded": "true", "aria-controls": "hm-legend-body",
    onclick: function () {
      var open = legendToggle.getAttribute("aria-expanded") !== "true";
      legendToggle.setAttribute("aria-expanded", String(open));
      legendBody.hidden = !open;
    }
  });
  var Legend = L.Control.extend({
    options: { position: "bottomright" },   // over the lake, not the city
    onAdd: function () {
      var box = el("div", { className: "hm-legend leaflet-bar" }, [legendToggle, legendBody]);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    }
  });
  if (window.matchMedia && window.matchMedia("(max-width: 799px)").matches) {
    legendToggle.setAttribute("aria-expanded", "false");
    legendBody.hidden = true;
  }
  new Legend().addTo(map);
}

function renderLegend(citywide, bySide) {
  legendToggle.textContent = t("legend");
  legendBody.textContent = "";
  legendBody.appendChild(el("p", { className: "hm-legend-title", text: t("legend_title") }));
  var rows = [el("li", {}, [el("span", { className: "hm-swatch hm-swatch-none", "aria-hidden": "true" }), t("legend_none")])];
  breaks.forEach(function (b) {
    var sw = el("span", { className: "hm-swatch", "aria-hidden": "true" });
    sw.style.background = shade(b[1], breaks);
    rows.push(el("li", {}, [sw, b[0] === b[1] ? num(b[0]) : num(b[0]) + "–" + num(b[1])]));
  });
  legendBody.appendChild(el("ul", { className: "hm-legend-scale" }, rows));
  legendBody.appendChild(el("ul", { className: "hm-legend-keys" }, [
    el("li", {}, [el("span", { className: "hm-pin hm-pin-place hm-legend-pin", "aria-hidden": "true", text: "3" }), t("legend_marker")]),
    el("li", {}, [el("span", { className: "hm-pin hm-pin-cluster hm-legend-pin", "aria-hidden": "true", text: "12" }), t("legend_cluster")]),
    bySide ? el("li", {}, [el("span", { className: "hm-swatch hm-swatch-side", "aria-hidden": "true" }),
      plural("legend_side", bySide)]) : null,
    citywide ? el("li", { className: "hm-legend-citywide", text: plural("legend_citywide", citywide) }) : null
  ]));
}

function say(text) {
  message.textContent = text;
  message.hidden = !text;
}
function addTools() {
  message = el("p", { className: "hm-map-status", role: "status", "aria-live": "polite" });
  message.hidden = true;
  var Tools = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      locateButton = el("button", { type: "button", className: "hm-tool hm-tool-locate", onclick: locate });
      locateButton.appendChild(svgIcon("M12 2v3M12 19v3M2 12h3M19 12h3M12 7a5 5 0 1 0 0 10a5 5 0 1 0 0-10M12 10.5a1.5 1.5 0 1 0 0 3a1.5 1.5 0 1 0 0-3"));
      var bar = el("div", { className: "leaflet-bar hm-tools" }, [locateButton]);
      var target = $("hm-map");
      if (target.requestFullscreen || target.webkitRequestFullscreen) {
        fullButton = el("button", { type: "button", className: "hm-tool hm-tool-full", onclick: toggleFullscreen });
        fullButton.appendChild(svgIcon("M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5"));
        bar.appendChild(fullButton);
      }
      L.DomEvent.disableClickPropagation(bar);
      return bar;
    }
  });
  new Tools().addTo(map);
  container.appendChild(message);
  map.on("locationfound", located);
  map.on("locationerror", function () { say(t("locate_error")); });
  ["fullscreenchange", "webkitfullscreenchange"].forEach(function (name) {
    doc.addEventListener(name, function () {
      relabelTools();
      setTimeout(function () { map.invalidateSize(); }, 50);
    });
  });
}

function svgIcon(d) {
  var NS = "http://www.w3.org/2000/svg";
  var s = doc.createElementNS(NS, "svg");
  s.setAttribute("viewBox", "0 0 24 24"); s.setAttribute("aria-hidden", "true"); s.setAttribute("focusable", "false");
  var p = doc.createElementNS(NS, "path");
  p.setAttribute("d", d);
  s.appendChild(p);
  return s;
}
function locate() {
  say(t("locating"));
  map.locate({ setView: true, maxZoom: 14, timeout: 10000 });
}
function located(e) {
  if (youAreHere) { map.removeLayer(youAreHere); }
  youAreHere = L.layerGroup([
    L.circle(e.latlng, { radius: Math.min(e.accuracy, 2000), color: "#0b6e6a", weight: 1, fillOpacity: 0.08, interactive: false }),
    L.circleMarker(e.latlng, { radius: 8, color: "#fff", weight: 3, fillColor: "#0b6e6a", fillOpacity: 1, interactive: false })
  ]).addTo(map);
  var area = null;
  areasLayer.eachLayer(function (layer) { if (!area && contains(layer, e.latlng)) { area = layer.feature.properties.name; } });
  say(area ? t("located_in", { area: area }) : t("located"));
}
function contains(layer, ll) {
  var rings = layer.feature.geometry.type === "Polygon" ? [layer.feature.geometry.coordinates] : layer.feature.geometry.coordinates;
  return rings.some(function (poly) {
    var inside = false, ring = poly[0];
    for (var a = 0, b = ring.length - 1; a < ring.length; b = a++) {
      var xi = ring[a][0], yi = ring[a][1], xj = ring[b][0], yj = ring[b][1];
      if ((yi > ll.lat) !== (yj > ll.lat) && ll.lng < (xj - xi) * (ll.lat - yi) / (yj - yi) + xi) { inside = !inside; }
    }
    return inside;
  });
}
function fullscreenElement() { return doc.fullscreenElement || doc.webkitFullscreenElement; }
function toggleFullscreen() {
  var target = $("hm-map");
  if (fullscreenElement()) { (doc.exitFullscreen || doc.webkitExitFullscreen).call(doc); }
  else { (target.requestFullscreen || target.webkitRequestFullscreen).call(target); }
}
function relabelTools() {
  locateButton.setAttribute("aria-label", t("locate"));
  locateButton.title = t("locate");
  if (fullButton) {
    var label = fullscreenElement() ? t("fullscreen_exit") : t("fullscreen");
    fullButton.setAttribute("aria-label", label);
    fullButton.setAttribute("aria-pressed", String(!!fullscreenElement()));
    fullButton.title = label;
  }
}
