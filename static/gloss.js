// gloss: progressive enhancements. Every page reads and works without this file.
// Notes: margin notes aligned to their passage on wide screens, toggles on narrow ones.
// Glossary: the definition in a tooltip on hover and focus. Language switch: keeps the turn.
(function () {
  'use strict';
  var doc = document;
  var root = doc.documentElement;
  root.classList.add('js');

  // Search: its script (and, later, its index) loads only when the reader starts searching.
  var searchBox = doc.getElementById('search-q');
  if (searchBox && searchBox.dataset.script && !window.glossSearch) {
    var loadSearch = function () {
      ['focus', 'pointerdown', 'keydown'].forEach(function (t) { searchBox.removeEventListener(t, loadSearch); });
      var s = doc.createElement('script');
      s.src = searchBox.dataset.script;
      doc.head.appendChild(s);
    };
    ['focus', 'pointerdown', 'keydown'].forEach(function (t) { searchBox.addEventListener(t, loadSearch); });
  }

  var refs = [].slice.call(doc.querySelectorAll('a.ref'));
  var notes = [].slice.call(doc.querySelectorAll('.note[id]'));

  function noteOf(ref) {
    return doc.getElementById(ref.getAttribute('href').slice(1));
  }
  // The stylesheet decides where notes go; a floated note is a margin note.
  function inMargin(note) {
    return getComputedStyle(note).float !== 'none';
  }
  function fixed(note) {
    return inMargin(note) || note.classList.contains('is-inline');
  }
  function marksOf(id) {
    return doc.querySelectorAll('mark[data-note][data-note="' + id + '"]');
  }
  function hot(ref, on) {
    var note = noteOf(ref);
    if (!note) return;
    note.classList.toggle('is-hot', on);
    [].forEach.call(marksOf(note.id), function (m) { m.classList.toggle('is-hot', on); });
  }

  // Inline notes are toggled by their reference; margin notes are always shown.
  function syncRefs() {
    refs.forEach(function (ref) {
      var note = noteOf(ref);
      if (!note) return;
      if (fixed(note)) {
        ref.removeAttribute('aria-expanded');
        ref.removeAttribute('aria-controls');
      } else {
        ref.setAttribute('aria-controls', note.id);
        ref.setAttribute('aria-expanded', note.classList.contains('is-open') ? 'true' : 'false');
      }
    });
  }
  function toggle(ref) {
    var note = noteOf(ref);
    var open = !note.classList.contains('is-open');
    note.classList.toggle('is-open', open);
    ref.setAttribute('aria-expanded', open ? 'true' : 'false');
    placeNotes();
    // A note opens after its paragraph, which may end below the screen: bring it into view,
    // or the reader sees nothing happen.
    var r = note.getBoundingClientRect();
    if (open && (r.bottom > innerHeight || r.top < 0)) note.scrollIntoView({ block: 'nearest' });
  }
  refs.forEach(function (ref) {
    ref.addEventListener('click', function (e) {
      var note = noteOf(ref);
      if (!note || fixed(note)) return;
      e.preventDefault();
      toggle(ref);
    });
    ref.addEventListener('keydown', function (e) {
      var note = noteOf(ref);
      if ((e.key === ' ' || e.key === 'Spacebar') && note && !fixed(note)) {
        e.preventDefault();
        toggle(ref);
      }
    });
    ref.addEventListener('mouseenter', function () { hot(ref, true); });
    ref.addEventListener('mouseleave', function () { hot(ref, false); });
    ref.addEventListener('focus', function () { hot(ref, true); });
    ref.addEventListener('blur', function () { hot(ref, false); });
  });
  // Arriving at a note's address (a link from elsewhere) opens it. Says whether that moved
  // anything: a note already shown (in the margin, or kept in the text) stays where it is.
  function openTarget() {
    var id = location.hash.slice(1);
    var note = id && doc.getElementById(decodeURIComponent(id));
    if (note && note.classList.contains('note') && !note.classList.contains('is-open')) {
      note.classList.add('is-open');
      syncRefs();
      return !fixed(note);
    }
    return false;
  }

  // A margin note starts below its paragraph (where the engine puts it); lift it level with
  // its passage, but never over the note before it: notes close together stack. One that
  // would end up far below its passage stays in the text instead, after its paragraph.
  function placeNotes() {
    notes.forEach(function (n) {
      n.style.marginTop = '';
      n.classList.remove('is-inline');
    });
    var floor = -Infinity;
    var far = Math.max(240, innerHeight * 0.4);
    notes.filter(inMargin).forEach(function (n) {
      var mark = marksOf(n.id)[0] || doc.querySelector('a.ref[href="#' + n.id + '"]');
      if (!mark) return;
      var at = mark.getBoundingClientRect().top;
      var want = Math.max(at, floor + 12);
      if (want - at > far) {
        n.classList.add('is-inline');
        return;
      }
      var lift = n.getBoundingClientRect().top - want;
      if (lift > 0) n.style.marginTop = 'calc(.15rem - ' + lift + 'px)';
      floor = n.getBoundingClientRect().bottom;
    });
  }
  var pending = 0;
  var reveal = false;
  function relayout() {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () {
      placeNotes();
      syncRefs();
      if (reveal) revealTarget();
    });
  }
  // The browser scrolls to a note before placeNotes moves it (and scroll anchoring moves the
  // page while it does): once the notes are placed, the note the address points to is
  // brought back on screen if it left it.
  function revealTarget() {
    reveal = false;
    var id = location.hash.slice(1);
    var note = id && doc.getElementById(decodeURIComponent(id));
    if (!note || !note.classList.contains('note')) return;
    var r = note.getBoundingClientRect();
    if (r.top < 0 || r.top > innerHeight - 48) note.scrollIntoView({ block: 'start' });
  }
  if (notes.length) {
    openTarget();
    placeNotes();
    syncRefs();
    reveal = !!location.hash;
    addEventListener('resize', relayout);
    addEventListener('load', relayout);
    // Placing the notes takes a layout per note: not redone when following a reference to a
    // note that is already in place (the margin notes of wide screens).
    addEventListener('hashchange', function () {
      if (openTarget()) {
        reveal = true;
        relayout();
      }
    });
    if (doc.fonts && doc.fonts.ready) doc.fonts.ready.then(relayout);
  }

  // Glossary tooltips: the text of the hidden definition a term link is described by or,
  // for a link without one, its entry on the glossary page it points to (fetched once).
  var tip = null;
  var tipFor = null;
  var hideTimer = 0;
  var glossaries = {};
  function definition(link) {
    var def = doc.getElementById(link.getAttribute('aria-describedby') || '');
    if (def && def !== tip) return Promise.resolve({ text: def.textContent, lang: root.lang });
    var parts = link.href.split('#');
    if (!parts[1] || !window.fetch) return Promise.resolve(null);
    glossaries[parts[0]] = glossaries[parts[0]] || fetch(parts[0])
      .then(function (r) { return r.ok ? r.text() : ''; })
      .then(function (html) { return new DOMParser().parseFromString(html, 'text/html'); })
      .catch(function () { return null; });
    return glossaries[parts[0]].then(function (page) {
      var entry = page && page.getElementById(decodeURIComponent(parts[1]));
      if (!entry) return null;
      var term = entry.querySelector('dt');
      var text = entry.querySelector('dd p');
      term = term ? term.firstChild.textContent.trim() : '';
      text = text ? text.firstChild.textContent.trim() : '';
      return { text: term + ': ' + text, lang: page.documentElement.lang };
    });
  }
  function showTip(link) {
    clearTimeout(hideTimer);
    tipFor = link;
    definition(link).then(function (d) {
      if (tipFor === link && d) draw(link, d.text, d.lang);
    });
  }
  function draw(link, text, lang) {
    if (!tip) {
      tip = doc.createElement('div');
      tip.className = 'tooltip';
      tip.id = 'gloss-tooltip';
      tip.setAttribute('role', 'tooltip');
      tip.addEventListener('mouseenter', function () { clearTimeout(hideTimer); });
      tip.addEventListener('mouseleave', function () { hideTip(); });
      doc.body.appendChild(tip);
    }
    // A link described by its own hidden definition needs no second reading of the tooltip.
    var own = link.hasAttribute('aria-describedby') && link.getAttribute('aria-describedby') !== tip.id;
    if (own) tip.setAttribute('aria-hidden', 'true');
    else {
      tip.removeAttribute('aria-hidden');
      link.setAttribute('aria-describedby', tip.id);
    }
    var cut = text.indexOf(': ');
    tip.textContent = '';
    if (cut > 0) {
      var b = doc.createElement('b');
      b.textContent = text.slice(0, cut);
      tip.appendChild(b);
      tip.appendChild(doc.createTextNode(text.slice(cut + 2)));
    } else {
      tip.textContent = text;
    }
    tip.lang = lang;
    tip.hidden = false;
    var r = link.getClientRects()[0] || link.getBoundingClientRect();
    var w = tip.offsetWidth;
    var h = tip.offsetHeight;
    var vw = root.clientWidth;
    var left = Math.max(8, Math.min(r.left, vw - w - 8));
    var top = r.bottom + 6;
    if (top + h > innerHeight - 8 && r.top - h - 6 > 8) top = r.top - h - 6;
    tip.style.left = left + 'px';
    tip.style.top = top + 'px';
  }
  function hideTip(now) {
    clearTimeout(hideTimer);
    var go = function () {
      if (tip) tip.hidden = true;
      if (tipFor && tipFor.getAttribute('aria-describedby') === 'gloss-tooltip') tipFor.removeAttribute('aria-describedby');
      tipFor = null;
    };
    if (now) go(); else hideTimer = setTimeout(go, 150);
  }
  doc.addEventListener('mouseover', function (e) {
    var t = e.target.closest && e.target.closest('a.term');
    if (t && t !== tipFor) showTip(t);
  });
  doc.addEventListener('mouseout', function (e) {
    var t = e.target.closest && e.target.closest('a.term');
    if (t && !(e.relatedTarget && t.contains(e.relatedTarget))) hideTip();
  });
  doc.addEventListener('focusin', function (e) {
    var t = e.target.closest && e.target.closest('a.term');
    if (t) showTip(t); else if (tipFor) hideTip(true);
  });
  doc.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && tip && !tip.hidden) hideTip(true);
  });
  addEventListener('scroll', function () { if (tipFor && doc.activeElement !== tipFor) hideTip(true); }, { passive: true });

  // The language switch lands on the turn the reader is at: anchors are the same in every
  // language, so the links carry the hash of the turn nearest the top of the viewport.
  var switches = [].slice.call(doc.querySelectorAll('a.switch-language'));
  var turns = [].slice.call(doc.querySelectorAll('.turn[id^="t-"], .row[id^="t-"]'));
  var tocLinks = [].slice.call(doc.querySelectorAll('.interview > .toc a[href^="#"]'));
  var seen = new Set();
  var current = '';
  function setHash(id) {
    if (id === current) return;
    current = id;
    switches.forEach(function (a) {
      a.href = a.href.split('#')[0] + (id ? '#' + id : '');
    });
    var el = id && doc.getElementById(id);
    var section = el && el.closest('section[aria-labelledby]');
    var sid = section ? '#' + section.getAttribute('aria-labelledby') : '';
    tocLinks.forEach(function (a) {
      if (a.getAttribute('href') === sid) a.setAttribute('aria-current', 'location');
      else a.removeAttribute('aria-current');
    });
  }
  if (turns.length && 'IntersectionObserver' in window) {
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) seen.add(e.target); else seen.delete(e.target);
      });
      var first = null;
      seen.forEach(function (t) {
        if (!first || t.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING) first = t;
      });
      if (first) setHash(first.id);
      else if (turns[0].getBoundingClientRect().top > 0) setHash('');
    }, { rootMargin: '0px 0px -65% 0px' });
    turns.forEach(function (t) { io.observe(t); });
  }
})();
