/* Today's diary on a phone.
   - Quick choices for the hours slept (a tap instead of typing).
   - A failed save moves focus to the error summary at the top, which lists each problem.
   - A save that cannot reach the server is kept on this phone (IndexedDB, only that one
     entry) and sent when the network is back; the entry's version makes a repeated send
     harmless. The page says plainly that it waits. A server that could not save it says
     so, keeping everything typed (htmx swaps nothing on an error). */
(function () {
  "use strict";

  const MESSAGES = {
    waiting: "Saved on this phone — will send when you are back online.",
    unavailable: "Your entry was not saved: LDN Tracker is briefly unavailable. Everything you chose is still here; press Save again in a minute.",
    failed: "Your entry was not saved: something went wrong on our side. Everything you chose is still here; press Save again.",
  };

  const form = () => document.querySelector("form.diary-form");

  function say(text, { waiting = false } = {}) {
    const box = document.getElementById("save-problem");
    if (!box) return;
    box.textContent = text;
    box.classList.toggle("save-problem--waiting", waiting);
    box.hidden = !text;
    if (text) box.focus();
  }

  function swapDiary(html) {
    const current = document.getElementById("diary");
    if (current && window.htmx) window.htmx.swap(current, html, { swapStyle: "outerHTML" });
  }

  async function keep(formData) {
    const entry = {};
    for (const [name, value] of formData.entries()) entry[name] = value;
    await window.ldnOutbox.put({ entry, kept_at: new Date().toISOString() });
    say(MESSAGES.waiting, { waiting: true });
  }

  let sending = false;
  async function sendKept() {
    if (sending || !navigator.onLine || !window.ldnOutbox) return;
    const kept = await window.ldnOutbox.get().catch(() => null);
    if (!kept) return;
    sending = true;
    try {
      const body = new URLSearchParams(kept.entry);
      const response = await fetch("/diary/", {
        method: "POST", body, credentials: "same-origin",
        headers: { "HX-Request": "true", "X-CSRFToken": kept.entry.csrfmiddlewaretoken || "" },
      });
      if (response.status >= 500) return say(MESSAGES.waiting, { waiting: true });
      const html = await response.text();
      await window.ldnOutbox.clear();  // sent: the server has it (or says what to fix)
      if (response.ok && html.includes('id="diary"')) swapDiary(html);
    } catch (error) {
      say(MESSAGES.waiting, { waiting: true });  // the network dropped again: still here
    } finally {
      sending = false;
    }
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    if (event.target.closest && event.target.closest("form.diary-form")) say("");
  });
  document.addEventListener("htmx:sendError", (event) => {
    const diary = event.target.closest && event.target.closest("form.diary-form");
    if (diary && event.detail.requestConfig && event.detail.requestConfig.verb === "post") {
      keep(new FormData(diary)).catch(() => say(MESSAGES.failed));
    }
  });
  document.addEventListener("htmx:responseError", (event) => {
    if (!(event.target.closest && event.target.closest("form.diary-form"))) return;
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    say(status === 503 ? MESSAGES.unavailable : MESSAGES.failed);
  });

  // After a save comes back with problems: the summary at the top gets the focus, so a
  // screen reader reads it and the patient sees it, whatever they had scrolled to.
  function focusProblems(root) {
    const summary = (root || document).querySelector("#error-summary");
    if (summary) {
      summary.focus();
      summary.scrollIntoView({ block: "start" });
    }
  }

  function quickChoices(root) {
    for (const button of (root || document).querySelectorAll("[data-fill]")) {
      button.addEventListener("click", () => {
        const input = document.getElementById(button.dataset.fill);
        input.value = button.dataset.value;
        input.dispatchEvent(new Event("change", { bubbles: true }));
        for (const other of button.parentElement.querySelectorAll("[data-fill]")) {
          other.setAttribute("aria-pressed", String(other === button));
        }
      });
    }
  }

  function ready(root) {
    quickChoices(root);
    focusProblems(root);
  }

  if (window.htmx) {
    window.htmx.onLoad((root) => ready(root));
  } else {
    document.addEventListener("DOMContentLoaded", () => ready(document));
  }
  window.addEventListener("online", sendKept);
  document.addEventListener("DOMContentLoaded", () => {
    if (!form()) return;
    if (navigator.onLine) sendKept();
    else window.ldnOutbox.get().then((kept) => kept && say(MESSAGES.waiting, { waiting: true })).catch(() => {});
  });
})();

/* The mg a measured amount makes, shown beside it as the patient types (SPEC §3a: "1.5 mL =
   1.5 mg"). The server computes the stored mg exactly; this is only the preview. */
(function () {
  "use strict";
  function show(input) {
    const out = input.closest(".dose-measured")?.querySelector("output.dose-mg");
    if (!out) return;
    const amount = Number(input.value.replace(",", "."));
    const strength = Number(out.dataset.strength);
    if (!input.value || !Number.isFinite(amount) || amount <= 0) { out.textContent = ""; return; }
    const mg = Math.round(amount * strength * 100) / 100;
    out.textContent = "= " + mg.toLocaleString(document.documentElement.lang || undefined) + " mg";
  }
  document.addEventListener("input", (event) => {
    if (event.target.matches?.('input[name="dose_amount"]')) show(event.target);
  });
})();
