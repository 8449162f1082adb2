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

// A report's narrative saves itself a few seconds after each change (issue 19), so a long
// text is never lost; the save and export buttons stay in reach in the sticky bar. Without
// JavaScript the "Save the text" button does the same.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("report-form");
    if (!form) { return; }
    var url = form.getAttribute("data-autosave-url");
    var status = document.getElementById("report-autosave-status");
    var version = form.querySelector("input[name=version]");
    var DELAY = 3000;
    var timer = null;
    var busy = false;
    var again = false;
    var submitting = false;

    function say(key, text) {
      status.textContent = text || status.getAttribute("data-" + key);
      status.className = "draft-status" + (key === "failed" ? " notice notice--offline" : "");
    }

    function save() {
      timer = null;
      if (submitting) { return; }
      if (busy) { again = true; return; }
      busy = true;
      say("saving");
      var data = new FormData(form);
      data.delete("action");
      fetch(url, { method: "POST", body: data, credentials: "same-origin",
                   headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        })
        .then(function (result) {
          if (result.ok) {
            version.value = result.body.version;
            say("saved");
          } else {
            say("failed", result.body.error);
          }
        })
        .catch(function () { say("failed"); })
        .then(function () {
          busy = false;
          if (again) { again = false; save(); }
        });
    }

    form.addEventListener("input", function (event) {
      if (event.target.tagName !== "TEXTAREA") { return; }
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(save, DELAY);
    });
    form.addEventListener("submit", function () {
      submitting = true;
      if (timer) { window.clearTimeout(timer); }
    });
  });
})();
