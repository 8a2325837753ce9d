/* Result grid: spreadsheet-like keyboard entry. Saving is done by htmx on "change". */
(function () {
  "use strict";
  var table = document.querySelector("[data-grid]");
  if (!table) return;
  var QUICK = /^[1-4]$/;

  function inputs() { return Array.prototype.slice.call(table.querySelectorAll("input.cell-input")); }
  function position(input) {
    var td = input.closest("td"), tr = td.parentElement;
    var row = Array.prototype.indexOf.call(tr.parentElement.children, tr);
    var col = Array.prototype.indexOf.call(tr.querySelectorAll("td"), td);
    return { row: row, col: col };
  }
  function cellAt(row, col) {
    var tr = table.tBodies[0].rows[row];
    if (!tr) return null;
    var td = tr.querySelectorAll("td")[col];
    return td ? td.querySelector("input.cell-input") : null;
  }
  function focusCell(input) { if (input) { input.focus(); input.select(); } }
  function move(input, dRow, dCol) {
    var p = position(input);
    var cols = table.tBodies[0].rows[0].querySelectorAll("td").length;
    var row = p.row + dRow, col = p.col + dCol;
    if (col >= cols) { col = 0; row += 1; }
    if (col < 0) { col = cols - 1; row -= 1; }
    focusCell(cellAt(row, col));
  }
  function advance(input) {
    var mode = document.querySelector("input[name=advance]:checked");
    if (mode && mode.value === "down") move(input, 1, 0); else move(input, 0, 1);
  }
  function commit(input) {
    if (input.value !== input.defaultValue) {
      input.defaultValue = input.value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  table.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("cell-input")) return;
    var whole = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    if (QUICK.test(event.key) && (whole || input.value === "")) {
      // One keystroke per cell: the digit replaces the content, is saved, and we move on.
      event.preventDefault();
      input.value = event.key;
      commit(input);
      advance(input);
      return;
    }
    switch (event.key) {
      case "Enter": event.preventDefault(); commit(input); move(input, event.shiftKey ? -1 : 1, 0); break;
      case "ArrowDown": event.preventDefault(); commit(input); move(input, 1, 0); break;
      case "ArrowUp": event.preventDefault(); commit(input); move(input, -1, 0); break;
      case "ArrowRight": if (whole || input.selectionStart === input.value.length) { event.preventDefault(); commit(input); move(input, 0, 1); } break;
      case "ArrowLeft": if (whole || input.selectionStart === 0) { event.preventDefault(); commit(input); move(input, 0, -1); } break;
      case "Escape": input.value = input.defaultValue; input.select(); break;
      default: break;
    }
  });
  table.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("cell-input")) event.target.select();
  });
  // Mark the cell while its save is in flight.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var td = event.detail.elt.closest && event.detail.elt.closest("td.cell");
    if (td) td.classList.add("saving");
  });
  // htmx does not swap 4xx answers by default: a conflict (409) or a bad value (422) still
  // comes back as a cell that says what happened.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });
  var first = inputs().find(function (i) { return i.value === ""; }) || inputs()[0];
  if (first) focusCell(first);
})();
