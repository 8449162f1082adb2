// Reminder pages: copy the private calendar address. No inline scripts (strict CSP).
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    if (!navigator.clipboard) {
      return; // the address stays selectable by hand
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy-target"));
      navigator.clipboard.writeText(field.value).then(function () {
        var done = document.querySelector("[data-copy-done]");
        if (done) {
          done.hidden = false;
        }
      });
    });
  });
})();
