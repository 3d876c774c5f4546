// llmbench report page: renders the JSON in #report-data into tabs. Inlined into
// report.html. Data is untrusted (model output, dataset text): it only ever reaches the
// page through textContent / setAttribute, never innerHTML.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const runs = data.runs || [];
  const tables = (data.tables && data.tables.tables) || [];
  const groups = (data.tables && data.tables.groups) || [];
  const items = data.items || [];
  // The metric catalogue (lib/llmbench/metrics/catalogue.hpp): {scope: [{key, label, format, better, ...}]}.
  const catalogue = data.catalogue || {};
  // The SVG namespace, read from the page's own <svg> so the file holds no URL at all.
  const SVG = document.getElementById('svg-ns').namespaceURI;

  // ---- DOM helpers -------------------------------------------------------------------
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') node.className = v;
        else if (k === 'text') node.textContent = v;
        else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    }
    return node;
  }
  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  const MISSING = '—';
  function fmt(v, kind) {
    if (v === null || v === undefined || Number.isNaN(v)) return MISSING;
    if (kind === 'fraction') return (v * 100).toFixed(1) + '%';
    if (kind === 'integer') return Number.isInteger(v) ? String(v) : v.toFixed(2);
    const a = Math.abs(v);
    return a >= 1000 ? v.toFixed(0) : a >= 100 ? v.toFixed(1) : v.toFixed(3);
  }
  function badge(text, kind) { return el('span', { class: 'badge ' + (kind || ''), text: text }); }
  function statusKind(s) {
    return { completed: 'good', pass: 'good', interrupted: 'warn', partial: 'warn', running: 'warn',
             no_baseline: '', failed: 'bad', fail: 'bad', unavailable: 'bad' }[s] || '';
  }
  const runIndex = new Map(runs.map((r, i) => [r.id, i]));
  function groupOfRun(id) { return groups.findIndex(g => g.runs.indexOf(id) >= 0); }
  function sum(xs) { return xs.reduce((a, b) => a + b, 0); }

  // ---- tables ------------------------------------------------------------------------
  // A table column for metric `key` of catalogue `scope`, with its label, kind and direction.
  const KIND_OF_FORMAT = { percent: 'fraction', integer: 'integer' };
  function metricColumn(scope, key) {
    const m = (catalogue[scope] || []).find(x => x.key === key) || { key, label: key, format: 'decimal', better: 'none' };
    return { key, label: m.label, kind: KIND_OF_FORMAT[m.format] || 'number', better: m.better };
  }
  const cellValue = c => (c && typeof c.v === 'number') ? c.v : null;
  const cellText = c => (c ? (c.t !== undefined ? c.t : '') : '');
  function rowLabel(table, row) {
    return table.columns.map((c, i) => c.kind === 'text' ? cellText(row[i]) : null)
      .filter(t => t !== null).map(t => t || MISSING).join(' / ');
  }
  // The rows holding the best value of a column; in a table with a task column, per task
  // (accuracies of different tasks are not compared).
  function bestIndex(table, col) {
    const better = table.columns[col].better;
    if (better !== 'higher' && better !== 'lower') return new Set();
    const ti = table.columns.findIndex(c => c.key === 'task' && c.kind === 'text');
    const byTask = new Map();
    table.rows.forEach((r, i) => {
      const k = ti >= 0 ? cellText(r[ti]) : '';
      if (!byTask.has(k)) byTask.set(k, []);
      byTask.get(k).push(i);
    });
    const out = new Set();
    for (const rows of byTask.values()) {
      const vals = rows.map(i => cellValue(table.rows[i][col])).filter(v => v !== null);
      if (vals.length < 2) continue;
      const best = better === 'higher' ? Math.max(...vals) : Math.min(...vals);
      rows.forEach(i => { if (cellValue(table.rows[i][col]) === best) out.add(i); });
    }
    return out;
  }
  // A fraction's interval in percent points, any other kind in its own unit.
  function ciText(ci, kind) {
    if (kind && kind !== 'fraction') return '[' + fmt(ci[0], kind) + ', ' + fmt(ci[1], kind) + ']';
    return '[' + (ci[0] * 100).toFixed(1) + ', ' + (ci[1] * 100).toFixed(1) + ']';
  }
  function renderTable(table, opts) {
    opts = opts || {};
    const bests = table.columns.map((_, c) => bestIndex(table, c));
    const t = el('table', { class: 'data' + (opts.heat ? ' heat' : ''), 'data-table-id': table.id });
    const head = el('tr');
    const body = el('tbody');
    let order = table.rows.map((_, i) => i);
    let sortCol = -1, sortDir = 1;
    function fill() {
      body.textContent = '';
      for (const ri of order) {
        const row = table.rows[ri];
        const tr = el('tr', { class: opts.rowClass ? opts.rowClass(row) : null });
        table.columns.forEach((col, ci) => {
          const c = row[ci];
          if (col.kind === 'text' || col.kind === 'run_id') {
            const txt = cellText(c);
            tr.appendChild(el('td', { class: col.kind === 'run_id' ? 'run' : (txt ? 'text' : 'text missing'),
                                      title: col.kind === 'run_id' ? 'numbers in this row come from run ' + txt : null },
                              txt || MISSING));
            return;
          }
          const v = cellValue(c);
          const td = el('td', { class: v === null ? 'missing' : (bests[ci].has(ri) ? 'num best' : 'num') });
          if (v === null) { td.textContent = MISSING; td.title = 'missing: not reported by this run'; }
          else {
            td.appendChild(document.createTextNode(fmt(v, col.kind)));
            const tips = [];
            if (c.ci) {
              tips.push('95% CI ' + fmt(c.ci[0], col.kind) + ' – ' + fmt(c.ci[1], col.kind));
              if (opts.showCi || col.kind !== 'fraction') td.appendChild(el('span', { class: 'ci', text: ' ' + ciText(c.ci, col.kind) }));
            }
            if (c.run) tips.push('run ' + c.run);
            if (opts.heat && col.kind === 'fraction') td.style.background = heat(v);
            if (tips.length) td.title = tips.join(' · ');
          }
          tr.appendChild(td);
        });
        body.appendChild(tr);
      }
    }
    table.columns.forEach((col, ci) => {
      const isText = col.kind === 'text' || col.kind === 'run_id';
      const th = el('th', { class: 'sortable' + (isText ? ' text' : ''), scope: 'col',
                            title: 'sort by ' + col.label + (col.better === 'higher' ? ' (higher is better)' :
                                   col.better === 'lower' ? ' (lower is better)' : '') }, col.label);
      th.addEventListener('click', () => {
        sortDir = sortCol === ci ? -sortDir : (isText ? 1 : (col.better === 'lower' ? 1 : -1));
        sortCol = ci;
        order.sort((a, b) => {
          const ca = table.rows[a][ci], cb = table.rows[b][ci];
          if (isText) return sortDir * cellText(ca).localeCompare(cellText(cb));
          const va = cellValue(ca), vb = cellValue(cb);
          if (va === null && vb === null) return 0;
          if (va === null) return 1;  // missing always last
          if (vb === null) return -1;
          return sortDir * (va - vb);
        });
        head.querySelectorAll('th').forEach(h => h.removeAttribute('aria-sort'));
        th.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : 'descending');
        fill();
      });
      head.appendChild(th);
    });
    t.appendChild(el('thead', null, head));
    t.appendChild(body);
    fill();
    return el('div', { class: 'scroll' }, t);
  }
  function heat(v) {
    const a = Math.max(0, Math.min(1, v));
    const h = Math.round(a * 120);
    return 'hsl(' + h + ', 60%, 90%)';
  }

  // ---- charts (inline SVG) ---------------------------------------------------------------
  function barChart(table, col) {
    const column = table.columns[col];
    const rows = table.rows.map(r => ({ label: rowLabel(table, r), v: cellValue(r[col]) }));
    const best = bestIndex(table, col);
    const labelW = 290, barW = 560, rowH = 24, width = labelW + barW + 90;
    const height = rows.length * rowH + 26;
    const vals = rows.map(r => r.v).filter(v => v !== null);
    const max = column.kind === 'fraction' ? 1 : niceMax(Math.max(1e-9, ...vals.map(Math.abs)));
    const s = svg('svg', { class: 'chart', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height,
                           role: 'img', 'aria-label': column.label + ' by row' });
    for (let k = 0; k <= 4; k++) {
      const x = labelW + barW * k / 4;
      s.appendChild(svg('line', { class: 'grid', x1: x, x2: x, y1: 4, y2: height - 20 }));
      s.appendChild(svg('text', { x: x, y: height - 6, 'text-anchor': 'middle', class: 'muted' }, fmt(max * k / 4, column.kind)));
    }
    rows.forEach((r, i) => {
      const y = 6 + i * rowH;
      s.appendChild(svg('text', { x: labelW - 8, y: y + 15, 'text-anchor': 'end' }, r.label));
      if (r.v === null) {
        s.appendChild(svg('text', { x: labelW + 6, y: y + 15, class: 'muted' }, MISSING + ' missing'));
        return;
      }
      const w = Math.max(1, barW * Math.abs(r.v) / max);
      s.appendChild(svg('rect', { class: 'bar' + (best.has(i) ? ' best' : ''), x: labelW, y: y + 3, width: w, height: rowH - 8, rx: 2 }));
      s.appendChild(svg('text', { x: labelW + w + 6, y: y + 15 }, fmt(r.v, column.kind)));
    });
    return s;
  }
  // The smallest 1, 2, 2.5 or 5 x 10^k at or above v, so axis ticks are round numbers.
  function niceMax(v) {
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v * 0.999) return m * p;
    return 10 * p;
  }
  function chartWithSelect(table, preferred) {
    const numeric = table.columns.map((c, i) => i).filter(i => ['number', 'fraction', 'integer'].includes(table.columns[i].kind));
    if (!numeric.length) return null;
    let col = numeric.find(i => table.columns[i].key === preferred);
    if (col === undefined) col = numeric[0];
    const holder = el('div');
    const select = el('select', { 'aria-label': 'metric to chart', onchange: () => { holder.textContent = ''; holder.appendChild(barChart(table, +select.value)); } },
      numeric.map(i => el('option', { value: i, selected: i === col }, table.columns[i].label)));
    holder.appendChild(barChart(table, col));
    return el('div', { class: 'chart-box' }, el('label', null, 'Chart:'), select, holder);
  }
  // Accuracy with 95% CI per (task, model): the range is a band, the point a dot.
  function ciChart(table) {
    const ti = table.columns.findIndex(c => c.key === 'task');
    const mi = table.columns.findIndex(c => c.key === 'generation_model');
    const ai = table.columns.findIndex(c => c.key === 'accuracy');
    const rows = table.rows.filter(r => cellValue(r[ai]) !== null || true);
    const labelW = 300, plotW = 560, rowH = 26, width = labelW + plotW + 200;
    const height = rows.length * rowH + 34;
    const s = svg('svg', { class: 'chart', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height,
                           role: 'img', 'aria-label': 'accuracy with 95% confidence intervals' });
    for (let k = 0; k <= 10; k++) {
      const x = labelW + plotW * k / 10;
      s.appendChild(svg('line', { class: 'grid', x1: x, x2: x, y1: 4, y2: height - 24 }));
      if (k % 2 === 0) s.appendChild(svg('text', { x: x, y: height - 8, 'text-anchor': 'middle', class: 'muted' }, (k * 10) + '%'));
    }
    const bestByTask = new Map();
    rows.forEach(r => { const v = cellValue(r[ai]); const t = cellText(r[ti]); if (v !== null && (!bestByTask.has(t) || v > bestByTask.get(t))) bestByTask.set(t, v); });
    let prevTask = null;
    rows.forEach((r, i) => {
      const y = 6 + i * rowH, task = cellText(r[ti]);
      if (task !== prevTask && i > 0) s.appendChild(svg('line', { class: 'axis', x1: 0, x2: width, y1: y - 1, y2: y - 1 }));
      prevTask = task;
      s.appendChild(svg('text', { x: labelW - 8, y: y + 16, 'text-anchor': 'end' }, task + ' · ' + cellText(r[mi])));
      const c = r[ai], v = cellValue(c);
      if (v === null) { s.appendChild(svg('text', { x: labelW + 6, y: y + 16, class: 'muted' }, MISSING + ' no accuracy (no item scored)')); return; }
      const X = p => labelW + plotW * Math.max(0, Math.min(1, p));
      if (c.ci) {
        s.appendChild(svg('rect', { class: 'ci-range', x: X(c.ci[0]), y: y + 6, width: Math.max(1, X(c.ci[1]) - X(c.ci[0])), height: 12, rx: 3 }));
        s.appendChild(svg('line', { class: 'whisker', x1: X(c.ci[0]), x2: X(c.ci[0]), y1: y + 5, y2: y + 19 }));
        s.appendChild(svg('line', { class: 'whisker', x1: X(c.ci[1]), x2: X(c.ci[1]), y1: y + 5, y2: y + 19 }));
      }
      s.appendChild(svg('circle', { class: 'dot', cx: X(v), cy: y + 12, r: 5.5, style: v === bestByTask.get(task) ? 'fill:#1d7a46' : '' }));
      const label = fmt(v, 'fraction') + (c.ci ? '  ' + ciText(c.ci) : '');
      s.appendChild(svg('text', { x: labelW + plotW + 8, y: y + 16 }, label));
    });
    return s;
  }

  // ---- tabs ----------------------------------------------------------------------------
  function groupLabel(info, section) {
    return (section === 'standard' || section === 'mmlu_subjects') && info.standard_label !== undefined ? info.standard_label : info.label;
  }
  function sectionByGroup(section, render) {
    const out = [];
    const mine = tables.filter(t => t.section === section);
    if (!mine.length) return [el('p', { class: 'empty', text: 'No results for this tab in the selected runs.' })];
    const byGroup = new Map();
    mine.forEach(t => { if (!byGroup.has(t.group)) byGroup.set(t.group, []); byGroup.get(t.group).push(t); });
    for (const [g, ts] of byGroup) {
      const info = groups[g] || { label: '', runs: [] };
      out.push(el('div', { class: 'group', 'data-group': g },
        el('div', { class: 'group-label', text: 'Comparable runs (same tasks, limit, seed, judge mode, consistency runs): ' + groupLabel(info, section) +
                    ' — runs ' + info.runs.join(', ') }),
        ts.map(render)));
    }
    return out;
  }
  const preferredMetric = { llm: 'avg_answer_correctness', judge: 'consistency_score', prod_judge: 'f1_score' };
  const preferredByTable = { 'llm-ux': 'context_preservation.rate' };
  function genericTable(t) {
    const hasJudge = t.columns.some(c => c.key === 'judge_model') && t.columns.some(c => c.key === 'generation_model');
    const prefix = t.id.slice(0, t.id.lastIndexOf('-'));
    const preferred = preferredByTable[prefix] || preferredMetric[t.section] || '';
    // tier_ux's rates are Wilson intervals over a log: shown beside each rate.
    return el('div', null, el('h3', { text: t.title }), hasJudge ? judgeMatrix(t) : chartWithSelect(t, preferred),
              renderTable(t, { showCi: prefix === 'llm-ux' }));
  }
  // Tiers scored by a judge: generation model (rows) x judge (columns) for one metric, so a
  // lenient judge shows as a column, not as a better generator.
  function judgeMatrix(t) {
    const gi = t.columns.findIndex(c => c.key === 'generation_model'), ji = t.columns.findIndex(c => c.key === 'judge_model');
    const numeric = t.columns.map((c, i) => i).filter(i => ['number', 'fraction', 'integer'].includes(t.columns[i].kind));
    if (!numeric.length) return null;
    let col = numeric.find(i => t.columns[i].key === preferredMetric.llm);
    if (col === undefined) col = numeric[0];
    const gens = [...new Set(t.rows.map(r => cellText(r[gi])))].sort(), judges = [...new Set(t.rows.map(r => cellText(r[ji])))].sort();
    const holder = el('div');
    function draw() {
      holder.textContent = '';
      const c = +select.value, column = t.columns[c];
      const rows = gens.map(g => [{ t: g }, ...judges.map(j => { const r = t.rows.find(x => cellText(x[gi]) === g && cellText(x[ji]) === j); return r ? r[c] : null; })]);
      const m = { id: t.id + '-matrix', columns: [{ key: 'generation_model', label: 'generation model \\ judge', kind: 'text' },
        ...judges.map(j => ({ key: 'judge:' + j, label: j, kind: column.kind, better: column.better }))], rows };
      holder.appendChild(renderTable(m, { heat: column.kind === 'fraction' }));
      holder.appendChild(el('p', { class: 'note', text: 'Each column is one judge: compare generation models down a column; a column that is high everywhere is a lenient judge.' }));
    }
    const select = el('select', { 'aria-label': 'metric of the matrix', onchange: draw },
      numeric.map(i => el('option', { value: i, selected: i === col }, t.columns[i].label)));
    draw();
    return el('div', { class: 'chart-box judge-matrix' }, el('label', null, 'Generation model × judge:'), select, holder);
  }

  // What a run holds, in words: "12 model runs", "arena: 4 models, 120 battles", or both; a perf
  // record: "perf: <model>, 4 levels (closed loop)".
  function holds(r) {
    if (r.kind === 'perf') {
      const p = r.perf || {}, n = Array.isArray(p.levels) ? p.levels.length : 0;
      return 'perf: ' + (p.model === undefined || p.model === null ? MISSING : String(p.model)) + ', ' + n + ' level' + (n === 1 ? '' : 's') +
        (p.mode ? ' (' + p.mode + ' loop)' : '');
    }
    const parts = [];
    const n = (r.model_runs || []).length;
    if (n || !r.arena) parts.push(n + ' model run' + (n === 1 ? '' : 's'));
    if (r.arena) {
      const a = r.arena;
      const models = (a.leaderboard || []).length;
      parts.push('arena: ' + models + ' model' + (models === 1 ? '' : 's') +
                 (typeof a.battles_total === 'number' ? ', ' + a.battles_total + ' battles' : '') +
                 (a.battles_failed ? ' (' + a.battles_failed + ' failed)' : ''));
    }
    return parts.join(' · ');
  }
  // One row per generation model of the latest run's comparable group: accuracy with its
  // interval per standard task, mean rank over tasks (1 = best; ties share the better rank),
  // total cost, and latency p50 / p95 per task side by side.
  function leaderboard(run) {
    const g = groupOfRun(run.id);
    const t = tables.find(x => x.section === 'standard' && x.group === g);
    if (!t) return [];
    const col = k => t.columns.findIndex(c => c.key === k);
    const ti = col('task'), mi = col('generation_model'), ai = col('accuracy'), p50 = col('latency_ms.p50'), p95 = col('latency_ms.p95');
    const tasksSeen = [...new Set(t.rows.map(r => cellText(r[ti])))].sort();
    const models = [...new Set(t.rows.map(r => cellText(r[mi])))];
    const row = (m, task) => t.rows.find(r => cellText(r[mi]) === m && cellText(r[ti]) === task);
    const ranks = new Map(models.map(m => [m, []]));
    tasksSeen.forEach(task => {
      const scored = models.map(m => ({ m, v: cellValue((row(m, task) || [])[ai]) })).filter(x => x.v !== null);
      scored.forEach(x => ranks.get(x.m).push(1 + scored.filter(y => y.v > x.v).length));
    });
    const costOf = m => (run.cost_by_model || []).find(c => c.model === m);
    const meanRank = m => ranks.get(m).length ? sum(ranks.get(m)) / ranks.get(m).length : null;
    models.sort((a, b) => (meanRank(a) === null) - (meanRank(b) === null) || meanRank(a) - meanRank(b) || a.localeCompare(b));
    const columns = [{ key: 'model', label: 'model', kind: 'text' }, { key: 'mean_rank', label: 'mean rank', kind: 'number', better: 'lower' }];
    // --weights: the run's composite per generation model (run/composite_weights.hpp), a dash when absent.
    const composite = new Map((run.model_runs || []).filter(m => m.composite).map(m => [m.generation_model, m.composite]));
    if (run.composite) columns.push({ key: 'composite', label: 'composite', kind: 'number', better: 'higher' });
    const perTask = (task, key) => { const c = metricColumn('standard', key); return { ...c, key: key + ':' + task, label: task + ' ' + c.label }; };
    tasksSeen.forEach(task => columns.push(perTask(task, 'accuracy')));
    columns.push(metricColumn('standard', 'cost.total'));
    tasksSeen.forEach(task => columns.push(perTask(task, 'latency_ms.p50'), perTask(task, 'latency_ms.p95')));
    const rows = models.map(m => {
      const out = [{ t: m }, meanRank(m) === null ? null : { v: meanRank(m) }];
      if (run.composite) {
        const c = composite.get(m);
        out.push(c && typeof c.value === 'number' ? { v: c.value, ci: c.ci95 ? [c.ci95.low, c.ci95.high] : undefined } : null);
      }
      tasksSeen.forEach(task => { const r = row(m, task); out.push(r && ai >= 0 ? r[ai] : null); });
      // its answers' cost over every task and tier (run.cost_by_model, report/cost_totals.hpp)
      const spent = costOf(m);
      out.push(spent && typeof spent.cost === 'number' ? { v: spent.cost } : null);
      tasksSeen.forEach(task => { const r = row(m, task); out.push(r && p50 >= 0 ? r[p50] : null, r && p95 >= 0 ? r[p95] : null); });
      return out;
    });
    return [el('h3', { text: 'Leaderboard: every model across the standard tasks' }),
            el('p', { class: 'note', text: 'Accuracy with its Wilson 95% interval per task; mean rank over the tasks a model has a score in (1 = best); cost of its answers summed over every task and tier (judge verdicts apart, in the Overview); latency p50 / p95 per task. Group G' + (g + 1) + '.' }),
            run.composite ? el('p', { class: 'note', id: 'composite-weights', text: 'Composite: the weighted mean of normalised metrics (0-1, 1 best), with a bootstrap 95% interval; a model missing a weighted metric has none. Weights: ' +
              (run.composite.weights || []).map(w => w.metric + ' × ' + w.weight).join(', ') + '.' }) : null,
            renderTable({ id: 'leaderboard', columns, rows }, { showCi: true })].filter(Boolean);
  }

  function overview() {
    const out = [];
    if (!runs.length) return [el('p', { class: 'empty', text: 'The report holds no runs yet. Run llmbench run first.' })];
    // The latest sweep or arena run; perf records have their own tab.
    const compared = runs.filter(r => r.kind !== 'perf');
    const run = compared.length ? compared[compared.length - 1] : runs[runs.length - 1];
    const flags = run.flags || {};
    const mrs = run.model_runs || [];
    const unavailable = mrs.filter(m => m.status === 'unavailable');
    const partial = mrs.filter(m => m.status === 'partial');
    const req = run.requests || {};
    const outcomes = req.by_outcome || {};
    // done (an answer came back, truncated or not), cancelled (stopped by an interrupt) and
    // failed (every other outcome) are counted apart.
    const doneKinds = ['ok', 'truncated'];
    const count = pred => sum(Object.entries(outcomes).filter(([k]) => pred(k)).map(([, v]) => v || 0));
    const doneReq = count(k => doneKinds.includes(k)), cancelledReq = count(k => k === 'cancelled');
    const failedReq = count(k => !doneKinds.includes(k) && k !== 'cancelled');
    // cost: per model over every task and tier, counted once each (report/cost_totals.hpp);
    // answers (generation) and verdicts (judges) apart
    const costs = run.cost_by_model || [];
    const answersCost = sum(costs.map(c => typeof c.cost === 'number' ? c.cost : 0));
    const verdictsCost = sum(costs.map(c => typeof c.judge_cost === 'number' ? c.judge_cost : 0));
    const haveCost = costs.length > 0, cost = answersCost + verdictsCost;
    out.push(el('h2', { text: 'Latest run' }));
    if (run.kind === 'perf') out.push(el('p', { class: 'note', text: 'This report holds perf records only: their levels, latencies and distributions are in the Perf tab.' }));
    out.push(el('div', { class: 'cards' },
      el('div', { class: 'card' }, el('div', { class: 'k', text: 'Run' }), el('div', { class: 'v run-id', text: run.id }),
         el('div', { class: 'd', text: (run.timestamp || '') + (run.finished_at ? ' → ' + run.finished_at : '') })),
      el('div', { class: 'card', 'data-card': 'holds' }, el('div', { class: 'k', text: 'Holds' }), el('div', { class: 'v', text: holds(run) })),
      el('div', { class: 'card' }, el('div', { class: 'k', text: 'Status' }),
         el('div', { class: 'v' }, badge(run.status || MISSING, statusKind(run.status)), ' ', badge(run.overall_status || MISSING, statusKind(run.overall_status))),
         el('div', { class: 'd', text: 'overall status: pass / fail against baselines, or no_baseline' })),
      el('div', { class: 'card', 'data-card': 'requests' }, el('div', { class: 'k', text: 'Requests' }), el('div', { class: 'v', text: req.total !== undefined ? String(req.total) : MISSING }),
         el('div', { class: 'd', text: doneReq + ' done · ' + cancelledReq + ' cancelled · ' + failedReq + ' failed' }),
         el('div', { class: 'd', text: Object.entries(outcomes).map(([k, v]) => k + ' ' + v).join(' · ') + (req.retries !== undefined ? ' · retries ' + req.retries : '') + (req.cache_hits !== undefined ? ' · cache hits ' + req.cache_hits : '') })),
      el('div', { class: 'card', 'data-card': 'errors' }, el('div', { class: 'k', text: 'Errors' }), el('div', { class: 'v', text: String(failedReq) + ' failed requests' }),
         el('div', { class: 'd', text: (cancelledReq ? cancelledReq + ' cancelled (not failures) · ' : '') + unavailable.length + ' model(s) unavailable · ' + partial.length + ' partial' })),
      el('div', { class: 'card', 'data-card': 'cost' }, el('div', { class: 'k', text: 'Cost' }), el('div', { class: 'v', text: haveCost ? cost.toFixed(4) : MISSING }),
         el('div', { class: 'd', text: haveCost ? 'answers ' + answersCost.toFixed(4) + ' · judges ' + verdictsCost.toFixed(4) + ' · in the configured price currency; models without a price not counted' : 'no prices configured' }))));
    out.push(el('h3', { text: 'What was run' }));
    const list = v => Array.isArray(v) ? v.join(', ') : (v === undefined || v === null || v === '' ? MISSING : String(v));
    out.push(el('div', { class: 'group' }, el('dl', { class: 'kv' },
      [['tiers', flags.tiers], ['tasks', flags.tasks], ['dataset', run.dataset_file ? run.dataset_file + ' (' + (run.dataset_type || '') + ')' : run.dataset_type],
       ['limit', flags.limit], ['sample seed', flags.sample_seed], ['few-shot', flags.num_fewshot],
       ['judge eval mode', flags.judge_eval_mode], ['consistency runs', flags.consistency_runs],
       ['truncated replies', flags.score_truncated === true ? 'scored from whatever they hold (--score-truncated)'
         : flags.score_truncated === false ? 'unparsed unless a complete final answer precedes the cut' : null],
       ['generation models', flags.generation_models], ['judges', flags.judge_models],
       ['production judges', flags.production_judge_models], ['llmbench', run.llmbench_version],
       ['git', run.git && run.git.commit ? (run.git.branch ? run.git.branch + ' @ ' : '') + run.git.commit : null]]
        .filter(([k, v]) => k !== 'git' || v)
        .map(([k, v]) => [el('dt', { text: k }), el('dd', { text: list(v) })]))));
    if (unavailable.length || partial.length) {
      out.push(el('h3', { text: 'Models with problems' }));
      out.push(el('div', { class: 'scroll' }, el('table', { class: 'data' },
        el('thead', null, el('tr', null, el('th', { class: 'text', text: 'model' }), el('th', { class: 'text', text: 'status' }), el('th', { class: 'text', text: 'reason' }))),
        el('tbody', null, unavailable.concat(partial).map(m => el('tr', null,
          el('td', { class: 'text', text: [m.generation_model, m.judge_model, m.production_judge_model].filter(Boolean).join(' / ') }),
          el('td', { class: 'text' }, badge(m.status, statusKind(m.status))),
          el('td', { class: 'text', text: m.unavailable_reason || 'some items failed after retries' })))))));
    }
    out.push(...leaderboard(run));
    out.push(el('h3', { text: 'All runs in this report' }));
    out.push(el('div', { class: 'scroll' }, el('table', { class: 'data', 'data-table-id': 'runs' },
      el('thead', null, el('tr', null, ['run', 'started', 'status', 'overall', 'holds', 'comparable group'].map(h => el('th', { class: 'text', text: h })))),
      el('tbody', null, runs.slice().reverse().map(r => el('tr', null,
        el('td', { class: 'run', text: r.id }), el('td', { class: 'text', text: r.timestamp || MISSING }),
        el('td', { class: 'text' }, badge(r.status || MISSING, statusKind(r.status))),
        el('td', { class: 'text' }, badge(r.overall_status || MISSING, statusKind(r.overall_status))),
        el('td', { class: 'text', text: holds(r) }),
        el('td', { class: 'text wrap', text: r.kind === 'perf' ? 'perf: not compared with sweeps (Perf tab)'
          : 'G' + (groupOfRun(r.id) + 1) + ': ' + ((groups[groupOfRun(r.id)] || {}).label || '') })))))));
    return out;
  }

  function prodJudge() {
    return sectionByGroup('prod_judge', t => {
      const idx = k => t.columns.findIndex(c => c.key === k);
      const [tp, fp, fn, tn] = ['true_positives', 'false_positives', 'false_negatives', 'true_negatives'].map(idx);
      const mats = tp < 0 ? [] : t.rows.map(r => {
        const v = i => cellValue(r[i]);
        const total = sum([tp, fp, fn, tn].map(i => v(i) || 0)) || 1;
        const cell = (i, good) => el('div', { class: 'c', style: 'background:' + (good ? 'rgba(46,155,92,' : 'rgba(208,69,59,') + (0.12 + 0.6 * (v(i) || 0) / total).toFixed(2) + ')',
                                           title: t.columns[i].label }, fmt(v(i), 'integer'));
        return el('div', { class: 'confusion', 'data-confusion': rowLabel(t, r) },
          el('div', { class: 'confusion-title', text: rowLabel(t, r) }),
          el('div', { class: 'h' }), el('div', { class: 'h', text: 'gold: show' }), el('div', { class: 'h', text: 'gold: flag' }),
          el('div', { class: 'h', text: 'judge: show' }), cell(tp, true), cell(fp, false),
          el('div', { class: 'h', text: 'judge: flag' }), cell(fn, false), cell(tn, true));
      });
      return el('div', null, el('h3', { text: t.title }), chartWithSelect(t, 'f1_score'), renderTable(t),
                el('h3', { text: 'Confusion matrices' }),
                el('p', { class: 'note', text: 'Positive = show: TP = judge and gold both show the reply, FP = the judge shows what gold flags, FN = the judge flags what gold shows, TN = both flag.' }),
                el('div', null, mats));
    });
  }

  function standard() {
    return sectionByGroup('standard', t => el('div', null, el('h3', { text: t.title }), ciChart(t), renderTable(t, { showCi: true })))
      .concat(tables.filter(t => t.section === 'mmlu_subjects').map(t => el('div', { class: 'group' },
        el('h3', { text: t.title + ' (G' + (t.group + 1) + ')' }),
        el('div', { class: 'group-label', text: groupLabel(groups[t.group] || {}, t.section) || '' }), renderTable(t, { heat: true }))))
      .concat(llmbenchCodeSection({ el, renderTable, metricColumn, runs }))  // report_code.js
      .concat(llmbenchSafetySection({ el, renderTable, metricColumn, runs }));  // report_safety.js
  }

  // History: one metric over all runs; points of different comparable groups are never joined.
  function historySeries() {
    const metrics = new Map();  // name -> [{run, series, value}]
    const add = (name, series, run, v) => {
      if (typeof v !== 'number') return;
      if (!metrics.has(name)) metrics.set(name, []);
      const list = metrics.get(name);
      if (!list.some(p => p.run === run && p.series === series)) list.push({ run, series, v });
    };
    runs.forEach(run => (run.model_runs || []).forEach(m => {
      if (m.status === 'unavailable') return;
      const met = m.metrics || {};
      Object.entries(met.standard || {}).forEach(([task, b]) => add('standard · ' + task + ' · accuracy', m.generation_model, run.id, b && b.accuracy));
      Object.entries(met).forEach(([tier, values]) => {
        if (tier === 'standard' || !values || typeof values !== 'object') return;
        const series = tier === 'tier_judge' ? m.judge_model : tier === 'tier_judge_pipeline' ? m.production_judge_model :
          tier === 'tier_ux' ? m.embedding_model + ' / ' + m.judge_model :
          (tier === 'tier_2' || tier === 'tier_3') ? m.generation_model + ' / ' + m.judge_model : m.generation_model;
        Object.entries(values).forEach(([k, v]) => {
          // tier_ux keeps its rates in blocks (cache_hit.rate): one level down, by path.
          if (v && typeof v === 'object' && tier === 'tier_ux') Object.entries(v).forEach(([k2, v2]) => add(tier + ' · ' + k + '.' + k2, series, run.id, v2));
          else add(tier + ' · ' + k, series, run.id, v);
        });
      });
    }));
    return metrics;
  }
  const PALETTE = ['#2f5bd3', '#d0453b', '#2e9b5c', '#c98a00', '#7b4bc4', '#0f8fa0', '#c2418a', '#6b7a8f'];
  function historyTab() {
    const metrics = historySeries();
    const names = [...metrics.keys()].sort();
    if (!names.length) return [el('p', { class: 'empty', text: 'No metrics to chart yet.' })];
    const holder = el('div');
    const initial = names.find(n => n.indexOf('mmlu · accuracy') >= 0) || names[0];
    const select = el('select', { id: 'history-metric', 'aria-label': 'metric', onchange: () => draw(select.value) },
      names.map(n => el('option', { value: n, selected: n === initial }, n)));
    function draw(name) {
      holder.textContent = '';
      const pts = metrics.get(name) || [];
      const runIds = runs.map(r => r.id).filter(id => pts.some(p => p.run === id));
      const series = [...new Set(pts.map(p => p.series))].sort();
      const left = 60, w = Math.max(420, runIds.length * 170), top = 14, h = 260, width = left + w + 260, height = top + h + 64;
      const vals = pts.map(p => p.v);
      let lo = Math.min(...vals), hi = Math.max(...vals);
      if (lo === hi) { lo -= 0.5 * (Math.abs(lo) || 1); hi += 0.5 * (Math.abs(hi) || 1); }
      const pad = (hi - lo) * 0.1; lo -= pad; hi += pad;
      const X = id => left + (runIds.length === 1 ? w / 2 : w * runIds.indexOf(id) / (runIds.length - 1) * 0.9 + w * 0.05);
      const Y = v => top + h - h * (v - lo) / (hi - lo);
      const s = svg('svg', { class: 'chart', width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': name + ' over runs' });
      for (let k = 0; k <= 4; k++) {
        const v = lo + (hi - lo) * k / 4;
        s.appendChild(svg('line', { class: 'grid', x1: left, x2: left + w, y1: Y(v), y2: Y(v) }));
        s.appendChild(svg('text', { x: left - 6, y: Y(v) + 4, 'text-anchor': 'end', class: 'muted' }, fmt(v, 'number')));
      }
      runIds.forEach(id => {
        s.appendChild(svg('text', { x: X(id), y: top + h + 18, 'text-anchor': 'middle' }, id));
        s.appendChild(svg('text', { x: X(id), y: top + h + 34, 'text-anchor': 'middle', class: 'muted' }, 'group G' + (groupOfRun(id) + 1)));
      });
      series.forEach((name2, si) => {
        const color = PALETTE[si % PALETTE.length];
        const mine = pts.filter(p => p.series === name2).sort((a, b) => runIndex.get(a.run) - runIndex.get(b.run));
        for (let i = 1; i < mine.length; i++) {
          if (groupOfRun(mine[i].run) !== groupOfRun(mine[i - 1].run)) continue;  // incomparable: not joined
          s.appendChild(svg('line', { x1: X(mine[i - 1].run), y1: Y(mine[i - 1].v), x2: X(mine[i].run), y2: Y(mine[i].v), stroke: color, 'stroke-width': 2 }));
        }
        mine.forEach(p => {
          const c = svg('circle', { cx: X(p.run), cy: Y(p.v), r: 4.5, fill: color, stroke: '#fff', 'stroke-width': 1.5 });
          c.appendChild(svg('title', {}, name2 + ': ' + fmt(p.v, 'number') + ' (run ' + p.run + ')'));
          s.appendChild(c);
        });
        s.appendChild(svg('rect', { x: left + w + 20, y: top + si * 20, width: 12, height: 12, fill: color }));
        s.appendChild(svg('text', { x: left + w + 38, y: top + si * 20 + 11 }, name2));
      });
      holder.appendChild(s);
      holder.appendChild(el('p', { class: 'note', text: 'Lines join only runs of the same comparable group (same tasks, limit, seed, judge mode, consistency runs); points of other groups stand alone.' }));
      const rows = pts.slice().sort((a, b) => runIndex.get(a.run) - runIndex.get(b.run) || a.series.localeCompare(b.series));
      holder.appendChild(el('div', { class: 'scroll' }, el('table', { class: 'data', 'data-table-id': 'history' },
        el('thead', null, el('tr', null, ['run', 'group', 'series', 'value'].map(x => el('th', { class: x === 'value' ? '' : 'text', text: x })))),
        el('tbody', null, rows.map(p => el('tr', null, el('td', { class: 'run', text: p.run }), el('td', { class: 'text', text: 'G' + (groupOfRun(p.run) + 1) }),
          el('td', { class: 'text', text: p.series }), el('td', { class: 'num', text: fmt(p.v, 'number') })))))));
    }
    draw(initial);
    return [el('div', { class: 'controls' }, el('label', null, 'Metric', select)), holder];
  }

  // An answer's state: error (the request failed), ok / wrong (scored), unparsed (scored, but
  // no answer could be read from the reply, e.g. truncated), or '' (not scored).
  function answerState(a) {
    if (a.error_kind && a.error_kind !== 'truncated') return 'error';
    if (a.correct === true) return 'ok';
    if (a.correct === false) return a.parsed === false ? 'unparsed' : 'wrong';
    return '';
  }
  function isTruncated(a) { return a.truncated === true || a.error_kind === 'truncated'; }
  // Items: filters over all records, one page of DOM at a time.
  function itemsTab() {
    if (!items.length) return [el('p', { class: 'empty', text: 'No item logs were found for the selected runs.' })];
    const PAGE = 25;
    const runIds = [...new Set(items.map(it => runs[it.run] ? runs[it.run].id : ''))];
    const tasks = [...new Set(items.map(it => it.task))].sort();
    const models = [...new Set(items.flatMap(it => it.answers.map(a => a.model)))].sort();
    const opt = (v, label, sel) => el('option', { value: v, selected: sel }, label);
    const search = el('input', { type: 'search', id: 'item-search', placeholder: 'search question, context, answers…', 'aria-label': 'search items' });
    const runSel = el('select', { id: 'item-run', 'aria-label': 'run' }, opt('', 'all runs'), runIds.map((r, i) => opt(r, r, i === runIds.length - 1)));
    const taskSel = el('select', { id: 'item-task', 'aria-label': 'task' }, opt('', 'all tasks'), tasks.map(t => opt(t, t)));
    const modelSel = el('select', { id: 'item-model', 'aria-label': 'model' }, opt('', 'all models'), models.map(m => opt(m, m)));
    const okSel = el('select', { id: 'item-correct', 'aria-label': 'correctness' }, opt('', 'any'), opt('correct', 'correct'), opt('wrong', 'wrong'),
      opt('unparsed', 'unparsed (no answer found)'), opt('truncated', 'truncated'), opt('cached', 'cached'), opt('unscored', 'not scored'),
      opt('disagree', 'models disagree (one right, one wrong)'));
    const errSel = el('select', { id: 'item-error', 'aria-label': 'errors' }, opt('', 'any'), opt('error', 'with error'), opt('ok', 'without error'));
    const list = el('div', { id: 'item-list' });
    const status = el('span', { id: 'item-count' });
    const prev = el('button', { id: 'item-prev', text: '‹ previous' });
    const next = el('button', { id: 'item-next', text: 'next ›' });
    const pageInfo = el('span', { id: 'item-page' });
    let matches = [], page = 0;
    const haystack = new Array(items.length);
    function hay(i) {
      if (haystack[i] === undefined) {
        const it = items[i];
        haystack[i] = [it.id, it.question, it.context, it.reference, it.gold, it.subject]
          .concat(it.answers.flatMap(a => [a.model, a.response, a.error, a.code, a.stderr]))
          .concat((it.judgements || []).flatMap(j => [j.response, j.answer])).filter(Boolean).join('\n').toLowerCase();
      }
      return haystack[i];
    }
    function apply() {
      const q = search.value.trim().toLowerCase(), r = runSel.value, t = taskSel.value, m = modelSel.value, ok = okSel.value, er = errSel.value;
      matches = [];
      for (let i = 0; i < items.length; i++) {
        const it = items[i];
        if (r && (!runs[it.run] || runs[it.run].id !== r)) continue;
        if (t && it.task !== t) continue;
        const answers = m ? it.answers.filter(a => a.model === m) : it.answers;
        if (m && !answers.length) continue;
        if (ok === 'correct' && !answers.some(a => a.correct === true)) continue;
        if (ok === 'wrong' && !answers.some(a => answerState(a) === 'wrong')) continue;
        if (ok === 'unparsed' && !answers.some(a => answerState(a) === 'unparsed')) continue;
        if (ok === 'truncated' && !answers.some(isTruncated)) continue;
        if (ok === 'cached' && !answers.some(a => a.cached === true)) continue;
        if (ok === 'disagree' && !(it.answers.some(a => a.correct === true) && it.answers.some(a => answerState(a) === 'wrong' || answerState(a) === 'unparsed'))) continue;
        if (ok === 'unscored' && !answers.some(a => a.correct === null || a.correct === undefined)) continue;
        if (er === 'error' && !answers.some(a => answerState(a) === 'error')) continue;
        if (er === 'ok' && answers.some(a => answerState(a) === 'error')) continue;
        if (q && hay(i).indexOf(q) < 0) continue;
        matches.push(i);
      }
      page = 0;
      draw();
    }
    function optionsField(it) {
      if (!Array.isArray(it.options) || !it.options.length) return null;
      const letters = typeof it.letters === 'string' ? it.letters : 'ABCDEFGHIJ';
      return el('div', { class: 'field' }, el('div', { class: 'k', text: 'options' }),
        el('ol', { class: 'options' }, it.options.map((o, k) => el('li', { class: letters[k] === it.gold ? 'gold' : null, 'data-letter': letters[k] },
          el('span', { class: 'letter', text: letters[k] + '. ' }), String(o), letters[k] === it.gold ? badge('gold', 'good') : null))));
    }
    function textField(label, value) {
      if (value === null || value === undefined || value === '') return null;
      return el('div', { class: 'field' }, el('div', { class: 'k', text: label }), el('div', { class: 'text', text: String(value) }));
    }
    // A code answer (humaneval, mbpp): how its program ended, the code taken from the answer and
    // the end of its stderr, as text.
    function codeRun(a) {
      if (!a.test_outcome) return null;
      const kind = { passed: 'good', failed: 'bad', error: 'bad', timeout: 'warn', unparsed: 'warn' }[a.test_outcome] || '';
      const run = [typeof a.exit_status === 'number' ? 'exit ' + a.exit_status : null,
        typeof a.run_ms === 'number' ? fmt(a.run_ms, 'number') + ' ms' : null,
        typeof a.sample === 'number' ? 'sample ' + a.sample : null].filter(Boolean);
      return el('div', { class: 'code-run', 'data-test-outcome': a.test_outcome },
        el('div', { class: 'meta' }, 'test: ', badge(a.test_outcome, kind), run.length ? ' · ' + run.join(' · ') : null),
        a.code ? el('details', { class: 'code', open: true }, el('summary', { text: 'code' }), el('pre', { class: 'text', text: String(a.code) })) : null,
        a.stderr ? el('details', { class: 'stderr' }, el('summary', { text: 'stderr' }), el('pre', { class: 'text', text: String(a.stderr) })) : null);
    }
    function card(it) {
      const run = runs[it.run] || {};
      const answers = el('div', { class: 'answers' }, it.answers.map(a => {
        const state = answerState(a);
        return el('div', { class: 'answer ' + state, 'data-model': a.model, 'data-state': state },
          el('div', { class: 'who' }, el('span', { text: a.model + (a.repeat ? ' (repeat ' + a.repeat + ')' : '') }),
            state === 'error' ? badge(a.error_kind, 'warn') : state === 'ok' ? badge('correct', 'good') : state === 'wrong' ? badge('wrong', 'bad') :
              state === 'unparsed' ? badge('unparsed', 'warn') : null,
            isTruncated(a) && state !== 'error' ? badge('truncated', 'warn') : null,
            a.cached === true ? badge('cached', '') : null),
          el('div', { class: 'meta', text: [a.latency_ms !== undefined && a.latency_ms !== null ? fmt(a.latency_ms, 'number') + ' ms'
            : (a.cached_latency_ms !== undefined && a.cached_latency_ms !== null ? 'cached (the original request took ' + fmt(a.cached_latency_ms, 'number') + ' ms)' : null),
            a.refusal_label ? 'refusal label: ' + a.refusal_label + ' (by ' + (a.refusal_detector || MISSING) + ')'
              : a.extracted !== undefined && a.extracted !== null ? 'extracted: ' + a.extracted : null,
            a.bias_answer ? 'bias: ' + a.bias_answer + ' answer' : null, a.role && a.role !== 'generation' ? a.role : null].filter(Boolean).join(' · ') }),
          a.error ? el('div', { class: 'text meta', text: 'error: ' + a.error }) : null,
          codeRun(a),
          !a.refusal_label && a.refusal_detector ? el('div', { class: 'meta', text: 'no refusal label (detector ' + a.refusal_detector + ')' }) : null,
          typeof a.refusal_judge_response === 'string'
            ? el('details', { class: 'refusal-judge' }, el('summary', { text: "safety judge's answer" }), el('div', { class: 'text', text: a.refusal_judge_response })) : null,
          a.reasoning ? el('details', null, el('summary', { text: 'reasoning' }), el('div', { class: 'text', text: a.reasoning })) : null,
          el('div', { class: 'text resp', text: a.response === null || a.response === undefined ? MISSING : String(a.response) }));
      }));
      const judgements = (it.judgements || []).length ? el('div', { class: 'judgements' }, el('div', { class: 'k', text: 'judge rationale' }),
        it.judgements.map(j => el('div', { class: 'judgement' },
          el('div', { class: 'who', text: j.model + (j.judged_model ? ' on ' + j.judged_model : '') + (j.score !== undefined && j.score !== null ? ' · score ' + j.score : '') +
                      (j.latency_ms ? ' · ' + fmt(j.latency_ms, 'number') + ' ms' : '') + (j.error_kind ? ' · error ' + j.error_kind : '') }),
          // tier_ux: the logged answer the judge read, then its rationale
          typeof j.answer === 'string' ? el('div', { class: 'judged-answer' }, el('div', { class: 'who', text: 'answer judged' }),
            el('div', { class: 'text', text: j.answer }), el('div', { class: 'who', text: 'rationale' })) : null,
          el('div', { class: 'text', text: j.response === null || j.response === undefined ? (j.error || MISSING) : String(j.response) })))) : null;
      return el('article', { class: 'item', 'data-item-id': it.id },
        el('div', { class: 'item-head' }, el('span', { class: 'id', text: it.id }), el('span', { text: it.tier + ' · ' + it.task + (it.subject ? ' · ' + it.subject : '') }),
          el('span', { text: 'run ' + (run.id || '') })),
        textField('question', it.question), optionsField(it), it.context ? el('details', null, el('summary', { text: 'context' }), el('div', { class: 'text', text: String(it.context) })) : null,
        textField('reference', it.reference), it.gold !== it.reference ? textField('gold', it.gold) : null, answers, judgements);
    }
    function draw() {
      const pages = Math.max(1, Math.ceil(matches.length / PAGE));
      page = Math.max(0, Math.min(page, pages - 1));
      list.textContent = '';
      const frag = document.createDocumentFragment();
      matches.slice(page * PAGE, page * PAGE + PAGE).forEach(i => frag.appendChild(card(items[i])));
      if (!matches.length) frag.appendChild(el('p', { class: 'empty', text: 'No item matches these filters.' }));
      list.appendChild(frag);
      status.textContent = matches.length + ' of ' + items.length + ' items match';
      pageInfo.textContent = 'page ' + (page + 1) + ' of ' + pages;
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }
    let timer = 0;
    search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(apply, 150); });
    [runSel, taskSel, modelSel, okSel, errSel].forEach(s => s.addEventListener('change', apply));
    prev.addEventListener('click', () => { page--; draw(); window.scrollTo(0, 0); });
    next.addEventListener('click', () => { page++; draw(); window.scrollTo(0, 0); });
    apply();
    return [el('div', { class: 'controls' }, search, el('label', null, 'run', runSel), el('label', null, 'task', taskSel), el('label', null, 'model', modelSel),
              el('label', null, 'answer', okSel), el('label', null, 'error', errSel), status),
            el('div', { class: 'pager' }, prev, pageInfo, next), list];
  }

  // Arena: per arena run, the Bradley-Terry leaderboard with intervals, per-category and
  // human leaderboards, the pairwise win-rate matrix, judge bias and the battles (from the
  // run's battle log, merged into items with tier "arena"; older records carry a.battles).
  function arenaBoard(lb, id, title) {
    lb = (lb || []).slice().sort((x, y) => (typeof y.rating === 'number' ? y.rating : -1e9) - (typeof x.rating === 'number' ? x.rating : -1e9));
    if (!lb.length) return [];
    const out = [el('h3', { text: title })];
    const rated = lb.filter(r => typeof r.rating === 'number');
    if (rated.length) {
      const lo = Math.min(...rated.map(r => r.ci95 ? r.ci95.low : r.rating)), hi = Math.max(...rated.map(r => r.ci95 ? r.ci95.high : r.rating));
      const labelW = 230, plotW = 520, rowH = 26, width = labelW + plotW + 170, height = rated.length * rowH + 30;
      const X = v => labelW + plotW * (v - lo + 10) / (hi - lo + 20);
      const s = svg('svg', { class: 'chart', width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': title });
      rated.forEach((r, i) => {
        const y = 6 + i * rowH;
        s.appendChild(svg('text', { x: labelW - 8, y: y + 16, 'text-anchor': 'end' }, (r.rank || i + 1) + '. ' + r.model));
        if (r.ci95) s.appendChild(svg('rect', { class: 'ci-range', x: X(r.ci95.low), y: y + 6, width: Math.max(1, X(r.ci95.high) - X(r.ci95.low)), height: 12, rx: 3 }));
        s.appendChild(svg('circle', { class: 'dot', cx: X(r.rating), cy: y + 12, r: 5.5 }));
        s.appendChild(svg('text', { x: labelW + plotW + 8, y: y + 16 }, fmt(r.rating, 'number') + (r.ci95 ? ' [' + fmt(r.ci95.low, 'number') + ' – ' + fmt(r.ci95.high, 'number') + ']' : '')));
      });
      out.push(s);
    }
    const rating = metricColumn('arena', 'rating');
    out.push(renderTable({ id, columns: [
      metricColumn('arena', 'rank'), { key: 'model', label: 'model', kind: 'text' }, rating,
      { key: 'low', label: 'CI low', kind: rating.kind }, { key: 'high', label: 'CI high', kind: rating.kind },
      ...['elo', 'score', 'wins', 'losses', 'ties', 'battles'].map(k => metricColumn('arena', k))],
      rows: lb.map(r => [typeof r.rank === 'number' ? { v: r.rank } : null, { t: r.model },
        ...[r.rating, r.ci95 && r.ci95.low, r.ci95 && r.ci95.high, r.elo, r.score, r.wins, r.losses, r.ties, r.battles]
          .map(v => typeof v === 'number' ? { v } : null)]) }));
    return out;
  }
  function arenaMatrix(id, corner, names, matrix, colorize) {
    return el('div', { class: 'scroll' }, el('table', { class: 'data matrix', 'data-table-id': id },
      el('thead', null, el('tr', null, el('th', { class: 'text', text: corner }), names.map(m => el('th', { text: m })))),
      el('tbody', null, names.map((m, i) => el('tr', null, el('td', { class: 'text', text: m }),
        names.map((_, j) => { const v = (matrix[i] || [])[j]; return el('td', { class: typeof v === 'number' && i !== j ? 'num' : 'missing', style: typeof v === 'number' && colorize && i !== j ? 'background:' + heat(v) : null, text: typeof v === 'number' && i !== j ? fmt(v, 'fraction') : MISSING }); }))))));
  }
  function arenaBattles(run, a) {
    const ri = runIndex.get(run.id);
    const list = [];
    items.forEach(it => {
      if (it.tier !== 'arena' || it.run !== ri) return;
      const answer = m => { const x = (it.answers || []).find(y => y.model === m); return x ? x.response : null; };
      (it.judgements || []).forEach(j => list.push({ item_id: it.id, category: it.task, prompt: it.question, model_a: j.model_a, model_b: j.model_b,
        judge_model: j.model, verdict: j.verdict, winner: j.winner, flip: j.flip, swapped: j.swapped, strong: j.strong, rationale: j.response,
        error: j.error_kind ? j.error_kind + (j.error ? ': ' + j.error : '') : null, answer_a: answer(j.model_a), answer_b: answer(j.model_b) }));
    });
    (a.battles || []).forEach(b => list.push(b));
    if (!list.length) return [];
    const PAGE = 50;
    const judgesSeen = [...new Set(list.map(b => b.judge_model))].sort();
    const modelsSeen = [...new Set(list.flatMap(b => [b.model_a, b.model_b]))].sort();
    const opt = (v, label) => el('option', { value: v }, label);
    const judgeSel = el('select', { 'aria-label': 'judge' }, opt('', 'all judges'), judgesSeen.map(j => opt(j, j)));
    const modelSel = el('select', { 'aria-label': 'model' }, opt('', 'all models'), modelsSeen.map(m => opt(m, m)));
    const kindSel = el('select', { 'aria-label': 'battles' }, opt('', 'all battles'), opt('flip', 'position flips'), opt('error', 'failed'));
    const count = el('span', { class: 'note' });
    const prev = el('button', { text: '‹ previous' }), next = el('button', { text: 'next ›' }), pageInfo = el('span');
    const body = el('tbody');
    let rows = [], page = 0;
    const who = (b, w) => w === 'a' ? b.model_a : w === 'b' ? b.model_b : w;
    function draw() {
      const pages = Math.max(1, Math.ceil(rows.length / PAGE));
      page = Math.max(0, Math.min(page, pages - 1));
      body.textContent = '';
      rows.slice(page * PAGE, page * PAGE + PAGE).forEach(b => {
        const cells = [b.item_id, b.model_a, b.model_b, b.judge_model, b.verdict, b.winner === null || b.winner === undefined ? 'failed' + (b.error ? ': ' + b.error : '') : who(b, b.winner) + (b.flip ? ' (position flip)' : '') + (b.strong ? ' (strong)' : ''),
                       b.swapped ? 'yes' : 'no'].map(v => el('td', { class: 'text', text: v === undefined || v === null ? MISSING : String(v) }));
        const detail = (b.prompt !== undefined || b.answer_a !== undefined) ? el('details', null, el('summary', { text: 'prompt and both answers' }),
          el('div', { class: 'field' }, el('div', { class: 'k', text: 'prompt' }), el('div', { class: 'text', text: b.prompt === undefined || b.prompt === null ? MISSING : String(b.prompt) })),
          el('div', { class: 'answers' },
            el('div', { class: 'answer', 'data-side': 'a' }, el('div', { class: 'who', text: 'A · ' + b.model_a }), el('div', { class: 'text resp', text: b.answer_a === undefined || b.answer_a === null ? MISSING : String(b.answer_a) })),
            el('div', { class: 'answer', 'data-side': 'b' }, el('div', { class: 'who', text: 'B · ' + b.model_b }), el('div', { class: 'text resp', text: b.answer_b === undefined || b.answer_b === null ? MISSING : String(b.answer_b) })))) : null;
        cells.push(el('td', { class: 'text wrap' }, el('div', { class: 'text', text: b.rationale === undefined || b.rationale === null ? MISSING : String(b.rationale) }), detail));
        body.appendChild(el('tr', { 'data-battle': b.item_id }, cells));
      });
      count.textContent = rows.length + ' of ' + list.length + ' battles';
      pageInfo.textContent = 'page ' + (page + 1) + ' of ' + pages;
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }
    function apply() {
      const j = judgeSel.value, m = modelSel.value, k = kindSel.value;
      rows = list.filter(b => (!j || b.judge_model === j) && (!m || b.model_a === m || b.model_b === m) &&
        (k !== 'flip' || b.flip) && (k !== 'error' || (b.winner === null || b.winner === undefined)));
      page = 0;
      draw();
    }
    [judgeSel, modelSel, kindSel].forEach(x => x.addEventListener('change', apply));
    prev.addEventListener('click', () => { page--; draw(); });
    next.addEventListener('click', () => { page++; draw(); });
    apply();
    return [el('h3', { text: 'Battles (' + list.length + ')' }),
      el('div', { class: 'controls' }, el('label', null, 'judge', judgeSel), el('label', null, 'model', modelSel), el('label', null, 'show', kindSel), count),
      el('div', { class: 'scroll' }, el('table', { class: 'data', 'data-table-id': 'arena-battles' },
        el('thead', null, el('tr', null, ['prompt', 'model A', 'model B', 'judge', 'verdict', 'winner', 'swapped', 'rationale'].map(h => el('th', { class: 'text', text: h })))), body)),
      el('div', { class: 'pager' }, prev, pageInfo, next)];
  }
  // Per-voter statistics (arena/voters.hpp): votes, agreement with the other voters' majority,
  // position bias, ties and the flag for agreement below a fair coin's.
  function arenaVoters(stats, filter) {
    if (!(stats || []).length) return [];
    const cols = [['votes', 'votes', 'integer'], ['agreement', "agrees with others' majority", 'fraction'], ['shared', 'shared battles', 'integer'],
      ['a_share', 'A share (position bias)', 'fraction'], ['tie_rate', 'tie rate', 'fraction'], ['p_value', 'p (below chance)', 'number']];
    const table = renderTable({ id: 'arena-voters', columns: [{ key: 'voter', label: 'voter', kind: 'text' },
      ...cols.map(([key, label, kind]) => ({ key, label, kind, better: 'none' })),
      { key: 'flagged', label: 'flagged', kind: 'text' }],
      rows: stats.map(v => [{ t: v.voter }, ...cols.map(([k]) => typeof v[k] === 'number' ? { v: v[k] } : null), { t: v.flagged ? 'flagged' : '' }]) });
    const f = filter || {};
    const notes = ['Flagged: agreement with the other voters\' majority significantly below a fair coin\'s (one-sided exact binomial test, p < ' + (f.flag_alpha || 0.01) + ', on the battles where both named a winner).'];
    if (f.max_votes_per_voter) notes.push('Each voter\'s first ' + f.max_votes_per_voter + ' votes are rated (' + (f.capped || 0) + ' left out).');
    if ((f.excluded_voters || []).length) notes.push('Left out of the ratings as flagged: ' + f.excluded_voters.join(', ') + '.');
    return [el('h3', { text: 'Voters (' + stats.length + ')' }), table, el('p', { class: 'note', text: notes.join(' ') })];
  }
  function arena() {
    const out = [];
    runs.filter(r => r.arena).forEach(run => {
      const a = run.arena;
      const facts = ['run ' + run.id, a.source === 'imported' ? 'imported battles (' + (a.bad_lines ? a.bad_lines + ' bad lines skipped' : 'llmbench arena rate') + ')'
                                      : a.source === 'ask' ? "people's own questions, voted blind (llmbench arena ask)"
                                                           : 'judges ' + (a.judge_models || []).join(', ')];
      if (a.method) facts.push(a.method);
      if (typeof a.prompts === 'number') facts.push(a.prompts + ' prompts');
      if (typeof a.battles_total === 'number') facts.push(a.battles_total + ' battles' + (a.battles_failed ? ' (' + a.battles_failed + ' failed: no answer or no verdict; left out of the ratings)' : ''));
      if (a.baseline) facts.push('each model vs ' + a.baseline);
      if (a.bootstrap_rounds) facts.push(a.bootstrap_rounds + ' bootstrap rounds');
      const box = el('div', { class: 'group', 'data-arena-run': run.id }, el('div', { class: 'group-label', text: facts.join(' · ') }));
      const append = xs => xs.forEach(x => x && box.appendChild(x));
      append(arenaBoard(a.leaderboard, 'arena-leaderboard', 'Leaderboard (rating with 95% interval)'));
      if (a.rating_scale) box.appendChild(el('p', { class: 'note', text: 'Bradley-Terry ratings on the Elo scale: ' + (a.rating_scale.anchor || '') +
        '. Rank = 1 + the number of models whose interval lies wholly above; overlapping intervals share a rank.' }));
      Object.entries(a.categories || {}).forEach(([c, lb]) => append(arenaBoard(lb, 'arena-leaderboard-category', 'Category ' + c)));
      if (a.human && a.human.votes) append(arenaBoard(a.human.leaderboard, 'arena-leaderboard-human', 'Human votes (' + a.human.votes + ', blind)'));
      append(arenaVoters(a.voter_stats, a.voter_filter));
      if (a.human) append(arenaVoters(a.human.voter_stats, a.human.voter_filter));
      const wr = a.win_rate;
      if (wr && wr.models) {
        box.appendChild(el('h3', { text: 'Pairwise win rate (row beats column, ties half)' }));
        box.appendChild(arenaMatrix('arena-winrate', 'model', wr.models, wr.matrix || [], true));
      }
      if ((a.judge_bias || []).length) {
        box.appendChild(el('h3', { text: 'Judge bias' }));
        const keys = ['position_a_win_rate', 'tie_rate', 'flip_rate', 'swap_consistency', 'longer_answer_win_rate', 'self_preference', 'human_agreement', 'n'];
        box.appendChild(renderTable({ id: 'arena-bias', columns: [
          { key: 'judge_model', label: 'judge', kind: 'text' }, ...keys.map(k => metricColumn('arena_judge', k))],
          rows: a.judge_bias.map(b => [{ t: b.judge_model }, ...keys.map(k => typeof b[k] === 'number' ? { v: b[k] } : null)]) }));
        box.appendChild(el('p', { class: 'note', text: 'An unbiased judge picks the first position about 50% of the time and rarely flips when the two answers swap places (a flip counts as a tie). Self-preference: how much more often a judge that also competes picks its own answer than the other judges do.' }));
        const ag = a.judge_agreement;
        if (ag && (ag.judges || []).length > 1) {
          box.appendChild(el('h3', { text: 'Agreement between judges (same winner per prompt and pair)' }));
          box.appendChild(arenaMatrix('arena-agreement', 'judge', ag.judges, ag.matrix || [], false));
        }
      }
      append(arenaBattles(run, a));
      out.push(box);
    });
    return out;
  }

  // ---- wiring --------------------------------------------------------------------------
  const TABS = [
    { id: 'overview', label: 'Overview', render: overview },
    { id: 'llm', label: 'LLM Comparison', render: () => sectionByGroup('llm', genericTable) },
    { id: 'judge', label: 'Judge Comparison', render: () => sectionByGroup('judge', genericTable) },
    { id: 'prod', label: 'Prod Judge Comparison', render: prodJudge },
    { id: 'standard', label: 'Standard benchmarks', render: standard },
    { id: 'history', label: 'History', render: historyTab },
    { id: 'items', label: 'Items', render: itemsTab },
  ];
  if (runs.some(r => r.arena)) TABS.push({ id: 'arena', label: 'Arena', render: arena });
  // Perf: report_perf.js, inlined before this script.
  if (runs.some(r => r.kind === 'perf' && r.perf)) {
    TABS.push({ id: 'perf', label: 'Perf', render: () => llmbenchPerfTab({ el, svg, fmt, MISSING, badge, statusKind, renderTable, metricColumn,
      niceMax, PALETTE, runs, tables, perf: data.perf }) });
  }
  // Compare: report_compare.js, inlined before this script.
  if (((data.comparisons || {}).runs || []).length >= 2) {
    TABS.push({ id: 'compare', label: 'Compare', render: () => llmbenchCompareTab({ el, fmt, MISSING, comparisons: data.comparisons, openItem }) });
  }
  // Shows item `id` of (run, task, model) in the Items tab (the Compare tab's links).
  function openItem(runId, task, model, id) {
    show('items');
    const set = (name, v) => { const s = document.getElementById(name); if (s) s.value = v; };
    set('item-run', runId); set('item-task', task); set('item-model', model); set('item-correct', ''); set('item-error', '');
    set('item-search', id);
    const run = document.getElementById('item-run');
    if (run) run.dispatchEvent(new Event('change'));
  }
  const nav = document.getElementById('tabs');
  const main = document.getElementById('app');
  const sections = new Map();
  function show(id) {
    if (!TABS.some(t => t.id === id)) id = 'overview';
    for (const t of TABS) {
      let sec = sections.get(t.id);
      if (t.id === id && !sec) {
        sec = el('section', { class: 'tab', id: 'tab-' + t.id, 'data-tab': t.id });
        sec.appendChild(el('h2', { text: t.label }));
        try { sec.append(...t.render()); } catch (e) { sec.appendChild(el('p', { class: 'empty', text: 'This tab failed to render: ' + e })); }
        main.appendChild(sec);
        sections.set(t.id, sec);
      }
      if (sec) sec.hidden = t.id !== id;
      nav.querySelector('[data-tab="' + t.id + '"]').setAttribute('aria-selected', t.id === id ? 'true' : 'false');
    }
    if (location.hash !== '#' + id) history.replaceState(null, '', '#' + id);
  }
  // Printing: every tab rendered, in order (report.css breaks the page before each). The PDF
  // (`llmbench report --format pdf`) opens the page at #print; a browser's own print renders
  // the tabs not yet seen before it prints.
  function renderAll() {
    const current = TABS.find(t => { const sec = sections.get(t.id); return sec && !sec.hidden; });
    TABS.forEach(t => show(t.id));
    TABS.forEach(t => main.appendChild(sections.get(t.id)));  // in the tabs' order
    show(current ? current.id : 'overview');
  }
  window.addEventListener('beforeprint', renderAll);
  TABS.forEach(t => nav.appendChild(el('button', { role: 'tab', 'data-tab': t.id, onclick: () => show(t.id) }, t.label)));
  const sub = document.getElementById('subtitle');
  if (sub) sub.textContent = runs.length + ' run(s) · ' + items.length + ' item(s) · latest ' + (runs.length ? runs[runs.length - 1].id : MISSING) +
    ' · llmbench ' + (data.llmbench_version || '');
  if (location.hash === '#print') {
    renderAll();
    document.body.setAttribute('data-print', 'true');
  } else {
    show(location.hash.slice(1) || 'overview');
  }
  document.body.setAttribute('data-ready', 'true');
})();
