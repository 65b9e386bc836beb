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

// Suggestions while typing in the header's search (the ARIA 1.2 combobox pattern): the catalog's
// product types, colours and brands; Up and Down move through them, Enter opens the one chosen
// (without one, Enter is the keyword search, as without JavaScript), Escape closes the list.
(function () {
  "use strict";
  var PAUSE_MS = 150;
  var form = document.querySelector("form[data-suggest-url]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var list = form.querySelector("[role=listbox]");
  var status = form.querySelector("[data-suggest-status]");
  var timer = null, controller = null, active = -1, asked = null;
  var KINDS = { type: "product type", colour: "colour", brand: "brand" };

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  function options() { return list.querySelectorAll("[role=option]"); }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function choose(index) {
    var all = options();
    if (!all.length) return;
    active = (index + all.length) % all.length;
    all.forEach(function (option, i) { option.setAttribute("aria-selected", i === active ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }

  function show(found) {
    list.replaceChildren();
    found.forEach(function (suggestion, i) {
      var option = document.createElement("li");
      option.id = "search-suggestion-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.url = suggestion.url;
      var label = document.createElement("span");
      label.textContent = suggestion.label;
      var kind = document.createElement("small");
      kind.textContent = KINDS[suggestion.kind] || suggestion.kind;
      option.append(label, " ", kind);
      list.appendChild(option);
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    list.hidden = !found.length;
    input.setAttribute("aria-expanded", found.length ? "true" : "false");
    status.textContent = found.length ? found.length + " suggestions, Up and Down to choose" : "";
  }

  function ask() {
    var typed = input.value.trim();
    if (typed === asked) return;
    asked = typed;
    if (typed.length < 2) return show([]);
    if (controller) controller.abort();
    controller = new AbortController();
    fetch(form.dataset.suggestUrl + "?" + new URLSearchParams({ q: typed }), { signal: controller.signal })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (body) { if (document.activeElement === input) show(body.suggestions); })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, PAUSE_MS);
  });
  input.addEventListener("keydown", function (event) {
    var open = !list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!open) { asked = null; ask(); return; }
      event.preventDefault();
      choose(active + (event.key === "ArrowDown" ? 1 : -1) + (active < 0 && event.key === "ArrowUp" ? 1 : 0));
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      location.assign(options()[active].dataset.url);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
  list.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the focus
  list.addEventListener("click", function (event) {
    var option = event.target.closest("[role=option]");
    if (option) location.assign(option.dataset.url);
  });
})();
