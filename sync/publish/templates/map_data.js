/* Healing map, part 1 of 7: the page's data decoded, the filter state, and the DOM helpers.
 *
 * The map_*.js files are joined in one function scope at render time (map_page.py SCRIPT_FILES),
 * in that order, run when the data script has. Each file reads the names the
 * earlier ones define; nothing but the data's decoding runs until map_main.js starts the page.
 * Untrusted text is only ever written with textContent / setAttribute; links only if http(s).
 * "Now" is the sync's time (D.now), never the visitor's clock.
 */
var PAGE = 50;           // list items rendered at first and per "Show more"
var POPUP_MAX = 20;      // activities listed in one marker's popup
var LOCALES = { en: "en-US", es: "es-US" };
var NONE_FILL = "url(#hm-hatch)";

var doc = document;
var D = window.healingMapData;  // the data script (activities.js), which starts the page once it has run
if (!D) {  // it did not load: the list written into the page is all there is
  doc.getElementById("hm-data-missing").hidden = false;
  doc.body.classList.add("hm-no-map", "hm-no-data");
  doc.body.setAttribute("data-map", "unavailable");
  return;
}
// Rules decided once in sync/publish/rules.py (coverage classes and colours, "upcoming", links,
// search folding) and passed in the page data: this script spells none of its own.
var RULES = D.rules;
var E = D.ev;
// D.ev's columns by field name: each field's key is declared once, in sync/fields.py (D.keys).
var C = {};
Object.keys(D.keys).forEach(function (name) {
  var key = D.keys[name];
  C[name] = Array.isArray(key) ? key.map(function (k) { return E[k]; }) : E[key];
});
var N = C.id.length;
var baseParts = D.base.split("-").map(Number);
var areaNames = {}, areaAliases = {};
D.areas.forEach(function (a) { areaNames[a[0]] = a[1]; areaAliases[a[0]] = a[2] || ""; });

var places = E.places.map(function (p, i) {
  return { index: i, name: p[0], lat: p[1], lon: p[2], area: p[3], precision: p[4], marker: null, shown: 0 };
});
// Sides of the city: activities placed only as "South Side" are a region, never a point.
var sides = (D.sides || []).map(function (sd, k) {
  return { index: k, key: sd[0], areas: sd[1], layer: null, shown: 0 };
});
var events = decodeEvents();
var nowDay = Math.floor(D.now / 1440);
var weekEnd = (nowDay + 7) * 1440;

function decodeEvents() {
  var W = C.side || {};
  var out = new Array(N);
  for (var i = 0; i < N; i++) {
    var start = C.starts_at[i];
    out[i] = {
      index: i,
      id: C.id[i],
      title: C.title[i],
      org: E.orgs[C.organization[i]] || "",
      type: C.event_type[i],
      detail: C.type_detail[i] || "",
      description: C.description[i] || "",
      start: start,
      end: C.ends_at[i] >= 0 ? start + C.ends_at[i] : null,
      langs: C.languages[i],
      link: null,           // checked when first shown (see linkOf): URL parsing 10,000 links costs
      place: C.place[i] >= 0 ? places[C.place[i]] : null,
      side: W[i] != null ? sides[W[i]] : null,
      search: null
    };
  }
  return out;
}

// ---------- state ----------
var DEFAULTS = { when: "upcoming", type: "", lang: "", q: "", place: -1 };
var state = Object.assign({}, DEFAULTS);
var language = initialLanguage();
var shown = [];           // indices of events passing the filters, in date order
var rendered = 0;         // how many of them the list shows
var view = "map";         // phones: which of map / list is on screen
var mapApi = null;        // set by startMap() (map_start.js)

function $(id) { return doc.getElementById(id); }

function linkOf(ev) {
  if (ev.link === null) { ev.link = safeLink((E.hosts[C.link[0][ev.index]] || "") + (C.link[1][ev.index] || "")); }
  return ev.link;
}
function isWebScheme(protocol) { return RULES.schemes.indexOf(protocol.replace(/:$/, "").toLowerCase()) >= 0; }
function safeLink(url) {
  var scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (!scheme || !isWebScheme(scheme[1])) { return ""; }
  try {
    var u = new URL(url);
    return isWebScheme(u.protocol) ? u.href : "";
  } catch (e) { return ""; }
}

