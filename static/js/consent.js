// Consent registration: show the fields that fit how the consent was given (written: the
// scan; oral: who took it and the wording). Without JavaScript every field stays visible.
(function () {
  "use strict";
  function update(form) {
    var checked = form.querySelector("input[name='form']:checked");
    if (!checked) { return; }
    var groups = form.querySelectorAll("[data-consent-form]");
    for (var i = 0; i < groups.length; i++) {
      groups[i].hidden = groups[i].getAttribute("data-consent-form") !== checked.value;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var radios = document.querySelectorAll("input[name='form']");
    if (!radios.length) { return; }
    var form = radios[0].form;
    update(form);
    form.addEventListener("change", function (event) {
      if (event.target.name === "form") { update(form); }
    });
  });
})();
