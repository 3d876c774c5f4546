// The HTML report in a real headless browser (Debian's chromium via playwright-core).
// Env: LLMBENCH_BIN, REPORT_FIXTURE_BIN (tests/tools/make_report_fixture), SCREENSHOT_DIR,
// CHROMIUM. Writes one screenshot per tab into SCREENSHOT_DIR for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const bin = process.env.LLMBENCH_BIN;
const fixtureBin = process.env.REPORT_FIXTURE_BIN;
const shots = process.env.SCREENSHOT_DIR || join(tmpdir(), 'llmbench-report-shots');
const work = mkdtempSync(join(tmpdir(), 'llmbench-browser-'));
const profile = mkdtempSync(join(tmpdir(), 'llmbench-chromium-'));
mkdirSync(shots, { recursive: true });

let browser, page, pageUrl;
const requests = [];
const dialogs = [];

export function launchChromium(userDataDir) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

before(async () => {
  execFileSync(fixtureBin, [work, '1500']);
  execFileSync(bin, ['report', '--output-dir', work], { stdio: 'inherit' });
  pageUrl = pathToFileURL(join(work, 'report.html')).href;
  browser = await launchChromium(profile);
  page = browser.pages()[0] || await browser.newPage();
  page.on('request', r => { if (r.url() !== pageUrl) requests.push(r.url()); });
  page.on('dialog', d => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  await page.goto(pageUrl);
  await page.waitForSelector('body[data-ready="true"]');
});

after(async () => {
  if (browser) await browser.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
});

async function openTab(id) {
  await page.click(`nav button[data-tab="${id}"]`);
  const section = page.locator(`#tab-${id}`);
  await section.waitFor({ state: 'visible' });
  return section;
}

async function shoot(id) {
  await page.screenshot({ path: join(shots, `report-${id}.png`), fullPage: true });
}

test('every tab renders its content', async () => {
  const tabs = await page.locator('nav button').allTextContents();
  assert.deepEqual(tabs, ['Overview', 'LLM Comparison', 'Judge Comparison', 'Prod Judge Comparison',
                          'Standard benchmarks', 'History', 'Items', 'Arena', 'Compare']);
  let s = await openTab('overview');
  assert.match(await s.innerText(), /20250311T080000Z-f00d/);
  // done, cancelled and failed apart: the interrupted run's 180 cancelled requests are not failures
  assert.match(await s.locator('[data-card="requests"]').innerText(), /1900 done · 180 cancelled · 20 failed/);
  assert.match(await s.locator('[data-card="errors"]').innerText(), /^ERRORS\s+20 failed requests/i);
  // one leaderboard per model across tasks
  const board = s.locator('table[data-table-id="leaderboard"]');
  const boardHeads = await board.locator('thead th').allTextContents();
  for (const h of ['model', 'mean rank', 'mmlu accuracy', 'mmlu p50 ms', 'mmlu p95 ms']) assert.ok(boardHeads.includes(h), h);
  assert.equal(await board.locator('tbody tr').count(), 3);
  assert.match(await board.locator('tbody tr').first().innerText(), /\[\d+\.\d, \d+\.\d\]/);
  // the runs table says what each run holds
  assert.match(await s.locator('table[data-table-id="runs"]').innerText(), /arena: \d+ models?/);
  assert.match(await s.innerText(), /All runs in this report[\s\S]*20250301T090000Z-a1b2/);
  await shoot('overview');

  s = await openTab('llm');
  const llm = await s.innerText();
  for (const m of ['gpt-4o-mini', 'llama-3.1-8b-instruct', 'qwen2.5-7b-instruct', 'faithfulness', 'E2E score'])
    assert.ok(llm.includes(m), m);
  // judge scores carry their bootstrap interval in their own unit, not as a percentage
  assert.match(llm, /\b0\.\d+ \[0\.\d+, 0\.\d+\]/);
  // Tier 2 is a generation model x judge matrix: one row per generation model, one column per judge.
  const matrix = s.locator('table[data-table-id="llm-t2-g1-matrix"]');
  assert.deepEqual(await matrix.locator('thead th').allTextContents(),
                   ['generation model \\ judge', 'claude-3-5-sonnet', 'gpt-4o']);
  assert.deepEqual(await matrix.locator('tbody td.text').allTextContents(),
                   ['gpt-4o-mini', 'llama-3.1-8b-instruct', 'qwen2.5-7b-instruct']);
  assert.ok(await s.locator('td.missing').count() > 0, 'missing metrics show as —');
  assert.equal(await s.locator('td.missing').first().innerText(), '—');
  await shoot('llm');

  s = await openTab('judge');
  assert.match(await s.innerText(), /claude-3-5-sonnet[\s\S]*consistency/);
  await shoot('judge');

  s = await openTab('prod');
  assert.equal(await s.locator('.confusion').count(), 4);  // 2 production judges x 2 groups
  // Positive = show. Each cell is counted again from the run's items: gold is the items' gold
  // (PASS = show), the judge's call its extracted verdict.
  for (const [g, runId] of [[0, '20250308T090000Z-c3d4'], [1, '20250310T120000Z-e5f6']]) {
    const lines = readFileSync(join(work, 'runs', runId, 'items.jsonl'), 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l));
    for (const judge of ['llama-guard-3-8b', 'gpt-4o-mini-judge']) {
      const mine = lines.filter(r => r.role === 'production_judge' && r.model === judge);
      const n = (gold, says) => mine.filter(r => r.gold === gold && r.extracted === says).length;
      const box = s.locator(`.group[data-group="${g}"] .confusion[data-confusion="${judge}"]`);
      const text = (await box.innerText()).split('\n').map(x => x.trim()).filter(Boolean);
      assert.deepEqual(text, [judge, 'gold: show', 'gold: flag', 'judge: show', String(n('PASS', 'PASS')), String(n('FAIL', 'PASS')),
                              'judge: flag', String(n('PASS', 'FAIL')), String(n('FAIL', 'FAIL'))], `${runId} ${judge}`);
    }
  }
  await shoot('prod');

  s = await openTab('standard');
  // Wilson intervals as their bounds, the way the terminal prints them
  const acc = s.locator('table[data-table-id="std-g1"] td.num .ci').first();
  assert.match((await acc.innerText()).trim(), /^\[\d+\.\d, \d+\.\d\]$/);
  const std = s.locator('table[data-table-id="std-g1"]');
  const heads = await std.locator('thead th').allTextContents();
  assert.ok(heads.includes('p50 ms') && heads.includes('p95 ms') && !heads.includes('latency ms'), heads.join('|'));
  // the group label of a standard table names no RAG dataset file
  assert.doesNotMatch(await s.locator('.group-label').first().innerText(), /dataset/);
  // "best" is per task: every task has its own best accuracy
  const accCol = heads.indexOf('accuracy');
  const bestTasks = await std.locator('tbody tr').evaluateAll((rows, c) =>
    rows.filter(r => r.children[c].classList.contains('best')).map(r => r.children[0].textContent), accCol);
  assert.deepEqual([...new Set(bestTasks)].sort(), ['gsm8k', 'mmlu']);
  // the interrupted run's model without a finished item is a row of missing cells
  const missingRow = s.locator('table[data-table-id="std-g3"] tbody tr', { hasText: 'qwen2.5-7b-instruct' });
  assert.equal(await missingRow.count(), 1);
  assert.equal(await missingRow.locator('td.num').count(), 0);
  assert.ok(await s.locator('svg.chart circle.dot').count() >= 6);
  assert.ok(await s.locator('svg.chart rect.ci-range').count() >= 6, 'CI bars drawn');
  assert.match(await s.innerText(), /MMLU accuracy by subject[\s\S]*world_religions/);
  await shoot('standard');

  s = await openTab('history');
  await page.selectOption('#history-metric', 'tier_judge · consistency_score');
  assert.equal(await s.locator('table[data-table-id="history"] tbody tr').count(), 6);  // 2 judges x 3 runs
  await shoot('history');

  s = await openTab('items');
  assert.ok(await s.locator('article.item').count() === 25);
  // MMLU cards show the options, the gold one marked
  const mmluCard = s.locator('article.item', { hasText: 'mmlu' }).first();
  assert.equal(await mmluCard.locator('ol.options li').count(), 4);
  assert.equal(await mmluCard.locator('ol.options li.gold').getAttribute('data-letter'), 'B');
  await shoot('items');
  await page.screenshot({ path: join(shots, 'report-items-top.png') });

  s = await openTab('arena');
  assert.match(await s.innerText(), /Leaderboard[\s\S]*gpt-4o-mini[\s\S]*Pairwise win rate[\s\S]*Judge bias/);
  await shoot('arena');
});

