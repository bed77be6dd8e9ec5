// Shared by the browser tests: a static server for a built site under a subpath (as GitHub
// Pages serves a project site), Debian's Chromium, and a tiny check runner that prints
// "N passed, N failed" and sets the exit code.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.json': 'application/json', '.jsonld': 'application/ld+json', '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml', '.svg': 'image/svg+xml', '.png': 'image/png',
};

/** Serves `dir` under `base` (e.g. `/sub/`) on a free loopback port. */
export function serve(dir, base) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let rel = decodeURIComponent(url.pathname);
    if (!rel.startsWith(base)) { res.writeHead(404); res.end(); return; }
    rel = rel.slice(base.length);
    let file = path.join(root, rel);
    if (!file.startsWith(root)) { res.writeHead(403); res.end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) {
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(fs.existsSync(path.join(root, '404.html')) ? fs.readFileSync(path.join(root, '404.html')) : '');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` }));
  });
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
}

let passed = 0, failed = 0;

export async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}${process.env.GLOSS_TIMING ? ` (${Date.now() - t0} ms)` : ''}`);
  } catch (e) {
    failed++;
    console.log(`FAILED - ${name}\n    ${String(e.message || e).split('\n').join('\n    ')}`);
  }
}

export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

/** Every page of a built site as `{ url, file }`: `url` under `base`, directories as `dir/`. */
export function sitePages(dir, base, prefix = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const rel = prefix + e.name;
    if (e.isDirectory()) out.push(...sitePages(dir, base, rel + '/'));
    else if (e.name === 'index.html') out.push({ url: base + prefix, file: path.join(dir, rel) });
    else if (e.name.endsWith('.html')) out.push({ url: base + rel, file: path.join(dir, rel) });
  }
  return out.sort((a, b) => a.url.localeCompare(b.url));
}

/**
 * One page of each kind (each template) in each language: `{ kind, lang, url }`. The kind is
 * the body's class, or for pages without one the path below the language's home
 * (`speakers/x/` → `speaker`, `topics/` → `topics`), so new templates join the checks by
 * themselves.
 */
export function pageKinds(dir, base) {
  const pages = sitePages(dir, base).map((p) => {
    const html = fs.readFileSync(p.file, 'utf8');
    const lang = (html.match(/<html[^>]*\slang="([^"]+)"/) || [])[1] || '';
    const cls = ((html.match(/<body[^>]*\sclass="([^"]*)"/) || [])[1] || '').trim().split(/\s+/)[0];
    return { ...p, lang, cls };
  });
  const homes = pages.filter((p) => p.cls === 'home').map((p) => p.url).sort((a, b) => b.length - a.length);
  const picked = new Map();
  for (const p of pages) {
    const home = homes.find((h) => p.url.startsWith(h)) || base;
    const rest = p.url.slice(home.length).split('/').filter(Boolean);
    const kind = p.cls ? p.cls.replace(/-page$/, '')
      : rest.length === 0 ? 'home'
        : rest.length === 1 ? rest[0].replace(/\.html$/, '')
          : rest[0].replace(/s$/, '');
    const key = `${kind} ${p.lang}`;
    if (!picked.has(key)) picked.set(key, { kind, lang: p.lang, url: p.url });
  }
  // GLOSS_PAGES=regex narrows the checks to some pages while working on them.
  const only = process.env.GLOSS_PAGES && new RegExp(process.env.GLOSS_PAGES);
  return [...picked.values()].filter((p) => !only || only.test(p.url));
}
