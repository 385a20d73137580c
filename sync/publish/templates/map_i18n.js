/* Healing map, part 2 of 7: the page's words, numbers, dates and times in the chosen language.
 *
 * Labels come from the page data (D.labels, from map_labels.json and the config); times are
 * wall-clock minutes since the campaign's first day, shown as UTC so no time zone ever applies.
 */
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

// ---------- switching language ----------
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
  relabelStamp();
  relabelSwitcher();
  fillSelect($("hm-type"), "any_type", D.types, "type:");
  fillSelect($("hm-language"), "any_language", D.languages, "lang:");
  fillAreas();
  relabelExtras();
  if (mapApi) { mapApi.relabel(); }
  update();
}
function relabelStamp() {
  var stamp = $("hm-updated");
  stamp.textContent = "";
  var parts = t("updated").split("{time}");
  stamp.appendChild(doc.createTextNode(parts[0]));
  stamp.appendChild(el("time", { datetime: stamp.getAttribute("data-iso"), text: format("stamp", D.now) }));
  stamp.appendChild(doc.createTextNode(parts.slice(1).join("")));
}
function relabelSwitcher() {
  var switcher = $("hm-lang-switch");
  if (switcher) {
    var other = D.langs[(D.langs.indexOf(language) + 1) % D.langs.length];
    var names = D.labels[other] || {};
    switcher.textContent = names.language_name || other;
    switcher.setAttribute("lang", other);
    switcher.setAttribute("title", names.switch_language_label || "");
  }
}
