/* Sortable tables: a header button sorts the rows by its column (numbers descending first). */
(function () {
  "use strict";
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    table.addEventListener("click", function (event) {
      var button = event.target.closest("button.sort");
      if (!button) return;
      var col = parseInt(button.dataset.col, 10);
      var numeric = button.hasAttribute("data-numeric");
      var th = button.closest("th");
      var descending = th.getAttribute("aria-sort") !== "descending";
      if (!numeric) descending = th.getAttribute("aria-sort") === "ascending";
      table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col], y = b.cells[col];
        var vx = numeric ? parseFloat(x.dataset.value || "0") : x.textContent.trim();
        var vy = numeric ? parseFloat(y.dataset.value || "0") : y.textContent.trim();
        var order = numeric ? vx - vy : vx.localeCompare(vy, "fr");
        return descending ? -order : order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
