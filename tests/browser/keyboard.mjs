// The site with the keyboard alone, in headless Chromium. Run by tests/browser_quality.rs:
//   node tests/browser/keyboard.mjs SITE_DIR BASE_PATH SUMMARY_FILE
// On one page of every kind in every language (at 1280 px, and at 390 px where notes fold):
// - Tab from the top of the page reaches every annotation reference, glossary term and
//   language switch, never lands on something invisible, and comes back round;
// - each of them, focused, shows a focus ring (an outline or a box-shadow that the unfocused
//   element does not have) with at least 3:1 contrast against the page;
// - Enter on an annotation reference opens its note, on screen;
// - a focused glossary term shows its definition in a tooltip, on screen; Enter follows it to
//   its glossary entry;
// - Enter on the language switch opens the page in the other language.
// Prints each failure with its page and element; the counts go to SUMMARY_FILE.
import { writeFileSync } from 'node:fs';
import { serve, launch, check, finish, pageKinds } from './serve.mjs';

const [site, base, summaryFile] = process.argv.slice(2);
if (!summaryFile) throw new Error('usage: node keyboard.mjs SITE_DIR BASE_PATH SUMMARY_FILE');
const TARGETS = 'a.ref, a.term, a.switch-language';

const { server, origin } = await serve(site, base);
const browser = await launch();
const pages = pageKinds(site, base);
const count = { pages: 0, stops: 0, refs: 0, terms: 0, switches: 0, rings: 0 };

/** "a.term#g-x-1 “Sam Altman”": enough to find the element in the page. */
const describe = (d) => `${d.tag}${d.cls ? '.' + d.cls.split(' ').join('.') : ''}${d.id ? '#' + d.id : ''} “${d.text}”`;
const listed = (items) => items.slice(0, 8).map((d) => '  ' + d).join('\n') + (items.length > 8 ? `\n  … and ${items.length - 8} more` : '');

/**
 * Presses Tab from the top of the page until focus comes back round, recording each element
 * focused, its style while focused, and the style of every target before any focus.
 */
async function tabWalk(page) {
  await page.evaluate((sel) => {
    const ids = new Map();
    const key = (e) => { if (!ids.has(e)) ids.set(e, ids.size); return ids.get(e); };
    const ring = (e) => {
      const s = getComputedStyle(e);
      return { outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, shadow: s.boxShadow, color: s.outlineColor };
    };
    const info = (e) => ({
      key: key(e), tag: e.tagName.toLowerCase(), cls: typeof e.className === 'string' ? e.className : '',
      id: e.id, text: (e.textContent || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 40),
      target: e.matches(sel),
    });
    window.__kb = {
      targets: [...document.querySelectorAll(sel)].map((e) => ({ ...info(e), rest: ring(e) })),
      log: [],
    };
    document.addEventListener('focusin', (ev) => {
      const e = ev.target;
      const r = e.getBoundingClientRect();
      window.__kb.log.push({ ...info(e), ring: ring(e), visible: r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden' });
    });
    document.activeElement?.blur();
  }, TARGETS);
  const most = await page.evaluate(() => document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]').length);
  for (let i = 0; i < most + 3; i++) {
    await page.keyboard.press('Tab');
    if (i % 25 === 24 || i === most + 2) {
      const back = await page.evaluate(() => { const l = window.__kb.log; return l.length > 1 && l.slice(1).some((x) => x.key === l[0].key); });
      if (back) break;
    }
  }
  return page.evaluate(() => {
    const log = window.__kb.log;
    const again = log.findIndex((x, i) => i > 0 && x.key === log[0].key);
    return { targets: window.__kb.targets, log: again > 0 ? log.slice(0, again) : log, wrapped: again > 0 };
  });
}

/** WCAG contrast ratio of two CSS colours (rgb/rgba strings; alpha ignored). */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) || ['0', '0', '0']).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

