/* Need-group board (planning/_board.html): tabs showing one slot at a time, drag and drop
   of a pupil onto another group, a pupil's panel (a dialog fetched on demand) to read why
   they are there and move them with the keyboard. Saving is htmx's: every move or lock
   posts with the plan's revision and the answer swaps the changed columns out of band
   (views_board.py); this script only picks the pupil and the group, and moves the focus. */
(function () {
  "use strict";
  var active = null; // the slot shown, kept when a conflict brings the board back
  var opener = null; // the chip whose panel is open
  var dragged = null;

  function board() { return document.getElementById("board"); }
  function dialog() { return document.getElementById("board-pupil"); }

  function showTab(key, focus) {
    var root = board();
    if (!root) return;
    var tabs = Array.prototype.slice.call(root.querySelectorAll("[data-board-tab]"));
    if (!tabs.length) return;
    if (!tabs.some(function (t) { return t.dataset.boardTab === key; })) key = tabs[0].dataset.boardTab;
    tabs.forEach(function (tab) {
      var on = tab.dataset.boardTab === key;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      var panel = document.getElementById(tab.getAttribute("aria-controls"));
      if (panel) panel.hidden = !on;
      if (on && focus) tab.focus();
    });
    active = key;
  }

  function showColumn(id) {
    var col = document.getElementById(id);
    var panel = col && col.closest(".board-panel");
    if (panel && panel.hidden) showTab(panel.dataset.board);
    return col;
  }

  function move(assignment, group) {
    var form = document.getElementById("board-move");
    if (!form || !window.htmx) return;
    form.elements.assignment.value = assignment;
    form.elements.group.value = group;
    var chip = document.getElementById("a-" + assignment);
    if (chip) chip.classList.add("saving");
    window.htmx.trigger(form, "submit");
  }

  function openPupil(chip) {
    var root = board(), box = dialog();
    if (!root || !box || !window.htmx) return;
    opener = chip.id;
    var url = root.dataset.pupilUrl.replace(/\/0\/$/, "/" + chip.dataset.a + "/");
    window.htmx.ajax("GET", url, { target: "#board-pupil-body", swap: "innerHTML" }).then(function () {
      if (!box.open) box.showModal();
      var first = box.querySelector("[data-move-to]:not([disabled])") || box.querySelector("button");
      if (first) first.focus();
    });
  }

  function closePupil() {
    var box = dialog();
    if (box && box.open) box.close();
  }

  // The element an answer names (a chip, or a column after its lock): focus its button.
  function focusChip(id) {
    var element = id && showColumn(id);
    var button = element && element.querySelector(".chip-name, .col-lock");
    if (button) button.focus();
  }

  document.addEventListener("click", function (event) {
    var t = event.target;
    if (!t.closest || !t.closest("#board")) return;
    var tab = t.closest("[data-board-tab]");
    if (tab) { showTab(tab.dataset.boardTab); return; }
    var name = t.closest(".chip-name");
    if (name) { openPupil(name.closest(".chip")); return; }
    var target = t.closest("[data-move-to]");
    if (target) { move(target.closest("[data-a]").dataset.a, target.dataset.moveTo); return; }
    if (t.closest("[data-board-close]")) { closePupil(); return; }
    var link = t.closest('a[href^="#col-"]');
    if (link) showColumn(link.getAttribute("href").slice(1));
  });

  // Tabs: arrows, Home and End move between slots (WAI-ARIA tabs pattern).
  document.addEventListener("keydown", function (event) {
    var tab = event.target.closest && event.target.closest("[data-board-tab]");
    if (!tab) return;
    var tabs = Array.prototype.slice.call(tab.parentElement.querySelectorAll("[data-board-tab]"));
    var i = tabs.indexOf(tab), next = null;
    if (event.key === "ArrowRight") next = tabs[(i + 1) % tabs.length];
    else if (event.key === "ArrowLeft") next = tabs[(i - 1 + tabs.length) % tabs.length];
    else if (event.key === "Home") next = tabs[0];
    else if (event.key === "End") next = tabs[tabs.length - 1];
    if (next) { event.preventDefault(); showTab(next.dataset.boardTab, true); }
  });

  // Drag and drop: a chip onto another unlocked group of the same slot.
  function dropColumn(event) {
    var col = event.target.closest && event.target.closest("#board .board-col[data-drop]");
    if (!col || !dragged || col.contains(dragged)) return null;
    return col.closest(".board-panel") === dragged.closest(".board-panel") ? col : null;
  }
  function clearTargets() {
    Array.prototype.forEach.call(document.querySelectorAll(".board-col.drop-target"), function (c) {
      c.classList.remove("drop-target");
    });
  }
  document.addEventListener("dragstart", function (event) {
    var chip = event.target.closest && event.target.closest('#board .chip[draggable="true"]');
    if (!chip) return;
    dragged = chip;
    chip.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", chip.dataset.a);
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearTargets();
  });
  document.addEventListener("dragover", function (event) {
    var col = dropColumn(event);
    if (!col) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!col.classList.contains("drop-target")) { clearTargets(); col.classList.add("drop-target"); }
  });
  document.addEventListener("drop", function (event) {
    var col = dropColumn(event);
    if (!col) return;
    event.preventDefault();
    clearTargets();
    move(dragged.dataset.a, col.dataset.group);
  });

  // A conflict (409) or a refusal (422) still comes back as a board that says what happened.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var from = event.detail.requestConfig && event.detail.requestConfig.elt;
    if ((status === 409 || status === 422) && from && from.closest && from.closest("#board")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterRequest", function () {
    Array.prototype.forEach.call(document.querySelectorAll("#board .chip.saving"), function (c) {
      c.classList.remove("saving");
    });
  });
  document.addEventListener("board:done", function (event) {
    var detail = event.detail || {};
    if (detail.close) closePupil();
    var box = dialog();
    if (!box || !box.open) { focusChip(detail.focus); return; }
    // A lock from the panel redrew it: keep the focus on its lock button.
    var lock = box.querySelector("#board-pupil-body [hx-post]");
    if (lock) lock.focus();
  });
  document.addEventListener("board:refreshed", function () {
    showTab(active);
    closePupil();
  });
  document.addEventListener("close", function (event) {
    if (event.target === dialog() && opener) focusChip(opener);
  }, true);

  // The page's other forms (re-solve, weights) act on the plan as the board now shows it:
  // they carry the revision the board's last move or lock left, not the page's first one.
  document.addEventListener("submit", function (event) {
    var current = document.getElementById("board-revision");
    var field = event.target.querySelector && event.target.querySelector("input[data-follows-board]");
    if (current && field) field.value = current.value;
  }, true);

  if (board()) {
    showTab(null);
    if (location.hash.indexOf("#col-") === 0) showColumn(location.hash.slice(1));
  }
})();
