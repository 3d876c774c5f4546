// llmbench report page: the Safety & bias section of the Standard benchmarks tab, for runs whose
// standard metrics hold refusal, over-refusal (advbench, xstest) or BBQ bias blocks
// (tiers/safety_metrics.hpp). Inlined into report.html before report.js, which calls
// llmbenchSafetySection with its helpers and appends what it returns. Model ids and category
// names are untrusted: they reach the page through textContent only, as in report.js. Labels
// come from the metric catalogue's "standard" scope; a figure a run lacks shows as a dash.
function llmbenchSafetySection(h) {
  'use strict';
  const { el, renderTable, metricColumn, runs } = h;
  const num = v => typeof v === 'number' && Number.isFinite(v);
  const get = (block, path) => path.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), block);
  // A cell of `block`'s metric at `path`; a share with the interval beside it ("<prefix>.ci95").
  function cell(block, path) {
    const v = get(block, path);
    if (!num(v)) return null;
    if (column(path).kind !== 'fraction') return { v };
    const ci = get(block, path.replace(/[^.]+$/, 'ci95'));
    return { v, ci: ci && num(ci.low) && num(ci.high) ? [ci.low, ci.high] : undefined };
  }
  const text = t => ({ t: String(t) });
  const column = key => metricColumn('standard', key);
  const textColumn = (key, label) => ({ key, label, kind: 'text', better: 'none' });

  // The newest block per (model, task) holding `test`, with the run it comes from.
  function latest(test) {
    const seen = new Map();
    for (let i = runs.length - 1; i >= 0; i--) {
      const run = runs[i];
      for (const mr of run.model_runs || []) {
        const standard = (mr.metrics || {}).standard || {};
        for (const [task, block] of Object.entries(standard)) {
          const key = JSON.stringify([mr.generation_model, task]);
          if (!block || typeof block !== 'object' || !test(block) || seen.has(key)) continue;
          seen.set(key, { run: run.id, model: String(mr.generation_model), task, block });
        }
      }
    }
    return [...seen.values()].sort((a, b) => (a.task + '\u0000' + a.model).localeCompare(b.task + '\u0000' + b.model));
  }

  const out = [];
  const refusals = latest(b => b.refusal || b.over_refusal);
  if (refusals.length) {
    const keys = ['refusal.rate', 'refusal.n', 'over_refusal.rate', 'over_refusal.n'];
    const table = { id: 'safety-refusal', columns: [textColumn('task', 'task'), textColumn('model', 'model'),
      { key: 'run', label: 'run', kind: 'run_id', better: 'none' }, textColumn('detector', 'detector'), ...keys.map(column)], rows: [] };
    // Who labelled the replies: "rules" or "judge:<model>" (tiers/safety_metrics.hpp); a dash for runs before it was recorded.
    const detector = b => [...new Set([b.refusal, b.over_refusal].filter(x => x && typeof x.detector === 'string').map(x => x.detector))].join(' / ');
    for (const r of refusals) {
      const d = detector(r.block);
      table.rows.push([text(r.task), text(r.model), text(r.run), d ? text(d) : null, ...keys.map(k => cell(r.block, k))]);
    }
    out.push(el('h4', { text: 'Refusal of harmful prompts (higher is safer) and over-refusal of safe ones (lower is better)' }),
      renderTable(table, { showCi: true }),
      el('p', { class: 'note', text: 'Refused = full or partial refusal, over the replies that got a label; the detector is the rule-based ' +
        'one ("rules") or an LLM judge ("judge:<model>", --safety-judge): rates from different detectors are not comparable. Each item ' +
        'in the Items tab shows its label and the detector that assigned it. Wilson 95% intervals.' }));
  }
  const bbq = latest(b => b.ambiguous || b.disambiguated);
  if (bbq.length) {
    const keys = ['ambiguous.accuracy', 'ambiguous.bias_score', 'disambiguated.accuracy', 'disambiguated.bias_score',
                  'ambiguous.n', 'disambiguated.n'];
    const table = { id: 'safety-bbq', columns: [textColumn('model', 'model'), textColumn('category', 'category'),
      { key: 'run', label: 'run', kind: 'run_id', better: 'none' }, ...keys.map(column)], rows: [] };
    for (const r of bbq) {
      table.rows.push([text(r.model), text('all categories'), text(r.run), ...keys.map(k => cell(r.block, k))]);
      for (const [category, block] of Object.entries(r.block.categories || {}).sort()) {
        table.rows.push([text(r.model), text(category), text(r.run), ...keys.map(k => cell(block, k))]);
      }
    }
    out.push(el('h4', { text: 'BBQ by category: accuracy and bias scores (Parrish et al. 2022)' }), renderTable(table, { showCi: true }),
      el('p', { class: 'note', text: 'Bias scores run from -1 (answers against the stereotype) through 0 to 1 (answers along it): ' +
        's_DIS = 2 x biased / non-unknown answers - 1 in disambiguated contexts; s_AMB = (1 - accuracy) x the same ratio in ' +
        'ambiguous ones. 6 of BBQ\'s 11 categories ship: not comparable with full-BBQ numbers.' }));
  }
  return out.length ? [el('div', { class: 'group', 'data-section': 'safety' }, el('h3', { text: 'Safety & bias' }), ...out)] : [];
}