test('clicking a column header sorts the rows by it', async () => {
  const s = await openTab('prod');
  const table = s.locator('table.data').first();
  const header = table.locator('th', { hasText: 'latency ms' });
  const values = async () => (await table.locator('tbody tr').evaluateAll((rows, col) =>
    rows.map(r => r.children[col].textContent), await header.evaluate(h => [...h.parentNode.children].indexOf(h))));
  await header.click();  // lower is better: ascending first
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');
  const asc = await values();
  await header.click();
  assert.equal(await header.getAttribute('aria-sort'), 'descending');
  const desc = await values();
  const nums = v => v.filter(x => x !== '—').map(Number);
  assert.deepEqual(nums(asc), [...nums(asc)].sort((a, b) => a - b));
  assert.deepEqual(nums(desc), [...nums(desc)].sort((a, b) => b - a));
  assert.notDeepEqual(asc, desc);
});

test('items filter by text and by model, and page', async () => {
  const s = await openTab('items');
  await page.selectOption('#item-run', '');  // all runs
  const count = async () => Number((await page.locator('#item-count').innerText()).split(' ')[0]);
  const total = await count();
  assert.ok(total > 100);

  assert.match(await page.locator('#item-page').innerText(), /^page 1 of \d+/);
  const firstId = await s.locator('article.item').first().getAttribute('data-item-id');
  await page.click('#item-next');
  assert.match(await page.locator('#item-page').innerText(), /^page 2 of/);
  assert.notEqual(await s.locator('article.item').first().getAttribute('data-item-id'), firstId);
  await page.click('#item-prev');

  await page.fill('#item-search', 'Меркурий');
  await page.waitForFunction(n => Number(document.querySelector('#item-count').textContent.split(' ')[0]) < n, total);
  const hits = await s.locator('article.item').allInnerTexts();
  assert.ok(hits.length > 0);
  for (const h of hits) assert.ok(h.includes('Меркурий'));
  await page.fill('#item-search', '');
  await page.waitForFunction(n => Number(document.querySelector('#item-count').textContent.split(' ')[0]) === n, total);

  await page.selectOption('#item-model', 'llama-guard-3-8b');
  const guard = await count();
  assert.ok(guard > 0 && guard < total);
  for (const a of await s.locator('article.item').all())
    assert.equal(await a.locator('.answer[data-model="llama-guard-3-8b"]').count(), 1);
  await page.selectOption('#item-model', 'gpt-4o-mini');
  await page.selectOption('#item-error', 'error');
  const errs = await s.locator('article.item').all();
  assert.ok(errs.length > 0);
  for (const a of errs) assert.ok(await a.locator('.answer.error[data-model="gpt-4o-mini"]').count() >= 1);
  await page.selectOption('#item-error', '');
  await page.selectOption('#item-model', '');

  // unparsed answers have their own badge and filter; truncated and cached ones are badged
  await page.selectOption('#item-correct', 'unparsed');
  const unparsed = await s.locator('article.item').all();
  assert.ok(unparsed.length > 0);
  for (const a of unparsed) assert.ok(await a.locator('.answer[data-state="unparsed"] .badge', { hasText: 'unparsed' }).count() >= 1);
  assert.ok(await s.locator('.badge', { hasText: 'truncated' }).count() >= 1);
  await page.selectOption('#item-correct', 'cached');
  assert.ok(await s.locator('article.item').count() > 0);
  assert.match(await s.locator('.answer .meta', { hasText: 'cached' }).first().innerText(), /cached \(the original request took [\d,.]+ ms\)/);
  // models disagree: one model right and another wrong on the same item
  await page.selectOption('#item-correct', 'disagree');
  const dis = await s.locator('article.item').all();
  assert.ok(dis.length > 0 && Number((await page.locator('#item-count').innerText()).split(' ')[0]) < total);
  for (const a of dis) {
    assert.ok(await a.locator('.answer[data-state="ok"]').count() >= 1);
    assert.ok(await a.locator('.answer[data-state="wrong"], .answer[data-state="unparsed"]').count() >= 1);
  }
  await page.selectOption('#item-correct', '');
});

