/* Long pickers (2,000 people in a ministry): a select marked data-filterable gets a search
   box above it that hides the options not matching what is typed (name, unit, position).
   Chosen options stay visible; without JavaScript the plain select remains. */
(function () {
  "use strict";
  function enhance(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "hm-filter-select";
    box.placeholder = select.dataset.filterable || "";
    var label = document.querySelector("label[for='" + select.id + "']");
    box.setAttribute("aria-label", (label ? label.textContent.replace(/:$/, "") + " " : "") +
      (select.dataset.filterable || ""));
    box.setAttribute("aria-controls", select.id);
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(select.options, function (option) {
        var text = option.textContent.toLowerCase();
        option.hidden = !option.selected && !words.every(function (w) { return text.includes(w); });
      });
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // searching never submits the form
    });
    select.before(box);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-filterable]").forEach(enhance);
  });
})();
