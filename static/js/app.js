// Bro's only script besides htmx. Everything works without it; it only makes things nicer.
(function () {
  "use strict";

  // "Show password": a plain password field without JS; with JS, a checkbox reveals it.
  function enhance(root) {
    root.querySelectorAll("[data-show-password]").forEach(function (box) {
      var input = document.getElementById(box.getAttribute("data-show-password"));
      if (!input) return;
      box.closest("label").hidden = false;
      box.addEventListener("change", function () {
        input.type = box.checked ? "text" : "password";
      });
    });
  }

  // After htmx swaps in a form with errors (or a new code), move focus there and announce it.
  function focusSwapped() {
    var target = document.querySelector("[data-autofocus]");
    if (target) {
      target.focus();
      target.removeAttribute("data-autofocus");
    }
  }

  // The service worker (/sw.js): notices on this phone, and My calendar and My plan offline.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:after:swap", function () {
    enhance(document);
    focusSwapped();
  });
})();
