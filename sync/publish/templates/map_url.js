/* Healing map: the page's state in its address (share links), and the community area filter.
 *
 * The fragment (after "#") holds the filters, the page's language and the activity a link opens:
 *   area=31 | side=far-southeast   a community area (its number) or a side of the city (its name as a slug)
 *   type=healing-circle            an activity type (slug of its name)
 *   language=spanish               activities held in that language (slug of its name)
 *   when=week                      upcoming (the default, left out) | week | all | past
 *   q=pilsen                       the search words
 *   audience=youth                 a staff question's filter ([[fields.extra]]): its key, the answer's slug
 *                                  ("x-" before a key the page uses itself)
 *   lang=es                        the page's language (left out for the first one)
 *   a=3f9c0e1b2a4d                 an activity (its id in events.csv): the list shows it highlighted,
 *                                  its popup opens on the map (phones: the list only)
 * Opening an address restores them; every change of the filters rewrites the fragment with
 * history.replaceState (no history entry: Back still leaves the page). The fragment never reaches a
 * server, so links say nothing to the host's logs. Unknown keys and values are ignored: a link made
 * by an older page still opens. An activity that the link's filters hide (it has passed since) is
 * shown with the filters cleared; one no longer published is said to be gone.
 */
var WHENS = ["upcoming", "week", "all", "past"];
var REGIONS = D.regions || [];  // every side of the city: [name, its community areas]
var regionAreas = {};
REGIONS.forEach(function (r) {
  regionAreas[r[0]] = {};
  r[1].forEach(function (n) { regionAreas[r[0]][n] = true; });
});
var shared = null;         // id of the activity the address names, until the filters change
var sharedFilters = null;  // the filters it was shown with (JSON), once shown
var embedded = doc.body.hasAttribute("data-embed");  // embed.html, in a partner's frame
var fixedArea = "";        // embed.html#area=31: the frame stays on that area or side

DEFAULTS.area = "";        // "" | "31" (community area) | "side:West"
state.area = "";

// rules as calendar feed names: ASCII letters and digits joined by "-" ("Far Southeast" → far-southeast)
function slug(text) {
  return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}
function indexBySlug(names, value) {
  var wanted = slug(value);
  for (var k = 0; k < names.length; k++) { if (slug(names[k]) === wanted) { return String(k); } }
  return null;
}

// ---------- the area filter: a community area, or a side (placed by that side, or in one of its areas) ----------
function inArea(ev, value) {
  if (value.indexOf("side:") === 0) {
    var side = value.slice(5);
    if (ev.side) { return ev.side.key === side; }
    return !!ev.place && !!(regionAreas[side] || {})[ev.place.area];
  }
  return !!ev.place && String(ev.place.area) === value;
}
function fillAreas() {
  var select = $("hm-area");
  select.textContent = "";
  select.appendChild(el("option", { value: "", text: t("any_area") }));
  if (REGIONS.length) {
    select.appendChild(el("optgroup", { label: t("sides_group") }, REGIONS.map(function (r) {
      return el("option", { value: "side:" + r[0], text: sideName({ key: r[0] }) });
    })));
  }
  var areas = D.areas.slice().sort(function (a, b) { return a[1].localeCompare(b[1], LOCALES[language] || language); });
  select.appendChild(el("optgroup", { label: t("areas_group") }, areas.map(function (a) {
    return el("option", { value: String(a[0]), text: a[1] });
  })));
  select.value = state.area;
}
// Called by syncControls: the select shows the state; counts as a filter unless the frame is fixed to it.
function syncAreaControl() {
  $("hm-area").value = state.area;
  $("hm-area-field").hidden = fixedArea !== "";
  return state.area !== DEFAULTS.area ? 1 : 0;
}

