// Two drop-downs over the scorecard's table, filled from the table itself (no network, no
// library): a reader can show only the refuted rows, or only those with impact "main result".
// Loaded by the scorecard page alone (assocmem.book.pages.FILTER_HTML), not by the theme.
document.addEventListener("DOMContentLoaded", function () {
  var table = document.querySelector("table.scorecard");
  if (!table) { return; }
  var rows = Array.from(table.querySelectorAll("tbody tr"));
  var pick = {verdict: [3, document.getElementById("filter-verdict")],
              impact: [4, document.getElementById("filter-impact")]};
  var text = function (row, col) { return row.cells[col].textContent.trim(); };
  Object.values(pick).forEach(function (p) {
    Array.from(new Set(rows.map(function (r) { return text(r, p[0]); }))).sort()
      .forEach(function (v) { p[1].add(new Option(v, v)); });
  });
  var apply = function () {
    var shown = 0;
    rows.forEach(function (r) {
      var keep = Object.values(pick).every(function (p) {
        return !p[1].value || text(r, p[0]) === p[1].value; });
      r.style.display = keep ? "" : "none";
      shown += keep ? 1 : 0;
    });
    document.getElementById("filter-count").textContent = shown + " of " + rows.length + " claims";
  };
  Object.values(pick).forEach(function (p) { p[1].addEventListener("change", apply); });
  apply();
});