// ---------- DOM helper: text only, never HTML ----------
function el(tag, props, children) {
  var node = doc.createElement(tag);
  if (props) {
    Object.keys(props).forEach(function (k) {
      var v = props[k];
      if (v === null || v === undefined || v === false) { return; }
      if (k === "text") { node.textContent = v; }
      else if (k === "className") { node.className = v; }
      else if (k.slice(0, 2) === "on") { node.addEventListener(k.slice(2), v); }
      else { node.setAttribute(k, v === true ? "" : v); }
    });
  }
  (children || []).forEach(function (c) {
    if (c !== null && c !== undefined && c !== false) { node.appendChild(typeof c === "string" ? doc.createTextNode(c) : c); }
  });
  return node;
}

// ---------- filtering ----------
// rules.fold: compatibility forms, no marks, lower case (JS has no case folding: "ß" stays "ß").
var MARKS = (function () {
  try { return new RegExp(RULES.fold.marks, "gu"); } catch (e) { return /[\u0300-\u036f]/g; }  // no \p{} support
}());
function normalize(s) {
  return String(s).normalize(RULES.fold.form).replace(MARKS, "").toLowerCase();
}
var citywideNames = D.langs.map(function (l) { return (D.labels[l] || {}).citywide || ""; }).join("\n");
function searchText(ev) {
  if (ev.search === null) {
    // The community area and its neighbourhood names: "Pilsen" finds Lower West Side.
    var area = ev.place && areaNames[ev.place.area] ? areaNames[ev.place.area] + "\n" + areaAliases[ev.place.area] : "";
    var where = ev.place ? ev.place.name : ev.side ? D.langs.map(function (l) {
      return (D.labels[l] || {})["side:" + ev.side.key] || "";
    }).join("\n") : citywideNames;
    ev.search = normalize([ev.title, ev.org, where, area, ev.detail].join("\n"));
  }
  return ev.search;
}
// rules.activity_end and rules.is_upcoming: upcoming until its last minute is over.
function endOf(ev) { return ev.end !== null && ev.end > ev.start ? ev.end : ev.start + RULES.duration; }
function inWhen(ev, when) {
  var end = endOf(ev);
  if (when === "upcoming") { return end >= D.now; }
  if (when === "week") { return end >= D.now && ev.start < weekEnd; }
  if (when === "past") { return end < D.now; }
  return true;
}
function filter() {
  var words = normalize(state.q).split(/\s+/).filter(Boolean);
  var type = state.type === "" ? -1 : Number(state.type);
  var lang = state.lang === "" ? -1 : Number(state.lang);
  var out = [];
  for (var k = 0; k < N; k++) {
    var ev = events[k];
    if (type >= 0 && ev.type !== type) { continue; }
    if (lang >= 0 && !hasBit(ev.langs, lang)) { continue; }
    if (state.place >= 0 && (!ev.place || ev.place.index !== state.place)) { continue; }
    if (state.area && !inArea(ev, state.area)) { continue; }
    if (EXTRAS.length && !extrasMatch(ev)) { continue; }
    if (!inWhen(ev, state.when)) { continue; }
    if (words.length) {
      var hay = searchText(ev), ok = true;
      for (var w = 0; w < words.length && ok; w++) { ok = hay.indexOf(words[w]) !== -1; }
      if (!ok) { continue; }
    }
    out.push(k);
  }
  return out;
}
var upcomingTotal = events.filter(function (ev) { return inWhen(ev, "upcoming"); }).length;
function hasBit(mask, bit) { return Math.floor(mask / Math.pow(2, bit)) % 2 === 1; }

// ---------- coverage counts ----------
function areaCounts() {
  if (D.omitted) { return D.omitted.areas; }  // too many to list: every activity, counted per area
  var counts = {};
  for (var k = 0; k < shown.length; k++) {
    var p = events[shown[k]].place;
    if (p && p.area) { counts[p.area] = (counts[p.area] || 0) + 1; }
  }
  return counts;
}
