// The client portal. Elements with data-poll="<seconds>" are asked to refresh themselves (the
// htmx "poll" event) that often, only while the tab is visible, and at once when it is shown
// again: a hidden tab costs the server nothing.
(function () {
  "use strict";

  function poll() {
    if (document.visibilityState !== "visible" || !window.htmx) return;
    document.querySelectorAll("[data-poll]").forEach(function (element) {
      window.htmx.trigger(element, "poll");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var first = document.querySelector("[data-poll]");
    if (!first) return;
    var seconds = Math.max(parseInt(first.getAttribute("data-poll"), 10) || 15, 1);
    window.setInterval(poll, seconds * 1000);
    document.addEventListener("visibilitychange", poll);
  });
})();
