// Instant answers for the "Like this, but …" box. Without JavaScript the box is a form that
// opens the results page, and every chip is a link; with it, the answer appears under the box.
//
// Typing asks once per pause (PAUSE_MS without a keystroke), never for a text it just asked
// for; a newer request cancels an older one; and the answer is redrawn only when it differs from
// the one on screen (its data-signature). A text of one character or an emoji is asked too: its
// answer says it was not understood, rather than leaving the previous answer on screen.
//
// For keyboards and screen readers: a new answer is announced in a short status line (never the
// whole grid); after a chip is removed the focus goes to the chip that took its place, or to the
// box when none is left, so it is never lost to the page; the trail is scrolled to its last step.
(function () {
  "use strict";
  var PAUSE_MS = 600;

  function wire(panel) {
    var form = panel.querySelector("form[data-like-this]");
    var target = panel.querySelector("[data-like-this-results]");
    if (!form || !target || form.dataset.wired) return;
    form.dataset.wired = "1";
    var input = form.querySelector("input[name=text]");
    var status = panel.querySelector("[data-like-this-status]");
    var timer = null, controller = null, lastQuery = null, refocusChip = null;

    function query() {
      var params = new URLSearchParams(new FormData(form));
      params.delete("fragment");
      return params.toString();
    }

    function shown() {
      var answer = target.querySelector("[data-signature]");
      return answer ? answer.dataset.signature : null;
    }

    // What a screen reader hears of a new answer: what was not understood, and how many.
    function announce() {
      if (!status) return;
      var parts = [];
      ["[role=alert]", ".not-understood", ".like-this-count"].forEach(function (selector) {
        var el = target.querySelector(selector);
        if (el) parts.push(el.textContent.replace(/\s+/g, " ").trim());
      });
      status.textContent = parts.join(". ");
    }

    // After a chip's removal: the chip now in its place, else the last one, else the box.
    function restoreFocus() {
      var index = refocusChip;
      refocusChip = null;
      if (index === null) return;
      var chips = target.querySelectorAll("a[data-chip]");
      (chips[Math.min(index, chips.length - 1)] || input).focus();
    }

    function draw(html) {
      var box = document.createElement("div");
      box.innerHTML = html;
      var answer = box.querySelector("[data-signature]");
      if (answer && answer.dataset.signature === shown()) return restoreFocus();  // same answer: no redraw
      var hadFocus = target.contains(document.activeElement);
      target.replaceChildren.apply(target, Array.prototype.slice.call(box.childNodes));
      announce();
      if (refocusChip !== null) restoreFocus();
      else if (hadFocus) input.focus();  // what had the focus is gone: never leave it on the page
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
      target.setAttribute("aria-busy", "true");
      fetch(form.dataset.fragmentUrl + "&" + q, { signal: controller.signal, headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.text(); })
        .then(function (html) { draw(html); done(); })
        .catch(function (error) {
          if (error.name === "AbortError") return;
          done();
          target.textContent = "Could not load suggestions. Press “Show me” to try again.";
          if (status) status.textContent = target.textContent;
          if (refocusChip !== null || document.activeElement === document.body) { refocusChip = null; input.focus(); }
        });
    }

    function done() {
      panel.classList.remove("is-loading");
      target.removeAttribute("aria-busy");
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
      form.querySelectorAll("input[type=radio][name=reference]").forEach(function (radio) {
        radio.checked = radio.value === params.get("reference");
      });
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
    // Another purchase to start from: asks again when there is a request to answer.
    form.querySelectorAll("input[type=radio][name=reference]").forEach(function (radio) {
      radio.addEventListener("change", function () { load(); });
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
      refocusChip = Array.prototype.indexOf.call(target.querySelectorAll("a[data-chip]"), chip);
      applyLink(chip.href);
      load(true);
    });
    if (!("instant" in form.dataset)) lastQuery = query();  // the results page shows this answer
    showCurrentStep(panel);
  }

  // Phones scroll the trail sideways: start it at its last step (the product shown), not its first.
  function showCurrentStep(panel) {
    var steps = panel.querySelector(".like-this-trail ol");
    if (steps && steps.scrollWidth > steps.clientWidth) steps.scrollLeft = steps.scrollWidth;
  }

  document.querySelectorAll("[data-like-this-panel]").forEach(wire);
})();
