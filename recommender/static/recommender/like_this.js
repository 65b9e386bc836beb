// Instant results for the "Like this, but …" box. Without JavaScript the form submits
// to the results page; with it, results appear under the box as the shopper types.
(function () {
  "use strict";
  function wire(form) {
    if (form.dataset.wired) return;
    form.dataset.wired = "1";
    var input = form.querySelector("input[name=text]");
    var target = form.querySelector("[data-like-this-results]");
    var timer = null, latest = 0;
    function load() {
      var params = new URLSearchParams(new FormData(form));
      var ticket = ++latest;
      fetch(form.dataset.fragmentUrl + "&" + params.toString(), { headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.text(); })
        .then(function (html) { if (ticket === latest) target.innerHTML = html; })
        .catch(function () { if (ticket === latest) target.textContent = "Could not load suggestions."; });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      load();
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(load, 350);
    });
    form.querySelectorAll("[data-example]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        input.value = button.value;
        clearTimeout(timer);
        load();
      });
    });
    // Arriving from a result link (?like=...): show the refined results straight away.
    if ("autoload" in form.dataset && input.value.trim()) load();
  }
  document.querySelectorAll("form[data-like-this]").forEach(wire);
})();
