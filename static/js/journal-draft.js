// Journal drafts that never get lost (SPEC §5.1).
// Online: the draft autosaves to the server a few seconds after each change.
// Offline (or when the server cannot be reached): the unsent text is kept in this browser's
// localStorage, the user is told so plainly, and it is offered back when the form is opened
// again - even after the tab was closed. The device copy is deleted as soon as the server has
// confirmed the text (an autosave answered, or the page after a save shows a newer version
// than the copy was made from), so no case text lingers on the device; a copy the server
// never confirmed is kept at most MAX_AGE (README, "Drafts on a shared device").
(function () {
  "use strict";
  var form = document.getElementById("journal-form");
  var done = document.querySelector("[data-draft-done]");
  if (!form && done) {
    // A signed entry: the device copy of its draft, if one is left, is no longer needed.
    try {
      var doneKey = done.getAttribute("data-draft-done");
      var copy = JSON.parse(window.localStorage.getItem(doneKey) || "null");
      var fields = (copy && copy.fields) || {};
      if (fields.entry_id === done.getAttribute("data-entry") ||
          (fields.draft_key && fields.draft_key === done.getAttribute("data-draft-key"))) {
        window.localStorage.removeItem(doneKey);
      }
    } catch (e) { /* nothing kept */ }
  }
  if (!form) { return; }
  var statusEl = document.getElementById("draft-status");
  var restoreBox = document.getElementById("draft-restore");
  var url = form.getAttribute("data-autosave-url");
  // One device draft per family: the ombud writes one entry at a time.
  var key = form.getAttribute("data-draft-key").replace(/:[^:]*$/, "");
  var entryInput = form.querySelector("input[name=entry_id]");
  var versionInput = form.querySelector("input[name=version]");
  var draftKeyInput = form.querySelector("input[name=draft_key]");
  var DELAY = 3000;
  var MAX_AGE = 72 * 3600 * 1000;
  var timer = null;
  var dirty = false;
  var saving = null;
  var keptHere = false;  // this page wrote the device copy (so it may send it when online)
  var submitting = false;

  function say(text, isError) {
    statusEl.textContent = text;
    statusEl.className = "draft-status notice" + (isError ? " notice--offline" : "");
  }

  function fieldsOf() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "submit" || el.type === "button" || el.name === "csrfmiddlewaretoken") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (!data[el.name]) { data[el.name] = []; }
        if (el.checked) { data[el.name].push(el.value); }
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function fill(data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data) || el.name === "csrfmiddlewaretoken") { return; }
      // The server's id and version win over the device copy's (which may be older).
      if ((el.name === "entry_id" || el.name === "version") && el.value) { return; }
      var value = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else if (el.type !== "submit") {
        el.value = value;
      }
    });
  }

  function readLocal() {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function keepLocal() {
    keptHere = true;
    try {
      window.localStorage.setItem(key, JSON.stringify({ savedAt: Date.now(), fields: fieldsOf() }));
      return true;
    } catch (e) { return false; }
  }
  function dropLocal() {
    try { window.localStorage.removeItem(key); } catch (e) { /* nothing kept */ }
  }

  function save() {
    if (saving) { return saving; }
    if (!navigator.onLine) {
      keepLocal();
      say(form.getAttribute("data-msg-offline"), true);
      return Promise.resolve(false);
    }
    var body = new FormData(form);
    dirty = false;
    saving = fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, json: json }; });
    }).then(function (result) {
      if (!result.ok) { throw new Error("refused"); }
      entryInput.value = result.json.entry_id;
      if (versionInput) { versionInput.value = result.json.version; }
      if (result.json.edit_url && form.getAttribute("action") !== result.json.edit_url) {
        form.setAttribute("action", result.json.edit_url);
        window.history.replaceState(null, "", result.json.edit_url);
      }
      if (!dirty) { dropLocal(); }
      say(form.getAttribute("data-msg-saved") + " " + result.json.saved_at, false);
      return true;
    }).catch(function () {
      keepLocal();
      say(navigator.onLine ? form.getAttribute("data-msg-failed") : form.getAttribute("data-msg-offline"), true);
      return false;
    }).then(function (ok) { saving = null; return ok; });
    return saving;
  }

  function changed() {
    dirty = true;
    if (!navigator.onLine) { keepLocal(); say(form.getAttribute("data-msg-offline"), true); return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY);
  }

  // Check before the irreversible signature: the entry as it will be signed, in a dialog.
  var signCheck = document.getElementById("sign-check");
  var signConfirmed = false;
  function labelOf(el) {
    var label = document.querySelector("label[for='" + el.id + "']");
    if (label) { return label.textContent.replace("*", "").trim(); }
    var set = el.closest("fieldset");
    var legend = set && set.querySelector("legend");
    return legend ? legend.textContent.replace("*", "").trim() : el.name;
  }
  function summarize() {
    var list = document.getElementById("sign-check-summary");
    list.textContent = "";
    ["kind", "event_at", "place", "concerns", "participants", "facts", "assessment", "next_steps"].forEach(function (name) {
      var els = form.querySelectorAll("[name='" + name + "']");
      if (!els.length) { return; }
      var value;
      if (els[0].type === "checkbox") {
        value = Array.prototype.filter.call(els, function (el) { return el.checked; })
          .map(function (el) { return labelOf(el); }).join(", ");
        var legend = els[0].closest("fieldset") && els[0].closest("fieldset").querySelector("legend");
        var title = legend ? legend.textContent.replace("*", "").trim() : name;
        if (value) { add(title, value); }
        return;
      }
      var el = els[0];
      value = el.tagName === "SELECT" ? (el.selectedOptions[0] ? el.selectedOptions[0].textContent : "") : el.value;
      if (value && value.trim()) { add(labelOf(el), value.trim()); }
    });
    function add(term, text) {
      var dt = document.createElement("dt");
      dt.textContent = term;
      var dd = document.createElement("dd");
      dd.textContent = text.length > 600 ? text.slice(0, 600) + " …" : text;
      list.appendChild(dt);
      list.appendChild(dd);
    }
  }
  var signButton = form.querySelector("button[name=sign]");
  if (signCheck && signButton && typeof signCheck.showModal === "function") {
    signButton.addEventListener("click", function (event) {
      if (signConfirmed) { return; }
      event.preventDefault();
      summarize();
      signCheck.showModal();
      document.getElementById("sign-confirm").focus();
    });
    document.getElementById("sign-confirm").addEventListener("click", function () {
      signConfirmed = true;
      signCheck.close();
      form.requestSubmit(signButton);
    });
    document.getElementById("sign-cancel").addEventListener("click", function () {
      signCheck.close();
      signButton.focus();
    });
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  form.addEventListener("submit", function (event) {
    if (!navigator.onLine) {
      event.preventDefault();
      keepLocal();
      say(form.getAttribute("data-msg-offline"), true);
      statusEl.setAttribute("tabindex", "-1");
      statusEl.focus();
      return;
    }
    if (saving) {
      // An autosave is on its way: let it finish so this save edits the same draft
      // (with its id and version) instead of creating a second entry.
      event.preventDefault();
      var submitter = event.submitter;
      saving.then(function () { form.requestSubmit(submitter); });
      return;
    }
    window.clearTimeout(timer);
    // The server gets the text with this request. The device copy stays until the next page
    // shows that the server saved it (a newer version), so a request lost on the way loses
    // nothing; the page after a save drops it.
    keepLocal();
    dirty = false;
    submitting = true;
  });

  window.addEventListener("online", function () {
    if (keptHere && readLocal()) {
      save().then(function (ok) { if (ok) { say(form.getAttribute("data-msg-sent"), false); } });
    }
  });
  window.addEventListener("offline", function () {
    keepLocal();
    say(form.getAttribute("data-msg-offline"), true);
  });
  // Keep the text if the tab is closed while a save is pending or the network is gone.
  window.addEventListener("pagehide", function () { if (dirty && !submitting) { keepLocal(); } });

  // Before logout clears site storage, send the draft to the server.
  document.addEventListener("familjelotsen:before-logout", function (event) {
    if (dirty || readLocal()) {
      var pending = save();
      if (event.detail && typeof event.detail.waitUntil === "function") { event.detail.waitUntil(pending); }
    }
  });

  // When the form opens: drop a device copy the server already has, offer back one it has not.
  var local = readLocal();
  if (local && (!local.fields || Date.now() - (local.savedAt || 0) > MAX_AGE)) {
    dropLocal();
    local = null;
  }
  if (local) {
    var localEntry = local.fields.entry_id || "";
    var thisEntry = entryInput.value || "";
    var sameEntry = thisEntry
      ? localEntry === thisEntry || (!localEntry && draftKeyInput && local.fields.draft_key === draftKeyInput.value)
      : !localEntry;
    var serverVersion = parseInt((versionInput && versionInput.value) || "0", 10);
    var copyVersion = parseInt(local.fields.version || "0", 10);
    if (sameEntry && thisEntry && serverVersion > copyVersion) {
      // Saved on the server after the copy was made (the save that led here): not needed.
      dropLocal();
    } else if (sameEntry && form.hasAttribute("data-sent-back")) {
      // The server sent the form back (an error to fix): the text is on the page, as sent.
      // The copy stays, now of what the page shows, until a save is confirmed.
      keepLocal();
    } else if (sameEntry) {
      restoreBox.hidden = false;
      document.getElementById("draft-restore-yes").addEventListener("click", function () {
        fill(local.fields);
        restoreBox.hidden = true;
        dirty = true;
        save();
        var first = form.querySelector("textarea, input:not([type=hidden])");
        if (first) { first.focus(); }
      });
      document.getElementById("draft-restore-no").addEventListener("click", function () {
        dropLocal();
        restoreBox.hidden = true;
      });
    }
  }
})();
