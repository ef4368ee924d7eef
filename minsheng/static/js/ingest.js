/* Review screen (政策文本导入): keyboard shortcuts and keeping highlights in step with decisions.
   J/K move between proposals, A accept, R reject, C correct, U undo, Enter shows the text in place.
   Loaded as a static file with the CSP nonce; no inline script. */
(function () {
  "use strict";
  var DECISIONS = ["pending", "accepted", "corrected", "rejected"];
  var lastId = null;

  function items() { return Array.prototype.slice.call(document.querySelectorAll("li.proposal")); }
  function current() {
    var el = document.activeElement;
    return el && el.closest ? el.closest("li.proposal") : null;
  }
  function move(step) {
    var all = items();
    if (!all.length) return;
    var at = all.indexOf(current());
    var next = all[Math.max(0, Math.min(all.length - 1, at < 0 ? 0 : at + step))];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
    showMark(next, false);
  }
  function showMark(li, focus) {
    var mark = document.getElementById("m-" + li.dataset.proposal);
    if (!mark) return;
    document.querySelectorAll("mark.current").forEach(function (m) { m.classList.remove("current"); });
    mark.classList.add("current");
    mark.scrollIntoView({ block: "nearest" });
    if (focus) mark.focus();
  }
  function press(li, selector) {
    var button = li.querySelector(selector);
    if (button) button.click();
  }
  function syncMark(li) {
    var mark = document.getElementById("m-" + li.dataset.proposal);
    if (!mark) return;
    DECISIONS.forEach(function (d) { mark.classList.toggle(d, li.classList.contains(d)); });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea" || tag === "button" && event.key === "Enter") return;
    var li = current();
    var key = event.key.toLowerCase();
    if (key === "j") { move(1); event.preventDefault(); return; }
    if (key === "k") { move(-1); event.preventDefault(); return; }
    if (!li) return;
    if (key === "a") { press(li, "button.accept"); event.preventDefault(); }
    else if (key === "r") { press(li, "button.reject"); event.preventDefault(); }
    else if (key === "u") { press(li, "button.undo"); event.preventDefault(); }
    else if (key === "c") { press(li, "a.correct"); event.preventDefault(); }
    else if (key === "enter" && event.target === li) { showMark(li, false); event.preventDefault(); }
  });

  document.addEventListener("click", function (event) {
    var mark = event.target.closest ? event.target.closest("mark[data-proposal]") : null;
    if (!mark) return;
    var li = document.getElementById("p-" + mark.dataset.proposal);
    if (li) { li.focus(); li.scrollIntoView({ block: "nearest" }); showMark(li, false); }
  });

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var li = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest("li.proposal") : null;
    lastId = li ? li.dataset.proposal : null;
  });
  document.body.addEventListener("htmx:afterSettle", function () {
    if (!lastId) return;
    var li = document.getElementById("p-" + lastId);
    if (!li) return;
    syncMark(li);
    var field = li.querySelector("input:not([type=hidden]), select, textarea");
    if (li.classList.contains("editing") && field) field.focus(); else li.focus();
  });
})();
