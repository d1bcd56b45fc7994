/* Page scripts run on every page view, including Material's instant navigation swaps. */
document$.subscribe(function () {
  document.querySelectorAll("[data-guide-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-guide-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var url = button.getAttribute("data-guide-copy") || location.href;
      var done = function () { button.textContent = "Link copied"; };
      if (navigator.clipboard) { navigator.clipboard.writeText(url).then(done, function () {}); }
    });
  });
});
