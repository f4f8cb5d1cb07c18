// A button marked data-print prints the page (no inline script: the Content-Security-Policy forbids it).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