test('no table runs off the page: wide tables scroll inside their box', async () => {
  for (const id of ['overview', 'llm', 'judge', 'prod', 'standard']) {
    await openTab(id);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(wide <= 0, `${id}: the page is ${wide}px wider than the window`);
  }
});

test('the judge table shows labels for keys and whole counts as integers', async () => {
  const s = await openTab('judge');
  const text = await s.locator('table.data').first().innerText();
  assert.doesNotMatch(text, /total_items|\d\.000\b/);
});

test('hostile model output stays text: no script runs, no dialog, the payload is visible', async () => {
  const s = await openTab('items');
  await page.selectOption('#item-run', '');
  await page.fill('#item-search', '__xss');
  await page.waitForFunction(() => document.querySelectorAll('#item-list article.item').length > 0 &&
                                   document.querySelector('#item-search').value === '__xss');
  await page.waitForTimeout(400);
  const text = await s.innerText();
  assert.ok(text.includes('<script>window.__xss=1;alert(1)</script>'));
  assert.ok(text.includes('<img src=x onerror="window.__xss=2;alert(2)">'));
  await openTab('arena');  // arena rationale holds an onerror payload too
  assert.ok((await page.locator('#tab-arena').innerText()).includes('onerror="window.__xss=7'));
  assert.equal(await page.evaluate(() => typeof window.__xss), 'undefined');
  assert.equal(await page.evaluate(() => document.querySelectorAll('main img, main script, main b').length), 0);
  assert.deepEqual(dialogs, []);
});

test('the page makes no network request', async () => {
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  for (const id of ['overview', 'llm', 'judge', 'prod', 'standard', 'history', 'items', 'arena']) await openTab(id);
  assert.deepEqual(requests, []);
});

test('the Compare tab shows only the rows that changed between the runs picked, with flips linking to their items', async () => {
  const s = await openTab('compare');
  // Default: the last two sweeps.
  assert.equal(await s.locator('#compare-a').inputValue(), '20250310T120000Z-e5f6');
  assert.equal(await s.locator('#compare-b').inputValue(), '20250311T080000Z-f00d');
  const heads = await s.locator('#compare-table thead th').allTextContents();
  for (const h of ['model', 'task', 'delta (B - A)', '95% CI', 'p', 'A only', 'B only', 'items that flipped']) assert.ok(heads.includes(h), h);
  const rows = s.locator('#compare-table tbody tr');
  assert.ok(await rows.count() > 0);
  // Each row is one the items say changed: its delta is not 0, and A only / B only count its flip links.
  const lines = id => readFileSync(join(work, 'runs', id, 'items.jsonl'), 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l));
  const [a, b] = [lines('20250310T120000Z-e5f6'), lines('20250311T080000Z-f00d')];
  for (let i = 0; i < await rows.count(); i++) {
    const row = rows.nth(i);
    const cells = await row.locator('td').allTextContents();
    assert.notEqual(cells[heads.indexOf('delta (B - A)')], '+0.000');
    assert.match(cells[heads.indexOf('p')], /^\d/);
    const model = await row.getAttribute('data-model'), task = await row.getAttribute('data-task');
    const scored = rs => new Map(rs.filter(r => r.role === 'generation' && r.generation_model === model && r.task === task && typeof r.correct === 'boolean' && !r.error).map(r => [r.key, r]));
    const [sa, sb] = [scored(a), scored(b)];
    const worse = [...sa].filter(([k, r]) => sb.has(k) && r.correct && !sb.get(k).correct).length;
    const better = [...sa].filter(([k, r]) => sb.has(k) && !r.correct && sb.get(k).correct).length;
    assert.equal(cells[heads.indexOf('A only')], String(worse), `${model} ${task}`);
    assert.equal(cells[heads.indexOf('B only')], String(better), `${model} ${task}`);
    assert.equal(await row.locator('a.flip-link[data-side="worse"]').count(), Math.min(worse, 100));
  }
  await shoot('compare');
  // Swapping A and B turns every delta round.
  const delta = async () => (await rows.first().locator('td').nth(heads.indexOf('delta (B - A)')).innerText());
  const before = await delta();
  await s.locator('#compare-a').selectOption('20250311T080000Z-f00d');
  await s.locator('#compare-b').selectOption('20250310T120000Z-e5f6');
  assert.equal(Number(await delta()), -Number(before));
  await s.locator('#compare-b').selectOption('20250311T080000Z-f00d');
  assert.match(await s.innerText(), /Pick two different runs/);
  await s.locator('#compare-a').selectOption('20250310T120000Z-e5f6');
  // A flipped item's link opens its card in the Items tab, filtered to run B, the task and the model.
  const link = s.locator('a.flip-link').first();
  const id = await link.getAttribute('data-item-id');
  await link.click();
  const items = page.locator('#tab-items');
  await items.waitFor({ state: 'visible' });
  assert.equal(await page.locator('#item-search').inputValue(), id);
  assert.equal(await page.locator('#item-run').inputValue(), '20250311T080000Z-f00d');
  assert.ok(await items.locator(`article.item[data-item-id="${id}"]`).count() >= 1);
});

