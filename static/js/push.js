// "Get notices on this phone": subscribes this browser to Bro's notices (web push). Only on
// My page → Notifications; without JavaScript the button stays hidden and nothing else changes.
(function () {
  "use strict";

  function keyBytes(base64url) {
    var text = atob((base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+").replace(/_/g, "/"));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  function start() {
    var box = document.getElementById("push-subscribe");
    if (!box) return;
    var button = document.getElementById("push-button");
    var status = document.getElementById("push-status");
    var able = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
    if (!able) {
      // An iPhone takes notices only in Bro added to the home screen: say how.
      if (/iPhone|iPad/.test(navigator.userAgent)) {
        box.hidden = false;
        button.hidden = true;
        status.textContent = box.getAttribute("data-iphone");
      }
      return;
    }
    box.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      Notification.requestPermission().then(function (answer) {
        if (answer !== "granted") throw new Error("denied");
        return navigator.serviceWorker.register("/sw.js", { scope: "/" })
          .then(function () { return navigator.serviceWorker.ready; });
      }).then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: keyBytes(box.getAttribute("data-key"))
        });
      }).then(function (subscription) {
        return fetch(box.getAttribute("data-url"), {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json",
                     "X-CSRFToken": box.getAttribute("data-csrf") },
          body: JSON.stringify(subscription.toJSON())
        });
      }).then(function (response) {
        if (response.ok) { window.location.reload(); return null; }
        return response.json().then(function (answer) { throw { said: answer.error }; });
      }).catch(function (error) {
        button.disabled = false;
        // Bro's own answer (in the person's language) when it gave one.
        status.textContent = error.said || box.getAttribute(
          error.message === "denied" ? "data-denied" : "data-failed");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
