/* Site search: a dialog opened from the header, answered by Pagefind's index of the built site.
 *
 * Nothing of the search is fetched until the reader types: then pagefind/pagefind.js loads, and it
 * fetches only the index chunks the typed words need (see docs/DESIGN.md, "Search").
 * Readers type questions, not keywords, so a query is cleaned first: small words are dropped
 * ("how", "to", "I"), and so are words on most pages of a large guide; each remaining word is
 * searched alone and the results are merged by score, pages matching more of the words first.
 * Synonyms and misspellings come from front-matter `keywords`, indexed with the page.
 * The page opened from a result highlights the words searched for. They are handed over in this
 * tab's sessionStorage, not in the address: a reader's health questions stay out of the browser's
 * history and the web server's access log.
 */
(function () {
  "use strict";

  // The site root, from this file's own address (assets/search.js): right under any sub-path and
  // under `mkdocs serve`, whatever page the reader starts on.
  var ROOT = new URL("..", document.currentScript.src);
  var PAGE_SIZE = 5; // results loaded at a time: each needs its own fragment (1.4 to 3 KB) fetched
  var COVERAGE = 2; // how much matching every word counts (see rank)
  var DEBOUNCE_MS = 250; // a pause this long starts a search; shorter ones fetch results for half-typed words
  var SETTLE_MS = 600; // and this much longer: a short last word is searched too (see search)
  var HANDOVER = "guide-search-highlight"; // sessionStorage: the words, for the page a result opens

  // Words that say little about what a reader wants. Pagefind matches word starts, so left in,
  // "i" or "to" would match almost every page.
  var STOP = new Set((
    "a about above after again against all am an and any are as at be because been before being " +
    "below between both but by can cannot could did do does doing down during each few for from " +
    "further get gets getting got had has have having he her here hers herself him himself his how " +
    "i if im in into is it its itself just let lets me more most my myself of off on once only or " +
    "other ought our ours ourselves out over own same she should so some such than that thats the " +
    "their theirs them themselves then there these they this those through to too under until up " +
    "very was we were what whats when where which while who whom why will with would you your " +
    "yours yourself yourselves ive id ill dont doesnt didnt cant isnt arent wont youre hes shes " +
    "really thing things anything something someone"
  ).split(/\s+/));
  // Not listed although common: "no", "not" and "stop" are what some readers ask about.

  function terms(query) {
    var words = query.toLowerCase().replace(/[\u2018\u2019']/g, "").split(/[^\p{L}\p{N}]+/u)
      .filter(function (w) { return w.length > 0; });
    var kept = words.filter(function (w) { return !STOP.has(w); });
    kept = kept.length ? kept : words; // a query of small words only: search them as typed
    return kept.filter(function (w, i) { return kept.indexOf(w) === i; });
  }

  // Pagefind, and the words too common on this site to be worth fetching (hooks/guide/search.py
  // lists them at build time; small guides have none).
  var pagefind = null;
  var common = new Set();
  function load() {
    if (!pagefind) {
      var listed = fetch(new URL("pagefind/guide-common-words.json", ROOT)).then(function (r) { return r.json(); })
        .then(function (data) { common = new Set(data.words); }, function () {}); // without it, search still works
      pagefind = import(new URL("pagefind/pagefind.js", ROOT).href).then(function (pf) {
        return pf.options({ baseUrl: ROOT.pathname }).then(function () { return Promise.all([pf.init(), listed]); })
          .then(function () { return pf; });
      });
      pagefind.catch(function () { pagefind = null; }); // let a later keystroke try again
    }
    return pagefind;
  }

  function worthSearching(words) {
    var rare = words.filter(function (w) { return !common.has(stem(w)); });
    return rare.length ? rare : words;
  }

  function stem(word) {
    // Rough English endings, the same as `stem` in hooks/guide/search.py: "talking" -> "talk".
    var bare = word.replace(/(ies|ing|ed|es|s|y)$/, "");
    return bare.length >= 3 ? bare : word;
  }

  // Each word is searched alone and the results merged: a page's score is the sum of its scores
  // for the words it matches, times the share of the words it matches (squared), so pages with
  // every word come first but one unmatched word ("my partner never listens") loses nothing.
  function rank(pf, words) {
    return Promise.all(words.map(function (w) { return pf.search(w); })).then(function (each) {
      var merged = new Map();
      each.forEach(function (one) {
        one.results.forEach(function (r) {
          var m = merged.get(r.id) || { result: r, score: 0, hits: 0 };
          m.score += r.score;
          m.hits += 1;
          merged.set(r.id, m);
        });
      });
      var ranked = Array.from(merged.values());
      ranked.forEach(function (m) { m.score *= Math.pow(m.hits / words.length, COVERAGE); });
      return ranked.sort(function (a, b) { return b.score - a.score; });
    });
  }

  // ---- the dialog -------------------------------------------------------------------------------

  function setup(dialog) {
    var input = dialog.querySelector("[data-guide-search-input]");
    var status = dialog.querySelector("[data-guide-search-status]");
    var list = dialog.querySelector("[data-guide-search-results]");
    var more = dialog.querySelector("[data-guide-search-more]");
    var opener = null;
    var timer = 0;
    var settle = 0;
    var run = 0; // the newest search; older answers that arrive late are dropped
    var ranked = [];
    var shown = 0;
    var words = [];
    var shownFor = null; // the query the list answers in full; null while the reader types

    function open(from) {
      opener = from || document.activeElement;
      if (!dialog.open) { dialog.showModal(); }
      input.focus();
      input.select();
    }

    function close() {
      if (dialog.open) { dialog.close(); }
    }

    dialog.addEventListener("close", function () {
      if (opener && document.contains(opener)) { opener.focus(); }
      opener = null;
    });
    // A click on the dark backdrop (outside the dialog box) closes it, like Escape.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) { close(); }
    });
    dialog.addEventListener("keydown", function (event) {
      // One Escape closes, even with words in the box (a search box's own Escape would only clear them).
      if (event.key === "Escape") { event.preventDefault(); close(); return; }
      // Up and down arrows move between the box and the results.
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        var stops = [input].concat(Array.prototype.slice.call(list.querySelectorAll("a")));
        var at = stops.indexOf(document.activeElement);
        var to = at + (event.key === "ArrowDown" ? 1 : -1);
        if (at >= 0 && to >= 0 && to < stops.length) { event.preventDefault(); stops[to].focus(); }
        return;
      }
      // Tab from the last control goes back to the first (and Shift+Tab the other way): a modal
      // dialog makes the page behind inert, but the browser would otherwise move focus to itself.
      if (event.key !== "Tab") { return; }
      var controls = Array.prototype.filter.call(dialog.querySelectorAll("a[href], button, input"), function (el) {
        return !el.disabled && el.getClientRects().length > 0;
      });
      var first = controls[0], last = controls[controls.length - 1];
      if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
      else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
    });
    dialog.querySelector("[data-guide-search-close]").addEventListener("click", close);
    // Enter opens the best result for what is in the box now: typed faster than the search, it
    // waits for that search rather than open a result of the words typed before.
    dialog.querySelector("[data-guide-search-form]").addEventListener("submit", function (event) {
      event.preventDefault();
      var query = input.value.trim();
      var answered = shownFor === query ? Promise.resolve() : (clearTimeout(timer), clearTimeout(settle), search(true));
      answered.then(function () {
        var first = list.querySelector("a");
        if (first && shownFor === query && input.value.trim() === query) { first.click(); }
      });
    });
    list.addEventListener("click", function (event) {
      var link = event.target.closest("a");
      // A result opened in a new tab or window (Ctrl, Shift, Cmd): this tab stays on its search,
      // and hands nothing over that a later visit here would find.
      if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
      try {
        sessionStorage.setItem(HANDOVER, JSON.stringify({ path: new URL(link.href).pathname, words: words.join(" ") }));
      } catch (e) { /* storage blocked: the page opens without highlights */ }
      close(); // instant navigation keeps the dialog: close it
    });
    input.addEventListener("input", function () {
      shownFor = null;
      clearTimeout(timer);
      clearTimeout(settle);
      timer = setTimeout(function () { search(false); }, DEBOUNCE_MS);
      if (input.value.trim()) {
        // The reader has started a search: load Pagefind now, and, while they type, the index
        // chunks of the words they have finished (a word still being typed would fetch chunks
        // for every prefix on the way: "h", "ho", "how").
        var done = /\s/.test(input.value) ? terms(input.value.replace(/\S+$/, "")) : [];
        load().then(function (pf) {
          done.filter(function (w) { return !common.has(stem(w)); }).forEach(function (w) { pf.preload(w); });
        }).catch(function () {});
      }
    });
    more.addEventListener("click", function () {
      var next = list.children.length;
      showNext(run).then(function () {
        var link = list.children[next] && list.children[next].querySelector("a");
        if (link) { link.focus(); }
      });
    });

    function say(text) { status.textContent = text; }

    function search(settled) {
      var query = input.value.trim();
      var mine = ++run;
      var pending = false;
      if (!query) {
        list.removeAttribute("aria-busy");
        list.replaceChildren();
        more.hidden = true;
        say("");
        return Promise.resolve();
      }
      list.setAttribute("aria-busy", "true");
      say("Searching\u2026");
      var typed = terms(query);
      if (!settled && typed.length > 1 && typed[typed.length - 1].length < 3 && /\S$/.test(input.value)) {
        // A last word of one or two letters may be half-typed ("pa" on the way to "pain"): as a
        // prefix it matches so many words that fetching them costs far more than it tells. Search
        // without it now, and with it if the reader stops there ("sex and ms").
        typed = typed.slice(0, -1);
        pending = true;
        settle = setTimeout(function () { search(true); }, SETTLE_MS);
      }
      return load().then(function (pf) {
        words = worthSearching(typed);
        return rank(pf, words);
      }).then(function (results) {
        if (mine !== run) { return; }
        ranked = results;
        shown = 0;
        list.replaceChildren();
        return showNext(mine).then(function () {
          if (mine !== run || pending) { return; } // announce only the search with every word
          shownFor = query;
          var n = ranked.length;
          say(n === 0
            ? "No pages found for \u201c" + query + "\u201d. Try other words, or fewer."
            : n + (n === 1 ? " page" : " pages") + " found for \u201c" + query + "\u201d" +
              (n > shown ? ", best " + shown + " shown." : "."));
        });
      }).catch(function () {
        if (mine === run) { say("Search could not load. Check your connection and try again."); }
      }).then(function () {
        if (mine === run && !pending) { list.removeAttribute("aria-busy"); }
      });
    }

    function showNext(mine) {
      var batch = ranked.slice(shown, shown + PAGE_SIZE);
      shown += batch.length;
      return Promise.all(batch.map(function (r) { return r.result.data(); })).then(function (data) {
        if (mine !== run) { return; }
        data.forEach(function (d) { list.appendChild(resultItem(d)); });
        more.hidden = shown >= ranked.length;
      });
    }

    function resultItem(d) {
      // Titles, summaries and sections are front-matter text: set as text, never as markup.
      var li = document.createElement("li");
      li.className = "guide-search__result";
      var link = document.createElement("a");
      link.className = "guide-search__link";
      link.href = d.url;
      link.textContent = (d.meta && d.meta.title) || d.url;
      li.appendChild(link);
      if (d.meta && d.meta.description) {
        var desc = document.createElement("p");
        desc.className = "guide-search__description";
        desc.textContent = d.meta.description;
        li.appendChild(desc);
      }
      if (d.meta && d.meta.section) {
        var section = document.createElement("p");
        section.className = "guide-search__section";
        section.textContent = "In " + d.meta.section;
        li.appendChild(section);
      }
      return li;
    }

    return { open: open, close: close };
  }

  // ---- highlighting on the page opened from a result --------------------------------------------

  // The words come from the result clicked in this tab (or, as Pagefind's own links give them, from
  // `?highlight=`), and only for the page it opened: the next page is not marked again.
  function highlight() {
    var wanted = null;
    try {
      var handed = JSON.parse(sessionStorage.getItem(HANDOVER) || "null");
      sessionStorage.removeItem(HANDOVER);
      if (handed && handed.path === location.pathname) { wanted = handed.words; }
    } catch (e) { /* storage blocked, or not ours: nothing to mark */ }
    wanted = wanted || new URLSearchParams(location.search).get("highlight");
    var root = document.querySelector(".md-content .guide-page");
    if (!wanted || !root) { return; }
    var stems = wanted.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 1; }).map(stem)
      .map(function (s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    if (!stems.length) { return; }
    var pattern = new RegExp("(^|[^\\p{L}\\p{N}])((?:" + stems.join("|") + ")[\\p{L}\\p{N}]*)", "giu");
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentElement;
        if (!parent || parent.closest("script, style, mark, [hidden], button, [data-pagefind-ignore]")) {
          return NodeFilter.FILTER_REJECT;
        }
        pattern.lastIndex = 0;
        return pattern.test(node.nodeValue) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) { nodes.push(walker.currentNode); }
    nodes.forEach(function (node) {
      var text = node.nodeValue;
      var frag = document.createDocumentFragment();
      var last = 0;
      pattern.lastIndex = 0;
      var m;
      while ((m = pattern.exec(text)) !== null) {
        var start = m.index + m[1].length;
        frag.appendChild(document.createTextNode(text.slice(last, start)));
        var mark = document.createElement("mark");
        mark.className = "guide-highlight";
        mark.textContent = m[2];
        frag.appendChild(mark);
        last = start + m[2].length;
      }
      frag.appendChild(document.createTextNode(text.slice(last)));
      node.parentNode.replaceChild(frag, node);
    });
  }

  // ---- wiring -------------------------------------------------------------------------------------

  var ui = null;

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-guide-search-open]");
    if (button && ui) { ui.open(button); }
  });
  // "/" opens search, as Material's own search did, unless the reader is typing somewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && ui && !typing(event.target) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      ui.open(document.querySelector("[data-guide-search-open]"));
    }
  });

  document$.subscribe(function () {
    var dialog = document.getElementById("guide-search");
    if (dialog && !dialog.hasAttribute("data-ready")) {
      dialog.setAttribute("data-ready", "");
      ui = setup(dialog);
    }
    highlight();
  });
})();
