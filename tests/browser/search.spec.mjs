// Search as a reader uses it, in headless Chromium (Debian's, driven by playwright-core), on the
// interview site built under a subpath. Run by tests/browser_search.rs:
//   node tests/browser/search.spec.mjs SITE_DIR
// SITE_DIR was built with `--base-url http://127.0.0.1/sub/`; it is served here under /sub/.
import { serve, launch, check, finish } from './serve.mjs';

const site = process.argv[2];
if (!site) throw new Error('usage: node search.spec.mjs SITE_DIR');
const { server, origin } = await serve(site, '/sub/');
const browser = await launch();
const ZH = `${origin}/sub/`;
const EN = `${origin}/sub/en/`;
const INTERVIEW = { zh: '/sub/interviews/altman-2025/', en: '/sub/en/interviews/altman-2025/' };

/** The one turn of the interview in `lang` whose text holds `needle`: what a search must find. */
async function turnHolding(page, lang, needle) {
  await page.goto(origin + INTERVIEW[lang]);
  const ids = await page.$$eval('[id^="t-"]', (els, n) =>
    els.filter((e) => /^t-\d+$/.test(e.id) && e.textContent.includes(n)).map((e) => e.id), needle);
  if (ids.length !== 1) throw new Error(`expected one ${lang} turn holding ${needle}, found ${ids.join(', ') || 'none'}`);
  return INTERVIEW[lang] + '#' + ids[0];
}

async function typeInto(page, query) {
  await page.click('#search-q');
  await page.keyboard.type(query, { delay: 20 });
}

async function firstResult(page) {
  await page.waitForSelector('.search-link', { timeout: 10000 });
  return page.$eval('.search-link', (a) => new URL(a.href).pathname + new URL(a.href).hash);
}

/** Follows the first result with the keyboard alone and checks the turn is on screen. */
async function followWithKeyboard(page, expected) {
  await page.focus('#search-q');
  await page.keyboard.press('ArrowDown');
  const focused = await page.evaluate(() => document.activeElement.className);
  if (!focused.includes('search-link')) throw new Error(`ArrowDown focused ${focused}, not the first result`);
  await Promise.all([page.waitForURL((u) => u.pathname + u.hash === expected), page.keyboard.press('Enter')]);
  await landedOn(page, expected);
}

async function landedOn(page, expected) {
  const id = expected.split('#')[1];
  await page.waitForFunction((i) => {
    const r = document.getElementById(i)?.getBoundingClientRect();
    return r && r.bottom > 0 && r.top < innerHeight;
  }, id, { timeout: 5000 });
}

const page = await browser.newPage();

const cases = [
  { home: ZH, query: '晶體管', lang: 'zh', needle: '晶體管' },
  { home: ZH, query: '晶体管', lang: 'zh', needle: '晶體管' },
  { home: ZH, query: 'transistor', lang: 'zh', needle: 'transistor' },
  { home: ZH, query: 'anchor tenant', lang: 'zh', needle: 'anchor tenant' },
  { home: ZH, query: '錨定', lang: 'zh', needle: '錨定' },
  { home: EN, query: 'transistor', lang: 'en', needle: 'transistor' },
  { home: EN, query: 'anchor tenant', lang: 'en', needle: 'anchor tenant' },
];
for (const c of cases) {
  await check(`${c.query} on ${c.lang === 'zh' ? 'the Chinese' : 'the English'} site leads to its turn`, async () => {
    const expected = await turnHolding(page, c.lang, c.needle);
    await page.goto(c.home);
    await typeInto(page, c.query);
    const got = await firstResult(page);
    if (got !== expected) throw new Error(`first result ${got}, expected ${expected}`);
    await followWithKeyboard(page, expected);
  });
}

await check('the index is fetched only once the reader starts searching', async () => {
  const context = await browser.newContext();
  const fresh = await context.newPage();
  const seen = [];
  fresh.on('request', (r) => seen.push(new URL(r.url()).pathname));
  await fresh.goto(ZH);
  await fresh.waitForLoadState('networkidle');
  if (seen.some((p) => p.includes('search-index') || p.includes('search-engine'))) throw new Error(`fetched before focus: ${seen}`);
  await Promise.all([
    fresh.waitForRequest((r) => r.url().endsWith('/sub/search-index.json'), { timeout: 5000 }),
    fresh.focus('#search-q'),
  ]);
  await context.close();
});

