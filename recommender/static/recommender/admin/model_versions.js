// Model versions pages: while a version trains or embeds, reload every 5 s to show progress.
(function () {
  "use strict";
  var running = document.querySelector("[data-version-running]");
  if (running) setTimeout(function () { location.reload(); }, 5000);
})();
