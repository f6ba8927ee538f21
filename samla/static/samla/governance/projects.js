// Phases page: after a checklist item is ticked (htmx swaps the gate's checklist), keep the
// keyboard focus on the same item's button rather than losing it to the page.
(function () {
  "use strict";
  var focusedId = null;
  document.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    focusedId = active && active.id && active.id.indexOf("tick-") === 0 ? active.id : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    if (!focusedId) return;
    var again = document.getElementById(focusedId);
    if (again) again.focus();
    focusedId = null;
  });
})();
