/* Healing map: staff's own questions ([[fields.extra]] in the config) on the cards, in the popups,
 * and as filters.
 *
 * D.extras describes the public ones (key, labels per language, type, whether a filter, the
 * answers offered); their answers are columns of E under D.keys.extras, one per question: text,
 * the index of a choice (-1: none), or a bit set of choices for a multi-choice question.
 * A filter's state is state["x" + k], "" for any answer.
 */
var EXTRAS = D.extras || [];
var EXTRA_COLUMNS = C.extras || [];

EXTRAS.forEach(function (x, k) {
  if (x.filter) { DEFAULTS["x" + k] = ""; state["x" + k] = ""; }
});

function extraLabel(x) { return x.labels[language] || x.labels[D.langs[0]] || x.key; }
function choiceName(x, c) {
  var answer = x.choices[c];
  if (x.type === "yes-no" && (answer === "yes" || answer === "no")) { return t("answer_" + answer); }
  return answer;
}
// The answer to question k as the page shows it ("" when none).
function extraText(ev, k) {
  var x = EXTRAS[k], value = EXTRA_COLUMNS[k][ev.index];
  if (value === undefined || value === null || value === "" || value === -1) { return ""; }
  if (x.type === "text") { return value; }
  if (x.type === "multi-choice") {
    return x.choices.map(function (c, bit) { return hasBit(value, bit) ? choiceName(x, bit) : ""; })
      .filter(Boolean).join(", ");
  }
  return choiceName(x, value) || "";
}
// One line per answered public question: "Label: answer" (a card's or a popup item's).
function extraLines(ev) {
  var lines = [];
  EXTRAS.forEach(function (x, k) {
    var text = extraText(ev, k);
    if (text) {
      lines.push(el("p", { className: "hm-extra", "data-key": x.key }, [
        el("span", { className: "hm-extra-label", text: extraLabel(x) + ": " }), text]));
    }
  });
  return lines.length ? el("div", { className: "hm-extras" }, lines) : null;
}
function extrasMatch(ev) {
  for (var k = 0; k < EXTRAS.length; k++) {
    var wanted = EXTRAS[k].filter ? state["x" + k] : "";
    if (wanted === "") { continue; }
    var value = EXTRA_COLUMNS[k][ev.index];
    if (EXTRAS[k].type === "multi-choice" ? !hasBit(value, Number(wanted)) : value !== Number(wanted)) { return false; }
  }
  return true;
}

// ---------- the filters: one select each, beside type and language ----------
function addExtraFilters() {
  var box = doc.querySelector(".hm-selects");
  EXTRAS.forEach(function (x, k) {
    if (!x.filter || !box) { return; }
    var select = el("select", { id: "hm-x" + k, "data-key": x.key, onchange: function (e) {
      var change = {};
      change["x" + k] = e.target.value;
      setState(change);
    } });
    box.appendChild(el("div", { className: "hm-field" }, [el("label", { "for": "hm-x" + k, id: "hm-x" + k + "-label" }), select]));
  });
}
function relabelExtras() {
  EXTRAS.forEach(function (x, k) {
    var select = $("hm-x" + k);
    if (!select) { return; }
    $("hm-x" + k + "-label").textContent = extraLabel(x);
    var value = select.value;
    select.textContent = "";
    select.appendChild(el("option", { value: "", text: t("any_answer") }));
    x.choices.forEach(function (c, i) { select.appendChild(el("option", { value: String(i), text: choiceName(x, i) })); });
    select.value = value;
  });
}
// Sets the selects from the state; how many of them filter.
function syncExtraControls() {
  var active = 0;
  EXTRAS.forEach(function (x, k) {
    var select = $("hm-x" + k);
    if (select) { select.value = state["x" + k]; active += state["x" + k] !== "" ? 1 : 0; }
  });
  return active;
}
addExtraFilters();
