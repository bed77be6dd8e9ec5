// Screenshots and layout checks of the built site in headless Chromium.
//
//   cargo run -- build && (cd tests/browser && npm ci --ignore-scripts && node screenshots.mjs)
//
// (tests/browser_quality.rs runs it on a fresh build: --book DIR --base /path/ --summary FILE.)
// Serves book/ under the base URL's path (read from book.toml, `/gloss/` by default) on a free
// loopback port, then:
// - takes screenshots of an interview page, its parallel page and a topic page, in every
//   language, at 390 and 1280 px, light and dark, into tests/browser/artifacts/screenshots/;
// - checks that no page of the site scrolls sideways at 360, 390, 768 and 1280 px;
// - checks the side notes: beside their passage on wide screens (or, when the margin is too
//   crowded there, in the text after their paragraph), collapsed and opened by their
//   reference (click, Enter, Space) on narrow ones;
// - checks that a glossary term shows its definition on keyboard focus;
// - checks the interview page's budget: HTML + CSS + JS under 200 KB, no render-blocking script;
// - records console errors and failed requests on every page.
// Prints each failure, then `N passed, N failed`; exits 1 when anything failed.
//
// Needs Debian's chromium (`apt-get install -y chromium`) and, for Chinese text in the
// screenshots, a CJK font (`apt-get install -y fonts-noto-cjk`).

import { readFile, writeFile, mkdir, readdir } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch } from './serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const book = path.resolve(opt('--book', path.join(repo, 'book')));
const outDir = path.resolve(opt('--out', path.join(here, 'artifacts', 'screenshots')));
const skipShots = args.includes('--no-screenshots');
const summaryFile = opt('--summary', null);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

function basePath() {
  const fromArg = opt('--base', null);
  if (fromArg) return fromArg.endsWith('/') ? fromArg : fromArg + '/';
  try {
    const toml = readFileSync(path.join(repo, 'book.toml'), 'utf8');
    const m = toml.match(/^\s*base-url\s*=\s*"([^"]+)"/m);
    if (m) {
      const p = new URL(m[1]).pathname;
      return p.endsWith('/') ? p : p + '/';
    }
  } catch { /* no book.toml: serve at the root */ }
  return '/';
}
const base = basePath();

async function htmlPages(dir, prefix = '') {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const rel = prefix + e.name;
    if (e.isDirectory()) out.push(...await htmlPages(path.join(dir, e.name), rel + '/'));
    else if (e.name === 'index.html') out.push(prefix);
    else if (e.name.endsWith('.html')) out.push(rel);
  }
  return out.sort();
}

let passed = 0;
const failures = [];
const count = { pages: 0, widths: 0, notes: 0, shots: 0, problems: 0 };
function check(ok, what) {
  if (ok) passed++;
  else { failures.push(what); console.log(`FAIL ${what}`); }
  return ok;
}

