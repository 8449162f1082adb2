// New report: a scheduled period fills the dates itself, so the own-date fields are only
// open while "Own dates" is chosen. Without JavaScript the form works the same (the chosen
// period wins on the server).
(function () {
  "use strict";
  function sync(select) {
    var form = select.form;
    var own = !select.value;
    ["period_start", "period_end"].forEach(function (name) {
      var input = form.elements[name];
      if (input) {
        input.disabled = !own;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector("[data-report-preset]");
    if (!select) {
      return;
    }
    sync(select);
    select.addEventListener("change", function () {
      sync(select);
    });
  });
})();
