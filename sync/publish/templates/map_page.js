/* Healing map: list, filters, markers and coverage, built in the browser from the page's JSON.
 *
 * Runs before Leaflet is known to exist: the list and the filters work without it, and
 * HealingMap.attach(map, areasLayer) adds the map when folium's script has built it.
 * Untrusted text is only ever written with textContent / setAttribute; links only if http(s).
 * "Now" is the sync's time (D.now), never the visitor's clock.
 */
(function () {
  "use strict";

  var PAGE = 50;           // list items rendered at first and per "Show more"
  var POPUP_MAX = 20;      // activities listed in one marker's popup
  var LOCALES = { en: "en-US", es: "es-US" };
  var SHADES = ["#ddd3ef", "#b09ed9", "#7f64bd", "#4f2f8f"];
  var NONE_FILL = "url(#hm-hatch)";

  var doc = document;
  var D = JSON.parse(doc.getElementById("hm-data").textContent);
  var E = D.ev;
  var N = E.id.length;
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
  var W = E.w || {};
  var events = new Array(N);
  for (var i = 0; i < N; i++) {
    var start = E.s[i];
    events[i] = {
      index: i,
      id: E.id[i],
      title: E.t[i],
      org: E.orgs[E.o[i]] || "",
      type: E.y[i],
      detail: E.x[i] || "",
      description: E.d[i] || "",
      start: start,
      end: E.e[i] >= 0 ? start + E.e[i] : null,
      langs: E.l[i],
      link: null,           // checked when first shown (see linkOf): URL parsing 10,000 links costs
      place: E.p[i] >= 0 ? places[E.p[i]] : null,
      side: W[i] != null ? sides[W[i]] : null,
      search: null
    };
  }
  var nowDay = Math.floor(D.now / 1440);
  var weekEnd = (nowDay + 7) * 1440;

  // ---------- state ----------
  var DEFAULTS = { when: "upcoming", type: "", lang: "", q: "", place: -1 };
  var state = Object.assign({}, DEFAULTS);
  var language = initialLanguage();
  var shown = [];           // indices of events passing the filters, in date order
  var rendered = 0;         // how many of them the list shows
  var view = "map";         // phones: which of map / list is on screen
  var mapApi = null;        // set by attach()

  function $(id) { return doc.getElementById(id); }

  // ---------- text ----------
  function t(key, vars) {
    var table = D.labels[language] || {};
    var text = table[key] != null ? table[key] : (D.labels.en && D.labels.en[key] != null ? D.labels.en[key] : key);
    if (vars) {
      text = text.replace(/\{(\w+)\}/g, function (m, name) { return vars[name] != null ? String(vars[name]) : m; });
    }
    return text;
  }
  var numbers = {};
  function num(n) {
    if (numbers[language] === undefined) {
      try { numbers[language] = new Intl.NumberFormat(LOCALES[language] || language); } catch (e) { numbers[language] = null; }
    }
    return numbers[language] ? numbers[language].format(n) : String(n);
  }
  function plural(key, n, vars) {
    return t(key + (n === 1 ? "_one" : "_other"), Object.assign({ n: num(n) }, vars || {}));
  }
  function typeName(ev) {
    var name = D.types[ev.type] || "";
    var label = t("type:" + name);
    if (label === "type:" + name) { label = name; }
    return ev.detail ? label + ": " + ev.detail : label;
  }
  function langNames(mask) {
    var out = [];
    for (var b = 0; b < D.languages.length; b++) {
      if (hasBit(mask, b)) {
        var label = t("lang:" + D.languages[b]);
        out.push(label === "lang:" + D.languages[b] ? D.languages[b] : label);
      }
    }
    return out;
  }
  function hasBit(mask, bit) { return Math.floor(mask / Math.pow(2, bit)) % 2 === 1; }
  function sideName(side) { return t("side:" + side.key); }
  function placeName(ev) { return ev.place ? ev.place.name : ev.side ? sideName(ev.side) : t("citywide"); }

  // Wall-clock minutes since the base date are shown as UTC, so no time zone conversion happens.
  var formatters = {};
  function fmt(kind) {
    var key = language + kind;
    if (!formatters[key]) {
      var o = { timeZone: "UTC" };
      if (kind === "day") { o.weekday = "long"; o.month = "long"; o.day = "numeric"; }
      if (kind === "dayY") { o.weekday = "long"; o.month = "long"; o.day = "numeric"; o.year = "numeric"; }
      if (kind === "short") { o.weekday = "short"; o.month = "short"; o.day = "numeric"; }
      if (kind === "time") { o.hour = "numeric"; o.minute = "2-digit"; }
      if (kind === "stamp") { o.month = "short"; o.day = "numeric"; o.year = "numeric"; o.hour = "numeric"; o.minute = "2-digit"; }
      try { formatters[key] = new Intl.DateTimeFormat(LOCALES[language] || language, o); } catch (e) { formatters[key] = null; }
    }
    return formatters[key];
  }
  function toDate(minutes) {
    return new Date(Date.UTC(baseParts[0], baseParts[1] - 1, baseParts[2], 0, minutes));
  }
  function isoMinutes(minutes) { return toDate(minutes).toISOString().slice(0, 16); }
  function format(kind, minutes) {
    var f = fmt(kind), d = toDate(minutes);
    return f ? f.format(d) : kind === "time" ? d.toISOString().slice(11, 16) : d.toISOString().slice(0, 10);
  }
  function dayLabel(minutes) {
    var sameYear = toDate(minutes).getUTCFullYear() === toDate(D.now).getUTCFullYear();
    return format(sameYear ? "day" : "dayY", minutes);
  }
  function timeRange(ev) {
    if (ev.end === null || ev.end === ev.start) { return format("time", ev.start); }
    var f = fmt("time");
    if (Math.floor(ev.end / 1440) !== Math.floor(ev.start / 1440)) {
      return format("time", ev.start) + " – " + format("short", ev.end) + ", " + format("time", ev.end);
    }
    if (f && f.formatRange) {
      try { return f.formatRange(toDate(ev.start), toDate(ev.end)); } catch (e) { /* fall through */ }
    }
    return format("time", ev.start) + " – " + format("time", ev.end);
  }

  function linkOf(ev) {
    if (ev.link === null) { ev.link = safeLink((E.hosts[E.h[ev.index]] || "") + (E.u[ev.index] || "")); }
    return ev.link;
  }
  function safeLink(url) {
    if (!/^https?:\/\//i.test(url)) { return ""; }
    try {
      var u = new URL(url);
      return (u.protocol === "http:" || u.protocol === "https:") ? u.href : "";
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
  function normalize(s) {
    return String(s).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
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
  function endOf(ev) { return ev.end !== null && ev.end > ev.start ? ev.end : ev.start + D.duration; }
  function inWhen(ev, when) {
    var end = endOf(ev);
    if (when === "upcoming") { return end > D.now; }
    if (when === "week") { return end > D.now && ev.start < weekEnd; }
    if (when === "past") { return end <= D.now; }
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

  // ---------- list ----------
  function renderList() {
    var list = $("hm-list");
    list.textContent = "";
    rendered = 0;
    renderMore(false);
    renderNotice();
  }
  function renderMore(focusFirst) {
    var list = $("hm-list");
    var stop = Math.min(shown.length, rendered + PAGE);
    var group = list.lastElementChild ? list.lastElementChild.querySelector("ol") : null;
    var groupDay = list.lastElementChild ? Number(list.lastElementChild.getAttribute("data-day")) : null;
    var first = null;
    var frag = doc.createDocumentFragment();
    for (var k = rendered; k < stop; k++) {
      var ev = events[shown[k]];
      var day = Math.floor(ev.start / 1440);
      if (day !== groupDay) {
        group = el("ol", { className: "hm-day-items" });
        frag.appendChild(el("li", { className: "hm-day", "data-day": String(day) }, [
          el("h3", { className: "hm-day-heading", text: dayLabel(ev.start) }), group]));
        groupDay = day;
      }
      var item = listItem(ev);
      group.appendChild(item);
      if (!first) { first = item; }
    }
    list.appendChild(frag);
    rendered = stop;
    var more = $("hm-more");
    var left = shown.length - rendered;
    more.hidden = left <= 0;
    more.textContent = t("show_more", { n: num(Math.min(PAGE, left)) }) + " (" + t("remaining", { n: num(left) }) + ")";
    if (focusFirst && first) { first.querySelector("h4").focus(); }
  }
  function listItem(ev) {
    var langs = langNames(ev.langs);
    var titleId = "hm-t-" + ev.index;
    var desc = null, toggle = null;
    if (ev.description) {
      desc = el("p", { className: "hm-desc", text: ev.description });
      if (ev.description.length > 180) {
        desc.className += " hm-clamped";
        toggle = el("button", {
          type: "button", className: "hm-linkbutton", "aria-expanded": "false", text: t("description_more"),
          onclick: function () {
            var open = toggle.getAttribute("aria-expanded") !== "true";
            toggle.setAttribute("aria-expanded", String(open));
            toggle.textContent = t(open ? "description_less" : "description_more");
            desc.classList.toggle("hm-clamped", !open);
          }
        });
      }
    }
    var actions = el("div", { className: "hm-actions" }, [
      linkOf(ev) ? joinLink(ev, "hm-join") : null,
      ev.place || ev.side ? el("button", {
        type: "button", className: "hm-show", text: t("show_on_map"),
        "aria-describedby": titleId, onclick: function () { showOnMap(ev); }
      }) : null
    ]);
    return el("li", { className: "hm-item", id: "activity-" + ev.id, "data-id": ev.id }, [
      el("article", { "aria-labelledby": titleId }, [
        el("p", { className: "hm-when" }, [el("time", { datetime: isoMinutes(ev.start), text: timeRange(ev) })]),
        el("h4", { className: "hm-item-title", id: titleId, tabindex: "-1", text: ev.title }),
        el("p", { className: "hm-meta" }, [
          el("span", { className: "hm-type", text: typeName(ev) }),
          el("span", { className: ev.place ? "hm-place" : ev.side ? "hm-place hm-side" : "hm-place hm-citywide",
            text: placeName(ev) })
        ]),
        ev.org ? el("p", { className: "hm-org", text: t("by", { org: ev.org }) }) : null,
        langs.length ? el("p", { className: "hm-langs" }, [
          el("span", { className: "hm-langs-label", text: t("languages") + ": " }), langs.join(", ")]) : null,
        desc, toggle, actions
      ])
    ]);
  }
  function joinLink(ev, className) {
    return el("a", { className: className, href: ev.link, target: "_blank", rel: "noopener noreferrer" }, [
      t("join"), el("span", { className: "hm-sr", text: ": " + ev.title + " (" + t("new_tab") + ")" })
    ]);
  }
  function renderNotice() {
    var box = $("hm-notice");
    box.textContent = "";
    var buttons = [];
    var message = "";
    if (N === 0) {
      message = t("no_activities");
    } else if (state.when === "upcoming" && upcomingTotal === 0) {
      message = t("nothing_upcoming");
      buttons = [["show_past", { when: "past" }], ["show_all", { when: "all" }]];
    } else if (shown.length === 0) {
      message = t("no_match");
      buttons = [["reset", DEFAULTS]];
    }
    if (D.omitted) {
      box.appendChild(el("p", { className: "hm-omitted", text: t("omitted", { shown: num(D.omitted.shown), total: num(D.omitted.total) }) }));
    }
    box.hidden = !message && !D.omitted;
    if (!message) { return; }
    box.appendChild(el("p", { text: message }));
    if (N === 0 && D.form) {  // launch day: invite the first activity
      box.appendChild(el("a", { className: "hm-button hm-first", href: D.form, text: t("be_first") }));
    }
    buttons.forEach(function (b) {
      box.appendChild(el("button", { type: "button", className: "hm-button", text: t(b[0]), onclick: function () { setState(b[1]); } }));
    });
  }

  // ---------- controls ----------
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
      (state.when !== DEFAULTS.when ? 1 : 0) + (state.place >= 0 ? 1 : 0);
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

  // ---------- language ----------
  function initialLanguage() {
    var wanted = null;
    try { wanted = new URLSearchParams(location.search).get("lang"); } catch (e) { /* old browser */ }
    if (!wanted) { try { wanted = localStorage.getItem("healing-map-lang"); } catch (e) { /* storage blocked */ } }
    return D.langs.indexOf(wanted) >= 0 ? wanted : D.langs[0];
  }
  function setLanguage(next, remember) {
    language = next;
    if (remember) { try { localStorage.setItem("healing-map-lang", next); } catch (e) { /* storage blocked */ } }
    doc.documentElement.lang = next;
    doc.title = t("page_title") + " · " + $("hm-title").textContent;
    Array.prototype.forEach.call(doc.querySelectorAll("[data-i18n]"), function (node) {
      node.textContent = t(node.getAttribute("data-i18n"));
    });
    Array.prototype.forEach.call(doc.querySelectorAll("[data-i18n-placeholder]"), function (node) {
      node.setAttribute("placeholder", t(node.getAttribute("data-i18n-placeholder")));
    });
    Array.prototype.forEach.call(doc.querySelectorAll("[data-i18n-label]"), function (node) {
      node.setAttribute("aria-label", t(node.getAttribute("data-i18n-label")));
      if (node.hasAttribute("title")) { node.setAttribute("title", t(node.getAttribute("data-i18n-label"))); }
    });
    var stamp = $("hm-updated");
    stamp.textContent = "";
    var parts = t("updated").split("{time}");
    stamp.appendChild(doc.createTextNode(parts[0]));
    stamp.appendChild(el("time", { datetime: stamp.getAttribute("data-iso"), text: format("stamp", D.now) }));
    stamp.appendChild(doc.createTextNode(parts.slice(1).join("")));
    var switcher = $("hm-lang-switch");
    if (switcher) {
      var other = D.langs[(D.langs.indexOf(language) + 1) % D.langs.length];
      var names = D.labels[other] || {};
      switcher.textContent = names.language_name || other;
      switcher.setAttribute("lang", other);
      switcher.setAttribute("title", names.switch_language_label || "");
    }
    fillSelect($("hm-type"), "any_type", D.types, "type:");
    fillSelect($("hm-language"), "any_language", D.languages, "lang:");
    if (mapApi) { mapApi.relabel(); }
    update();
  }

  // ---------- coverage ----------
  function areaCounts() {
    if (D.omitted) { return D.omitted.areas; }  // too many to list: every activity, counted per area
    var counts = {};
    for (var k = 0; k < shown.length; k++) {
      var p = events[shown[k]].place;
      if (p && p.area) { counts[p.area] = (counts[p.area] || 0) + 1; }
    }
    return counts;
  }
  function renderCoverage() {
    var counts = areaCounts();
    var missing = D.areas.filter(function (a) { return !counts[a[0]]; });
    var reached = D.areas.length - missing.length;
    $("hm-coverage-summary").textContent = t("coverage", { n: num(reached), total: num(D.areas.length) });
    var box = $("hm-coverage-list");
    box.textContent = "";
    box.appendChild(el("h3", { className: "hm-coverage-heading", text: missing.length ? t("coverage_none") : t("coverage_all") }));
    if (missing.length) {
      box.appendChild(el("ul", { className: "hm-coverage-areas" }, missing.map(function (a) { return el("li", { text: a[1] }); })));
    }
  }

  // ---------- the map (only once Leaflet has loaded) ----------
  function showOnMap(ev) {
    if (!mapApi || !(ev.place || ev.side)) { return; }
    setView("map");
    if (ev.place) { mapApi.reveal(ev.place, ev.index); } else { mapApi.revealSide(ev.side, ev.index); }
  }

  function attach(map, areasLayer) {
    var L = window.L;
    var container = map.getContainer();
    container.setAttribute("aria-label", t("map_label"));
    container.setAttribute("role", "region");
    // The whole city on any screen, clear of the buttons on the left and, when there is room, of the
    // legend on the right; config's center and zoom are the view until this runs.
    var cityBounds = areasLayer.getBounds();
    if (cityBounds.isValid()) {
      var wide = map.getSize().x >= 700;
      map.fitBounds(cityBounds, { paddingTopLeft: [48, 8], paddingBottomRight: [wide ? 250 : 8, 8], animate: false });
    }

    var PlaceIcon = L.DivIcon.extend({
      createIcon: function (old) {
        var node = L.DivIcon.prototype.createIcon.call(this, old);
        node.setAttribute("aria-label", this.options.label);
        node.removeAttribute("title");
        return node;
      }
    });
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

    var cluster = L.markerClusterGroup({
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

    function popupFor(place, highlight) {
      return groupPopup(place.name, function (ev) { return ev.place === place; }, highlight, { place: place.index });
    }
    // The activities of one place or side; "more" is the filter that lists them all, if any.
    function groupPopup(title, member, highlight, more) {
      var items = shown.filter(function (k) { return member(events[k]); });
      var box = el("div", { className: "hm-popup" });
      box.appendChild(el("h3", { className: "hm-popup-title", tabindex: "-1", text: title }));
      box.appendChild(el("p", { className: "hm-popup-count", text: plural("count", items.length) }));
      var list = el("ol", { className: "hm-popup-list" });
      items.slice(0, Math.max(POPUP_MAX, items.indexOf(highlight) + 1)).forEach(function (k) {
        var ev = events[k];
        list.appendChild(el("li", { className: k === highlight ? "hm-popup-item hm-highlight" : "hm-popup-item" }, [
          el("p", { className: "hm-when" }, [el("time", { datetime: isoMinutes(ev.start), text: format("short", ev.start) + " · " + timeRange(ev) })]),
          el("h4", { className: "hm-popup-item-title", text: ev.title }),
          el("p", { className: "hm-meta" }, [el("span", { className: "hm-type", text: typeName(ev) })]),
          ev.org ? el("p", { className: "hm-org", text: t("by", { org: ev.org }) }) : null,
          langNames(ev.langs).length ? el("p", { className: "hm-langs", text: t("languages") + ": " + langNames(ev.langs).join(", ") }) : null,
          linkOf(ev) ? joinLink(ev, "hm-join hm-join-small") : null
        ]));
      });
      box.appendChild(list);
      if (!more) { return box; }
      box.appendChild(el("button", {
        type: "button", className: "hm-button hm-popup-more",
        text: t("popup_more", { n: num(items.length) }),
        onclick: function () {
          map.closePopup();
          setState(more);
          setView("list");
          $("hm-list-heading").focus();
        }
      }));
      return box;
    }

    // Escape closes a popup wherever the focus is in the map (Leaflet only listens on the map itself).
    container.addEventListener("keydown", function (e) {
      if ((e.key === "Escape" || e.key === "Esc") && map.hasLayer && lastMarker && lastMarker.isPopupOpen()) {
        e.preventDefault();
        e.stopPropagation();
        map.closePopup();
      }
    });

    // Popups fit the map on any screen: sized from the map, and resized with it.
    function popupOptions() {
      var size = map.getSize();
      // On narrow maps the popup keeps clear of the zoom and tool buttons on the left.
      var left = size.x < 500 ? 56 : 12;
      return {
        className: "hm-leaflet-popup", closeButton: true,
        autoPanPaddingTopLeft: [left, 12], autoPanPaddingBottomRight: [12, 12],
        maxWidth: Math.max(200, Math.min(340, size.x - left - 40)), minWidth: Math.max(180, Math.min(240, size.x - left - 40)),
        maxHeight: Math.max(160, Math.min(420, size.y - 110))
      };
    }
    map.on("resize", function () {
      var options = popupOptions();
      places.forEach(function (p) { if (p.marker) { L.setOptions(p.marker.getPopup(), options); } });
    });

    var lastMarker = null;
    function markerFor(place) {
      if (!place.marker) {
        var marker = L.marker([place.lat, place.lon], { keyboard: true, riseOnHover: true });
        marker.place = place;
        marker.bindPopup(function () { return popupFor(place, marker.highlight); }, popupOptions());
        marker.on("popupopen", function (e) {
          var popup = e.popup;
          lastMarker = marker;
          var heading = popup.getElement() && popup.getElement().querySelector(".hm-popup-title");
          if (heading) { heading.focus({ preventScroll: true }); }
          var hl = popup.getElement() && popup.getElement().querySelector(".hm-highlight");
          if (hl) { hl.scrollIntoView({ block: "nearest" }); }
        });
        marker.on("popupclose", function () {
          marker.highlight = null;
          var active = doc.activeElement;
          if (lastMarker === marker && marker.getElement() && (!active || active === doc.body || container.contains(active))) {
            marker.getElement().focus({ preventScroll: true });
          }
        });
        marker.on("keypress", function (e) {
          if (e.originalEvent && e.originalEvent.keyCode === 32) { e.originalEvent.preventDefault(); marker.openPopup(); }
        });
        place.marker = marker;
      }
      return place.marker;
    }

    // Coverage shading: quantile classes of the counts shown, hatching for areas with none.
    var svg = map.getPanes().overlayPane.querySelector("svg");
    if (svg) {
      var NS = "http://www.w3.org/2000/svg";
      var defs = doc.createElementNS(NS, "defs");
      var pattern = doc.createElementNS(NS, "pattern");
      pattern.setAttribute("id", "hm-hatch");
      pattern.setAttribute("width", "8");
      pattern.setAttribute("height", "8");
      pattern.setAttribute("patternUnits", "userSpaceOnUse");
      pattern.setAttribute("patternTransform", "rotate(45)");
      var bg = doc.createElementNS(NS, "rect");
      bg.setAttribute("width", "8"); bg.setAttribute("height", "8"); bg.setAttribute("fill", "#fff6f0");
      var line = doc.createElementNS(NS, "rect");
      line.setAttribute("width", "2.5"); line.setAttribute("height", "8"); line.setAttribute("fill", "#f3b89b");
      pattern.appendChild(bg); pattern.appendChild(line); defs.appendChild(pattern);
      svg.insertBefore(defs, svg.firstChild);
    }
    var breaks = [];
    function classes(counts) {
      var values = Object.keys(counts).map(function (k) { return counts[k]; }).sort(function (a, b) { return a - b; });
      if (!values.length) { return []; }
      var uppers = [0.25, 0.5, 0.75].map(function (q) { return values[Math.floor(q * (values.length - 1))]; });
      uppers.push(values[values.length - 1]);
      var out = [], low = 1;
      uppers.forEach(function (up) { if (up >= low) { out.push([low, up]); low = up + 1; } });
      return out;
    }
    function shade(n) {
      if (!n) { return NONE_FILL; }
      for (var c = 0; c < breaks.length; c++) {
        if (n <= breaks[c][1]) { return SHADES[SHADES.length - breaks.length + c]; }
      }
      return SHADES[SHADES.length - 1];
    }
    var counts = {};
    areasLayer.eachLayer(function (layer) {
      layer.bindTooltip(function () {
        var p = layer.feature.properties, n = counts[p.number] || 0;
        return el("span", { text: n ? plural("area", n, { area: p.name }) : t("area_none", { area: p.name }) });
      }, { sticky: true, direction: "top", className: "hm-area-tooltip" });
      layer.on("mouseover", function () { layer.setStyle({ weight: 3 }); });
      layer.on("mouseout", function () { layer.setStyle({ weight: 1 }); });
    });

    // Legend, locate me, full screen: small controls of our own, labelled in the page's language.
    var legendBody = el("div", { className: "hm-legend-body", id: "hm-legend-body" });
    var legendToggle = el("button", {
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

    function renderLegend(citywide, bySide) {
      legendToggle.textContent = t("legend");
      legendBody.textContent = "";
      legendBody.appendChild(el("p", { className: "hm-legend-title", text: t("legend_title") }));
      var rows = [el("li", {}, [el("span", { className: "hm-swatch hm-swatch-none", "aria-hidden": "true" }), t("legend_none")])];
      breaks.forEach(function (b) {
        var sw = el("span", { className: "hm-swatch", "aria-hidden": "true" });
        sw.style.background = shade(b[1]);
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

    var message = el("p", { className: "hm-map-status", role: "status", "aria-live": "polite" });
    message.hidden = true;
    function say(text) {
      message.textContent = text;
      message.hidden = !text;
    }
    var locateButton, fullButton, youAreHere = null;
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
    map.on("locationfound", function (e) {
      if (youAreHere) { map.removeLayer(youAreHere); }
      youAreHere = L.layerGroup([
        L.circle(e.latlng, { radius: Math.min(e.accuracy, 2000), color: "#0b6e6a", weight: 1, fillOpacity: 0.08, interactive: false }),
        L.circleMarker(e.latlng, { radius: 8, color: "#fff", weight: 3, fillColor: "#0b6e6a", fillOpacity: 1, interactive: false })
      ]).addTo(map);
      var area = null;
      areasLayer.eachLayer(function (layer) { if (!area && contains(layer, e.latlng)) { area = layer.feature.properties.name; } });
      say(area ? t("located_in", { area: area }) : t("located"));
    });
    map.on("locationerror", function () { say(t("locate_error")); });
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
    ["fullscreenchange", "webkitfullscreenchange"].forEach(function (name) {
      doc.addEventListener(name, function () {
        relabelTools();
        setTimeout(function () { map.invalidateSize(); }, 50);
      });
    });
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

    // A side's region: its community areas' outlines, dashed, with its activities in a popup.
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
      counts = areaCounts();
      breaks = classes(counts);
      areasLayer.eachLayer(function (layer) {
        var n = counts[layer.feature.properties.number] || 0;
        layer.setStyle({
          fillColor: shade(n), fillOpacity: n ? 0.55 : 0.75, color: n ? "#4b3a78" : "#d7774f",
          weight: 1, opacity: n ? 0.7 : 0.8
        });
      });
      renderLegend(citywide, bySide);
      container.setAttribute("data-citywide", String(citywide));
      container.setAttribute("data-sides", sides.filter(function (sd) { return sd.shown; })
        .map(function (sd) { return sd.key + ":" + sd.shown; }).join(","));
    }

    mapApi = {
      map: map,
      cluster: cluster,
      update: updateMap,
      relabel: function () {
        container.setAttribute("aria-label", t("map_label"));
        relabelTools();
      },
      revealSide: function (side, index) {
        var layer = sideLayer(side);
        if (!map.hasLayer(layer)) { layer.addTo(map); }
        side.highlight = index;
        map.fitBounds(layer.getBounds(), { animate: false });
        layer.openPopup(layer.getBounds().getCenter());
      },
      reveal: function (place, index) {
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
    };
    relabelTools();
    updateMap();
  }

  function mapUnavailable() {
    var box = $("hm-map-message");
    box.textContent = t("map_unavailable");
    box.hidden = false;
    doc.body.classList.add("hm-no-map");
    if (view === "map") { setView("list"); }
  }

  window.HealingMap = {
    attach: function (map, areasLayer) {
      try { attach(map, areasLayer); } catch (e) { mapApi = null; mapUnavailable(); throw e; }
    },
    mapUnavailable: mapUnavailable,
    map: function () { return mapApi && mapApi.map; },
    state: function () { return Object.assign({}, state, { shown: shown.slice(), language: language }); },
    events: events
  };

  bindControls();
  setLanguage(language, false);   // fills labels and selects, then renders everything
  setView("map");
}());
