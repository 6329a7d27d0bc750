/* The status form: the hold/drop reason only shows for the statuses that take one (보류, 폐기).
 * Switching to another status hides the reason and empties it, so a stale reason is not sent;
 * switching back brings the typed text back. Without JavaScript the field stays visible and
 * the server drops a reason the chosen status does not take. No inline script (CSP). */
(function () {
  "use strict";
  function wire(reason) {
    var status = document.getElementById(reason.getAttribute("data-reason-for"));
    var field = reason.closest(".field");
    if (!status || !field) return;
    var takes = (status.getAttribute("data-reason-statuses") || "").split(" ");
    var kept = "";
    function sync() {
      var shown = takes.indexOf(status.value) !== -1;
      if (!shown && reason.value) { kept = reason.value; reason.value = ""; }
      if (shown && !reason.value && kept) { reason.value = kept; }
      field.hidden = !shown;
    }
    status.addEventListener("change", sync);
    sync();
  }
  function init() {
    document.querySelectorAll("textarea[data-reason-for]").forEach(wire);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
