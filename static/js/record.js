/* The record's sections fold (issue 23): on a phone the sections below the status, the
   alerts and the reviews start closed until the clinician opens one; whatever they open or
   close is remembered for them on every patient and device (POST /clinic/record-sections/).
   Without JavaScript every section stays open. */
(function () {
  "use strict";

  const phone = window.matchMedia("(max-width: 40rem)");

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (_e) { return ""; }
  }

  function remember(details) {
    const url = document.querySelector("[data-folds-url]");
    if (!url) return;
    const body = new URLSearchParams({ fold: details.dataset.fold, open: details.open ? "1" : "0" });
    details.setAttribute("data-remembered", "");
    fetch(url.dataset.foldsUrl, {
      method: "POST", body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Content-Type": "application/x-www-form-urlencoded" },
    }).catch(() => {});  // offline: the section still opens; it is not remembered this time
  }

  function init(root) {
    const found = root.querySelectorAll ? root.querySelectorAll("details[data-fold]") : [];
    for (const details of found) {
      if (details.dataset.foldReady) continue;
      details.dataset.foldReady = "1";
      if (phone.matches && details.hasAttribute("data-phone-closed") && !details.hasAttribute("data-remembered")) {
        details.open = false;
        details.dataset.foldQuiet = "1";  // closed by the page, not by the clinician
      }
      details.addEventListener("toggle", () => {
        if (details.dataset.foldQuiet) { delete details.dataset.foldQuiet; return; }
        remember(details);
      });
    }
  }

  if (window.htmx) window.htmx.onLoad(init);
  else document.addEventListener("DOMContentLoaded", () => init(document));
})();
