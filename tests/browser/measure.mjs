// Loads a report page in headless chromium and prints render timings (used by
// benchmarks/report_render):  node measure.mjs REPORT.html
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const file = process.argv[2];
const profile = mkdtempSync(join(tmpdir(), 'llmbench-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  viewport: { width: 1280, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = context.pages()[0] || await context.newPage();
  const t0 = Date.now();
  await page.goto(pathToFileURL(file).href + '#items', { waitUntil: 'commit' });
  await page.waitForSelector('#item-list article.item');
  const firstItems = Date.now() - t0;
  const total = await page.evaluate(() => document.querySelector('#item-count').textContent);
  const dom = await page.evaluate(() => document.getElementsByTagName('*').length);
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return { response: Math.round(n.responseEnd), dcl: Math.round(n.domContentLoadedEventEnd) };
  });
  await page.selectOption('#item-run', '');
  const before = await page.evaluate(() => document.querySelector('#item-count').textContent);
  const t1 = Date.now();
  await page.fill('#item-search', 'меркурий');
  await page.waitForFunction(prev => document.querySelector('#item-count').textContent !== prev, before);
  const search = Date.now() - t1 - 150;  // minus the input debounce
  // Page 2 only when the search left more than one page (a small fixture may not).
  const pages = await page.evaluate(() => document.querySelector('#item-page').textContent);
  let nextPage = `none (the search left ${pages.replace(/^page 1 of /, '')} page)`;
  if (!(await page.isDisabled('#item-next'))) {
    const t2 = Date.now();
    await page.click('#item-next');
    await page.waitForFunction(() => document.querySelector('#item-page').textContent.startsWith('page 2'));
    nextPage = `${Date.now() - t2} ms`;
  }
  console.log(`items tab first render: ${firstItems} ms (${total}; ${dom} DOM elements)`);
  console.log(`  of which file read ${nav.response} ms, parse + script to DOMContentLoaded ${nav.dcl} ms`);
  console.log(`search over all runs:   ${search} ms (after the 150 ms debounce)`);
  console.log(`next page:              ${nextPage}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
