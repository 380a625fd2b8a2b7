/* Today's diary: when a save does not go through (the server could not save it, or the
   phone has no connection), say so by the Save button and keep everything typed. htmx
   swaps nothing on an error response, so the form the patient filled in stays as it was. */
(function () {
  "use strict";

  const MESSAGES = {
    offline: "Your entry was not saved: there is no connection. Everything you chose is still here; press Save again when you are back online.",
    unavailable: "Your entry was not saved: LDN Tracker is briefly unavailable. Everything you chose is still here; press Save again in a minute.",
    failed: "Your entry was not saved: something went wrong on our side. Everything you chose is still here; press Save again.",
  };

  function slot(event) {
    const form = event.target.closest && event.target.closest("form.diary-form");
    return form ? form.querySelector("#save-problem") : null;
  }

  function show(event, text) {
    const box = slot(event);
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
    box.focus();
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const box = slot(event);
    if (box) { box.hidden = true; box.textContent = ""; }
  });
  document.addEventListener("htmx:sendError", (event) => show(event, MESSAGES.offline));
  document.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    show(event, status === 503 ? MESSAGES.unavailable : MESSAGES.failed);
  });
})();
