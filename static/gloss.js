// gloss: progressive enhancements. Every page reads and works without this file.
// Notes: margin notes aligned to their passage on wide screens, toggles on narrow ones.
// Glossary: the definition in a tooltip on hover and focus. Language switch: keeps the turn.
(function () {
  'use strict';
  var doc = document;
  var root = doc.documentElement;
  root.classList.add('js');

  var refs = [].slice.call(doc.querySelectorAll('a.ref'));
  var notes = [].slice.call(doc.querySelectorAll('.note[id]'));

  function noteOf(ref) {
    return doc.getElementById(ref.getAttribute('href').slice(1));
  }
  // The stylesheet decides where notes go; a floated note is a margin note.
  function inMargin(note) {
    return getComputedStyle(note).float !== 'none';
  }
  function marksOf(id) {
    return doc.querySelectorAll('mark.anno[data-note="' + id + '"]');
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
      if (inMargin(note)) {
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
  }
  refs.forEach(function (ref) {
    ref.addEventListener('click', function (e) {
      var note = noteOf(ref);
      if (!note || inMargin(note)) return;
      e.preventDefault();
      toggle(ref);
    });
    ref.addEventListener('keydown', function (e) {
      var note = noteOf(ref);
      if ((e.key === ' ' || e.key === 'Spacebar') && note && !inMargin(note)) {
        e.preventDefault();
        toggle(ref);
      }
    });
    ref.addEventListener('mouseenter', function () { hot(ref, true); });
    ref.addEventListener('mouseleave', function () { hot(ref, false); });
    ref.addEventListener('focus', function () { hot(ref, true); });
    ref.addEventListener('blur', function () { hot(ref, false); });
  });
  // Arriving at a note's address (a link from elsewhere) opens it.
  function openTarget() {
    var id = location.hash.slice(1);
    var note = id && doc.getElementById(decodeURIComponent(id));
    if (note && note.classList.contains('note') && !note.classList.contains('is-open')) {
      note.classList.add('is-open');
      syncRefs();
    }
  }

  // A margin note starts below its paragraph (where the engine puts it); lift it level with
  // its passage. Floats with clear never overlap, so notes close together stack.
  function placeNotes() {
    var margin = notes.filter(inMargin);
    margin.forEach(function (n) { n.style.marginTop = ''; });
    margin.forEach(function (n) {
      var ref = doc.querySelector('a.ref[href="#' + n.id + '"]');
      var mark = marksOf(n.id)[0] || ref;
      if (!mark) return;
      var lift = n.getBoundingClientRect().top - mark.getBoundingClientRect().top;
      if (lift > 0) n.style.marginTop = 'calc(.15rem - ' + lift + 'px)';
    });
  }
  var pending = 0;
  function relayout() {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () { syncRefs(); placeNotes(); });
  }
  if (notes.length) {
    openTarget();
    syncRefs();
    placeNotes();
    addEventListener('resize', relayout);
    addEventListener('load', relayout);
    addEventListener('hashchange', function () { openTarget(); relayout(); });
    if (doc.fonts && doc.fonts.ready) doc.fonts.ready.then(relayout);
  }

  // Glossary tooltips, from the hidden definitions the links are described by.
  var tip = null;
  var tipFor = null;
  var hideTimer = 0;
  function showTip(link) {
    var def = doc.getElementById(link.getAttribute('aria-describedby') || '');
    if (!def) return;
    clearTimeout(hideTimer);
    if (!tip) {
      tip = doc.createElement('div');
      tip.className = 'tooltip';
      tip.setAttribute('aria-hidden', 'true');
      tip.addEventListener('mouseenter', function () { clearTimeout(hideTimer); });
      tip.addEventListener('mouseleave', function () { hideTip(); });
      doc.body.appendChild(tip);
    }
    var text = def.textContent;
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
    tip.lang = root.lang;
    tip.hidden = false;
    tipFor = link;
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
    var go = function () { if (tip) tip.hidden = true; tipFor = null; };
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
