/* Small page actions, attached here because the Content-Security-Policy forbids inline
   handlers (onclick="..."): a [data-print] button prints the page, and a select marked
   [data-autosubmit] sends its form as soon as a choice is made. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
