// Accessibility of the built site: axe-core's WCAG 2.1 A and AA rules (through
// @axe-core/playwright) on one page of every kind in every language, in the light and the dark
// colour scheme, in headless Chromium. Run by tests/browser_quality.rs:
//   node tests/browser/axe.mjs SITE_DIR BASE_PATH SUMMARY_FILE
// SITE_DIR was built with a base URL whose path is BASE_PATH (e.g. /gloss/); it is served there.
// Every violation is printed with its page, scheme, rule and elements; the counts go to
// SUMMARY_FILE. Exits 1 when anything is wrong.
import { writeFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { serve, launch, check, finish, pageKinds } from './serve.mjs';

const [site, base, summaryFile] = process.argv.slice(2);
if (!summaryFile) throw new Error('usage: node axe.mjs SITE_DIR BASE_PATH SUMMARY_FILE');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// The search page is audited with results showing: a word found in both languages.
const QUERY = 'Sora';

const { server, origin } = await serve(site, base);
const browser = await launch();
const pages = pageKinds(site, base);
const rules = new Set();
let audits = 0, violations = 0;
const review = new Map(); // rule → pages where axe could not decide
try {
  for (const scheme of ['light', 'dark']) {
    const ctx = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    for (const { kind, url } of pages) {
      const search = kind === 'search';
      const t0 = Date.now();
      await check(`axe ${scheme} ${url}${search ? `?q=${QUERY}` : ''} (${kind})`, async () => {
        await page.goto(origin + url + (search ? `?q=${encodeURIComponent(QUERY)}` : ''), { waitUntil: 'load' });
        await page.evaluate(() => document.fonts.ready);
        if (search) await page.waitForSelector('#search-results .search-link', { timeout: 10000 });
        // Legacy mode runs axe in the page itself: no frames here, and half the time of the
        // default mode, which finishes the run in a second, blank page.
        // (options() replaces every option set before it: it comes before withTags().)
        const r = await new AxeBuilder({ page }).setLegacyMode(true)
          .options({ resultTypes: ['violations'] }).withTags(TAGS).analyze();
        audits++;
        for (const kind of ['passes', 'violations', 'incomplete', 'inapplicable']) for (const x of r[kind]) rules.add(x.id);
        for (const x of r.incomplete) {
          review.set(x.id, [...(review.get(x.id) || []), `${scheme} ${url}`]);
          const n = x.nodes[0];
          console.log(`note - axe ${scheme} ${url}: ${x.id} undecided${n ? ` at ${n.target.join(' ')}: ${(n.any[0] || n.all[0] || n.none[0] || {}).message || ''}` : ''}`);
        }
        const found = r.violations.flatMap((v) => v.nodes.map((n) => ({ v, n })));
        violations += found.length;
        if (found.length) {
          throw new Error(found.slice(0, 12).map(({ v, n }) =>
            `${v.id} (${v.impact}): ${v.help}\n  at ${n.target.join(' ')}\n  ${n.html.slice(0, 160)}\n  ${n.failureSummary.replace(/\n\s*/g, ' ')}`,
          ).join('\n') + (found.length > 12 ? `\n… and ${found.length - 12} more` : ''));
        }
      });
      if (process.env.GLOSS_TIMING) console.log(`  ${Date.now() - t0} ms`);
    }
    await ctx.close();
  }
} finally {
  await browser.close();
  server.close();
  const summary = `axe: ${pages.length} pages × 2 colour schemes = ${audits} audits, ${rules.size} rules (${TAGS.join(', ')}), `
    + `${violations} violations; left undecided by axe (to look at by hand): ${[...review].map(([id, at]) => `${id} on ${at.length} pages`).join(', ') || 'none'}`;
  console.log(summary);
  writeFileSync(summaryFile, summary + '\n');
}
finish();
