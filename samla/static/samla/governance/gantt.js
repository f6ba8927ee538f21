// The Gantt chart's zoom switch: the page holds the chart at both scales (month and quarter);
// the buttons show one and hide the other without a reload, mark the pressed button, keep
// the choice in the address and tell screen readers. Without script the buttons submit
// ?zoom=… and the server shows the chosen scale.
(function () {
  "use strict";

  function choose(section, buttons, zoom) {
    section.querySelectorAll("[data-gantt]").forEach(function (chart) {
      chart.hidden = chart.getAttribute("data-gantt") !== zoom;
    });
    var announcement = "";
    buttons.forEach(function (button) {
      var on = button.value === zoom;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.setAttribute("data-variant", on ? "primary" : "secondary");
      if (on) { announcement = button.getAttribute("data-announce") || ""; }
    });
    var status = section.querySelector("[data-gantt-status]");
    if (status) { status.textContent = announcement; }
    var url = new URL(window.location.href);
    url.searchParams.set("zoom", zoom);
    window.history.replaceState(window.history.state, "", url.toString());
  }

  function setUp(form) {
    var section = form.closest("[data-gantt-section]");
    if (!section) { return; }
    var buttons = Array.prototype.slice.call(form.querySelectorAll("button[name=zoom]"));
    buttons.forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        choose(section, buttons, button.value);
      });
    });
  }

  function start() {
    document.querySelectorAll("form[data-gantt-zoom]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