async function walkChecks(page, where) {
  const { targets, log, wrapped } = await tabWalk(page);
  count.stops += log.length;
  await check(`${where}: Tab goes through the page and comes back round (${log.length} stops)`, async () => {
    if (!wrapped) throw new Error(`focus did not come back to the first stop after ${log.length} presses of Tab: a trap?`);
  });
  await check(`${where}: Tab never lands on something invisible`, async () => {
    const hidden = log.filter((x) => !x.visible).map(describe);
    if (hidden.length) throw new Error(`focus lands on invisible elements:\n${listed(hidden)}`);
  });
  const reached = new Map(log.map((x) => [x.key, x]));
  await check(`${where}: Tab reaches every annotation reference, glossary term and language switch (${targets.length})`, async () => {
    const missed = targets.filter((t) => !reached.has(t.key)).map(describe);
    if (missed.length) throw new Error(`${missed.length} of ${targets.length} not reachable with Tab:\n${listed(missed)}`);
  });
  const bg = await page.evaluate(() => {
    for (let e = document.body; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (!/rgba\(.*,\s*0\)$|transparent/.test(c)) return c;
    }
    return 'rgb(255, 255, 255)';
  });
  await check(`${where}: a visible focus ring on each of them`, async () => {
    const bad = [];
    for (const t of targets) {
      const f = reached.get(t.key);
      if (!f) continue;
      count.rings++;
      const outline = !/^none |^\S+ 0px /.test(f.ring.outline);
      const shadow = f.ring.shadow !== 'none';
      if (!outline && !shadow) bad.push(`${describe(t)}: no outline or box-shadow when focused`);
      else if (f.ring.outline === t.rest.outline && f.ring.shadow === t.rest.shadow) bad.push(`${describe(t)}: looks the same focused and not (${f.ring.outline}; ${f.ring.shadow})`);
      else if (outline && contrast(f.ring.color, bg) < 3) bad.push(`${describe(t)}: focus outline ${f.ring.color} has ${contrast(f.ring.color, bg).toFixed(2)}:1 against the page's ${bg}, under 3:1`);
    }
    if (bad.length) throw new Error(listed(bad));
  });
}

/** Enter on every annotation reference opens its note, on screen. */
async function refChecks(page, where) {
  const n = await page.locator('a.ref').count();
  count.refs += n;
  if (!n) return;
  await check(`${where}: Enter on each of ${n} annotation references opens its note on screen`, async () => {
    const bad = [];
    for (let i = 0; i < n; i++) {
      const id = await page.evaluate((i) => {
        const a = document.querySelectorAll('a.ref')[i];
        a.focus();
        return decodeURIComponent(a.getAttribute('href').split('#')[1]);
      }, i);
      await page.keyboard.press('Enter');
      const shown = await page.waitForFunction((id) => {
        const note = document.getElementById(id);
        const r = note && note.getBoundingClientRect();
        return r && r.height > 0 && getComputedStyle(note).visibility !== 'hidden' && r.top < innerHeight && r.bottom > 0;
      }, id, { timeout: 3000 }).then(() => true, () => false);
      const expanded = await page.evaluate((i) => document.querySelectorAll('a.ref')[i].getAttribute('aria-expanded'), i);
      if (!shown) bad.push(`a.ref[href="#${id}"] (${i + 1} of ${n}): note #${id} not on screen after Enter`);
      else if (expanded === 'false') bad.push(`a.ref[href="#${id}"]: note open but aria-expanded="false"`);
    }
    if (bad.length) throw new Error(listed(bad));
  });
}

