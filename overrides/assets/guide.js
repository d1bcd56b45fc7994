/* Page scripts run on every page view, including Material's instant navigation swaps. */
(function () {
  "use strict";

  var PREFIX = "closer-again:worksheet:";
  var FILE_FORMAT = "closer-again-worksheet";
  var MAX_FILE_BYTES = 1000000; // a saved sheet is a few KB; anything far larger is not one of ours

  // What the status line says. Each is true when shown: storage is probed, and every write checked.
  var STORAGE_SAYS = {
    saved: "Your answers are saved on this device only, in this browser, as you type. Nothing is sent anywhere.",
    blocked: "Your answers cannot be saved here: this browser blocks site data, or this is a private window. " +
      "They will be gone when you close or reload this page. To keep them, print them or save them to a file.",
    full: "Your latest answers are not saved: this browser's storage is full (or this is a private window). " +
      "To keep them, print them or save them to a file."
  };

  function isQuotaError(e) {
    return !!e && (e.name === "QuotaExceededError" || e.name === "NS_ERROR_DOM_QUOTA_REACHED" || e.code === 22 || e.code === 1014);
  }

  function openStorage() {
    // Reading window.localStorage itself throws when site data is blocked.
    try { return window.localStorage || null; } catch (e) { return null; }
  }

  function controls(form) {
    // Answers only: the file picker and the copy box have no name.
    return Array.prototype.slice.call(form.querySelectorAll("input[name], textarea[name]"));
  }

  // One key per answer: a field (or field--person, field--r0c1...), and field:option for ticks.
  function answerKey(el) {
    return el.type === "checkbox" ? el.name + ":" + el.value : el.name;
  }

  function collect(form) {
    var answers = {};
    controls(form).forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { answers[answerKey(el)] = el.type === "radio" ? el.value : "1"; }
      } else if (el.value) {
        answers[answerKey(el)] = el.value;
      }
    });
    return answers;
  }

  function formatDate(value) {
    var d = new Date(value + "T00:00:00");
    if (isNaN(d.getTime())) { return value; }
    var locale = document.querySelector('meta[name="guide-date-locale"]');
    var options = { year: "numeric", month: "long", day: "numeric" };
    try { return d.toLocaleDateString(locale ? locale.content : document.documentElement.lang || undefined, options); }
    catch (e) { return d.toLocaleDateString(undefined, options); } // a locale the browser does not know
  }

  function shownValue(el) {
    return el.type === "date" && el.value ? formatDate(el.value) : el.value;
  }

  // Print keeps every character: a <textarea> prints only its visible rows and an <input> only its
  // width, so each text control gets a print-only twin that wraps and grows (guide.css shows it).
  function addPrintTwins(form) {
    form.querySelectorAll("input[type=text][name], input[type=date][name], textarea[name]").forEach(function (el) {
      var twin = document.createElement("span");
      var kind = el.tagName === "TEXTAREA" ? "lines" : el.closest("td") ? "cell" : "text";
      twin.className = "guide-ws__print guide-ws__print--" + kind;
      twin.setAttribute("aria-hidden", "true");
      if (el.getAttribute("data-rows")) { twin.setAttribute("data-rows", el.getAttribute("data-rows")); }
      twin.appendChild(document.createElement("span")); // the words; "print blank" hides them, not the lines
      el.insertAdjacentElement("afterend", twin);
    });
    form.classList.add("guide-ws--twins");
  }

  function sync(el) {
    var empty = el.type === "checkbox" || el.type === "radio" ? !el.checked : !el.value;
    if (empty) { el.setAttribute("data-empty", ""); } else { el.removeAttribute("data-empty"); }
    var twin = el.nextElementSibling;
    if (twin && twin.classList.contains("guide-ws__print")) { twin.firstChild.textContent = shownValue(el); }
    if (el.parentNode.classList.contains("guide-ws__area")) { fitRules(el); }
  }

  // A long answer prints on more lines than the box has rules (lines.html, text.html): add enough
  // for it. 12 characters a line is fewer than the narrowest printed box holds even of wide
  // characters (dashes, CJK), so the estimate runs over, and the writing area clips the rules it
  // does not need.
  function fitRules(el) {
    var rules = el.parentNode.querySelector(".guide-ws__rules");
    if (!rules) { return; }
    var rows = Number(el.getAttribute("data-rows")) || 1;
    var need = el.value.split("\n").reduce(function (n, line) { return n + Math.max(1, Math.ceil(line.length / 12)); }, 0);
    var want = Math.max(rows, el.value ? need + 1 : rows);
    while (rules.children.length < want) { rules.appendChild(document.createElement("span")); }
    while (rules.children.length > want) { rules.removeChild(rules.lastChild); }
  }

  function apply(form, answers) {
    controls(form).forEach(function (el) {
      var value = answers[answerKey(el)];
      if (el.type === "radio") { el.checked = value === el.value; }
      else if (el.type === "checkbox") { el.checked = value === "1"; }
      else { el.value = typeof value === "string" ? value : ""; }
      sync(el);
    });
  }

  // "Copy as text": each answered question, then its answers, one per line.
  function asText(form, title) {
    var out = [title];
    form.querySelectorAll(".guide-ws__field").forEach(function (field) {
      var question = field.querySelector(".guide-ws__label").textContent.trim();
      var lines = [], ticks = [];
      controls(field).forEach(function (el) {
        var part = el.getAttribute("data-ws-part") || el.getAttribute("aria-label") || "";
        var label = !part && el.id ? field.querySelector("label[for='" + el.id + "']:not(.guide-ws__label)") : null;
        part = part || (label ? label.textContent.trim() : "");
        var value = "";
        if (el.type === "radio") {
          if (!el.checked) { return; }
          var points = field.querySelectorAll("input[type=radio][name='" + el.name + "']");
          value = el.value + " out of " + points[points.length - 1].value;
        } else if (el.type === "checkbox") {
          // A ticked "Other" is shown by the words written beside it, when there are some.
          var other = el.value === "Other" ? field.querySelector("[name='" + el.name + "--other']") : null;
          if (el.checked && !(other && other.value)) { ticks.push(el.value); }
          return;
        } else {
          value = shownValue(el);
        }
        if (value) { lines.push(part ? part + ": " + value : value); }
      });
      if (ticks.length) { lines.unshift(ticks.join("; ")); }
      if (lines.length) { out.push("", question); out.push.apply(out, lines); }
    });
    if (out.length === 1) { out.push("", "(No answers yet.)"); }
    return out.join("\n") + "\n";
  }

  // A saved file: everything checked before anything changes.
  function readAnswersFile(text, slug) {
    var data;
    try { data = JSON.parse(text); } catch (e) { return { problem: "damaged" }; }
    if (!data || typeof data !== "object" || data.format !== FILE_FORMAT || data.version !== 1) { return { problem: "damaged" }; }
    if (data.worksheet !== slug) {
      var title = typeof data.title === "string" && data.title ? data.title : String(data.worksheet);
      return { problem: "other", title: title };
    }
    var answers = data.answers;
    if (!answers || typeof answers !== "object" || Array.isArray(answers)) { return { problem: "damaged" }; }
    for (var k in answers) {
      if (Object.prototype.hasOwnProperty.call(answers, k) && typeof answers[k] !== "string") { return { problem: "damaged" }; }
    }
    return { answers: answers };
  }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  function setupWorksheet(form) {
    if (form.hasAttribute("data-ws-ready")) { return; }
    form.setAttribute("data-ws-ready", "");
    var slug = form.getAttribute("data-guide-worksheet");
    var title = form.getAttribute("data-ws-title") || document.title;
    // Answers stay in this browser: localStorage, one key per worksheet and answer. Nothing is sent.
    var prefix = PREFIX + slug + ":";
    var store = openStorage();
    var state = "saved";
    var status = form.querySelector(".guide-ws__status");
    var message = form.querySelector(".guide-ws__message");

    function showState(next) {
      if (next === state && status.getAttribute("data-ws-storage") === next) { return; } // no re-announcing per keystroke
      state = next;
      status.setAttribute("data-ws-storage", next);
      status.textContent = STORAGE_SAYS[next];
    }

    function say(text, problem) {
      message.textContent = text;
      if (problem) { message.setAttribute("data-ws-problem", ""); } else { message.removeAttribute("data-ws-problem"); }
    }

    function writeAll() {
      var answers = collect(form);
      controls(form).forEach(function (el) {
        var key = answerKey(el);
        if (answers[key]) { store.setItem(prefix + key, answers[key]); } else { store.removeItem(prefix + key); }
      });
    }

    // Every write is checked: a blocked or full storage changes the status line, never throws.
    function write(change) {
      if (!store) { showState("blocked"); return; }
      try {
        change();
        if (state !== "saved") { writeAll(); } // earlier answers failed: save them all now
        showState("saved");
      } catch (e) {
        showState(isQuotaError(e) ? "full" : "blocked");
      }
    }

    function saveOne(el) {
      sync(el);
      if (!el.name || (el.type === "radio" && !el.checked)) { return; }
      var key = prefix + answerKey(el);
      var value = el.type === "checkbox" ? (el.checked ? "1" : "") : el.value;
      write(function () { if (value) { store.setItem(key, value); } else { store.removeItem(key); } });
    }

    addPrintTwins(form);
    var stored = {};
    try {
      if (store) {
        controls(form).forEach(function (el) {
          var value = store.getItem(prefix + answerKey(el));
          if (value !== null) { stored[answerKey(el)] = value; }
        });
      }
    } catch (e) { store = null; }
    apply(form, stored);
    write(function () { store.setItem(prefix + "probe", "1"); store.removeItem(prefix + "probe"); });

    form.addEventListener("input", function (event) { saveOne(event.target); });
    form.addEventListener("change", function (event) { saveOne(event.target); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });

    form.querySelector("[data-ws-erase]").addEventListener("click", function () {
      if (!window.confirm("Erase all your answers on this worksheet from this device? This cannot be undone.")) { return; }
      var erased = false;
      try {
        if (store) {
          Object.keys(store).filter(function (k) { return k.indexOf(prefix) === 0; })
            .forEach(function (k) { store.removeItem(k); });
          erased = true;
        }
      } catch (e) { erased = false; }
      form.reset();
      controls(form).forEach(sync);
      if (erased) {
        write(function () { store.setItem(prefix + "probe", "1"); store.removeItem(prefix + "probe"); });
        say("Your answers on this worksheet were erased from this device.");
      } else if (store) {
        say("Your answers were cleared from this page, but this browser did not let the saved copy be erased. " +
          "To remove it, clear this site's data in your browser settings.", true);
      } else {
        say("Your answers were cleared from this page. None were stored on this device.");
      }
    });

    form.querySelectorAll("[data-ws-print]").forEach(function (button) {
      button.addEventListener("click", function () {
        var root = document.documentElement;
        root.setAttribute("data-print-mode", button.getAttribute("data-ws-print"));
        window.addEventListener("afterprint", function () { root.removeAttribute("data-print-mode"); }, { once: true });
        window.print();
      });
    });

    // Save to a file: made here, in the browser, and handed to the reader's own downloads.
    form.querySelector("[data-ws-export]").addEventListener("click", function () {
      var data = { format: FILE_FORMAT, version: 1, worksheet: slug, title: title, saved: new Date().toISOString(), answers: collect(form) };
      var url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2) + "\n"], { type: "application/json" }));
      var link = document.createElement("a"); // never added to the page, so instant navigation ignores it
      link.href = url;
      link.download = slug + "-answers-" + today() + ".json";
      link.click();
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
      say("Your answers are being saved as the file " + link.download + " (look in your downloads). " +
        "Keep it somewhere private: anyone with the file can read it. Load it here again with \u201cLoad a saved file\u201d.");
    });

    var picker = form.querySelector("[data-ws-file]");
    form.querySelector("[data-ws-import]").addEventListener("click", function () { picker.click(); });
    picker.addEventListener("change", function () {
      var file = picker.files && picker.files[0];
      picker.value = "";
      if (!file) { return; }
      var nothing = " Nothing on this page was changed.";
      if (file.size > MAX_FILE_BYTES) { say("\u201c" + file.name + "\u201d is not a saved answers file from this guide." + nothing, true); return; }
      var reader = new FileReader();
      reader.onerror = function () { say("\u201c" + file.name + "\u201d could not be read." + nothing, true); };
      reader.onload = function () {
        var found = readAnswersFile(String(reader.result), slug);
        if (found.problem === "other") {
          say("\u201c" + file.name + "\u201d holds answers to another worksheet, \u201c" + found.title +
            "\u201d. Open that worksheet and load the file there." + nothing, true);
          return;
        }
        if (found.problem) {
          say("\u201c" + file.name + "\u201d is not a saved answers file from this guide, or it is damaged, so it was not loaded." + nothing, true);
          return;
        }
        var current = JSON.stringify(collect(form));
        if (current !== "{}" && current !== JSON.stringify(found.answers) &&
            !window.confirm("Replace the answers on this page with the ones in \u201c" + file.name + "\u201d?")) {
          say("The file was not loaded." + nothing);
          return;
        }
        var known = {};
        controls(form).forEach(function (el) { known[answerKey(el)] = true; });
        var left = Object.keys(found.answers).filter(function (k) { return !known[k]; }).length;
        apply(form, found.answers);
        write(writeAll);
        say("Loaded your answers from \u201c" + file.name + "\u201d." + (left ? " " + left + (left === 1 ? " answer" : " answers") +
          " in the file belong to questions no longer on this worksheet and could not be shown." : ""), left > 0);
      };
      reader.readAsText(file);
    });

    // Copy as text, to paste into a message to a partner or clinician. Not everywhere has the
    // clipboard API (it needs https or localhost): then a selected copy, then a box to copy by hand.
    var copybox = form.querySelector(".guide-ws__copybox");
    form.querySelector("[data-ws-copy]").addEventListener("click", function () {
      var text = asText(form, title);
      var done = function () {
        copybox.hidden = true;
        say("Your answers are copied as plain text. Paste them into a message or a note.");
      };
      var byHand = function () {
        copybox.value = text;
        copybox.hidden = false;
        copybox.focus();
        copybox.select();
        var copied = false;
        try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
        if (copied) { done(); return; }
        say("This browser did not let the page copy. Your answers are selected in the box below: copy them with Ctrl+C (\u2318C on a Mac), or press and hold.", true);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, byHand);
      } else {
        byHand();
      }
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
