/* The site's search box: Pagefind (the bundle in /pagefind/, written by the build).
 *
 * Pagefind loads its index in small chunks as a search needs them, from every
 * part of the index (see load()). Results show
 * the page title, its marking, and the matching event sections as sub-results
 * that lead to their #event-... anchors. Filters (kind, tag, region, actor,
 * event type, year) come from the pages themselves, with counts.
 *
 * Keyboard: "/" focuses the box; Arrow keys move through the results; Enter
 * follows one; Escape closes. Every string from the index is set as text,
 * never as HTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var root = new URL("../", script ? script.src : location.href); // assets/ sits at the site root
  var FILTERS = [
    ["kind", "Kind"], ["tag", "Tag"], ["region", "Region"],
    ["actor", "Actor"], ["type", "Event type"], ["year", "Year"]
  ];
  var KIND_LABELS = { briefing: "Briefings", actor: "Actors", event: "Chronology" };
  var MARKINGS = {
    "TLP:CLEAR": "clear", "TLP:GREEN": "green", "TLP:AMBER": "amber",
    "TLP:AMBER+STRICT": "amber-strict", "TLP:RED": "red"
  };
  var SHOWN = 10;
  var SUB_RESULTS = 3;

  var box = document.querySelector("[data-brief-search]");
  if (!box) return;
  var input = box.querySelector(".brief-search__input");
  var panel = box.querySelector(".brief-search__panel");
  var filterBar = box.querySelector(".brief-search__filters");
  var status = box.querySelector(".brief-search__status");
  var list = box.querySelector(".brief-search__results");
  box.hidden = false;

  var pagefind = null;
  var loading = null;
  var selects = {};
  var generation = 0;
  var timer = 0;

  /* A large site's index comes in parts (pagefind/parts.json lists all but the first,
   * which is the bundle itself): Pagefind merges them, adding up filter counts. */
  function load() {
    if (!loading) {
      var bundle = new URL("pagefind/", root);
      var manifest = fetch(new URL("parts.json", bundle).href, { cache: "no-cache" }).then(function (response) {
        if (!response.ok) throw new Error("no search manifest");
        return response.json();
      });
      loading = Promise.all([import(new URL("pagefind.js", bundle).href), manifest]).then(function (got) {
        pagefind = got[0];
        var parts = got[1].parts || [];
        return pagefind.options({ baseUrl: root.pathname }).then(function () {
          return pagefind.init();
        }).then(function () {
          return Promise.all(parts.map(function (part) {
            return pagefind.mergeIndex(new URL(part, bundle).pathname, { baseUrl: root.pathname });
          }));
        }).then(function () {
          return pagefind.filters();
        }).then(buildFilters);
      });
      loading.catch(function () {
        status.textContent = "Search is not available.";
        open();
      });
    }
    return loading;
  }

  function buildFilters(available) {
    FILTERS.forEach(function (pair) {
      var name = pair[0];
      var values = available[name];
      if (!values || !Object.keys(values).length) return;
      var label = document.createElement("label");
      label.className = "brief-search__filter";
      var caption = document.createElement("span");
      caption.textContent = pair[1];
      var select = document.createElement("select");
      select.name = name;
      select.setAttribute("data-filter", name);
      label.appendChild(caption);
      label.appendChild(select);
      filterBar.appendChild(label);
      selects[name] = { select: select, all: values };
      fillOptions(name, values);
      select.addEventListener("change", schedule);
    });
  }

  function fillOptions(name, counts) {
    var entry = selects[name];
    var chosen = entry.select.value;
    entry.select.textContent = "";
    var any = document.createElement("option");
    any.value = "";
    any.textContent = "Any";
    entry.select.appendChild(any);
    Object.keys(entry.all).sort(function (a, b) {
      return name === "year" ? b.localeCompare(a) : a.localeCompare(b);
    }).forEach(function (value) {
      var count = counts && value in counts ? counts[value] : 0;
      if (!count && value !== chosen) return;
      var option = document.createElement("option");
      option.value = value;
      option.textContent = (name === "kind" && KIND_LABELS[value] ? KIND_LABELS[value] : value) + " (" + count + ")";
      entry.select.appendChild(option);
    });
    entry.select.value = chosen;
  }

  function chosenFilters() {
    var filters = {};
    Object.keys(selects).forEach(function (name) {
      if (selects[name].select.value) filters[name] = selects[name].select.value;
    });
    return filters;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  }

  function run() {
    var term = input.value.trim();
    var filters = chosenFilters();
    var mine = ++generation;
    if (!term && !Object.keys(filters).length) {
      list.textContent = "";
      status.textContent = "Type to search briefings, actors and events.";
      open();
      return;
    }
    load().then(function () {
      return pagefind.search(term || null, { filters: filters });
    }).then(function (search) {
      if (mine !== generation || !search) return null;
      Object.keys(selects).forEach(function (name) { fillOptions(name, search.filters[name]); });
      var count = search.results.length;
      status.textContent = count === 0 ? "No results." : count + (count === 1 ? " result" : " results") +
        (count > SHOWN ? ", the first " + SHOWN + " shown." : ".");
      return Promise.all(search.results.slice(0, SHOWN).map(function (r) { return r.data(); }));
    }).then(function (pages) {
      if (mine !== generation || !pages) return;
      list.textContent = "";
      pages.forEach(function (data) { list.appendChild(resultItem(data)); });
      open();
    });
  }

  /* Pagefind's excerpts are HTML with <mark> around hits: keep the marks, set all else as text. */
  function excerpt(html) {
    var p = document.createElement("p");
    p.className = "brief-search__excerpt";
    var doc = new DOMParser().parseFromString("<body>" + html, "text/html"); // inert: no script runs
    doc.body.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(node.textContent));
      }
    });
    return p;
  }

  function link(url, title, className) {
    var a = document.createElement("a");
    a.className = className;
    a.href = url;
    a.textContent = title;
    return a;
  }

  function resultItem(data) {
    var li = document.createElement("li");
    li.className = "brief-search__result";
    var head = document.createElement("div");
    head.className = "brief-search__head";
    var a = link(data.url, (data.meta && data.meta.title) || data.url, "brief-search__title");
    head.appendChild(a);
    var marking = data.meta && data.meta.marking;
    if (marking && MARKINGS[marking]) {
      var tlp = document.createElement("span");
      tlp.className = "tlp tlp-" + MARKINGS[marking];
      tlp.textContent = marking;
      head.appendChild(tlp);
    }
    li.appendChild(head);
    li.appendChild(excerpt(data.excerpt || ""));
    var subs = (data.sub_results || []).filter(function (s) {
      return s.url.indexOf("#event-") !== -1;
    }).slice(0, SUB_RESULTS);
    if (subs.length) {
      var ul = document.createElement("ul");
      ul.className = "brief-search__subs";
      subs.forEach(function (s) {
        var item = document.createElement("li");
        item.appendChild(link(s.url, s.title, "brief-search__sub"));
        item.appendChild(excerpt(s.excerpt || ""));
        ul.appendChild(item);
      });
      li.appendChild(ul);
    }
    return li;
  }

  function open() {
    panel.hidden = false;
  }

  function close() {
    panel.hidden = true;
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  }

  function move(step) {
    var all = links();
    if (!all.length) return;
    var at = all.indexOf(document.activeElement);
    var next = at === -1 ? (step > 0 ? 0 : all.length - 1) : at + step;
    if (next < 0) { input.focus(); return; }
    all[Math.min(next, all.length - 1)].focus();
  }

  input.addEventListener("focus", function () { load(); if (input.value) open(); });
  input.addEventListener("input", schedule);
  box.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    var first = links()[0];
    if (first) first.click();
  });
  box.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { event.preventDefault(); open(); move(1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (event.key === "Escape") { event.preventDefault(); close(); input.blur(); }
  });
  list.addEventListener("click", function (event) {
    if (event.target.closest("a")) close();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    event.preventDefault();
    input.focus();
    input.select();
  });
  document.addEventListener("click", function (event) {
    if (!box.contains(event.target)) close();
  });
})();
