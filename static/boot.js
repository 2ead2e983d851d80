// Runs before the app's wasm (a deferred script, external so a strict CSP allows it), for two
// jobs the prerendered page needs while the app is not running yet:
// - the watchdog: says so when the app cannot start, and stands down when it has started;
// - drops: a file dropped anywhere on the page is held for the app instead of being opened by
//   the browser (src/browser/file.rs takes it through `trustyconvertTakeDropped`).
(function () {
  "use strict";
  var started = false;

  function showFailure(show) {
    var box = document.getElementById("boot-failed");
    if (box) box.hidden = !show;
  }
  function fail() {
    if (!started) showFailure(true);
  }

  // A script or wasm file that fails to load (capture: resource errors do not bubble).
  window.addEventListener("error", function (event) {
    var target = event.target || {};
    var url = target.src || target.href || event.filename || "";
    // The loader is a module script; a failed import reports on the script itself.
    if (target.tagName === "SCRIPT" || /\.(wasm|js)(\?|$)/.test(url) ||
        /wasm|WebAssembly/i.test(event.message || "")) fail();
  }, true);
  // The loader fetches and instantiates the wasm in a promise.
  window.addEventListener("unhandledrejection", function (event) {
    if (/wasm|WebAssembly|fetch|import|module/i.test(String(event.reason))) fail();
  });
  // Trunk's loader fires this once the wasm runs; a slow network may get there after the timeout.
  // The app itself may have found it cannot run (it marks the box): then the box stays.
  window.addEventListener("TrunkApplicationStarted", function () {
    started = true;
    var box = document.getElementById("boot-failed");
    if (!box || !box.hasAttribute("data-app-failed")) showFailure(false);
  });
  setTimeout(fail, 20000);
  var reload = document.getElementById("boot-reload");
  if (reload) reload.addEventListener("click", function () { location.reload(); });

  var dropped = [];
  window.trustyconvertTakeDropped = function () {
    var files = dropped;
    dropped = [];
    return files;
  };
  function carriesFiles(event) {
    var types = event.dataTransfer && event.dataTransfer.types;
    return !!types && Array.prototype.indexOf.call(types, "Files") >= 0;
  }
  // Without preventDefault on dragover the page is no drop target and the browser opens the file.
  window.addEventListener("dragover", function (event) {
    if (carriesFiles(event)) event.preventDefault();
  });
  window.addEventListener("drop", function (event) {
    // The app's drop zone has taken this one.
    if (event.defaultPrevented || !carriesFiles(event)) return;
    event.preventDefault();
    // Several drops before the app takes them: all their files wait, in order.
    dropped = dropped.concat(Array.prototype.slice.call(event.dataTransfer.files));
    document.dispatchEvent(new Event("trustyconvert:dropped"));
  });
})();
