/* Healing map: calendars. "Add to calendar" on every card and popup, and "Subscribe" to a feed.
 *
 * An activity's calendar file is public/calendar/event/<id>.ics, written at sync time with the feeds
 * (sync/publish/calendar.py), so its link works with any calendar program and is tested like the feeds;
 * the Google Calendar link is built here from the activity's own data (its wall-clock times with
 * ctz, the campaign's time zone). "Subscribe" offers the feed of every activity and, when the area or
 * type filter is in use, that area's or type's feed: a webcal:// link (calendar programs subscribe on
 * opening it) when the page knows its public address, and the feed's address to copy.
 * Paths, the time zone and the activities without a start time come in the page data (D.cal).
 */
var CAL = D.cal || null;
var GOOGLE_TEMPLATE = "https://calendar.google.com/calendar/render?action=TEMPLATE";
var calAllDay = {};
if (CAL) { CAL.allDay.forEach(function (id) { calAllDay[id] = true; }); }

// ---------- one activity ----------
function calendarLinks(ev, className) {
  if (!CAL) { return null; }
  return el("span", { className: "hm-cal" + (className ? " " + className : "") }, [
    // Activity ids are hex digests (sync.publish.event_id); anything else has no file.
    /^[A-Za-z0-9_-]+$/.test(ev.id) ? el("a", { className: "hm-cal-ics", href: CAL.event + ev.id + ".ics", type: "text/calendar" }, [
      t("calendar_add"), el("span", { className: "hm-sr", text: ": " + ev.title + " (" + t("calendar_file") + ")" })]) : null,
    el("a", { className: "hm-cal-google", href: googleCalendarLink(ev), target: "_blank", rel: "noopener noreferrer" }, [
      t("calendar_google"), el("span", { className: "hm-sr", text: ": " + ev.title + " (" + t("new_tab") + ")" })])
  ]);
}
// 20261205T183000 (a wall-clock time: Google reads it in ctz), or 20261205 for a date.
function calStamp(minutes, withTime) {
  var iso = toDate(minutes).toISOString();  // wall-clock minutes shown as UTC (map_i18n.js)
  var day = iso.slice(0, 10).replace(/-/g, "");
  return withTime ? day + "T" + iso.slice(11, 19).replace(/:/g, "") : day;
}
// As in the feeds: no markup reaches a calendar that shows descriptions as HTML.
function calPlain(text) { return String(text).replace(/\u003c/g, "\u2039").replace(/\u003e/g, "\u203a"); }
function googleCalendarLink(ev) {
  var day = Math.floor(ev.start / 1440) * 1440;
  var dates = calAllDay[ev.id] ? calStamp(day, false) + "/" + calStamp(day + 1440, false)
    : calStamp(ev.start, true) + "/" + calStamp(endOf(ev), true);
  var link = linkOf(ev);
  var details = [ev.description, link ? t("join") + ": " + link : ""].filter(Boolean).join("\n\n");
  var where = ev.place || ev.side ? placeName(ev) + ", Chicago" : t("citywide");
  return GOOGLE_TEMPLATE + "&text=" + encodeURIComponent(calPlain(ev.title)) + "&dates=" + dates +
    "&ctz=" + encodeURIComponent(CAL.tz) + "&details=" + encodeURIComponent(calPlain(details)) +
    "&location=" + encodeURIComponent(calPlain(where));
}

// ---------- subscribing ----------
// The feeds the filters point to: every activity, then the area (or side) and the type in use.
function currentFeeds() {
  var feeds = [[t("subscribe_all"), CAL.all]];
  var area = state.area || "";
  if (!area && state.place >= 0 && places[state.place].area) { area = String(places[state.place].area); }
  if (area.indexOf("side:") === 0 && CAL.sides[area.slice(5)]) {
    feeds.push([t("subscribe_area", { area: sideName({ key: area.slice(5) }) }), CAL.sides[area.slice(5)]]);
  } else if (area && CAL.areas[area]) {
    feeds.push([t("subscribe_area", { area: areaNames[Number(area)] }), CAL.areas[area]]);
  }
  if (state.type !== "" && CAL.types[Number(state.type)]) {
    feeds.push([t("subscribe_type", { type: typeName({ type: Number(state.type), detail: "" }) }),
      CAL.types[Number(state.type)]]);
  }
  return feeds;
}
function feedAddress(path) {
  if (CAL.base) { return CAL.base + path; }
  try { return /^https?:$/.test(location.protocol) ? new URL(path, doc.baseURI).href : path; } catch (e) { return path; }
}
function feedItem(name, path, k) {
  var address = feedAddress(path);
  var field = el("input", { type: "text", readonly: true, className: "hm-feed-address", id: "hm-feed-" + k, value: address,
    "aria-label": t("subscribe_address", { feed: name }), onfocus: function () { field.select(); } });
  var done = el("span", { className: "hm-feed-copied", role: "status" });
  return el("li", { className: "hm-feed" }, [
    el("span", { className: "hm-feed-name", text: name }),
    CAL.base ? el("a", { className: "hm-button hm-feed-open", href: "webcal://" + address.split("://")[1] }, [
      t("subscribe_open"), el("span", { className: "hm-sr", text: ": " + name })]) : null,
    el("span", { className: "hm-feed-copy" }, [field,
      el("button", { type: "button", className: "hm-linkbutton", "aria-describedby": "hm-feed-" + k,
        text: t("subscribe_copy"), onclick: function () { copyFeed(field, done); } }), done])
  ]);
}
function copyFeed(field, done) {
  function copied() { done.textContent = t("subscribe_copied"); }
  field.focus();
  field.select();
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(field.value).then(copied, function () { if (doc.execCommand("copy")) { copied(); } });
  } else if (doc.execCommand("copy")) { copied(); }
}
// Called after every update(): the list follows the filters (and the language).
function renderSubscribe() {
  var box = $("hm-feeds");
  if (!box || !CAL) { return; }
  box.textContent = "";
  currentFeeds().forEach(function (f, k) { box.appendChild(feedItem(f[0], f[1], k)); });
}
