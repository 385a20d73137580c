/* Healing map, part 5 of 7: the markers of places and the popups that list their activities.
 *
 * One marker per place (made on first use, kept for the page's life); its popup lists the
 * activities shown there, sized from the map and resized with it.
 */
var lastMarker = null;    // the marker whose popup opened last (Escape and focus return)

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
    list.appendChild(popupItem(events[k], k === highlight));
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
function popupItem(ev, highlighted) {
  return el("li", { className: highlighted ? "hm-popup-item hm-highlight" : "hm-popup-item" }, [
    el("p", { className: "hm-when" }, [el("time", { datetime: isoMinutes(ev.start), text: format("short", ev.start) + " · " + timeRange(ev) })]),
    el("h4", { className: "hm-popup-item-title", text: ev.title }),
    el("p", { className: "hm-meta" }, [el("span", { className: "hm-type", text: typeName(ev) })]),
    ev.org ? el("p", { className: "hm-org", text: t("by", { org: ev.org }) }) : null,
    langNames(ev.langs).length ? el("p", { className: "hm-langs", text: t("languages") + ": " + langNames(ev.langs).join(", ") }) : null,
    extraLines(ev),
    linkOf(ev) ? joinLink(ev, "hm-join hm-join-small") : null,
    shareButton(ev, "hm-share-button hm-share-small"),
    calendarLinks(ev, "hm-cal-small")
  ]);
}

function bindPopupKeys() {
  // Escape closes a popup wherever the focus is in the map (Leaflet only listens on the map itself).
  container.addEventListener("keydown", function (e) {
    if ((e.key === "Escape" || e.key === "Esc") && map.hasLayer && lastMarker && lastMarker.isPopupOpen()) {
      e.preventDefault();
      e.stopPropagation();
      map.closePopup();
    }
  });
  map.on("resize", function () {
    var options = popupOptions();
    places.forEach(function (p) { if (p.marker) { L.setOptions(p.marker.getPopup(), options); } });
  });
}

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
