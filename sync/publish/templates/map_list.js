/* Healing map, part 3 of 7: the list of activities, its notices, and the coverage summary.
 *
 * The list is rendered PAGE items at a time, grouped by day; "Show more" appends the next ones.
 */
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
    }) : null,
    shareButton(ev, "hm-share-button"),
    calendarLinks(ev)
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
      extraLines(ev), desc, toggle, actions
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
