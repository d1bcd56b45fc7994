/* Page scripts run on every page view, including Material's instant navigation swaps. */
(function () {
  "use strict";

  function storage() {
    try { return window.localStorage; } catch (e) { return null; } // blocked storage: the form still works
  }

  function keyOf(prefix, el) {
    return el.type === "checkbox" ? prefix + el.name + ":" + el.value : prefix + el.name;
  }

  function markEmpty(el) {
    var empty = el.type === "checkbox" || el.type === "radio" ? !el.checked : !el.value;
    if (empty) { el.setAttribute("data-empty", ""); } else { el.removeAttribute("data-empty"); }
  }

  function restore(form, prefix, store) {
    form.querySelectorAll("input, textarea").forEach(function (el) {
      var saved = store ? store.getItem(keyOf(prefix, el)) : null;
      if (el.type === "radio") { el.checked = saved === el.value; }
      else if (el.type === "checkbox") { el.checked = saved === "1"; }
      else if (saved !== null) { el.value = saved; }
      markEmpty(el);
    });
  }

  function save(el, prefix, store) {
    markEmpty(el);
    if (!store || !el.name) { return; }
    var key = keyOf(prefix, el);
    var value = el.type === "checkbox" ? (el.checked ? "1" : "") : el.value;
    if (el.type === "radio" && !el.checked) { return; }
    if (value) { store.setItem(key, value); } else { store.removeItem(key); }
  }

  function setupWorksheet(form) {
    // Answers stay in this browser: localStorage, one key per worksheet and field. Nothing is sent.
    var prefix = "closer-again:worksheet:" + form.getAttribute("data-guide-worksheet") + ":";
    var store = storage();
    var status = form.querySelector(".guide-ws__status");
    restore(form, prefix, store);
    form.addEventListener("input", function (event) { save(event.target, prefix, store); });
    form.addEventListener("change", function (event) { save(event.target, prefix, store); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.querySelectorAll("[data-ws-erase]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (!window.confirm("Erase all your answers on this worksheet from this device? This cannot be undone.")) { return; }
        if (store) {
          Object.keys(store).filter(function (k) { return k.indexOf(prefix) === 0; })
            .forEach(function (k) { store.removeItem(k); });
        }
        form.reset();
        form.querySelectorAll("input, textarea").forEach(markEmpty);
        if (status) { status.textContent = "Your answers on this worksheet were erased from this device."; }
      });
    });
    form.querySelectorAll("[data-ws-print]").forEach(function (button) {
      button.addEventListener("click", function () {
        var root = document.documentElement;
        root.setAttribute("data-print-mode", button.getAttribute("data-ws-print"));
        window.addEventListener("afterprint", function () { root.removeAttribute("data-print-mode"); }, { once: true });
        window.print();
      });
    });
  }

  document$.subscribe(function () {
    document.querySelectorAll("form[data-guide-worksheet]").forEach(setupWorksheet);
    document.querySelectorAll("[data-guide-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("[data-guide-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var url = button.getAttribute("data-guide-copy") || location.href;
        if (navigator.clipboard) {
          navigator.clipboard.writeText(url).then(function () { button.textContent = "Link copied"; }, function () {});
        }
      });
    });
  });
})();