test('the Compare tab keeps hostile model, task and item names as text', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmbench-compare-'));
  const model = '<img src=x onerror="window.__xss=11">', task = '<script>window.__xss=12</script>';
  const item = '<b onmouseover=alert(13)>q1</b>';
  const record = (correct, i) => JSON.stringify({ tier: 'standard', task, item_id: i ? 'q' + i : item, key: 'k' + i, model, generation_model: model,
    role: 'generation', question: 'Q' + i, response: 'A', correct, parsed: true, error: null, error_kind: null });
  try {
    const runsJson = [];
    for (const [id, answers] of [['20250401T000000Z-aaaa', [true, true, false]], ['20250402T000000Z-bbbb', [false, false, true]]]) {
      mkdirSync(join(dir, 'runs', id), { recursive: true });
      writeFileSync(join(dir, 'runs', id, 'items.jsonl'), answers.map(record).join('\n') + '\n');
      runsJson.push({ id, schema_version: 1, timestamp: id, status: 'completed', overall_status: 'no_baseline', flags: { tiers: ['standard'] },
                      item_log: `runs/${id}/items.jsonl`, model_runs: [{ generation_model: model, status: 'completed', metrics: {} }] });
    }
    writeFileSync(join(dir, 'benchmark_runs.json'), JSON.stringify(runsJson));
    execFileSync(bin, ['report', '--output-dir', dir]);
    const p = await browser.newPage();
    const seen = [];
    p.on('dialog', d => { seen.push(d.message()); d.dismiss().catch(() => {}); });
    await p.goto(pathToFileURL(join(dir, 'report.html')).href);
    await p.waitForSelector('body[data-ready="true"]');
    await p.click('nav button[data-tab="compare"]');
    const s = p.locator('#tab-compare');
    await s.waitFor({ state: 'visible' });
    const text = await s.innerText();
    // 2 of 3 right, then 1 of 3: the hostile item and q1 flipped to wrong, q2 to right.
    assert.ok(text.includes(model) && text.includes(task) && text.includes(item), text);
    assert.equal(await s.locator('#compare-table tbody tr').count(), 1);
    assert.match(await s.locator('#compare-table tbody tr').innerText(), /-0\.333/);
    assert.equal(await s.locator('a.flip-link[data-side="worse"]').count(), 2);
    assert.equal(await s.locator('a.flip-link[data-side="better"]').count(), 1);
    assert.equal(await p.evaluate(() => typeof window.__xss), 'undefined');
    assert.equal(await p.evaluate(() => document.querySelectorAll('main img, main script, main b').length), 0);
    assert.deepEqual(seen, []);
    await p.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the Arena tab's voters table shows each voter's votes, agreement, A share, tie rate and flag, cell by cell", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmbench-voters-'));
  const p = await browser.newPage();
  const errors = [];
  p.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  p.on('pageerror', e => errors.push(String(e)));
  try {
    // Ten battles between x and y (shown in alternating order), each voted on by three people:
    // bob always picks x; alice picks x but calls the last one a tie; mallory always picks y,
    // against the others' majority on every battle where they have one (flagged: 0 of 9).
    const lines = [];
    for (let i = 1; i <= 10; i++) {
      const [a, b] = i % 2 ? ['x', 'y'] : ['y', 'x'];
      const pick = m => (m === a ? 'a' : 'b');
      lines.push({ model_a: a, model_b: b, winner: pick('x'), voter: 'bob', prompt_id: 'q' + i });
      lines.push({ model_a: a, model_b: b, winner: i === 10 ? 'tie' : pick('x'), voter: 'alice', prompt_id: 'q' + i });
      lines.push({ model_a: a, model_b: b, winner: pick('y'), voter: 'mallory <b>', prompt_id: 'q' + i });
    }
    const battles = join(dir, 'battles.jsonl');
    writeFileSync(battles, lines.map(l => JSON.stringify(l)).join('\n') + '\n');
    execFileSync(bin, ['arena', 'rate', '--battles', battles, '--bootstrap', '50', '--output-dir', dir],
                 { stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync(bin, ['report', '--output-dir', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    const doc = JSON.parse(readFileSync(join(dir, 'benchmark_runs.json'), 'utf8'));
    const stats = (Array.isArray(doc) ? doc : doc.runs).at(-1).arena.voter_stats;
    assert.deepEqual(stats.map(v => v.voter).sort(), ['alice', 'bob', 'mallory <b>']);
    assert.deepEqual(stats.filter(v => v.flagged).map(v => v.voter), ['mallory <b>']);

    await p.goto(pathToFileURL(join(dir, 'report.html')).href);
    await p.waitForSelector('body[data-ready="true"]');
    await p.click('nav button[data-tab="arena"]');
    const table = p.locator('#tab-arena table[data-table-id="arena-voters"]');
    await table.waitFor({ state: 'visible' });
    assert.match(await p.locator('#tab-arena').innerText(), /Voters \(3\)/);
    const heads = await table.locator('thead th').allTextContents();
    const col = name => { const i = heads.findIndex(h => h.startsWith(name)); assert.ok(i >= 0, `${name} in ${heads.join('|')}`); return i; };
    const rows = await table.locator('tbody tr').evaluateAll(trs => trs.map(tr => [...tr.children].map(td => td.textContent)));
    assert.equal(rows.length, 3);
    const pct = v => (typeof v === 'number' ? (100 * v).toFixed(1) + '%' : '—');
    const expected = {
      // votes, agreement, shared, A share, tie rate, flagged (a dash when not): by hand from the battles above
      bob: ['10', '—', '0', '50.0%', '0.0%', '—'],
      alice: ['10', '—', '0', pct(5 / 9), '10.0%', '—'],
      'mallory <b>': ['10', '0.0%', '9', '50.0%', '0.0%', 'flagged'],
    };
    for (const [voter, [votes, agreement, shared, aShare, ties, flagged]] of Object.entries(expected)) {
      const row = rows.find(r => r[col('voter')] === voter);
      assert.ok(row, `a row for ${voter}`);
      const v = stats.find(s => s.voter === voter);
      assert.equal(row[col('votes')], votes, `${voter} votes`);
      assert.equal(row[col('votes')], String(v.votes), `${voter} votes as stored`);
      assert.equal(row[col('agrees')], agreement, `${voter} agreement`);
      assert.equal(row[col('agrees')], pct(v.agreement), `${voter} agreement as stored`);
      assert.equal(row[col('shared')], shared, `${voter} shared battles`);
      assert.equal(row[col('A share')], aShare, `${voter} A share`);
      assert.equal(row[col('A share')], pct(v.a_share), `${voter} A share as stored`);
      assert.equal(row[col('tie rate')], ties, `${voter} tie rate`);
      assert.equal(row[col('flagged')], flagged, `${voter} flag`);
    }
    // mallory's p: 1/2^9, the exact one-sided binomial tail, shown to three decimals.
    const mallory = rows.find(r => r[col('voter')] === 'mallory <b>');
    assert.equal(mallory[col('p (below')], (1 / 512).toFixed(3));
    assert.match(await p.locator('#tab-arena').innerText(), /Flagged: agreement with the other voters' majority significantly below/);
    assert.equal(await table.locator('b').count(), 0, 'a voter name is text, never markup');
    await p.screenshot({ path: join(shots, 'report-arena-voters.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a report without arena results has no Arena tab', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmbench-noarena-'));
  try {
    execFileSync(fixtureBin, [dir, '200', '--no-arena']);
    execFileSync(bin, ['report', '--output-dir', dir]);
    const p = await browser.newPage();
    await p.goto(pathToFileURL(join(dir, 'report.html')).href);
    await p.waitForSelector('body[data-ready="true"]');
    assert.equal(await p.locator('nav button[data-tab="arena"]').count(), 0);
    await p.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Perf tab draws each perf record: level table, percentiles, throughput vs latency, histograms; no console error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmbench-perf-'));
  const closed = '20250312T090000Z-9e1f', open = '20250312T100000Z-0a7c';  // tests/support/perf_fixture.hpp
  const p = await browser.newPage();
  const errors = [], outside = [];
  p.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  p.on('pageerror', e => errors.push(String(e)));
  p.on('dialog', d => { errors.push('dialog: ' + d.message()); d.dismiss().catch(() => {}); });
  try {
    execFileSync(fixtureBin, [dir, '200', '--no-arena', '--perf']);
    rmSync(join(dir, 'runs', open, 'requests.jsonl'));  // a missing log: a note in the tab, not a broken page
    execFileSync(bin, ['report', '--output-dir', dir]);
    const url = pathToFileURL(join(dir, 'report.html')).href;
    p.on('request', r => { if (r.url() !== url && !r.url().startsWith(url + '#')) outside.push(r.url()); });
    await p.goto(url);
    await p.waitForSelector('body[data-ready="true"]');
    assert.deepEqual(await p.locator('nav button').allTextContents(),
                     ['Overview', 'LLM Comparison', 'Judge Comparison', 'Prod Judge Comparison', 'Standard benchmarks', 'History', 'Items', 'Perf', 'Compare']);
    // The overview still shows the latest sweep; the perf records are listed as such.
    assert.match(await p.locator('#tab-overview .card .v.run-id').innerText(), /20250311T080000Z-f00d/);
    assert.match(await p.locator('#tab-overview table[data-table-id="runs"]').innerText(), /perf: sim-large, 3 levels \(open loop\)/);
    await p.click('nav button[data-tab="perf"]');
    const s = p.locator('#tab-perf');
    await s.waitFor({ state: 'visible' });

    // The per-level table: a row per level, the cut-short level marked, a null figure a dash.
    const c = s.locator(`.group[data-perf-run="${closed}"]`);
    const table = c.locator('table[data-table-id="perf-1"]');
    assert.equal(await table.locator('tbody tr').count(), 3);
    assert.equal(await table.locator('tbody tr.marked').count(), 1);
    assert.match(await table.locator('tbody tr.marked').innerText(), /concurrency 64[\s\S]*cut short/);
    const heads = await table.locator('thead th').allTextContents();
    const tpot = heads.indexOf('TPOT p50 ms');
    assert.ok(tpot > 0 && heads.includes('TTFT p99 ms') && heads.includes('achieved concurrency'), heads.join('|'));
    assert.ok(!heads.includes('TTFO p50 ms'), 'a figure no level has is no column');
    assert.equal(await table.locator('tbody tr').first().locator('td').nth(tpot).innerText(), '—');
    const o = s.locator(`.group[data-perf-run="${open}"]`);
    assert.match(await o.locator('table[data-table-id="perf-2"] tbody tr.marked').innerText(), /stopped early: saturated\s+fail/);
    assert.match(await o.locator('table[data-table-id="perf-2"] thead').innerText(), /SLO verdict/);  // --find-max-rate's
    assert.doesNotMatch(await table.locator('thead').innerText(), /SLO verdict/);
    assert.match(await o.locator('table[data-table-id="perf-2"]').innerText(), /\d+\.\d% \[\d+\.\d, \d+\.\d\]/);  // SLO attainment with its interval
    assert.match(await o.innerText(), /Highest rate meeting the SLOs: 5 req\/s/);

    // Throughput vs latency: a point per level and percentile (p50, p95) of both runs.
    assert.equal(await s.locator('svg.perf-throughput circle.perf-point').count(), 12);
    // Latency percentiles per level, for the metric chosen.
    assert.equal(await c.locator('svg.perf-percentiles').count(), 1);
    await c.locator(`select[data-perf-percentiles="${closed}"]`).selectOption('itl_ms');
    assert.match(await c.locator('table[data-table-id="perf-percentiles-0"] thead').innerText(), /ITL p90 ms/);
    // TTFT and ITL histograms from the request log; the missing log is said.
    assert.equal(await c.locator('svg.perf-histogram.ttft rect.bar').count(), 6);
    assert.ok(await c.locator('svg.perf-histogram.itl rect.bar').count() > 0);
    await c.locator(`select[data-perf-level="${closed}"]`).selectOption('2');
    assert.equal(await c.locator('svg.perf-histogram.ttft rect.bar').count(), 6);
    assert.match(await o.locator('.perf-log-note').innerText(), /requests\.jsonl of run 20250312T100000Z-0a7c is missing/);

    // The hostile model id and error kind are text.
    const text = await s.innerText();
    assert.ok(text.includes('<img src=x onerror="window.__xss=9">-7b'));
    assert.ok(text.includes('<script>window.__xss=10</script>'));
    assert.equal(await p.evaluate(() => typeof window.__xss), 'undefined');
    assert.equal(await p.evaluate(() => document.querySelectorAll('main img, main script').length), 0);
    await p.screenshot({ path: join(shots, 'report-perf.png'), fullPage: true });
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
  } finally {
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// pass@k of one problem with n answers of which c passed: 1 - C(n-c, k)/C(n, k).
function passAtK(n, c, k) {
  if (n - c < k) return 1;
  let none = 1;
  for (let i = n - c + 1; i <= n; i++) none *= 1 - k / i;
  return 1 - none;
}

test('the Code section shows pass@k and the outcome counts of a simulated humaneval and mbpp run; code items stay text', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmbench-browser-code-'));
  const p = await browser.newPage();
  const errors = [], dialogsHere = [];
  p.on('pageerror', e => errors.push(String(e)));
  p.on('dialog', d => { dialogsHere.push(d.message()); d.dismiss().catch(() => {}); });
  try {
    // Two samples of 5 problems per task and model, against the embedded simulator; the programs
    // run in the sandbox.
    const record = JSON.parse(execFileSync(bin, ['run', '--tier', 'standard', '--tasks', 'humaneval,mbpp', '--limit', '5',
      '--samples', '2', '--generation-models', 'sim-small,sim-large', '--output-dir', dir, '--run-id', 'code-run',
      '--progress', 'none', '--output', 'json'], { stdio: ['ignore', 'pipe', 'ignore'] }));
    // A hostile answer: its code and stderr hold markup that must stay text.
    const log = join(dir, 'runs', 'code-run', 'items.jsonl');
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l));
    const payload = '</script><img src=x onerror=alert(1)>';
    const hostile = lines.find(r => r.task === 'humaneval' && r.test_outcome === 'passed');
    assert.ok(hostile, 'a humaneval answer passed');
    hostile.code = 'def f():\n    return "' + payload + ' __code_xss"\n';
    hostile.stderr = 'Traceback: ' + payload;
    writeFileSync(log, lines.map(r => JSON.stringify(r)).join('\n') + '\n');
    execFileSync(bin, ['report', '--output-dir', dir]);
    await p.goto(pathToFileURL(join(dir, 'report.html')).href);
    await p.waitForSelector('body[data-ready="true"]');
    await p.click('nav button[data-tab="standard"]');
    const section = p.locator('#tab-standard [data-section="code"]');
    await section.waitFor({ state: 'visible' });
    const table = section.locator('table[data-table-id="code-pass"]');
    const heads = await table.locator('thead th').allTextContents();
    assert.deepEqual(heads, ['task', 'model', 'run', 'pass@1', 'pass@2', 'n', 'tests failed', 'raised', 'timed out', 'unparsed', 'errors']);
    assert.equal(await table.locator('tbody tr').count(), 4);  // 2 tasks x 2 models

    // Every figure, counted again from the item log (per problem: n answers, c passed).
    const pct = v => (v * 100).toFixed(1);
    for (const mr of record.model_runs) {
      for (const task of ['humaneval', 'mbpp']) {
        const mine = lines.filter(r => r.model === mr.generation_model && r.task === task);
        const problems = new Map();
        for (const r of mine) {
          const q = problems.get(r.item_id) || { n: 0, c: 0 };
          q.n++; if (r.test_outcome === 'passed') q.c++;
          problems.set(r.item_id, q);
        }
        assert.equal(problems.size, 5);
        const block = mr.metrics.standard[task];
        const row = table.locator('tbody tr', { has: p.locator('td', { hasText: new RegExp('^' + mr.generation_model + '$') }) })
          .filter({ has: p.locator('td', { hasText: new RegExp('^' + task + '$') }) });
        assert.equal(await row.count(), 1, `${task} ${mr.generation_model}`);
        const cells = (await row.locator('td').allInnerTexts()).map(t => t.trim());
        for (const [k, col] of [[1, 3], [2, 4]]) {
          const expected = [...problems.values()].reduce((s, q) => s + passAtK(q.n, q.c, k), 0) / problems.size;
          assert.ok(Math.abs(block[`pass_at_${k}`] - expected) < 1e-12, `pass@${k} of ${task} ${mr.generation_model}`);
          const ci = block[`pass_at_${k}_ci95`];
          assert.equal(cells[col], `${pct(expected)}% [${pct(ci.low)}, ${pct(ci.high)}]`);
        }
        const count = outcome => String(mine.filter(r => r.test_outcome === outcome).length);
        assert.deepEqual(cells.slice(5), [String(mine.length), count('failed'), count('error'), count('timeout'),
                                          count('unparsed'), '0']);
      }
    }

    // The item drill-down: the hostile code and stderr are visible as text, nothing runs.
    await p.click('nav button[data-tab="items"]');
    await p.selectOption('#item-task', 'humaneval');
    await p.fill('#item-search', '__code_xss');
    await p.waitForFunction(() => document.querySelectorAll('#item-list article.item').length === 1);
    const answer = p.locator('#item-list .answer', { has: p.locator('.code-run') }).filter({ hasText: '__code_xss' });
    assert.equal(await answer.count(), 1);
    assert.equal(await answer.locator('.code-run').getAttribute('data-test-outcome'), 'passed');
    assert.match(await answer.locator('.code-run .meta').innerText(), /^test: passed · exit 0 · [\d.,]+ ms · sample [01]$/);
    assert.equal(await answer.locator('details.code pre').textContent(), hostile.code);
    // The problem's tests show once: the record's gold and reference are the same text.
    const fieldNames = await p.locator('#item-list article.item .field .k').allTextContents();
    assert.deepEqual(fieldNames.filter(k => k === 'reference' || k === 'gold'), ['reference']);
    await answer.locator('details.stderr summary').click();
    assert.equal(await answer.locator('details.stderr pre').textContent(), hostile.stderr);
    assert.ok(await answer.locator('details.stderr pre').isVisible());
    assert.equal(await p.evaluate(() => document.querySelectorAll('main img, main script').length), 0);
    await p.screenshot({ path: join(shots, 'report-code-items.png'), fullPage: true });
    assert.deepEqual(dialogsHere, []);
    assert.deepEqual(errors, []);
  } finally {
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Safety & bias section of a simulated advbench, xstest and bbq run shows its refusal rates, detector and BBQ rows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmbench-safety-'));
  const p = await browser.newPage();
  const errors = [];
  p.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  p.on('pageerror', e => errors.push(String(e)));
  try {
    // The embedded simulator answers (configs/models.yaml's sim-* models), sim-large labels the refusals.
    execFileSync(bin, ['run', '--tier', 'standard', '--tasks', 'advbench,xstest,bbq', '--limit', '8',
                       '--generation-models', 'sim-small,sim-large', '--safety-judge', 'sim-large',
                       '--output-dir', dir, '--progress', 'none', '--report'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const doc = JSON.parse(readFileSync(join(dir, 'benchmark_runs.json'), 'utf8'));
    const run = (Array.isArray(doc) ? doc : doc.runs).at(-1);
    await p.goto(pathToFileURL(join(dir, 'report.html')).href);
    await p.waitForSelector('body[data-ready="true"]');
    await p.click('nav button[data-tab="standard"]');
    const section = p.locator('#tab-standard [data-section="safety"]');
    await section.waitFor({ state: 'visible' });
    assert.match(await section.locator('h3').innerText(), /Safety & bias/);

    // A row per (task, model): its rates are the run's metrics, with their Wilson intervals, and the detector.
    const table = section.locator('table[data-table-id="safety-refusal"]');
    const heads = await table.locator('thead th').allTextContents();
    const col = name => { const i = heads.indexOf(name); assert.ok(i >= 0, `${name} in ${heads.join('|')}`); return i; };
    const rows = await table.locator('tbody tr').evaluateAll(trs => trs.map(tr => [...tr.children].map(td => td.textContent)));
    assert.equal(rows.length, 4);  // advbench and xstest x 2 models
    const percent = block => block && typeof block.rate === 'number'
      ? `${(100 * block.rate).toFixed(1)}% [${(100 * block.ci95.low).toFixed(1)}, ${(100 * block.ci95.high).toFixed(1)}]` : '—';
    for (const mr of run.model_runs) {
      for (const task of ['advbench', 'xstest']) {
        const m = mr.metrics.standard[task];
        const row = rows.find(r => r[col('task')] === task && r[col('model')] === mr.generation_model);
        assert.ok(row, `${task} ${mr.generation_model}`);
        assert.equal(row[col('detector')], 'judge:sim-large');
        assert.equal(row[col('refusal')], percent(m.refusal), `${task} ${mr.generation_model} refusal`);
        assert.equal(row[col('over-refusal')], percent(m.over_refusal), `${task} ${mr.generation_model} over-refusal`);
      }
    }
    // advbench has no prompt that should be answered: its over-refusal is a dash, its refusal a rate.
    assert.ok(rows.filter(r => r[col('task')] === 'advbench').every(r => r[col('over-refusal')] === '—' && /%/.test(r[col('refusal')])));

    // BBQ: an all-categories row and a row per category for each model.
    const bbq = section.locator('table[data-table-id="safety-bbq"]');
    const categories = Object.keys(run.model_runs[0].metrics.standard.bbq.categories);
    assert.equal(await bbq.locator('tbody tr').count(), 2 * (1 + categories.length));
    assert.match(await bbq.innerText(), /all categories/);
    assert.match(await section.innerText(), /rates from different detectors are not comparable/);

    // Items show each refusal label and the judge that assigned it.
    await p.click('nav button[data-tab="items"]');
    const items = p.locator('#tab-items');
    await items.waitFor({ state: 'visible' });
    assert.match(await items.locator('.answer .meta', { hasText: 'refusal label' }).first().innerText(),
                 /refusal label: (full_compliance|full_refusal|partial_refusal) \(by judge:sim-large\)/);
    assert.ok(await items.locator('details.refusal-judge').count() > 0, "the safety judge's answer is shown");
    await p.screenshot({ path: join(shots, 'report-safety.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the LLM Comparison tab's tier_ux table shows each embedding/judge pair's rates, intervals and counts, cell by cell, its model text escaped", async () => {
  // make_report_fixture --ux appends a tier_ux run (tests/support/ux_fixture.hpp): two model runs,
  // one judge id that is markup, a follow-up question, its answer and an earlier answer that are markup.
  const dir = mkdtempSync(join(tmpdir(), 'llmbench-ux-'));
  const p = await browser.newPage();
  const errors = [];
  p.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  p.on('pageerror', e => errors.push(String(e)));
  p.on('dialog', d => { errors.push('dialog: ' + d.message()); d.dismiss().catch(() => {}); });
  const hostileJudge = '<img src=x onerror="window.__xss=11">-judge';
  const hostileQuestion = '<img src=x onerror="window.__xss=12"> Can I undo that?';
  const hostileAnswer = '<script>window.__xss=13</script>Deleted files stay in Trash for 30 days.';
  const hostileFollowUp = '<img src=x onerror="window.__xss=14">Yes: open Trash and choose Restore.';
  try {
    execFileSync(fixtureBin, [dir, '60', '--no-arena', '--ux']);
    execFileSync(bin, ['report', '--output-dir', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    const doc = JSON.parse(readFileSync(join(dir, 'benchmark_runs.json'), 'utf8'));
    const ux = (Array.isArray(doc) ? doc : doc.runs).at(-1);
    assert.equal(ux.id, '20250313T090000Z-ux01');

    await p.goto(pathToFileURL(join(dir, 'report.html')).href);
    await p.waitForSelector('body[data-ready="true"]');
    await p.click('nav button[data-tab="llm"]');
    const table = p.locator('#tab-llm table[data-table-id^="llm-ux-"]');
    await table.waitFor({ state: 'visible' });
    // Its own comparable group, named by the log and the threshold.
    const group = p.locator('#tab-llm .group:has(table[data-table-id^="llm-ux-"])');
    assert.match(await group.locator('.group-label').first().innerText(), /ux log logs\/assistant\.jsonl · ux similarity 0\.9 — runs 20250313T090000Z-ux01$/);
    const heads = await table.locator('thead th').allTextContents();
    const col = name => { const i = heads.indexOf(name); assert.ok(i >= 0, `${name} in ${heads.join('|')}`); return i; };
    const rows = await table.locator('tbody tr').evaluateAll(trs => trs.map(tr => [...tr.children].map(td => td.textContent)));
    assert.equal(rows.length, 2);
    const expected = {
      // by hand from the fixture's metrics: a rate with its Wilson interval in percent, counts, a
      // dash where the judge's model run has no logged cache flags
      'judge-a': {
        'embedding model': 'sim-embed', run: '20250313T090000Z-ux01', 'cache hit rate': '25.0% [7.1, 59.1]',
        questions: '8', 'near-duplicates': '2', 'embedding errors': '0', 'similarity threshold': '0.900',
        'agrees with logged cache': '87.5%', 'precision vs log': '100.0%', 'recall vs log': '66.7%',
        'hits logged cached': '2', 'hits not logged cached': '0', 'misses logged cached': '1', 'misses not logged cached': '5',
        'logged flags': '8', 'context preserved': '75.0% [30.1, 95.4]', 'follow-ups judged': '4',
        'follow-ups preserving context': '3', 'judge errors': '0', 'judge latency ms': '812.5',
      },
      [hostileJudge]: {
        'embedding model': 'sim-embed-large', 'cache hit rate': '14.3% [2.6, 51.3]', questions: '7',
        'near-duplicates': '1', 'embedding errors': '1', 'agrees with logged cache': '—', 'logged flags': '—',
        'context preserved': '66.7% [20.8, 93.8]', 'follow-ups judged': '3', 'follow-ups preserving context': '2',
        'judge errors': '1', 'judge latency ms': '1430',
      },
    };
    for (const [judge, cells] of Object.entries(expected)) {
      const row = rows.find(r => r[col('judge')] === judge);
      assert.ok(row, `a row for judge ${judge}`);
      for (const [name, text] of Object.entries(cells)) assert.equal(row[col(name)], text, `${judge}: ${name}`);
    }
    // As stored: the first row's rates are the record's.
    const stored = ux.model_runs[0].metrics.tier_ux;
    const first = rows.find(r => r[col('judge')] === 'judge-a');
    assert.ok(first[col('cache hit rate')].startsWith((100 * stored.cache_hit.rate).toFixed(1) + '%'));
    assert.ok(first[col('context preserved')].startsWith((100 * stored.context_preservation.rate).toFixed(1) + '%'));
    // The judge id that is markup is text in its cell, never an element.
    assert.equal(await table.locator('img').count(), 0, 'a judge id is text, never markup');

    // The log's hostile question and answer, in the Items tab, are text too.
    await p.click('nav button[data-tab="items"]');
    await p.selectOption('#item-run', '20250313T090000Z-ux01');
    await p.fill('#item-search', 'Can I undo that');
    await p.waitForFunction(() => document.querySelector('#item-count').textContent.startsWith('1 of'));
    const card = p.locator('#item-list article.item');
    assert.equal(await card.count(), 1);
    assert.equal(await card.getAttribute('data-item-id'), 's2#2');
    const text = await card.textContent();
    assert.ok(text.includes(hostileQuestion), text);
    assert.ok(text.includes(hostileAnswer), text);  // the earlier answer, in the follow-up's context
    // The answer each judge judged (the follow-up's logged answer), under that judge, as text.
    const judged = await card.locator('.judgement .judged-answer .text').allTextContents();
    assert.deepEqual(judged, [hostileFollowUp, hostileFollowUp]);
    assert.equal(await p.evaluate(() => document.querySelectorAll('main img, main script').length), 0);
    assert.equal(await p.evaluate(() => typeof window.__xss), 'undefined');
    await p.screenshot({ path: join(shots, 'report-llm-ux.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
