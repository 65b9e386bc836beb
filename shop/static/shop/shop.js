// Small progressive enhancements of the store's pages; every page works without this file.
(function () {
  "use strict";
  // A sort (or other) select marked data-autosubmit submits its form when changed; its
  // submit button is then not needed.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    var button = select.form && select.form.querySelector("[data-autosubmit-button]");
    if (button) button.hidden = true;
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