/** A focused term shows its definition on screen; Enter follows the first to the glossary. */
async function termChecks(ctx, page, url, where) {
  const n = await page.locator('a.term').count();
  count.terms += n;
  if (!n) return;
  await check(`${where}: each of ${n} glossary terms shows its definition when focused`, async () => {
    const bad = await page.evaluate(async () => {
      const out = [];
      const links = [...document.querySelectorAll('a.term')];
      for (const [i, a] of links.entries()) {
        // Escape hides the tooltip of the term before, so the one we wait for is this term's.
        document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
        a.focus();
        const t0 = performance.now();
        let tip;
        for (;;) {
          tip = document.querySelector('.tooltip');
          if (tip && !tip.hidden && tip.textContent.trim()) break;
          if (performance.now() - t0 > (i ? 1000 : 5000)) { tip = null; break; }
          await new Promise((r) => setTimeout(r, 5));
        }
        const what = `a.term#${a.id} “${a.textContent.trim()}”`;
        if (!tip) { out.push(`${what}: no tooltip`); continue; }
        const r = tip.getBoundingClientRect();
        if (r.left < 0 || r.right > innerWidth || r.top < 0 || r.bottom > innerHeight) out.push(`${what}: tooltip off screen (${Math.round(r.left)},${Math.round(r.top)} to ${Math.round(r.right)},${Math.round(r.bottom)})`);
        const described = (a.getAttribute('aria-describedby') || '').split(/\s+/).map((x) => document.getElementById(x)).filter(Boolean);
        if (!described.some((d) => d.textContent.trim())) out.push(`${what}: not described by its definition (aria-describedby)`);
      }
      document.activeElement.blur();
      return out;
    });
    if (bad.length) throw new Error(listed(bad));
  });
  await check(`${where}: Enter on a glossary term opens its entry`, async () => {
    const page = await ctx.newPage();
    await page.goto(origin + url, { waitUntil: 'load' });
    const term = page.locator('a.term').first();
    const href = await term.getAttribute('href');
    const id = decodeURIComponent(href.split('#')[1]);
    await term.focus();
    await Promise.all([page.waitForURL((u) => u.hash === '#' + href.split('#')[1]), page.keyboard.press('Enter')]);
    const on = await page.waitForFunction((id) => {
      const r = document.getElementById(id)?.getBoundingClientRect();
      return r && r.height > 0 && r.top >= 0 && r.top < innerHeight;
    }, id, { timeout: 3000 }).then(() => true, () => false);
    await page.close();
    if (!on) throw new Error(`${href}: entry #${id} not on screen after Enter`);
  });
}

/** Enter on the language switch opens this page in the other language. */
async function switchChecks(page, where) {
  const sw = page.locator('a.switch-language');
  const n = await sw.count();
  count.switches += n;
  await check(`${where}: Enter on the language switch opens the page in the other language`, async () => {
    if (!n) throw new Error('no language switch (a.switch-language)');
    const lang = await sw.first().getAttribute('hreflang');
    const path = new URL(await sw.first().evaluate((a) => a.href)).pathname;
    await sw.first().focus();
    await Promise.all([page.waitForURL((u) => u.pathname === path), page.keyboard.press('Enter')]);
    const now = await page.evaluate(() => document.documentElement.lang);
    if (now !== lang) throw new Error(`landed on ${path} in lang="${now}", not ${lang}`);
  });
}

try {
  for (const width of [1280, 390]) {
    const ctx = await browser.newContext({ viewport: { width, height: width > 800 ? 800 : 844 } });
    const page = await ctx.newPage();
    for (const { kind, url } of pages) {
      // On narrow screens only the interview's notes change (folded under their reference);
      // the parallel page folds them at every width.
      if (width < 800 && kind !== 'interview') continue;
      const where = `${url} (${kind}) at ${width}px`;
      const t0 = Date.now();
      await page.goto(origin + url + (kind === 'search' ? '?q=Sora' : ''), { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready);
      if (kind === 'search') await page.waitForSelector('#search-results .search-link', { timeout: 10000 });
      count.pages++;
      await walkChecks(page, where);
      await page.goto(origin + url, { waitUntil: 'load' });
      await refChecks(page, where);
      if (width > 800) {
        await termChecks(ctx, page, url, where);
        await switchChecks(page, where);
      }
      if (process.env.GLOSS_TIMING) console.log(`  ${Date.now() - t0} ms`);
    }
    await ctx.close();
  }
} finally {
  await browser.close();
  server.close();
  const summary = `keyboard: ${count.pages} page views, ${count.stops} Tab stops; ${count.refs} annotation references, `
    + `${count.terms} glossary terms and ${count.switches} language switches opened with the keyboard; ${count.rings} focus rings checked`;
  console.log(summary);
  writeFileSync(summaryFile, summary + '\n');
}
finish();
