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
  // Fields that apply only for some answers of another field (<div data-show-when='{"name":
  // ["answer", …]}'>, from the form's ShowWhen): hidden while no answer applies, so that the
  // tab order skips them. Never hidden: a field with an error or a value (data-show-keep from
  // the server, or something the user typed or chose here). Without JavaScript every field
  // shows and the server ignores the ones that do not apply.
  function answersOf(form, name) {
    var values = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name !== name || el.disabled) {
        return;
      }
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { values.push(el.value || "on"); }
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { values.push(o.value); });
      } else if (el.value !== "") {
        values.push(el.value);
      }
    });
    return values;
  }
  function holdsValue(box) {
    return Array.prototype.some.call(box.querySelectorAll("input, select, textarea"), function (el) {
      if (el.type === "checkbox" || el.type === "radio") { return el.checked !== el.defaultChecked && el.checked; }
      if (el.tagName === "SELECT") {
        return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected && o.value !== ""; });
      }
      return el.type !== "hidden" && el.value !== "" && el.value !== el.defaultValue;
    });
  }
  function syncConditional(box) {
    var form = box.closest("form");
    var rule;
    try { rule = JSON.parse(box.getAttribute("data-show-when")); } catch (e) { return; }
    if (!form || !rule) { return; }
    var applies = Object.keys(rule).some(function (name) {
      var wanted = rule[name];
      return answersOf(form, name).some(function (v) { return wanted.indexOf(v) !== -1; });
    });
    var keep = box.hasAttribute("data-show-keep") || box.querySelector(".field-errors") || holdsValue(box);
    box.hidden = !(applies || keep);
  }
  function syncAllConditional(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("[data-show-when]"), syncConditional);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { syncAllConditional(); });
  } else {
    syncAllConditional();
  }
  ["change", "input"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var form = event.target.form || (event.target.closest && event.target.closest("form"));
      if (form && form.querySelector("[data-show-when]")) { syncAllConditional(form); }
    });
  });
  document.addEventListener("htmx:afterSwap", function (event) { syncAllConditional(event.target); });
  // Tables that stack into one card per row on a narrow screen (<table class="stack">): each
  // cell is labelled with its column's heading.
  function labelStackedCells() {
    Array.prototype.forEach.call(document.querySelectorAll("table.stack"), function (table) {
      // Every cell of the heading row, an empty corner cell included, so that the columns
      // line up with each row's cells (a row may start with its own heading).
      var headRow = table.querySelector("thead tr:last-child");
      var heads = Array.prototype.map.call(headRow ? headRow.children : [], function (th) {
        return th.textContent.trim();
      });
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr, tfoot tr"), function (row) {
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
