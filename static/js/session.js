// Familjelotsen: the idle session timeout, as a person sees it, and the logout hand-over.
// No inline scripts (strict CSP); works without htmx.
//
// 1. Idle-timeout warning. The server ends a session 30 minutes after its last request
//    (SESSION_COOKIE_AGE; requests renew it at most once a minute, so the server's deadline
//    may come up to a minute before the one counted here). The <dialog id="session-timeout">
//    in base.html opens a few minutes before that (data-warn-before seconds). "Stay signed in"
//    POSTs to data-ping-url, which renews the session. The dialog never navigates away and
//    never reloads: whatever is typed on the page stays. When the session has ended, the dialog
//    says so, offers sign-in in a new tab, and dispatches `familjelotsen:session-expired` on
//    document so that draft code can keep what is on the page.
//    Typing or clicking on the page counts as activity: it renews the session in the
//    background (at most every 5 minutes), so someone writing a long entry is not signed out.
//    Every tab of the site shares the last server contact through localStorage.
//    Code that talks to the server with fetch() (not htmx) should call
//    `window.familjelotsen.session.touch()` after a successful request.
//
// 2. Before logout (the contract for draft code). Submitting a form marked `data-logout`
//    first dispatches `familjelotsen:before-logout` on document. The logout response then
//    clears this site's storage (Clear-Site-Data: "cache", "storage"), so anything kept only in
//    the browser must reach the server first. A listener hands over a promise:
//
//        document.addEventListener("familjelotsen:before-logout", function (event) {
//          event.detail.waitUntil(saveDraftsToServer());   // a Promise
//        });
//
//    The logout goes ahead when every such promise has settled, or after 2 seconds at most,
//    whichever comes first. (A listener's return value is ignored by the DOM, hence waitUntil.)
(function () {
  "use strict";

  var STORAGE_KEY = "familjelotsen.session.lastContact";
  var LOGOUT_WAIT_MS = 2000;
  var ACTIVITY_PING_MS = 5 * 60 * 1000;
  var TICK_MS = 5000;

  // --- 2. Before logout --------------------------------------------------------------------
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.matches || !form.matches("form[data-logout]")) {
      return;
    }
    if (form.dataset.logoutReady === "1") {
      return;
    }
    event.preventDefault();
    var pending = [];
    var detail = {
      waitUntil: function (promise) {
        pending.push(Promise.resolve(promise));
      },
    };
    try {
      document.dispatchEvent(new CustomEvent("familjelotsen:before-logout", { detail: detail }));
    } catch (err) {
      // A failing listener must not keep anyone signed in.
    }
    var timeout = new Promise(function (resolve) {
      window.setTimeout(resolve, LOGOUT_WAIT_MS);
    });
    Promise.race([Promise.allSettled(pending), timeout]).then(function () {
      form.dataset.logoutReady = "1";
      form.submit();
    });
  });

  // --- 1. Idle-timeout warning -------------------------------------------------------------
  var dialog = document.getElementById("session-timeout");
  if (!dialog) {
    return; // not signed in
  }
  var ageMs = parseInt(dialog.dataset.sessionAge, 10) * 1000;
  var warnMs = parseInt(dialog.dataset.warnBefore, 10) * 1000;
  var pingUrl = dialog.dataset.pingUrl;
  var deadlineEl = dialog.querySelector("[data-session-deadline]");
  var lastContact = Date.now();
  var lastPing = Date.now();
  var expired = false;
  var returnFocusTo = null;

  function sharedContact() {
    var stored = 0;
    try {
      stored = parseInt(window.localStorage.getItem(STORAGE_KEY) || "0", 10) || 0;
    } catch (err) {
      stored = 0; // storage may be unavailable (private mode): this tab's own clock suffices
    }
    return Math.max(lastContact, stored);
  }

  function touch() {
    lastContact = Date.now();
    try {
      window.localStorage.setItem(STORAGE_KEY, String(lastContact));
    } catch (err) {
      // ignore: see sharedContact
    }
    if (!expired && dialog.open) {
      closeDialog();
    }
  }

  function csrfToken() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      return headers["X-CSRFToken"] || "";
    } catch (err) {
      return "";
    }
  }

  function ping() {
    lastPing = Date.now();
    return fetch(pingUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
      redirect: "manual",
    })
      .then(function (response) {
        if (response.status === 204) {
          touch();
          return true;
        }
        if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
          showExpired(); // sent to login: the server no longer knows this session
        }
        return false;
      })
      .catch(function () {
        return false; // offline: keep the page as it is; the next tick tries again
      });
  }

  function setState(state) {
    dialog.querySelectorAll("[data-session-state]").forEach(function (el) {
      el.hidden = el.dataset.sessionState !== state;
    });
  }

  function formatTime(ms) {
    var lang = document.documentElement.lang || undefined;
    return new Date(ms).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
  }

  function openDialog() {
    if (dialog.open) {
      return;
    }
    returnFocusTo = document.activeElement;
    if (typeof dialog.showModal === "function") {
      dialog.showModal();
    } else {
      dialog.setAttribute("open", "");
    }
    var first = dialog.querySelector("button:not([hidden]), a:not([hidden])");
    if (first) {
      first.focus();
    }
  }

  function closeDialog() {
    if (typeof dialog.close === "function") {
      dialog.close();
    } else {
      dialog.removeAttribute("open");
    }
    // Back to where the person was typing, so no keystroke is lost.
    if (returnFocusTo && typeof returnFocusTo.focus === "function") {
      returnFocusTo.focus();
    }
    returnFocusTo = null;
  }

  function showWarning(deadline) {
    if (deadlineEl) {
      deadlineEl.textContent = formatTime(deadline);
    }
    setState("warning");
    openDialog();
  }

  function showExpired() {
    if (expired) {
      return;
    }
    expired = true;
    setState("expired");
    if (dialog.open) {
      var link = dialog.querySelector("a[data-session-state='expired']");
      if (link) {
        link.focus();
      }
    } else {
      openDialog();
    }
    document.dispatchEvent(new CustomEvent("familjelotsen:session-expired"));
  }

  function tick() {
    if (expired) {
      return;
    }
    var deadline = sharedContact() + ageMs;
    var left = deadline - Date.now();
    if (left <= 0) {
      // Ask the server rather than trusting the clock: another tab may have renewed it.
      ping();
    } else if (left <= warnMs) {
      showWarning(deadline);
    } else if (dialog.open) {
      closeDialog(); // renewed elsewhere (another tab)
    }
  }

  dialog.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest("[data-session-extend]")) {
      ping();
    } else if (target.closest("[data-session-close]")) {
      closeDialog();
    }
  });
  // Escape means "I am here": treat it as "stay signed in" rather than leaving the timer running.
  dialog.addEventListener("cancel", function (event) {
    if (!expired) {
      event.preventDefault();
      ping();
    }
  });

  // Activity on the page renews the session in the background, at most every 5 minutes.
  ["keydown", "pointerdown", "input"].forEach(function (type) {
    document.addEventListener(
      type,
      function (event) {
        if (expired || dialog.contains(event.target)) {
          return;
        }
        if (Date.now() - lastPing >= ACTIVITY_PING_MS) {
          ping();
        }
      },
      { passive: true, capture: true }
    );
  });

  // Every htmx request renewed the session on the server.
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.status > 0 && xhr.status < 400) {
      touch();
    }
  });
  window.addEventListener("storage", function (event) {
    if (event.key === STORAGE_KEY) {
      tick();
    }
  });

  window.familjelotsen = window.familjelotsen || {};
  window.familjelotsen.session = { touch: touch, ping: ping };

  touch(); // this page load was a request
  window.setInterval(tick, TICK_MS);
})();
