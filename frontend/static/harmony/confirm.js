/* Behaviour that used to sit in inline attributes, which the Content-Security-Policy forbids:
   a button marked data-confirm asks before it submits; a link marked data-history-back goes
   back one page. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var asking = event.target.closest("[data-confirm]");
    if (asking && !window.confirm(asking.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (event.target.closest("a[data-history-back]")) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
