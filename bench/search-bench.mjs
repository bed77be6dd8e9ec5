// Search benchmark for one built site: index size against the text it indexes, and query time,
// in Node and in headless Chromium with its CPU slowed 4× (DevTools' "mid-tier mobile" setting),
// the nearest thing to a phone this machine has. Run by bench/search.sh:
//   node bench/search-bench.mjs NAME SITE_DIR
// Prints one Markdown table row per measurement and a JSON line for the record.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const search = require(path.join(repo, 'static/search-engine.js'));
const [name, site] = process.argv.slice(2);
if (!site) throw new Error('usage: node bench/search-bench.mjs NAME SITE_DIR');

const dir = path.join(site, 'search-index');
const size = (f) => fs.statSync(f).size;
const meta = JSON.parse(fs.readFileSync(path.join(site, 'search-index.json'), 'utf8'));
let index = size(path.join(site, 'search-index.json'));
let store = 0, text = 0, docs = 0;
for (const f of fs.readdirSync(dir)) {
  if (f.startsWith('terms-')) index += size(path.join(dir, f));
  if (f.startsWith('page-')) {
    store += size(path.join(dir, f));
    for (const d of JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))) {
      text += Buffer.byteLength(d[3]);
      docs++;
    }
  }
}

/* Queries: the acceptance ones, then words, bigrams and phrases drawn evenly from the site's own
 * index and text, and prefixes of them as a reader types. The same site gives the same list. */
function queries() {
  const q = ['晶體管', '晶体管', 'transistor', 'anchor tenant', '錨定', 'transis', 'compute'];
  const shard = search.parseShard(fs.readFileSync(path.join(dir, 'terms-0.txt'), 'utf8'));
  const latin = shard.terms.filter((t) => /^[a-z]{5,}$/.test(t));
  const cjk = [];
  for (let k = 0; k < meta.shards.length; k++) {
    const s = search.parseShard(fs.readFileSync(path.join(dir, `terms-${k}.txt`), 'utf8'));
    for (const t of s.terms) if (Array.from(t).length === 2 && /\p{Script=Han}{2}/u.test(t)) cjk.push(t);
  }
  for (let i = 0; i < 10; i++) q.push(latin[Math.floor((i + 0.5) * latin.length / 10)]);
  for (let i = 0; i < 10; i++) q.push(cjk[Math.floor((i + 0.5) * cjk.length / 10)]);
  const page = JSON.parse(fs.readFileSync(path.join(dir, 'page-0.json'), 'utf8'));
  const words = page.map((d) => d[3]).join(' ').split(/\s+/).filter((w) => /^[A-Za-z]{4,}$/.test(w));
  for (let i = 0; i < 5 && words.length > 2; i++) {
    const at = Math.floor((i + 0.5) * (words.length - 1) / 5);
    q.push(words[at] + ' ' + words[at + 1]);
  }
  for (const w of latin.slice(0, 3)) q.push(w.slice(0, 3));
  return q.filter(Boolean);
}
const list = queries();

function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}

/* One pass in whatever JavaScript runs it: every query cold (first time: shards and page texts
 * read and parsed) then warm (typed again), each including the excerpts of the shown results.
 * This function is also sent to the browser, so it uses only what it is given. */
async function measure(api, fetchText, lang, list) {
  const engine = new api.Engine(fetchText, lang);
  /* In Node, the process's CPU time, so that other work on the machine does not count; in the
   * browser, wall time. */
  const now = typeof process === 'object' && process.cpuUsage
    ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }
    : () => performance.now();
  let t = now();
  await engine.load();
  const load = now() - t;
  const cold = [], warm = [];
  let found = 0;
  async function one(q) {
    const t0 = now();
    const res = await engine.search(q, 5, 0);
    for (const g of res.groups) for (const it of g.items.slice(0, 4)) api.excerpt(it.hit.doc.text, it.hit.matched, 140);
    if (res.total) found++;
    return now() - t0;
  }
  for (const q of list) cold.push(await one(q));
  found = 0;
  const slowest = new Map();
  for (let r = 0; r < 5; r++) {
    for (const q of list) {
      const ms = await one(q);
      warm.push(ms);
      slowest.set(q, Math.max(slowest.get(q) || 0, ms));
    }
  }
  const slow = [...slowest].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([q, ms]) => `${q}: ${ms.toFixed(1)} ms`);
  return { load, cold, warm, found: found / 5, slow };
}

const node = await measure(search, (p) => Promise.resolve(fs.readFileSync(path.join(site, p), 'utf8')), meta.languages[0][0], list);

let browser = null;
try {
  const { serve, launch } = await import(path.join(repo, 'tests/browser/serve.mjs'));
  const { server, origin } = await serve(site, '/');
  const chrome = await launch();
  const page = await chrome.newPage();
  const cdp = await page.context().newCDPSession(page);
  await page.goto(origin + '/');
  await page.addScriptTag({ path: path.join(repo, 'static/search-engine.js') });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  browser = await page.evaluate(async ([src, lang, list]) => {
    const measure = new Function('return ' + src)();
    const fetchText = (p) => fetch('/' + p).then((r) => r.text());
    return measure(window.glossSearchEngine, fetchText, lang, list);
  }, [measure.toString(), meta.languages[0][0], list]);
  await chrome.close();
  server.close();
} catch (e) {
  console.error(`(no Chromium measurement: ${e.message})`);
}

const kb = (n) => (n / 1024).toFixed(1) + ' KB';
const fmt = (s) => `${s.median.toFixed(1)} / ${s.p95.toFixed(1)} ms`;
const cpu = os.cpus()[0].model.replace(/\s+/g, ' ');
console.log(`| ${name} | ${meta.pages.length} | ${docs} | ${kb(text)} | ${kb(index)} (${(100 * index / text).toFixed(1)}%) | ${kb(store)} | ${list.length} (${node.found} found) | ${fmt(stats(node.warm))} | ${fmt(stats(node.cold))} | ${browser ? fmt(stats(browser.warm)) : '–'} | ${browser ? fmt(stats(browser.cold)) : '–'} | ${browser ? browser.load.toFixed(0) + ' ms' : '–'} |`);
console.error(JSON.stringify({ name, cpu, load: os.loadavg(), pages: meta.pages.length, docs, text, index, store, shards: meta.shards.length, queries: list, node: { warm: stats(node.warm), cold: stats(node.cold), load: node.load, slowest: node.slow }, chromium4x: browser && { warm: stats(browser.warm), cold: stats(browser.cold), load: browser.load, slowest: browser.slow } }));