const t0 = Date.now();
const lap = (what) => { if (process.env.GLOSS_TIMING) console.log(`${((Date.now() - t0) / 1000).toFixed(1)}s ${what}`); };
async function main() {
  if (!existsSync(path.join(book, 'index.html'))) {
    console.error(`no built site at ${book}: run \`cargo run -- build\` first`);
    process.exit(2);
  }
  if (!existsSync(executablePath)) {
    console.error(`no Chromium at ${executablePath}: apt-get install -y chromium`);
    process.exit(2);
  }
  await mkdir(outDir, { recursive: true });
  const { server, origin } = await serve(book, base);
  const browser = await launch();
  const problems = [];
  async function open(ctx, url) {
    const page = await ctx.newPage();
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`${page.gloss}: console error: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`${page.gloss}: uncaught ${e.message}`));
    page.on('requestfailed', (r) => {
      // A navigation of ours cancels what the page before it still loads: not the site's fault.
      if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`${page.gloss}: request failed: ${r.url()} ${r.failure()?.errorText}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && r.url() !== origin + page.gloss) problems.push(`${page.gloss}: ${r.status()} for ${r.url()}`);
    });
    await visit(page, url);
    return page;
  }
  async function visit(page, url) {
    page.gloss = url;
    await page.goto(origin + url, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready);
  }

  try {
    const pages = (await htmlPages(book)).map((p) => base + p);
    count.pages = pages.length;
    // Classify the pages by their body class and language.
    const kinds = {};
    for (const url of pages) {
      const file = path.join(book, url.slice(base.length), url.endsWith('/') ? 'index.html' : '');
      const html = await readFile(file, 'utf8');
      const lang = (html.match(/<html[^>]*\slang="([^"]+)"/) || [])[1] || '';
      const cls = (html.match(/<body[^>]*\sclass="([^"]*)"/) || [])[1] || '';
      for (const k of ['interview-page', 'parallel-page', 'topic-page', 'home']) {
        if (cls.split(/\s+/).includes(k)) (kinds[k] ??= {})[lang] ??= url;
      }
    }

    // No page scrolls sideways.
    for (const width of [360, 390, 768, 1280]) {
      const ctx = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await open(ctx, pages[0]);
      for (const url of pages) {
        await visit(page, url);
        const over = await page.evaluate(() => {
          const w = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= w) return null;
          const wide = [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > w + 0.5)
            .slice(0, 4)
            .map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
          return `${document.documentElement.scrollWidth}px wide (${wide.join(', ')})`;
        });
        check(!over, `${url} at ${width}px scrolls sideways: ${over}`);
        count.widths++;
      }
      await ctx.close();
    }

    lap('sideways');
    // Side notes and glossary tooltips on interview pages.
    for (const [lang, url] of Object.entries(kinds['interview-page'] || {})) {
      const wide = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      let page = await open(wide, url);
      const placed = await page.evaluate(() => [...document.querySelectorAll('.transcript .note')].map((n) => {
        const mark = document.querySelector(`mark[data-note="${n.id}"]`) || document.querySelector(`a.ref[href="#${n.id}"]`);
        const text = n.closest('.turn-body').getBoundingClientRect();
        const r = n.getBoundingClientRect();
        const m = mark.getBoundingClientRect();
        return {
          id: n.id, visible: r.height > 0, right: r.left >= text.right, dy: Math.round(r.top - m.top),
          inline: n.classList.contains('is-inline'), below: r.top >= m.bottom,
        };
      }));
      for (const n of placed) {
        if (n.inline) {
          // Too far from its passage for the margin: shown in the text, after its paragraph.
          check(n.visible && n.below, `${url} (${lang}) at 1280px: note ${n.id}, kept in the text, is not shown after its passage`);
          continue;
        }
        check(n.visible && n.right, `${url} (${lang}) at 1280px: note ${n.id} is not in the right margin`);
        // Beside its passage: level with it, or pushed down by the note before it, never above.
        check(n.dy >= -2 && n.dy < 400, `${url} (${lang}) at 1280px: note ${n.id} is ${n.dy}px from its passage`);
      }
      const inline = placed.filter((n) => n.inline).length;
      count.notes += placed.length;
      console.log(`${url}: ${placed.length - inline} notes in the margin, ${inline} kept in the text`);
      // Budget: the page's HTML, CSS and JS under 200 KB before compression; no blocking script.
      const weight = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const res = performance.getEntriesByType('resource').filter((r) => /\.(css|js)(\?|$)/.test(r.name));
        return {
          bytes: nav.decodedBodySize + res.reduce((n, r) => n + r.decodedBodySize, 0),
          blocking: [...document.querySelectorAll('script[src]')].filter((e) => !e.defer && !e.async).length,
        };
      });
      console.log(`${url}: HTML + CSS + JS = ${weight.bytes} bytes`);
      check(weight.bytes > 0 && weight.bytes < 200000, `${url}: HTML + CSS + JS is ${weight.bytes} bytes, over the 200 KB budget`);
      check(weight.blocking === 0, `${url}: ${weight.blocking} render-blocking script(s)`);
      const term = page.locator('a.term').first();
      await term.focus();
      // The definition may come from the glossary page, fetched on first use.
      await page.waitForFunction(() => document.querySelector('.tooltip:not([hidden])'), null, { timeout: 5000 }).catch(() => {});
      const tip = await page.evaluate(() => {
        const t = document.querySelector('.tooltip');
        if (!t || t.hidden) return null;
        const r = t.getBoundingClientRect();
        return { text: t.textContent, inside: r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight };
      });
      check(tip && tip.text.length > 0 && tip.inside, `${url} (${lang}): focusing a glossary term shows no tooltip within the viewport`);
      await wide.close();

      const narrow = await browser.newContext({ viewport: { width: 390, height: 844 } });
      page = await open(narrow, url);
      const ref = page.locator('a.ref').first();
      const id = (await ref.getAttribute('href')).slice(1);
      const note = page.locator(`[id="${id}"]`);
      check(!(await note.isVisible()), `${url} (${lang}) at 390px: note ${id} is open before its reference is used`);
      check((await ref.getAttribute('aria-expanded')) === 'false', `${url} (${lang}) at 390px: reference ${id} has no aria-expanded=false`);
      await ref.focus();
      await page.keyboard.press('Enter');
      check(await note.isVisible(), `${url} (${lang}) at 390px: Enter on the reference does not open note ${id}`);
      check((await ref.getAttribute('aria-expanded')) === 'true', `${url} (${lang}) at 390px: aria-expanded not true once note ${id} is open`);
      await page.keyboard.press('Space');
      check(!(await note.isVisible()), `${url} (${lang}) at 390px: Space on the reference does not close note ${id}`);
      await narrow.close();

      const nojs = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
      page = await open(nojs, url);
      check(await page.locator(`[id="${id}"]`).isVisible(), `${url} (${lang}) at 390px without JavaScript: note ${id} is not shown`);
      await nojs.close();
    }

    lap('notes');
    // The language switch carries the turn the reader is at.
    for (const url of Object.values(kinds['interview-page'] || {}).slice(0, 1)) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await open(ctx, url);
      await page.locator('#t-20').evaluate((e) => e.scrollIntoView());
      await page.waitForTimeout(300);
      const href = await page.locator('a.switch-language').first().getAttribute('href');
      check(/#t-(19|20|21)$/.test(href), `${url}: after scrolling to #t-20 the language switch points to ${href}`);
      await ctx.close();
    }

    lap('switch');
    // Screenshots.
    if (!skipShots) {
      const shots = [];
      for (const kind of ['interview-page', 'parallel-page', 'topic-page']) {
        for (const [lang, url] of Object.entries(kinds[kind] || {})) {
          for (const scheme of ['light', 'dark']) {
            for (const [width, height] of [[390, 844], [1280, 800]]) {
              const ctx = await browser.newContext({ viewport: { width, height }, colorScheme: scheme });
              const page = await open(ctx, url);
              const name = `${kind.replace('-page', '')}-${lang}-${width}-${scheme}`;
              await page.screenshot({ path: path.join(outDir, `${name}-top.png`) });
              shots.push(`${name}-top.png`);
              if (kind !== 'topic-page') {
                // The first annotated passage, its note opened on narrow screens.
                const ref = page.locator('a.ref').first();
                if (await ref.count()) {
                  await ref.evaluate((e) => e.scrollIntoView({ block: 'center' }));
                  if (width < 900 || kind === 'parallel-page') await ref.click();
                  await page.waitForTimeout(100);
                  await page.screenshot({ path: path.join(outDir, `${name}-note.png`) });
                  shots.push(`${name}-note.png`);
                }
              } else {
                await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 3));
                await page.screenshot({ path: path.join(outDir, `${name}-passages.png`) });
                shots.push(`${name}-passages.png`);
              }
              if (kind === 'interview-page' && scheme === 'light') {
                const term = page.locator('.transcript a.term').nth(3);
                await term.evaluate((e) => e.scrollIntoView({ block: 'center' }));
                await term.focus();
                await page.waitForTimeout(50);
                await page.screenshot({ path: path.join(outDir, `${name}-tooltip.png`) });
                shots.push(`${name}-tooltip.png`);
              }
              await ctx.close();
            }
          }
        }
      }
      lap('main screenshots');
      // The other pages, top of the page only.
      for (const home of Object.values(kinds.home || {})) {
        const others = pages.filter((u) => u.startsWith(home) && /^(glossary|topics|speakers|speakers\/[^/]+|search)\/$/.test(u.slice(home.length)) && !pages.some((h) => h !== home && h.startsWith(home) && u.startsWith(h) && Object.values(kinds.home).includes(h)));
        const seen = new Set();
        for (const url of [home, ...others]) {
          const key = url.slice(home.length).replace(/^speakers\/.+/, 'speaker') || 'home';
          if (seen.has(key)) continue;
          seen.add(key);
          for (const [width, height] of [[390, 844], [1280, 800]]) {
            for (const scheme of ['light', 'dark']) {
              const ctx = await browser.newContext({ viewport: { width, height }, colorScheme: scheme });
              // The search page with results showing (a word in both languages).
              const search = key === 'search/';
              const page = await open(ctx, search ? url + '?q=Sora' : url);
              if (search) await page.waitForSelector('#search-results .search-link', { timeout: 10000 });
              const name = `${key.replace(/\/$/, '')}-${home.slice(base.length).replace(/\/$/, '') || 'default'}-${width}-${scheme}.png`;
              await page.screenshot({ path: path.join(outDir, name) });
              shots.push(name);
              await ctx.close();
            }
          }
        }
      }
      console.log(`${shots.length} screenshots in ${path.relative(process.cwd(), outDir) || '.'}`);
      count.shots = shots.length;
    }
    for (const p of [...new Set(problems)]) check(false, p);
    count.problems = new Set(problems).size;
  } finally {
    await browser.close();
    server.close();
  }
  const summary = `layout: ${count.pages} pages × 4 widths = ${count.widths} checked for sideways scroll; `
    + `${count.notes} side notes placed at 1280 px; ${count.shots} screenshots; `
    + `${count.problems} console errors or failed requests; ${passed} checks passed, ${failures.length} failed`;
  console.log(summary);
  if (summaryFile) await writeFile(summaryFile, summary + '\n');
  console.log(`${passed} passed, ${failures.length} failed`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
