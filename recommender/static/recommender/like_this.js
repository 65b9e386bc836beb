// Instant answers for the "Like this, but …" box. Without JavaScript the box is a form that
// opens the results page, and every chip is a link; with it, the answer appears under the box.
//
// Typing asks once per pause (PAUSE_MS without a keystroke), never for a text it just asked
// for; a newer request cancels an older one; and the answer is redrawn only when it differs from
// the one on screen (its data-signature). A text of one character or an emoji is asked too: its
// answer says it was not understood, rather than leaving the previous answer on screen.
(function () {
  "use strict";
  var PAUSE_MS = 600;

  function wire(panel) {
    var form = panel.querySelector("form[data-like-this]");
    var target = panel.querySelector("[data-like-this-results]");
    if (!form || !target || form.dataset.wired) return;
    form.dataset.wired = "1";
    var input = form.querySelector("input[name=text]");
    var timer = null, controller = null, lastQuery = null;

    function query() {
      var params = new URLSearchParams(new FormData(form));
      params.delete("fragment");
      return params.toString();
    }

    function shown() {
      var answer = target.querySelector("[data-signature]");
      return answer ? answer.dataset.signature : null;
    }

    function draw(html) {
      var box = document.createElement("div");
      box.innerHTML = html;
      var answer = box.querySelector("[data-signature]");
      if (answer && answer.dataset.signature === shown()) return;  // same answer: no redraw
      target.replaceChildren.apply(target, Array.prototype.slice.call(box.childNodes));
    }

    function load(force) {
      clearTimeout(timer);
      var text = input.value.trim();
      if ("instant" in form.dataset && !text && !force) {
        lastQuery = null;
        target.replaceChildren();
        return;
      }
      var q = query();
      if (q === lastQuery && !force) return;
      lastQuery = q;
      if (controller) controller.abort();
      controller = new AbortController();
      panel.classList.add("is-loading");
      fetch(form.dataset.fragmentUrl + "&" + q, { signal: controller.signal, headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.text(); })
        .then(function (html) { draw(html); panel.classList.remove("is-loading"); })
        .catch(function (error) {
          if (error.name === "AbortError") return;
          panel.classList.remove("is-loading");
          target.textContent = "Could not load suggestions. Press “Show me” to try again.";
        });
    }

    // Put the parameters of a chip's link (the request without that chip) into the form.
    function applyLink(href) {
      var params = new URL(href, location.href).searchParams;
      input.value = params.get("text") || "";
      form.querySelectorAll("input[type=hidden][name=relax]").forEach(function (el) { el.remove(); });
      params.getAll("relax").forEach(function (name) {
        var hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = "relax"; hidden.value = name;
        form.insertBefore(hidden, form.firstChild);
      });
      form.querySelectorAll("select").forEach(function (select) { select.value = params.get(select.name) || ""; });
      var sort = form.querySelector("select[name=sort]");
      if (sort && !sort.value) sort.selectedIndex = 0;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      load(true);
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(load, PAUSE_MS);
    });
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { load(true); });
    });
    form.querySelectorAll("[data-example]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        input.value = button.value;
        load(true);
      });
    });
    target.addEventListener("click", function (event) {
      var chip = event.target.closest("a[data-chip]");
      if (!chip) return;
      event.preventDefault();
      applyLink(chip.href);
      load(true);
    });
    if (!("instant" in form.dataset)) lastQuery = query();  // the results page shows this answer
  }

  document.querySelectorAll("[data-like-this-panel]").forEach(wire);
})();
