/* gloss search engine: the tokeniser, the index format and the query, in plain JavaScript.
 *
 * The tokeniser is the one src/search/tokenize.rs runs at build time, line for line: a test feeds
 * both the same strings. The index (search-index.json, term shards, per-page text) is written by
 * src/search/index.rs. static/search.js loads this file when the reader starts searching; Node
 * (tests, benchmark) requires it. */
(function (root, factory) {
  var api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.glossSearchEngine = api;
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  /* ---------- Tokeniser (mirror of src/search/tokenize.rs) ---------- */

  var MAX_WORD = 40;
  var FOLD = new Map();
  var WORD_RE = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]/u;
  var wordCache = new Map();

  /* Accepts src/search/fold.txt (a pair a line, `#` comments) or the index's run of pairs. */
  function setFoldTable(text) {
    FOLD = new Map();
    foldCache = new Map();
    foldMulti = new Map();
    var lines = text.indexOf('\n') >= 0 ? text.split('\n') : [text];
    lines.forEach(function (line) {
      if (line.charAt(0) === '#') return;
      var cps = Array.from(line);
      for (var i = 0; i + 1 < cps.length; i += 2) {
        FOLD.set(cps[i].codePointAt(0), cps[i + 1].codePointAt(0));
      }
    });
  }

  function isCjk(cp) {
    return (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0x20000 && cp <= 0x3fffd);
  }

  function isWord(cp) {
    if (cp < 128) return (cp >= 48 && cp <= 57) || (cp >= 97 && cp <= 122) || (cp >= 65 && cp <= 90);
    if (isCjk(cp)) return false;
    var w = wordCache.get(cp);
    if (w === undefined) {
      w = WORD_RE.test(String.fromCodePoint(cp));
      wordCache.set(cp, w);
    }
    return w;
  }

  function isApostrophe(cp) { return cp === 0x27 || cp === 0x2019; }

  /* One code point → its folded form (half-width, Simplified, lower case) as a code point, or -1
   * when lower-casing gives several (İ → i̇), found in foldMulti. Cached: text is folded
   * character by character. */
  var foldCache = new Map(), foldMulti = new Map();
  function foldCp(cp) {
    if (cp < 128) return cp >= 65 && cp <= 90 ? cp + 32 : cp;
    var r = foldCache.get(cp);
    if (r !== undefined) return r;
    var c = cp;
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    else if (c === 0x3000) c = 0x20;
    var t = FOLD.get(c);
    if (t !== undefined) c = t;
    var lower = String.fromCodePoint(c).toLowerCase();
    if (Array.from(lower).length === 1) {
      r = lower.codePointAt(0);
    } else {
      r = -1;
      foldMulti.set(cp, Array.from(lower).map(function (x) { return x.codePointAt(0); }));
    }
    foldCache.set(cp, r);
    return r;
  }

  function fold(s) {
    var out = [];
    each(s, null, function (cp) { out.push(cp); });
    var parts = [];
    for (var i = 0; i < out.length; i += 4096) parts.push(String.fromCodePoint.apply(null, out.slice(i, i + 4096)));
    return parts.join('');
  }

  /* Harman's "S" stemmer as Lucene's EnglishMinimalStemmer writes it. */
  function stem(word) {
    var c = Array.from(word);
    var n = c.length;
    if (n < 3 || c[n - 1] !== 's') return word;
    switch (c[n - 2]) {
      case 'u': case 's': return word;
      case 'e':
        if (n > 3 && c[n - 3] === 'i' && c[n - 4] !== 'a' && c[n - 4] !== 'e') {
          return c.slice(0, n - 3).join('') + 'y';
        }
        if ('iaoe'.indexOf(c[n - 3]) >= 0) return word;
        return c.slice(0, n - 1).join('');
      default: return c.slice(0, n - 1).join('');
    }
  }

  function grow(a, cap) { var b = new Int32Array(cap); b.set(a); return b; }

  function chr(cp) { return cp > 0xffff ? String.fromCodePoint(cp) : String.fromCharCode(cp); }

  /* Cuts `text` into tokens, calling emit(term, start, end, cjk, raw, run) with UTF-16 offsets
   * into `text`: the loop of tokenize() in src/search/tokenize.rs. With `raw`, also hands it
   * every folded code point (that is fold()). */
  function each(text, emit, raw) {
    var n = 0, cap = text.length + 8;
    var cps = new Int32Array(cap), starts = new Int32Array(cap), ends = new Int32Array(cap);
    for (var i = 0; i < text.length;) {
      var cp = text.charCodeAt(i), w = 1;
      if (cp >= 0xd800 && cp <= 0xdbff) { cp = text.codePointAt(i); w = cp > 0xffff ? 2 : 1; }
      var f = foldCp(cp);
      var many = f < 0 ? foldMulti.get(cp) : null;
      for (var k = 0; k < (many ? many.length : 1); k++) {
        if (n >= cap) {
          cap *= 2;
          cps = grow(cps, cap); starts = grow(starts, cap); ends = grow(ends, cap);
        }
        cps[n] = many ? many[k] : f; starts[n] = i; ends[n] = i + w; n++;
        if (raw) raw(cps[n - 1]);
      }
      i += w;
    }
    if (!emit) return;
    i = 0;
    while (i < n) {
      var c = cps[i];
      if (isCjk(c)) {
        var s = i;
        while (i < n && isCjk(cps[i])) i++;
        if (i - s === 1) emit(chr(c), starts[s], ends[s], true, null, 1);
        for (var b = s; b < i - 1; b++) emit(chr(cps[b]) + chr(cps[b + 1]), starts[b], ends[b + 1], true, null, i - s);
      } else if (isWord(c)) {
        var word = '', len = 0, first = i, last = i;
        while (i < n) {
          var d = cps[i];
          if (isWord(d)) {
            if (len < MAX_WORD) { word += chr(d); len++; }
            last = i;
          } else if (!(isApostrophe(d) && i + 1 < n && isWord(cps[i + 1]))) {
            break;
          }
          i++;
        }
        emit(stem(word), starts[first], ends[last], false, word, 0);
      } else {
        i++;
      }
    }
  }

  /* Tokens with where they come from in `text`: {t, s, e, cjk, raw, run}. */
  function scan(text) {
    var out = [];
    each(text, function (t, s, e, cjk, raw, run) { out.push({ t: t, s: s, e: e, cjk: cjk, raw: raw, run: run }); });
    return out;
  }

  function tokenize(text) {
    var out = [];
    each(text, function (t) { out.push(t); });
    return out;
  }

  /* ---------- Index format (mirror of src/search/index.rs) ---------- */

  var TERMINAL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ#$%&()';
  var CONTINUE = '*+,-./:;<=>?@[]^';
  var DIGIT = new Int8Array(128).fill(-1);
  for (var d = 0; d < 32; d++) DIGIT[TERMINAL.charCodeAt(d)] = d;
  for (d = 0; d < 16; d++) DIGIT[CONTINUE.charCodeAt(d)] = 32 + d;
  var BITMAP = 33, GROUP = 124; /* '!' and '|' */

  function isPosting(code) { return code === BITMAP || (code < 128 && DIGIT[code] >= 0); }

  function decodePostings(s) {
    var out = [], i = 0;
    function read() {
      var n = 0;
      for (;;) {
        var v = DIGIT[s.charCodeAt(i++)];
        if (v < 32) return n * 32 + v;
        n = n * 16 + (v - 32);
      }
    }
    if (s.charCodeAt(0) === BITMAP) {
      i = 1;
      var first = read();
      for (var k = 0; i < s.length; k++) {
        var v = DIGIT[s.charCodeAt(i++)];
        for (var bit = 0; bit < 5; bit++) if (v & (1 << bit)) out.push(first + k * 5 + bit);
      }
      return out;
    }
    var prev = -1;
    while (i < s.length) { prev = prev < 0 ? read() : prev + read() + 1; out.push(prev); }
    return out;
  }

  function isHigh(code) { return code >= 0xd800 && code <= 0xdbff; }

  /* A shard → its terms and their (still encoded) postings, in order. */
  function parseShard(text) {
    var terms = [], posts = [], head = '', i = 0, n = text.length, c, start, term;
    while (i < n) {
      c = text.charCodeAt(i);
      if (c === GROUP) {
        start = ++i;
        i += isHigh(text.charCodeAt(i)) ? 2 : 1;
        head = text.slice(start, i);
        term = head;
        if (i < n && !isPosting(text.charCodeAt(i))) {
          start = i;
          i += isHigh(text.charCodeAt(i)) ? 2 : 1;
          term = head + text.slice(start, i);
        }
      } else if (head && c >= 0x3040 && isCjk(text.codePointAt(i))) {
        start = i;
        i += isHigh(c) ? 2 : 1;
        term = head + text.slice(start, i);
      } else {
        head = '';
        start = i;
        while (i < n && !isPosting(c = text.charCodeAt(i)) && c !== GROUP) i++;
        term = text.slice(start, i);
      }
      start = i;
      while (i < n && isPosting(text.charCodeAt(i))) i++;
      terms.push(term);
      posts.push(text.slice(start, i));
    }
    return { terms: terms, posts: posts };
  }

  function lowerBound(arr, x) {
    var lo = 0, hi = arr.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (arr[mid] < x) lo = mid + 1; else hi = mid; }
    return lo;
  }

  /* ---------- Engine ---------- */

  var KIND_WEIGHT = { t: 1, n: 0.8, s: 0.7, p: 0.6, g: 0.7 };
  var PREFIX_WEIGHT = 0.75, OTHER_LANGUAGE = 0.9, PHRASE = 1.5, MAX_EXPANSIONS = 60;

  /* `fetchText(path)` returns a promise of the text of a file relative to search-index.json. */
  function Engine(fetchText, lang) {
    this.fetchText = fetchText;
    this.lang = lang;
    this.meta = null;
    this.shards = [];
    this.pages = [];
    this.ready = null;
  }

  Engine.prototype.load = function () {
    var self = this;
    if (!this.ready) {
      this.ready = this.fetchText('search-index.json').then(function (text) {
        self.meta = JSON.parse(text);
        setFoldTable(self.meta.fold);
        self.langIndex = Math.max(0, self.meta.languages.findIndex(function (l) { return l[0] === self.lang; }));
      });
      this.ready.catch(function () { self.ready = null; });
    }
    return this.ready;
  };

  Engine.prototype.shard = function (k) {
    var self = this;
    if (!this.shards[k]) {
      this.shards[k] = this.fetchText('search-index/terms-' + k + '.txt').then(parseShard);
      this.shards[k].catch(function () { self.shards[k] = null; });
    }
    return this.shards[k];
  };

  Engine.prototype.shardOf = function (term) {
    return Math.max(0, lowerBound(this.meta.shards, term + '\u0000') - 1);
  };

  /* The index terms a query token stands for: itself, and words it begins while being typed. */
  Engine.prototype.expand = function (tok) {
    var self = this;
    var exact = tok.t;
    var prefix = tok.prefix ? (tok.cjk ? tok.t : tok.raw) : null;
    var ks = [this.shardOf(exact)];
    if (prefix) {
      for (var k = this.shardOf(prefix); k <= this.shardOf(prefix + '\uffff'); k++) if (ks.indexOf(k) < 0) ks.push(k);
    }
    return Promise.all(ks.map(function (k) { return self.shard(k); })).then(function (shards) {
      var found = new Map();
      shards.forEach(function (sh) {
        var i = lowerBound(sh.terms, exact);
        if (sh.terms[i] === exact) found.set(exact, { term: exact, post: sh.posts[i], weight: 1 });
        if (!prefix) return;
        var more = [];
        for (var j = lowerBound(sh.terms, prefix); j < sh.terms.length && sh.terms[j].startsWith(prefix); j++) {
          if (!found.has(sh.terms[j])) more.push({ term: sh.terms[j], post: sh.posts[j], weight: PREFIX_WEIGHT });
        }
        /* A two-letter prefix can begin hundreds of words: keep the most widespread. */
        more.sort(function (a, b) { return b.post.length - a.post.length; });
        more.slice(0, MAX_EXPANSIONS).forEach(function (e) { found.set(e.term, e); });
      });
      var total = self.meta.pages.length;
      return Array.from(found.values()).map(function (e) {
        var pages = decodePostings(e.post);
        e.pages = pages;
        e.idf = Math.log(1 + (total - pages.length + 0.5) / (pages.length + 0.5));
        return e;
      });
    });
  };

  /* The query's tokens: repeats dropped, the last one a prefix while a word is being typed. */
  Engine.prototype.parse = function (query) {
    var toks = scan(query), seen = new Set(), out = [];
    var typing = toks.length > 0 && toks[toks.length - 1].e === query.length;
    toks.forEach(function (t, i) {
      if (seen.has(t.t)) return;
      seen.add(t.t);
      var last = i === toks.length - 1 && typing;
      t.prefix = last && (t.cjk ? t.run === 1 : Array.from(t.raw).length >= 2);
      out.push(t);
    });
    return out;
  };

  Engine.prototype.page = function (n) {
    var self = this;
    if (!this.pages[n]) {
      this.pages[n] = this.fetchText('search-index/page-' + n + '.json').then(function (text) {
        return JSON.parse(text).map(function (row) {
          return { kind: row[0], anchor: row[1], label: row[2], text: row[3], counts: null, folded: null, spaced: null };
        });
      });
      this.pages[n].catch(function () { self.pages[n] = null; });
    }
    return this.pages[n];
  };

  /* Runs a query: {groups: [...], total, more}. `limit` groups are read in full; `offset` skips
   * groups already shown. */
  Engine.prototype.search = function (query, limit, offset) {
    var self = this;
    offset = offset || 0;
    return this.load().then(function () {
      var toks = self.parse(query);
      if (!toks.length) return { tokens: [], groups: [], total: 0, more: false };
      return Promise.all(toks.map(function (t) { return self.expand(t); })).then(function (sets) {
        return self.rank(query, toks, sets, limit, offset);
      });
    });
  };

  Engine.prototype.rank = function (query, toks, sets, limit, offset) {
    var self = this, meta = this.meta;
    if (sets.some(function (s) { return s.length === 0; })) return { tokens: toks, groups: [], total: 0, more: false };
    /* Pages holding every token, scored by how rare the tokens are. */
    var score = null;
    sets.forEach(function (exps) {
      var best = new Map();
      exps.forEach(function (e) {
        e.pages.forEach(function (p) {
          var v = e.idf * e.weight;
          if (!(best.get(p) >= v)) best.set(p, v);
        });
      });
      if (score === null) { score = best; return; }
      var next = new Map();
      score.forEach(function (v, p) { var w = best.get(p); if (w !== undefined) next.set(p, v + w); });
      score = next;
    });
    var groups = new Map();
    score.forEach(function (v, p) {
      var row = meta.pages[p];
      var s = v * (row[2] === self.langIndex ? 1 : OTHER_LANGUAGE) / (1 + Math.log(1 + row[5]) / 10);
      var g = groups.get(row[3]);
      if (!g) groups.set(row[3], g = { id: row[3], pages: [], score: 0, interview: false });
      g.pages.push(p);
      g.score = Math.max(g.score, s);
      if (row[4] === 'interview') g.interview = true;
    });
    var order = Array.from(groups.values()).sort(function (a, b) {
      return (b.interview - a.interview) || (b.score - a.score);
    });
    var chosen = order.slice(offset, offset + limit);
    var phrase = fold(query).replace(/['\u2019]/g, '').replace(/[\s\p{P}\p{S}]+/gu, ' ').trim();
    var terms = new Map();
    sets.forEach(function (exps, i) { exps.forEach(function (e) { terms.set(e.term, { set: i, e: e }); }); });
    return Promise.all(chosen.map(function (g) {
      return Promise.all(g.pages.map(function (p) { return self.page(p); })).then(function (docLists) {
        return self.resolve(g, docLists, sets, phrase);
      });
    })).then(function (resolved) {
      var out = resolved.filter(function (g) { return g.items.length > 0; });
      out.sort(function (a, b) { return (b.interview - a.interview) || (b.score - a.score); });
      var total = out.reduce(function (n, g) { return n + g.items.length; }, 0);
      return { tokens: toks, terms: terms, groups: out, total: total, more: order.length > offset + limit, next: offset + limit };
    });
  };

  /* A document is tokenised only once its folded text holds, for every token of the query, a
   * string that any word indexed under one of the token's terms must contain: the term itself,
   * less a final `y` (the stemmer turns `ties` into `ty`). Most documents never are. */
  function needle(term) { return term.length > 1 && term.charAt(term.length - 1) === 'y' ? term.slice(0, -1) : term; }

  function folded(doc) {
    if (doc.folded === null) doc.folded = fold(doc.text).replace(/['\u2019]/g, '');
    return doc.folded;
  }

  function mayHold(doc, needles) {
    var text = folded(doc);
    return needles.every(function (ns) { return ns.some(function (n) { return text.indexOf(n) >= 0; }); });
  }

  /* The documents of one group's pages that hold every token, merged across languages by anchor. */
  Engine.prototype.resolve = function (g, docLists, sets, phrase) {
    var self = this, meta = this.meta, items = new Map();
    var needles = sets.map(function (exps) { return exps.map(function (e) { return needle(e.term); }); });
    g.pages.forEach(function (p, k) {
      var row = meta.pages[p], current = row[2] === self.langIndex;
      var docs = docLists[k];
      /* Lengths in characters: a page is in one language, so they compare like token counts. */
      var avg = docs.reduce(function (n, d) { return n + d.text.length; }, 0) / Math.max(1, docs.length);
      docs.forEach(function (doc) {
        if (!doc.counts && !mayHold(doc, needles)) return;
        if (!doc.counts) {
          doc.counts = new Map();
          tokenize(doc.text).forEach(function (t) { doc.counts.set(t, (doc.counts.get(t) || 0) + 1); });
        }
        var s = 0, matched = [];
        for (var i = 0; i < sets.length; i++) {
          var best = 0;
          sets[i].forEach(function (e) {
            var tf = doc.counts.get(e.term);
            if (!tf) return;
            matched.push(e.term);
            var norm = tf * 2.2 / (tf + 1.2 * (0.5 + 0.5 * doc.text.length / Math.max(1, avg)));
            best = Math.max(best, e.idf * e.weight * norm);
          });
          if (best === 0) return;
          s += best;
        }
        if (phrase.indexOf(' ') > 0 || sets.length > 1) {
          if (doc.spaced === null) doc.spaced = folded(doc).replace(/[\s\p{P}\p{S}]+/gu, ' ');
          if (doc.spaced.indexOf(phrase) >= 0) s *= PHRASE;
        }
        s *= KIND_WEIGHT[doc.kind] || 0.5;
        if (!current) s *= OTHER_LANGUAGE;
        var item = items.get(doc.anchor);
        if (!item) items.set(doc.anchor, item = { anchor: doc.anchor, score: 0, hit: null, page: p, translation: null });
        var hit = { page: p, doc: doc, matched: matched, current: current, score: s };
        if (!item.hit || (current && !item.hit.current) || (current === item.hit.current && s > item.hit.score)) {
          item.hit = hit;
        }
        item.score = Math.max(item.score, s);
      });
    });
    var list = Array.from(items.values());
    /* A turn comes before the notes on it: the note explains the passage the reader looks for. */
    list.forEach(function (it) {
      var d = it.hit.doc, turn = d.kind === 'n' && d.label ? items.get(d.label) : null;
      if (turn && turn.score <= it.score) it.score = turn.score * 0.99;
    });
    list.forEach(function (it) {
      if (it.hit.current) return;
      var row = meta.pages[it.hit.page];
      var mine = meta.pages.findIndex(function (r) { return r[3] === row[3] && r[2] === self.langIndex; });
      /* Turns are aligned across translations, glossary entries and page tops share anchors. */
      if (mine >= 0 && /^(t-\d+|term-.*|)$/.test(it.anchor)) it.translation = { page: mine, anchor: it.anchor };
    });
    list.sort(function (a, b) { return b.score - a.score; });
    var title = meta.pages[g.pages[0]][1];
    var mineTitle = meta.pages.find(function (r) { return r[3] === g.id && r[2] === self.langIndex; });
    return {
      id: g.id,
      interview: g.interview,
      title: mineTitle ? mineTitle[1] : title,
      url: mineTitle ? mineTitle[0] : meta.pages[g.pages[0]][0],
      score: list.length ? list[0].score : 0,
      items: list,
    };
  };

  /* The text around the first match, cut to about `size` characters, as [text, marked] runs. */
  function excerpt(text, matched, size) {
    var want = new Set(matched), spans = [];
    scan(text).forEach(function (t) {
      if (!want.has(t.t)) return;
      var last = spans[spans.length - 1];
      if (last && t.s <= last[1]) last[1] = Math.max(last[1], t.e);
      else spans.push([t.s, t.e]);
    });
    var start = 0;
    if (spans.length && spans[0][0] > size / 3) {
      start = spans[0][0] - Math.floor(size / 3);
      var space = text.lastIndexOf(' ', spans[0][0]);
      if (space > start && space - start < 20) start = space + 1;
    }
    var end = Math.min(text.length, start + size);
    var out = [];
    if (start > 0) out.push(['…', false]);
    var at = start;
    spans.forEach(function (sp) {
      if (sp[1] <= start || sp[0] >= end) return;
      var s = Math.max(sp[0], start), e = Math.min(sp[1], end);
      if (s > at) out.push([text.slice(at, s), false]);
      out.push([text.slice(s, e), true]);
      at = e;
    });
    if (at < end) out.push([text.slice(at, end), false]);
    if (end < text.length) out.push(['…', false]);
    return out;
  }

  return {
    fold: fold, tokenize: tokenize, scan: scan, stem: stem, setFoldTable: setFoldTable,
    parseShard: parseShard, decodePostings: decodePostings, excerpt: excerpt, Engine: Engine,
  };
});
