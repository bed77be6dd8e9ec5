/* gloss search: the search box on every page and the search page, in plain JavaScript.
 *
 * Nothing is fetched until the reader focuses the box (or opens the search page with ?q=): then
 * search-engine.js, beside this file, and the index it reads. */
(function () {
  'use strict';
  var script = document.currentScript;

  /* ---------- The page: search box, results, keyboard ---------- */

  function attach(doc) {
    var input = doc.getElementById('search-q');
    if (!input || input.dataset.glossSearch) return;
    input.dataset.glossSearch = 'on';
    var form = input.form;
    var ui = {
      results: input.dataset.uiResults || 'results',
      none: input.dataset.uiNone || 'No results',
      other: input.dataset.uiOther || 'In the other language',
      turn: input.dataset.uiTurn || 'Turn',
      note: input.dataset.uiNote || 'Note',
    };
    var indexUrl = new URL(input.dataset.index, doc.baseURI);
    var api = null, engine = null, starting = null;

    function fetchText(path) {
      return fetch(new URL(path, indexUrl)).then(function (r) {
        if (!r.ok) throw new Error(r.status + ' ' + r.url);
        return r.text();
      });
    }

    function loadScript(url) {
      return new Promise(function (resolve, reject) {
        var s = doc.createElement('script');
        s.src = url;
        s.onload = resolve;
        s.onerror = function () { reject(new Error('could not load ' + url)); };
        doc.head.appendChild(s);
      });
    }

    /* The engine's code and the index, fetched once, when the reader starts searching. */
    function ready() {
      if (!starting) {
        var code = window.glossSearchEngine ? Promise.resolve()
          : loadScript(new URL('search-engine.js', script ? script.src : indexUrl));
        starting = code.then(function () {
          api = window.glossSearchEngine;
          engine = new api.Engine(fetchText, input.dataset.lang || doc.documentElement.lang);
          return engine.load();
        }).then(function () { return engine; });
        starting.catch(function () { starting = null; });
      }
      return starting;
    }

    var onPage = doc.getElementById('search-results');
    var box = onPage;
    if (!box) {
      box = doc.createElement('div');
      box.className = 'search-panel';
      box.id = 'search-panel';
      box.hidden = true;
      form.appendChild(box);
    }
    var status = doc.createElement('p');
    status.className = 'search-status';
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    var list = doc.createElement('div');
    list.className = 'search-list';
    box.appendChild(status);
    box.appendChild(list);
    input.setAttribute('aria-controls', box.id);

    var seq = 0, shown = 0, current = null, pending = false;
    var limit = onPage ? 20 : 5;

    function open(yes) {
      if (onPage) return;
      box.hidden = !yes;
    }

    function el(tag, cls, text) {
      var e = doc.createElement(tag);
      if (cls) e.className = cls;
      if (text !== undefined) e.textContent = text;
      return e;
    }

    function langName(row) { return engine.meta.languages[row[2]][2]; }
    function langCode(row) { return engine.meta.languages[row[2]][1]; }

    function label(hit) {
      var d = hit.doc;
      if (d.kind === 't') return d.label + ' · ' + ui.turn + ' ' + d.anchor.slice(2);
      if (d.kind === 'n') return ui.note + (d.label ? ' · ' + ui.turn + ' ' + d.label.slice(2) : '');
      if (d.kind === 'p') return '';
      return d.label;
    }

    function renderGroup(g, perGroup) {
      var sec = el('section', 'search-group');
      var h = el('h2', 'search-group-title');
      var a = el('a', null, g.title);
      a.href = g.url;
      h.appendChild(a);
      sec.appendChild(h);
      var ul = el('ul', 'search-hits');
      g.items.slice(0, perGroup).forEach(function (it) {
        var hit = it.hit, row = engine.meta.pages[hit.page];
        var li = el('li', 'search-hit' + (hit.current ? '' : ' search-other'));
        var link = el('a', 'search-link');
        link.href = row[0] + (it.anchor ? '#' + it.anchor : '');
        if (!hit.current) link.lang = langCode(row);
        if (label(hit)) link.appendChild(el('span', 'search-label', label(hit)));
        if (!hit.current) link.appendChild(el('span', 'search-lang', ui.other + ': ' + langName(row)));
        var ex = el('span', 'search-excerpt');
        api.excerpt(hit.doc.text, hit.matched, onPage ? 220 : 140).forEach(function (run) {
          if (run[1]) ex.appendChild(el('mark', null, run[0]));
          else ex.appendChild(doc.createTextNode(run[0]));
        });
        link.appendChild(ex);
        li.appendChild(link);
        if (it.translation) {
          var trow = engine.meta.pages[it.translation.page];
          var tr = el('a', 'search-translation', '→ ' + langName(trow));
          tr.href = trow[0] + (it.anchor ? '#' + it.anchor : '');
          tr.lang = langCode(trow);
          li.appendChild(tr);
        }
        ul.appendChild(li);
      });
      sec.appendChild(ul);
      return sec;
    }

    function say(total, more) {
      status.textContent = total === 0 && !more ? ui.none : total + (more ? '+' : '') + ' ' + ui.results;
    }

    function run(q) {
      var mine = ++seq;
      if (!q.trim()) {
        list.textContent = '';
        status.textContent = '';
        open(false);
        return;
      }
      ready().then(function (e) { return e.search(q, limit, 0); }).then(function (res) {
        if (mine !== seq) return;
        current = { q: q, res: res };
        shown = res.total;
        list.textContent = '';
        res.groups.forEach(function (g) { list.appendChild(renderGroup(g, onPage ? 50 : 4)); });
        if (!onPage && res.groups.length) {
          var all = el('a', 'search-all', res.total + (res.more ? '+ ' : ' ') + ui.results + ' →');
          all.href = form.action + '?q=' + encodeURIComponent(q);
          list.appendChild(all);
        }
        say(shown, res.more);
        open(true);
        if (onPage) sentinel();
      }).catch(function (e) {
        if (mine !== seq) return;
        status.textContent = String(e.message || e);
        open(true);
      });
    }

    /* The search page reads more groups as the reader scrolls to the end of the list. */
    var observer = null;
    function sentinel() {
      if (!current || !current.res.more || typeof IntersectionObserver === 'undefined') return;
      var end = el('div', 'search-more');
      list.appendChild(end);
      if (observer) observer.disconnect();
      observer = new IntersectionObserver(function (entries) {
        if (!entries[0].isIntersecting || pending) return;
        pending = true;
        var mine = seq, before = current;
        engine.search(before.q, limit, before.res.next).then(function (res) {
          pending = false;
          if (mine !== seq) return;
          end.remove();
          res.groups.forEach(function (g) { list.appendChild(renderGroup(g, 50)); });
          shown += res.total;
          current = { q: before.q, res: res };
          say(shown, res.more);
          sentinel();
        });
      });
      observer.observe(end);
    }

    /* Arrow keys move through the results themselves; group titles are reached with Tab. */
    function links() {
      return Array.prototype.slice.call(list.querySelectorAll('.search-link, .search-translation, .search-all'));
    }

    input.addEventListener('focus', function () { ready().catch(function () {}); if (!onPage && list.firstChild) open(true); });
    /* While an input method composes (pinyin, zhuyin), wait for the characters it commits. */
    input.addEventListener('input', function (e) { if (!e.isComposing) run(input.value); });
    input.addEventListener('compositionend', function () { run(input.value); });
    form.addEventListener('submit', function (e) {
      if (onPage) {
        e.preventDefault();
        history.replaceState(null, '', '?q=' + encodeURIComponent(input.value));
        run(input.value);
      }
    });
    form.addEventListener('keydown', function (e) {
      var all = links(), i = all.indexOf(doc.activeElement);
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (!all.length) return;
        e.preventDefault();
        var next = e.key === 'ArrowDown' ? i + 1 : i - 1;
        if (i < 0) next = e.key === 'ArrowDown' ? 0 : all.length - 1;
        if (next < 0 || next >= all.length) input.focus();
        else all[next].focus();
      } else if (e.key === 'Escape') {
        if (i >= 0 || (!onPage && !box.hidden)) {
          input.focus();
          open(false);
        } else {
          input.value = '';
          run('');
        }
        e.preventDefault();
      }
    });
    if (onPage) {
      list.addEventListener('keydown', function (e) {
        if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Escape') return;
        var all = links(), i = all.indexOf(doc.activeElement);
        e.preventDefault();
        if (e.key === 'Escape') { input.focus(); return; }
        var next = e.key === 'ArrowDown' ? i + 1 : i - 1;
        if (next < 0) input.focus(); else if (next < all.length) all[next].focus();
      });
    }
    doc.addEventListener('click', function (e) {
      if (!onPage && !form.contains(e.target)) open(false);
    });
    box.addEventListener('click', function (e) {
      if (!onPage && e.target.closest && e.target.closest('a')) open(false);
    });
    if (onPage) {
      var q = new URLSearchParams(location.search).get('q');
      if (q) { input.value = q; run(q); }
    }
    // Loaded on demand by gloss.js when the reader focused or typed into the box: catch up.
    if (doc.activeElement === input) {
      ready().catch(function () {});
      if (input.value) run(input.value);
    }
  }

  // Its stylesheet comes with it (pages load neither until the reader starts searching).
  var script = document.currentScript;
  if (script && !document.querySelector('link[href$="search.css"]')) {
    var css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = script.src.replace(/search\.js(\?.*)?$/, 'search.css');
    document.head.appendChild(css);
  }
  if (window.glossSearch) return;
  window.glossSearch = { attach: attach };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { attach(document); });
  } else {
    attach(document);
  }
})();
