// Familjelotsen: small progressive enhancements. No inline scripts (strict CSP).
(function () {
  "use strict";
  // Confirmation for destructive actions: <form data-confirm="…">
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var text = form.getAttribute && form.getAttribute("data-confirm");
    if (text && !window.confirm(text)) {
      event.preventDefault();
    }
  });
  // Auto-submit filter selects when changed (htmx does the request when present).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && !window.htmx) {
      el.form.submit();
    }
  });
})();
