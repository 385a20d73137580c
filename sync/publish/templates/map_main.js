/* Healing map, part 7 of 7: the wiring — the filter controls, the view switch, attaching the map,
 * and the start of the page.
 *
 * Runs as soon as the data script has (map_page.py's _STARTER): the list and the filters first, then
 * the map once Leaflet's scripts are in too, which the filters never wait for (map_start.js).
 */
function fillSelect(select, emptyKey, names, labelPrefix) {
  var value = select.value;
  select.textContent = "";
  select.appendChild(el("option", { value: "", text: t(emptyKey) }));
  names.forEach(function (name, k) {
    var label = t(labelPrefix + name);
    select.appendChild(el("option", { value: String(k), text: label === labelPrefix + name ? name : label }));
  });
  select.value = value;
}
function syncControls() {
  $("hm-q").value = state.q;
  $("hm-type").value = state.type;
  $("hm-language").value = state.lang;
  Array.prototype.forEach.call(doc.querySelectorAll("input[name=hm-when]"), function (r) { r.checked = r.value === state.when; });
  var chip = $("hm-place-chip");
  chip.hidden = state.place < 0;
  if (state.place >= 0) { $("hm-place-name").textContent = places[state.place].name; }
  var active = ["type", "lang", "q"].filter(function (k) { return state[k] !== ""; }).length +
    (state.when !== DEFAULTS.when ? 1 : 0) + (state.place >= 0 ? 1 : 0) + syncExtraControls() +
    syncAreaControl();
  $("hm-filter-badge").textContent = active ? String(active) : "";
  $("hm-reset").disabled = active === 0;
}
function setState(changes) {
  Object.assign(state, changes);
  update();
}
function update() {
  shown = filter();
  syncControls();
  $("hm-count").textContent = plural("count", shown.length);
  $("hm-view-list-count").textContent = num(shown.length);
  renderList();
  renderCoverage();
  if (mapApi) { mapApi.update(); }
  renderSubscribe();  // the feeds of the filters in use (map_calendar.js)
  afterUpdate();  // the address follows the filters (map_url.js)
}

var searchTimer = null;
function bindControls() {
  $("hm-q").addEventListener("input", function (e) {
    clearTimeout(searchTimer);
    var value = e.target.value;
    searchTimer = setTimeout(function () { setState({ q: value }); }, 250);
  });
  $("hm-search-form").addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(searchTimer);
    setState({ q: $("hm-q").value });
  });
  $("hm-type").addEventListener("change", function (e) { setState({ type: e.target.value }); });
  $("hm-language").addEventListener("change", function (e) { setState({ lang: e.target.value }); });
  Array.prototype.forEach.call(doc.querySelectorAll("input[name=hm-when]"), function (r) {
    r.addEventListener("change", function () { if (r.checked) { setState({ when: r.value }); } });
  });
  $("hm-reset").addEventListener("click", function () { setState(DEFAULTS); $("hm-q").focus(); });
  $("hm-place-clear").addEventListener("click", function () { setState({ place: -1 }); $("hm-q").focus(); });
  $("hm-more").addEventListener("click", function () { renderMore(true); });
  var toggle = $("hm-filters-toggle");
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    $("hm-filters").classList.toggle("hm-open", open);
  });
  var switcher = $("hm-lang-switch");
  if (switcher) {
    switcher.hidden = D.langs.length < 2;
    switcher.addEventListener("click", function () {
      setLanguage(D.langs[(D.langs.indexOf(language) + 1) % D.langs.length], true);
    });
  }
  $("hm-view-map").addEventListener("click", function () { setView("map"); });
  $("hm-view-list").addEventListener("click", function () { setView("list"); });
  $("hm-skip-map").addEventListener("click", function (e) {
    if (mapApi) { e.preventDefault(); setView("map"); mapApi.map.getContainer().focus(); }
  });
  $("hm-skip-list").addEventListener("click", function (e) {
    e.preventDefault(); setView("list"); $("hm-list-heading").focus();
  });
}

function setView(next) {
  view = next;
  doc.body.setAttribute("data-view", view);
  $("hm-view-map").setAttribute("aria-pressed", String(view === "map"));
  $("hm-view-list").setAttribute("aria-pressed", String(view === "list"));
  if (view === "map" && mapApi) { mapApi.map.invalidateSize({ pan: false }); }
}

// ---------- the map (only once Leaflet has loaded) ----------
function showOnMap(ev) {
  if (!mapApi || !(ev.place || ev.side)) { return; }
  setView("map");
  if (ev.place) { mapApi.reveal(ev.place, ev.index); } else { mapApi.revealSide(ev.side, ev.index); }
}

window.HealingMap = {
  map: function () { return mapApi && mapApi.map; },
  state: function () { return Object.assign({}, state, { shown: shown.slice(), language: language }); },
  events: events,
  // The shared rules as this page applies them, for tests to hold against sync/publish/rules.py.
  rules: { coverageClasses: coverageClasses, shade: shade, fold: normalize, inWhen: inWhen, safeLink: safeLink }
};

bindControls();
startShare();                   // a share link's filters, language and activity (map_share.js, map_url.js)
setLanguage(language, false);   // fills labels and selects, then renders everything
setView("map");
revealShared();
whenLoaded(function () { later(startMap); });  // the map once Leaflet is in, in short steps (map_start.js)
