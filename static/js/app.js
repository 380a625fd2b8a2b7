/* Every page: install the service worker (the app on the home screen, the offline page);
   signing out removes what this phone keeps (an unsent diary entry, the cached shell);
   Settings: push reminders to this phone, on or off. */
(function () {
  "use strict";

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  }

  // What the diary keeps while offline (diary.js) lives here.
  window.ldnOutbox = {
    open() {
      return new Promise((resolve, reject) => {
        const request = indexedDB.open("ldn", 1);
        request.onupgradeneeded = () => request.result.createObjectStore("outbox");
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    },
    async run(mode, fn) {
      const db = await this.open();
      return new Promise((resolve, reject) => {
        const tx = db.transaction("outbox", mode);
        const result = fn(tx.objectStore("outbox"));
        tx.oncomplete = () => { db.close(); resolve(result && result.result); };
        tx.onerror = () => { db.close(); reject(tx.error); };
      });
    },
    put(value) { return this.run("readwrite", (store) => store.put(value, "diary")); },
    get() { return this.run("readonly", (store) => store.get("diary")); },
    clear() { return this.run("readwrite", (store) => store.delete("diary")); },
  };

  async function forget() {
    try { await window.ldnOutbox.clear(); } catch (e) { /* nothing kept */ }
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase("ldn");
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
    if (window.caches) {
      for (const name of await caches.keys()) await caches.delete(name);
    }
    // This phone's push subscription is the account's: the next person to sign in here
    // makes a fresh one (the server refuses to hand one account's to another).
    try {
      const registration = await navigator.serviceWorker.getRegistration();
      const existing = registration && await registration.pushManager.getSubscription();
      if (existing) {
        await post("/push/unsubscribe/", { endpoint: existing.endpoint }).catch(() => {});
        await existing.unsubscribe();
      }
    } catch (e) { /* no push here */ }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches("form[data-sign-out]") || form.dataset.cleared) return;
    event.preventDefault();
    forget().finally(() => { form.dataset.cleared = "1"; form.submit(); });
  });

  // Settings: push reminders to this phone.
  function base64ToBytes(text) {
    const padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  async function post(url, body) {
    const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
    const response = await fetch(url, {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body), credentials: "same-origin",
    });
    if (!response.ok) throw new Error("not saved");
    return response.json();
  }

  async function togglePush(button) {
    const status = document.getElementById("push-status");
    const say = (text) => { status.textContent = text; };
    try {
      const registration = await navigator.serviceWorker.ready;
      const existing = await registration.pushManager.getSubscription();
      if (existing) {
        await post(button.dataset.unsubscribe, { endpoint: existing.endpoint });
        await existing.unsubscribe();
        say(button.dataset.offText);
        button.textContent = button.dataset.onLabel;
        return;
      }
      if ((await Notification.requestPermission()) !== "granted") {
        say(button.dataset.deniedText);
        return;
      }
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: base64ToBytes(button.dataset.key),
      });
      await post(button.dataset.subscribe, subscription.toJSON());
      say(button.dataset.onText);
      button.textContent = button.dataset.offLabel;
    } catch (error) {
      say(button.dataset.failedText);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const button = document.getElementById("push-toggle");
    if (!button) return;
    if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
      document.getElementById("push-status").textContent = button.dataset.unsupportedText;
      return;
    }
    button.hidden = false;
    navigator.serviceWorker.ready.then((r) => r.pushManager.getSubscription()).then((s) => {
      button.textContent = s ? button.dataset.offLabel : button.dataset.onLabel;
    });
    button.addEventListener("click", () => togglePush(button));
  });
})();