await check('a Chinese query on the English site offers the Chinese turn, marked, and its translation', async () => {
  const zhTurn = await turnHolding(page, 'zh', '晶體管');
  await page.goto(EN);
  await typeInto(page, '晶體管');
  const got = await firstResult(page);
  if (got !== zhTurn) throw new Error(`first result ${got}, expected ${zhTurn}`);
  const hit = await page.$eval('.search-hit', (li) => ({
    other: li.classList.contains('search-other'),
    label: li.querySelector('.search-lang')?.textContent || '',
    lang: li.querySelector('.search-link').lang,
    translation: li.querySelector('.search-translation') && new URL(li.querySelector('.search-translation').href).pathname + new URL(li.querySelector('.search-translation').href).hash,
  }));
  if (!hit.other || !hit.label.includes('In the other language') || hit.lang !== 'zh-Hant') {
    throw new Error(`not marked as the other language: ${JSON.stringify(hit)}`);
  }
  const enTurn = INTERVIEW.en + '#' + zhTurn.split('#')[1];
  if (hit.translation !== enTurn) throw new Error(`translation link ${hit.translation}, expected ${enTurn}`);
  await Promise.all([page.waitForURL((u) => u.pathname + u.hash === enTurn), page.click('.search-translation')]);
  await landedOn(page, enTurn);
});

await check('matched words are highlighted in the excerpt', async () => {
  await page.goto(EN);
  await typeInto(page, 'anchor tenant');
  await firstResult(page);
  const marks = await page.$$eval('.search-hit:first-child mark', (ms) => ms.map((m) => m.textContent.toLowerCase()));
  if (!marks.includes('anchor') || !marks.includes('tenant')) throw new Error(`marks: ${marks}`);
});

await check('the number of results is announced, and a query with no match says so', async () => {
  await page.goto(ZH);
  await typeInto(page, '晶體管');
  await firstResult(page);
  const live = await page.$eval('.search-status', (s) => [s.getAttribute('role'), s.getAttribute('aria-live'), s.textContent]);
  if (live[0] !== 'status' || live[1] !== 'polite' || !/^\d+\+? 筆結果$/.test(live[2])) throw new Error(`status: ${live}`);
  await page.fill('#search-q', '');
  await typeInto(page, 'qzxjv');
  await page.waitForFunction(() => document.querySelector('.search-status')?.textContent === '沒有結果', null, { timeout: 5000 });
  if (await page.$('.search-link')) throw new Error('results shown for a query with no match');
});

await check('Escape closes the results, then clears the box', async () => {
  await page.goto(EN);
  await typeInto(page, 'transistor');
  await firstResult(page);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Escape');
  const state = await page.evaluate(() => [document.getElementById('search-panel').hidden, document.activeElement.id]);
  if (!state[0] || state[1] !== 'search-q') throw new Error(`after Escape: hidden=${state[0]}, focus on ${state[1]}`);
  await page.keyboard.press('Escape');
  if ((await page.inputValue('#search-q')) !== '') throw new Error('second Escape did not clear the box');
});

await check('the search page shows grouped results for ?q= and Enter there keeps the reader on it', async () => {
  await page.goto(`${EN}search/?q=transistor`);
  await firstResult(page);
  const groups = await page.$$eval('#search-results .search-group-title', (hs) => hs.map((h) => h.textContent));
  if (groups.length < 2) throw new Error(`groups: ${groups}`);
  await page.fill('#search-q', 'anchor tenant');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.search === '?q=anchor%20tenant', null, { timeout: 5000 });
  const expected = INTERVIEW.en;
  const got = await firstResult(page);
  if (!got.startsWith(expected)) throw new Error(`first result ${got}`);
});

await browser.close();
server.close();
finish();
