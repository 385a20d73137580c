/* Healing map: "Share" on every card and popup.
 *
 * The link is the full map's address (map_url.js mapAddress) with the page's filters and the
 * activity in its fragment. Where the browser has the Web Share API (phones, mostly) the system's
 * share sheet takes it; otherwise it is copied (navigator.clipboard); where neither works — no
 * clipboard on plain http, a partner's frame without the permission — the link is shown selected in
 * a field to copy by hand. What happened is said in a status line (role=status) screen readers read.
 */
var SHARE_NOTE_MS = 6000;  // how long "Link copied" stays on screen
var shareBox = null, shareText = null, shareField = null, shareTimer = null, shareFrom = null;

function shareButton(ev, className) {
  return el("button", {
    type: "button", className: className,
    onclick: function (e) { shareActivity(ev, e.currentTarget); }
  }, [t("share"), el("span", { className: "hm-sr", text: ": " + ev.title })]);
}
function shareActivity(ev, button) {
  var url = mapAddress() + "#" + addressOf(ev.id);
  var data = { title: ev.title, url: url };
  shareFrom = button;
  if (typeof navigator.share === "function" && (!navigator.canShare || navigator.canShare(data))) {
    navigator.share(data).catch(function (err) {
      if (!err || err.name !== "AbortError") { copyLink(url); }  // cancelled by the visitor: nothing to say
    });
    return;
  }
  copyLink(url);
}
function copyLink(url) {
  var clipboard = navigator.clipboard;
  if (!clipboard || typeof clipboard.writeText !== "function") { shareSay(t("share_select"), url); return; }
  clipboard.writeText(url).then(function () { shareSay(t("share_copied"), null); },
    function () { shareSay(t("share_select"), url); });
}
// At start, before the first render (map_main.js): the status line, made now so that screen readers
// know it before it speaks, then the address's filters, language and activity (map_url.js).
function startShare() {
  shareText = el("p", { className: "hm-share-text", id: "hm-share-status", role: "status", "aria-live": "polite" });
  shareField = el("input", { type: "text", className: "hm-share-field", id: "hm-share-field", readonly: true,
    "data-i18n-label": "share_link", "aria-label": t("share_link") });
  var close = el("button", {
    type: "button", className: "hm-share-close", "data-i18n-label": "share_close", "aria-label": t("share_close"),
    title: t("share_close"), onclick: closeShare
  }, [el("span", { "aria-hidden": "true", text: "×" })]);
  shareBox = el("div", { className: "hm-share", id: "hm-share" }, [shareText, shareField, close]);
  shareBox.hidden = true;
  shareBox.addEventListener("keydown", function (e) { if (e.key === "Escape" || e.key === "Esc") { closeShare(); } });
  doc.body.appendChild(shareBox);
  readAddress();
}
function shareSay(text, url) {
  clearTimeout(shareTimer);
  shareBox.hidden = false;
  shareText.textContent = text;
  shareField.hidden = !url;
  if (url) {
    shareField.value = url;
    shareField.focus();
    shareField.select();
  } else {
    shareTimer = setTimeout(function () { shareBox.hidden = true; shareText.textContent = ""; }, SHARE_NOTE_MS);
  }
}
function closeShare() {
  clearTimeout(shareTimer);
  var back = !shareField.hidden && shareFrom && doc.contains(shareFrom) ? shareFrom : null;
  shareBox.hidden = true;
  shareText.textContent = "";
  if (back) { back.focus(); }
}
