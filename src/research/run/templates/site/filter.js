/* Filter for the run index and plan pages: every word typed must appear in a row; status, plan
   and start date narrow it further. The query can come from the address: index.html#q=leeds.
   No dependencies, works from file://. */
(function () {
  "use strict";
  var bar = document.getElementById("filter-bar");
  var more = document.getElementById("filter-more");
  var box = document.getElementById("run-filter");
  var status = document.getElementById("status-filter");
  var plan = document.getElementById("plan-filter");
  var from = document.getElementById("date-from");
  var to = document.getElementById("date-to");
  var count = document.getElementById("run-count");
  var none = document.getElementById("no-match");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-search]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("section.run-group"));
  if (!bar || !box || !rows.length) {
    return;
  }
  bar.hidden = false;
  if (more) { more.hidden = false; }

  function value(control) { return control ? control.value : ""; }

  function apply() {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wantStatus = value(status), wantPlan = value(plan);
    var start = value(from), end = value(to);
    var narrowed = words.length || wantStatus || wantPlan || start || end;
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute("data-search") || "";
      var date = row.getAttribute("data-date") || "";
      var match = words.every(function (word) { return text.indexOf(word) !== -1; }) &&
        (!wantStatus || row.getAttribute("data-status") === wantStatus) &&
        (!wantPlan || row.getAttribute("data-plan") === wantPlan) &&
        (!start || (date && date >= start)) &&
        (!end || (date && date <= end));
      row.hidden = !match;
      if (match) { shown += 1; }
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("tr[data-search]:not([hidden])");
    });
    count.textContent = narrowed ? shown + " of " + rows.length + " runs" : "";
    if (none) { none.hidden = shown !== 0; }
  }

  var hash = window.location.hash.match(/^#q=(.*)$/);
  if (hash) { box.value = decodeURIComponent(hash[1].replace(/\+/g, " ")); }
  box.addEventListener("input", apply);
  box.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { box.value = ""; apply(); }
  });
  [status, plan, from, to].forEach(function (control) {
    if (control) { control.addEventListener("change", apply); }
  });
  apply();
})();
