// llmbench report page: the Code section of the Standard benchmarks tab, for runs whose standard
// metrics hold code-task blocks (humaneval, mbpp: pass_at_<k> and the program outcome counts,
// tiers/standard_metrics.cpp). Inlined into report.html before report.js, which calls
// llmbenchCodeSection with its helpers and appends what it returns. Model ids and task names
// are untrusted: they reach the page through textContent only, as in report.js. Labels come
// from the metric catalogue's "standard" scope (a pass@k it does not declare is labelled
// "pass@<k>"); a figure a run lacks shows as a dash.
function llmbenchCodeSection(h) {
  'use strict';
  const { el, renderTable, metricColumn, runs } = h;
  const num = v => typeof v === 'number' && Number.isFinite(v);
  const PASS_AT = /^pass_at_(\d+)$/;
  const ks = block => Object.keys(block).map(k => PASS_AT.exec(k)).filter(Boolean).map(m => Number(m[1]));

  // The newest code block per (model, task), with the run it comes from.
  const seen = new Map();
  for (let i = runs.length - 1; i >= 0; i--) {
    const run = runs[i];
    for (const mr of run.model_runs || []) {
      for (const [task, block] of Object.entries((mr.metrics || {}).standard || {})) {
        const key = JSON.stringify([mr.generation_model, task]);
        if (!block || typeof block !== 'object' || !ks(block).length || seen.has(key)) continue;
        seen.set(key, { run: run.id, model: String(mr.generation_model), task, block });
      }
    }
  }
  const rows = [...seen.values()].sort((a, b) => (a.task + '\u0000' + a.model).localeCompare(b.task + '\u0000' + b.model));
  if (!rows.length) return [];

  // pass@k for every k some row holds, then the counts; each pass@k with its "_ci95" interval.
  const kAll = [...new Set(rows.flatMap(r => ks(r.block)))].sort((a, b) => a - b);
  const passColumn = k => {
    const c = metricColumn('standard', 'pass_at_' + k);
    return c.label === c.key ? { ...c, label: 'pass@' + k, kind: 'fraction', better: 'higher' } : c;
  };
  const counts = ['n', 'n_failed', 'n_error', 'n_timeout', 'n_unparsed', 'n_errors'];
  function cell(block, key) {
    const v = block[key];
    if (!num(v)) return null;
    if (!PASS_AT.test(key)) return { v };
    const ci = block[key + '_ci95'];
    return { v, ci: ci && num(ci.low) && num(ci.high) ? [ci.low, ci.high] : undefined };
  }
  const text = t => ({ t: String(t) });
  const textColumn = (key, label) => ({ key, label, kind: 'text', better: 'none' });
  const table = { id: 'code-pass', columns: [textColumn('task', 'task'), textColumn('model', 'model'),
    { key: 'run', label: 'run', kind: 'run_id', better: 'none' }, ...kAll.map(passColumn),
    ...counts.map(k => metricColumn('standard', k))], rows: [] };
  const keys = kAll.map(k => 'pass_at_' + k).concat(counts);
  for (const r of rows) table.rows.push([text(r.task), text(r.model), text(r.run), ...keys.map(k => cell(r.block, k))]);
  return [el('div', { class: 'group', 'data-section': 'code' }, el('h3', { text: 'Code' }),
    el('h4', { text: 'pass@k per model and task, and how the programs that did not pass ended' }),
    renderTable(table, { showCi: true }),
    el('p', { class: 'note', text: 'pass@k: per problem, with n answers of which c passed their tests, the unbiased estimate ' +
      '1 - C(n-c, k)/C(n, k) (Chen et al. 2021), averaged over the problems with at least k answers; pass@1 is the ' +
      'accuracy. Interval: mean ± 1.96 standard errors over problems (none with fewer than two). Of the programs that ' +
      'did not pass: tests failed (an assertion), raised (another exception or a crash), timed out (--code-timeout); ' +
      'unparsed answers held no code and never ran; errors are requests that failed. Each item in the Items tab shows ' +
      'its code, test outcome and stderr.' }))];
}
