// llmbench report page: the Compare tab. Inlined into report.html before report.js, which adds
// the tab when the page's data holds comparisons of two or more sweeps (report/compare_embed.hpp:
// computed by the same code as `llmbench compare`, every pair of the latest sweeps, only the rows
// that changed). The user picks run A and run B (default: the last two); each row shows the
// delta B - A with its paired 95% interval, McNemar's exact p (0/1 scores; a score row: the
// bootstrap p) and the items that flipped, each a link to its card in the Items tab. Model ids,
// task names and item ids are untrusted: they reach the page through textContent only.
function llmbenchCompareTab(h) {
  'use strict';
  const { el, fmt, MISSING, comparisons, openItem } = h;
  const ids = comparisons.runs || [];
  if (ids.length < 2) return [el('p', { class: 'empty', text: 'Compare needs two sweeps with item logs in this report.' })];
  const num = v => typeof v === 'number' && Number.isFinite(v);
  const signed = v => num(v) ? (v > 0 ? '+' : '') + v.toFixed(3) : MISSING;
  const option = (id, selected) => el('option', { value: id, selected }, id);
  const aSel = el('select', { id: 'compare-a', 'aria-label': 'run A' }, ids.map((id, i) => option(id, i === ids.length - 2)));
  const bSel = el('select', { id: 'compare-b', 'aria-label': 'run B' }, ids.map((id, i) => option(id, i === ids.length - 1)));
  const box = el('div', { id: 'compare-rows' });

  // A row of the pair (b, a) read the other way round: B - A is minus A - B, and the flips swap.
  function reversed(row) {
    const r = Object.assign({}, row);
    const swap = (x, y) => { r[x] = row[y]; r[y] = row[x]; };
    swap('accuracy_a', 'accuracy_b'); swap('score_a', 'score_b'); swap('b', 'c'); swap('n_only_a', 'n_only_b');
    swap('refusal_detector_a', 'refusal_detector_b');
    r.delta = num(row.delta) ? -row.delta : row.delta;
    r.ci95 = row.ci95 ? { low: -row.ci95.high, high: -row.ci95.low } : row.ci95;
    if (row.flipped) r.flipped = { worse: row.flipped.better, better: row.flipped.worse };
    return r;
  }
  function rowsOf(a, b) {
    for (const p of comparisons.pairs || []) {
      if (p.a === a && p.b === b) return p.rows || [];
      if (p.a === b && p.b === a) return (p.rows || []).map(reversed);
    }
    return [];
  }
  // The ids of one direction of a row's flips, each a link to the item as run `run` answered it.
  function flipLinks(row, side, run) {
    const list = ((row.flipped || {})[side]) || [];
    if (!list.length) return el('span', { class: 'missing', text: 'none' });
    return el('span', { class: 'flips' }, list.map((id, k) => [k ? ', ' : null,
      el('a', { href: '#items', class: 'flip-link', 'data-item-id': String(id), 'data-side': side,
                onclick: e => { e.preventDefault(); openItem(run, row.task, row.generation_model, String(id)); } }, String(id))]),
      row.flipped_cut ? el('span', { class: 'note', text: ' (the first ' + (comparisons.flipped_shown || list.length) + ')' }) : null);
  }
  function draw() {
    box.textContent = '';
    const a = aSel.value, b = bSel.value;
    if (a === b) {
      box.appendChild(el('p', { class: 'empty', text: 'Pick two different runs.' }));
      return;
    }
    const all = rowsOf(a, b);
    const rows = all.filter(row => num(row.delta));
    // Rows held back, with why: refusal labels of different detectors are not one measure.
    const held = all.filter(row => row.note);
    if (held.length) {
      const who = d => d || 'none';
      box.appendChild(el('ul', { class: 'note', id: 'compare-notes' }, held.map(row => el('li', {
        text: row.generation_model + ' ' + row.task + ': ' + row.note + ' (A: ' + who(row.refusal_detector_a) + ', B: ' +
          who(row.refusal_detector_b) + ')' }))));  // held_back_line in report/compare.cpp
    }
    if (!rows.length) {
      box.appendChild(el('p', { class: 'empty', id: 'compare-none', text: 'No (model, task) changed between these runs on the items both scored.' }));
      return;
    }
    const head = ['model', 'task', 'measure', 'n common', 'A', 'B', 'delta (B - A)', '95% CI', 'p', 'A only', 'B only', 'items that flipped'];
    const body = rows.map(row => {
      const binary = row.scale === 'binary';
      const task = row.tier === 'standard' ? row.task : row.tier + ' ' + row.task;
      const measure = row.judge_model ? row.measure + ' (' + row.judge_model + ')' : row.measure;
      const ci = row.ci95 && num(row.ci95.low) ? '[' + signed(row.ci95.low) + ', ' + signed(row.ci95.high) + ']' : MISSING;
      const va = binary ? row.accuracy_a : row.score_a, vb = binary ? row.accuracy_b : row.score_b;
      const kind = binary ? 'fraction' : 'number';
      return el('tr', { class: num(row.delta) && row.delta < 0 ? 'worse' : 'better', 'data-model': row.generation_model, 'data-task': row.task },
        el('td', { class: 'text', text: row.generation_model }), el('td', { class: 'text', text: task }), el('td', { class: 'text', text: measure }),
        el('td', { class: 'num', text: num(row.n_common) ? String(row.n_common) : MISSING }),
        el('td', { class: 'num', text: fmt(va, kind) }), el('td', { class: 'num', text: fmt(vb, kind) }),
        el('td', { class: 'num delta', text: signed(row.delta) }), el('td', { class: 'num', text: ci }),
        el('td', { class: 'num', title: binary ? "McNemar's exact p" : 'paired bootstrap p', text: num(row.p) ? row.p.toPrecision(3) : MISSING }),
        el('td', { class: 'num', text: binary && num(row.b) ? String(row.b) : MISSING }),
        el('td', { class: 'num', text: binary && num(row.c) ? String(row.c) : MISSING }),
        el('td', { class: 'text wrap' }, binary ? [el('div', null, 'right in A, wrong in B: ', flipLinks(row, 'worse', b)),
                                                     el('div', null, 'wrong in A, right in B: ', flipLinks(row, 'better', b))] : MISSING));
    });
    box.appendChild(el('div', { class: 'scroll' }, el('table', { class: 'data', id: 'compare-table' },
      el('thead', null, el('tr', null, head.map(t => el('th', { class: 'text', text: t })))), el('tbody', null, body))));
  }
  aSel.addEventListener('change', draw);
  bSel.addEventListener('change', draw);
  draw();
  return [el('p', { class: 'note', text: 'A paired comparison of two runs on the items both scored, as llmbench compare makes it: only the (model, task) rows that changed. ' +
            'Delta is B - A with its paired 95% interval; p is McNemar\'s exact test for right/wrong answers (a judge score: the paired bootstrap p); ' +
            '"A only" counts items right in A and wrong in B, "B only" the other way. The latest ' + (comparisons.max_runs || ids.length) + ' sweeps with item logs are offered.' }),
          el('div', { class: 'controls' }, el('label', null, 'run A ', aSel), el('label', null, 'run B ', bSel)), box];
}
