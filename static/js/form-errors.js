// After a form comes back with errors, move the focus to its error summary so a screen
// reader reads the problems out at once; a link in the summary focuses its field and
// scrolls the field's label into view (a bare #id jump would hide the label above it).
(function () {
  "use strict";
  if (window.gongzhiErrorSummary) return;
  window.gongzhiErrorSummary = true;

  function labelOf(field) {
    if (field.id) {
      var label = document.querySelector('label[for="' + field.id + '"]');
      if (label) return label;
    }
    var fieldset = field.closest("fieldset");
    return fieldset ? fieldset.querySelector("legend") : null;
  }

  function init() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest('a[href^="#"]');
      if (!link) return;
      var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!field) return;
      event.preventDefault();
      (labelOf(field) || field).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