// ---------- reading the address ----------
var OWN_PARAMS = ["area", "side", "type", "language", "when", "q", "lang", "a"];
function extraParam(x) { return OWN_PARAMS.indexOf(x.key) >= 0 ? "x-" + x.key : x.key; }
function addressState() {
  var raw = location.hash.replace(/^#/, "");
  if (raw.indexOf("=") < 0) { return null; }  // "#hm-map" and other anchors are not state
  var p;
  try { p = new URLSearchParams(raw); } catch (e) { return null; }
  var changes = {}, area = p.get("area"), side = p.get("side"), k;
  if (area && /^\d+$/.test(area) && areaNames[Number(area)] !== undefined) { changes.area = String(Number(area)); }
  else if (side) {
    REGIONS.forEach(function (r) { if (slug(r[0]) === slug(side)) { changes.area = "side:" + r[0]; } });
  }
  if (p.get("type") && (k = indexBySlug(D.types, p.get("type"))) !== null) { changes.type = k; }
  if (p.get("language") && (k = indexBySlug(D.languages, p.get("language"))) !== null) { changes.lang = k; }
  if (WHENS.indexOf(p.get("when")) >= 0) { changes.when = p.get("when"); }
  if (p.get("q")) { changes.q = p.get("q").slice(0, 200); }
  EXTRAS.forEach(function (x, n) {
    var answer = x.filter ? p.get(extraParam(x)) : null;
    var choice = answer ? indexBySlug(x.choices, answer) : null;
    if (choice !== null) { changes["x" + n] = choice; }
  });
  var activity = p.get("a");
  return {
    state: changes,
    language: D.langs.indexOf(p.get("lang")) >= 0 ? p.get("lang") : null,
    activity: activity && /^[0-9A-Za-z_-]{1,64}$/.test(activity) ? activity : null
  };
}
// Before the first render (map_main.js): the address's filters, language and activity become the page's.
function readAddress() {
  $("hm-area").addEventListener("change", function (e) { setState({ area: e.target.value }); });
  window.addEventListener("hashchange", function () {
    var found = addressState();
    if (!found) { return; }
    shared = found.activity;
    sharedFilters = null;
    if (found.language && found.language !== language) { language = found.language; setLanguage(language, false); }
    setState(Object.assign({}, DEFAULTS, found.state));
    revealShared();
    if (shared && mapApi) { revealSharedOnMap(); }
  });
  var found = addressState();
  if (!found) { return; }
  if (embedded && found.state.area) { fixedArea = DEFAULTS.area = found.state.area; }
  Object.assign(state, found.state);
  if (found.language) { language = found.language; }
  shared = found.activity;
}

// ---------- writing it ----------
function addressOf(activity) {
  var parts = [];
  function add(key, value) { parts.push(key + "=" + encodeURIComponent(value)); }
  if (state.area.indexOf("side:") === 0) { add("side", slug(state.area.slice(5))); }
  else if (state.area) { add("area", state.area); }
  if (state.type !== "") { add("type", slug(D.types[Number(state.type)])); }
  if (state.lang !== "") { add("language", slug(D.languages[Number(state.lang)])); }
  if (state.when !== "upcoming") { add("when", state.when); }
  if (state.q) { add("q", state.q); }
  EXTRAS.forEach(function (x, k) {
    if (x.filter && state["x" + k] !== "") { add(extraParam(x), slug(x.choices[Number(state["x" + k])])); }
  });
  if (language !== D.langs[0]) { add("lang", language); }
  if (activity) { add("a", activity); }
  return parts.join("&");
}
// The full map's address: [map] public_url, else this page (embed.html: its index.html beside it).
function mapAddress() {
  if (D.public_url) { return D.public_url; }
  var here = location.href.split("#")[0];
  if (!embedded) { return here; }
  try { return new URL("index.html", here).href; } catch (e) { return "index.html"; }
}
function writeAddress() {
  var hash = addressOf(shared);
  var full = $("hm-full-map");
  if (full) { full.href = mapAddress() + (hash ? "#" + hash : ""); }
  if (!hash && location.hash.indexOf("=") < 0) { return; }  // leave plain anchors alone
  var next = location.href.split("#")[0] + (hash ? "#" + hash : "");
  if (next === location.href) { return; }
  try { history.replaceState(history.state, "", next); } catch (e) { /* a sandboxed frame may refuse */ }
}
// Called at the end of every update(): a filter change forgets the activity, then the address follows.
function afterUpdate() {
  if (shared && sharedFilters !== null && JSON.stringify(state) !== sharedFilters) {
    shared = null;
    sharedFilters = null;
  }
  if (shared && sharedFilters !== null) { showShared(eventById(shared), false); }
  writeAddress();
}

// ---------- showing the activity a link names ----------
function eventById(id) {
  for (var k = 0; k < N; k++) { if (events[k].id === id) { return events[k]; } }
  return null;
}
function narrow() { return !!(window.matchMedia && window.matchMedia("(max-width: 799px)").matches); }
function revealShared() {
  if (!shared) { return; }
  var ev = eventById(shared);
  if (ev && shown.indexOf(ev.index) < 0) {  // hidden by the link's filters: it has passed since, say
    setState(Object.assign({}, DEFAULTS, { when: inWhen(ev, "upcoming") ? "upcoming" : "all" }));
  }
  if (!ev || shown.indexOf(ev.index) < 0) {
    shared = null;
    shareSay(t("share_missing"), null);
    writeAddress();
    return;
  }
  sharedFilters = JSON.stringify(state);
  if (narrow()) { setView("list"); }
  showShared(ev, true);
}
// The list item rendered (pressing "Show more" as needed), highlighted and, if asked, scrolled into view.
function showShared(ev, scroll) {
  var old = doc.querySelector("#hm-list .hm-shared");
  if (old) { old.classList.remove("hm-shared"); old.removeAttribute("aria-current"); }
  var k = ev ? shown.indexOf(ev.index) : -1;
  if (k < 0) { return; }
  while (rendered <= k) { renderMore(false); }
  var item = $("activity-" + ev.id);
  if (!item) { return; }
  item.classList.add("hm-shared");
  item.setAttribute("aria-current", "true");
  if (scroll) {  // the list scrolls, never the page around it (in a partner's frame, their page)
    var box = $("hm-list-section"), day = item.closest(".hm-day").querySelector(".hm-day-heading");
    box.scrollTop += item.getBoundingClientRect().top - box.getBoundingClientRect().top - day.offsetHeight - 8;
  }
}
// Once the map is there (startMap): the activity's popup, or its side's, opens with it highlighted.
function revealSharedOnMap() {
  var ev = shared && sharedFilters !== null ? eventById(shared) : null;
  if (ev && !narrow() && (ev.place || ev.side)) {
    showOnMap(ev);
  }
}
