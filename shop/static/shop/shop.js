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

  // The confirmation of what the shopper just did ("Added … to your cart") takes the focus, so
  // a screen reader reads it and the keyboard goes on from there rather than the page's top.
  var said = document.querySelector("[data-focus-on-load]");
  if (said && !document.querySelector("[autofocus]")) said.focus({ preventScroll: false });
})();
