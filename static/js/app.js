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
  // A form sent back with errors: the summary at the top takes the focus (and is read out),
  // and each of its links moves the focus to its field, not only the scroll position.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      summary.scrollIntoView({ block: "center" });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrorSummary);
  } else {
    focusErrorSummary();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) {
      return;
    }
    event.preventDefault();
    var input = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
    (input || target).focus();
    target.scrollIntoView({ block: "center" });
  });
  // Tables that stack into one card per row on a narrow screen (<table class="stack">): each
  // cell is labelled with its column's heading.
  function labelStackedCells() {
    Array.prototype.forEach.call(document.querySelectorAll("table.stack"), function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (heads[i] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", heads[i]); }
        });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", labelStackedCells);
  } else {
    labelStackedCells();
  }
})();
