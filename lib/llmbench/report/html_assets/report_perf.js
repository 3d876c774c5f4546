// llmbench report page: the Perf tab, for perf records (kind "perf", written by `llmbench perf`).
// Inlined into report.html before report.js, which adds the tab when some run is a perf record
// and calls llmbenchPerfTab with its helpers. Record text (model ids, error kinds, flags) is
// untrusted: it reaches the page through textContent / setAttribute only, as in report.js.
// Labels come from the metric catalogue's "perf" scope; a figure a level lacks shows as a dash.
function llmbenchPerfTab(h) {
  'use strict';
  const { el, svg, fmt, MISSING, badge, statusKind, renderTable, metricColumn, niceMax, PALETTE, runs, tables } = h;
  const distributions = h.perf || [];
  const FAMILIES = ['ttft_ms', 'ttfo_ms', 'itl_ms', 'tpot_ms', 'e2e_ms', 'queue_ms', 'service_ttft_ms', 'service_e2e_ms'];
  const STATS = ['mean', 'p50', 'p90', 'p95', 'p99', 'max'];
  const THROUGHPUTS = ['output_tokens_per_s', 'requests_per_s', 'goodput_rps'];
  const num = v => typeof v === 'number' && Number.isFinite(v);
  const text = v => (v === undefined || v === null || v === '' ? MISSING : String(v));
  const label = key => metricColumn('perf', key).label;
  const tick = v => (Number.isInteger(v) ? String(v) : String(+v.toPrecision(3)));  // axis ticks are round numbers
  const familyName = f => label(f + '.p50').replace(/ p50 ms$/, '');
  // The value at a dotted path of a level, or null.
  function get(level, path) {
    const v = path.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), level);
    return num(v) ? v : null;
  }
  const levelsOf = r => (Array.isArray(r.perf.levels) ? r.perf.levels : []).map(l => (l && typeof l === 'object' ? l : {}));
  const load = (l, i) => (num(l.concurrency) ? l.concurrency : num(l.rate) ? l.rate : i + 1);
  const loadLabel = r => (r.perf.mode === 'open' ? label('rate') : label('concurrency'));
  const levelName = (l, i) => (num(l.concurrency) ? 'concurrency ' + l.concurrency : num(l.rate) ? 'rate ' + l.rate + ' req/s' : 'level ' + (i + 1));
  const perfRuns = runs.map((run, index) => ({ run, index })).filter(x => x.run.kind === 'perf' && x.run.perf && typeof x.run.perf === 'object');

  // ---- charts -----------------------------------------------------------------------------
  // Lines over a linear x and y from 0; a null y breaks its line. series: [{name, color, dash,
  // points: [{x, y, tip}]}].
  function lineChart(series, xLabel, yLabel, cls) {
    const left = 64, top = 14, w = 560, ph = 260, legendW = 300, width = left + w + legendW, height = top + ph + 48;
    const all = series.flatMap(s => s.points).filter(p => p.y !== null);
    const xmax = niceMax(Math.max(1e-9, ...all.map(p => p.x))), ymax = niceMax(Math.max(1e-9, ...all.map(p => p.y)));
    const X = x => left + w * x / xmax, Y = y => top + ph - ph * y / ymax;
    const s = svg('svg', { class: 'chart ' + cls, width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': yLabel + ' by ' + xLabel });
    for (let k = 0; k <= 4; k++) {
      s.appendChild(svg('line', { class: 'grid', x1: left, x2: left + w, y1: Y(ymax * k / 4), y2: Y(ymax * k / 4) }));
      s.appendChild(svg('text', { x: left - 6, y: Y(ymax * k / 4) + 4, 'text-anchor': 'end', class: 'muted' }, tick(ymax * k / 4)));
      s.appendChild(svg('text', { x: X(xmax * k / 4), y: top + ph + 16, 'text-anchor': 'middle', class: 'muted' }, tick(xmax * k / 4)));
    }
    s.appendChild(svg('line', { class: 'axis', x1: left, x2: left + w, y1: top + ph, y2: top + ph }));
    s.appendChild(svg('text', { x: left + w / 2, y: top + ph + 36, 'text-anchor': 'middle' }, xLabel));
    s.appendChild(svg('text', { x: 12, y: top + ph / 2, 'text-anchor': 'middle', transform: 'rotate(-90 12 ' + (top + ph / 2) + ')' }, yLabel));
    series.forEach((line, si) => {
      const dash = line.dash ? { 'stroke-dasharray': '6 4' } : {};
      let prev = null;
      line.points.forEach(p => {
        if (p.y === null) { prev = null; return; }
        if (prev) s.appendChild(svg('line', { x1: X(prev.x), y1: Y(prev.y), x2: X(p.x), y2: Y(p.y), stroke: line.color, 'stroke-width': 2, ...dash }));
        const dot = svg('circle', { class: 'perf-point', cx: X(p.x), cy: Y(p.y), r: 4, fill: line.color, stroke: '#fff', 'stroke-width': 1.5 });
        dot.appendChild(svg('title', {}, line.name + ' · ' + p.tip + ': ' + fmt(p.x, 'number') + ', ' + fmt(p.y, 'number')));
        s.appendChild(dot);
        prev = p;
      });
      s.appendChild(svg('line', { x1: left + w + 16, x2: left + w + 36, y1: top + 6 + si * 18, y2: top + 6 + si * 18, stroke: line.color, 'stroke-width': 2, ...dash }));
      s.appendChild(svg('text', { x: left + w + 42, y: top + 10 + si * 18 }, line.name));
    });
    return s;
  }

  // A histogram of log-spaced bins (metrics/histogram.hpp): bin first+i holds [10^((first+i)/b), 10^((first+i+1)/b)) ms.
  function histogram(hist, title, cls) {
    const box = el('div', { class: 'perf-hist' });
    if (!hist || !Array.isArray(hist.counts) || !hist.counts.length || !num(hist.first)) {
      box.appendChild(el('p', { class: 'note', text: title + ': no sample at this level.' }));
      return box;
    }
    const b = num(hist.per_decade) && hist.per_decade > 0 ? hist.per_decade : 20;
    const edge = i => Math.pow(10, (hist.first + i) / b);
    const counts = hist.counts.map(c => (num(c) ? c : 0));
    const left = 56, top = 10, w = 520, ph = 180, width = left + w + 20, height = top + ph + 40;
    const ymax = niceMax(Math.max(1, ...counts)), bw = w / counts.length;
    const s = svg('svg', { class: 'chart perf-histogram ' + cls, width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': title });
    for (let k = 0; k <= 4; k++) {
      const y = top + ph - ph * k / 4;
      s.appendChild(svg('line', { class: 'grid', x1: left, x2: left + w, y1: y, y2: y }));
      s.appendChild(svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'muted' }, tick(ymax * k / 4)));
    }
    counts.forEach((c, i) => {
      const bh = ph * c / ymax;
      const bar = svg('rect', { class: 'bar', x: left + i * bw + 0.5, y: top + ph - bh, width: Math.max(1, bw - 1), height: bh });
      bar.appendChild(svg('title', {}, fmt(edge(i), 'number') + '–' + fmt(edge(i + 1), 'number') + ' ms: ' + c));
      s.appendChild(bar);
    });
    const ticks = Math.min(5, counts.length + 1);
    for (let k = 0; k < ticks; k++) {
      const i = Math.round(k * counts.length / Math.max(1, ticks - 1));
      s.appendChild(svg('text', { x: left + i * bw, y: top + ph + 16, 'text-anchor': 'middle', class: 'muted' }, tick(edge(i))));
    }
    s.appendChild(svg('text', { x: left + w / 2, y: top + ph + 34, 'text-anchor': 'middle' }, 'ms (log scale)'));
    box.appendChild(el('div', { class: 'note', text: title + ' · ' + (num(hist.n) ? hist.n : 0) + ' value(s)' + (hist.zero ? ' · ' + hist.zero + ' at 0 ms (not drawn)' : '') }));
    box.appendChild(s);
    return box;
  }

  // ---- sections -----------------------------------------------------------------------------
  function facts(r) {
    const p = r.perf, out = ['run ' + r.id, 'model ' + text(p.model)];
    if (p.mode === 'open') {
      out.push('open loop' + (p.arrival ? ', ' + p.arrival + ' arrivals' : '') + (p.arrival === 'gamma' && num(p.burstiness) ? ' (burstiness ' + p.burstiness + ')' : '') +
               (num(p.max_concurrency) ? ', at most ' + p.max_concurrency + ' in flight' : ''));
    } else {
      out.push(p.mode === 'closed' ? 'closed loop' : 'mode ' + text(p.mode));
    }
    const q = p.prompts;
    if (q && typeof q === 'object') {
      out.push('prompts: ' + text(q.source) + (num(q.input_tokens) || num(q.output_tokens) ? ', ' + text(q.input_tokens) + ' → ' + text(q.output_tokens) + ' tokens asked' : '') +
               (q.output_control ? ' (' + q.output_control + ')' : ''));
    }
    if (p.slo && typeof p.slo === 'object' && Object.keys(p.slo).length) {
      out.push('SLOs: ' + Object.entries(p.slo).map(([k, v]) => k.replace(/_ms$/, '') + ' ≤ ' + text(v) + ' ms').join(', '));
    }
    return out.join(' · ');
  }
  function maxRate(p) {
    const m = p.max_rate;
    if (!m || typeof m !== 'object') return null;
    const how = ' (a level must reach ' + (num(m.target) ? fmt(m.target, 'fraction') : MISSING) + ' SLO attainment; the last level was decided by ' + text(m.decided_by) + ')';
    return el('p', { class: 'perf-max-rate', text: (num(m.rate) ? 'Highest rate meeting the SLOs: ' + m.rate + ' req/s' : 'No level met the SLOs') + how });
  }
  function levelTable(r) {
    const t = tables.find(x => x.section === 'perf' && x.rows.some(row => row.some(c => c && c.t === r.id)));
    if (!t) return [el('p', { class: 'empty', text: 'This run recorded no level.' })];
    const si = t.columns.findIndex(c => c.key === 'level_status');
    const marked = row => { const s = si >= 0 && row[si] ? row[si].t : ''; return s && s !== 'complete' ? 'marked' : null; };
    return [el('h3', { text: 'Per level' }), renderTable(t, { showCi: true, rowClass: marked }),
            el('p', { class: 'note', text: 'A highlighted level did not run to its end: cut short (interrupted) or stopped early (the server was over-saturated); its figures cover what it ran. Warm-up requests are left out of every figure; a dash is a figure with no sample, never 0.' })];
  }
  function percentiles(r, k) {
    const levels = levelsOf(r);
    const fams = FAMILIES.filter(f => levels.some(l => STATS.some(s => get(l, f + '.' + s) !== null)));
    if (!fams.length) return [el('h3', { text: 'Latency percentiles' }), el('p', { class: 'note', text: 'No level has a latency sample.' })];
    const holder = el('div');
    const select = el('select', { 'aria-label': 'latency metric', 'data-perf-percentiles': r.id }, fams.map(f => el('option', { value: f }, familyName(f))));
    function draw() {
      holder.textContent = '';
      const f = select.value;
      holder.appendChild(lineChart(STATS.map((s, i) => ({ name: label(f + '.' + s), color: PALETTE[i % PALETTE.length],
        points: levels.map((l, j) => ({ x: load(l, j), y: get(l, f + '.' + s), tip: levelName(l, j) })) })), loadLabel(r), familyName(f) + ' ms', 'perf-percentiles'));
      holder.appendChild(renderTable({ id: 'perf-percentiles-' + k, columns: [{ key: 'level', label: 'level', kind: 'text' }, ...STATS.map(s => metricColumn('perf', f + '.' + s))],
        rows: levels.map((l, j) => [{ t: levelName(l, j) }, ...STATS.map(s => { const v = get(l, f + '.' + s); return v === null ? null : { v }; })]) }));
    }
    select.addEventListener('change', draw);
    draw();
    return [el('h3', { text: 'Latency percentiles per level' }), el('div', { class: 'controls' }, el('label', null, 'metric', select)), holder];
  }
  function distributionsOf(r, index) {
    const out = [el('h3', { text: 'TTFT and ITL distributions' })];
    const d = distributions.find(x => x.run === index);
    if (!d) return out.concat(el('p', { class: 'note perf-log-note', text: 'The request log of this run was not read: no distributions.' }));
    if (d.note) out.push(el('p', { class: 'note perf-log-note', role: 'status', text: d.note }));
    const levels = levelsOf(r), per = Array.isArray(d.levels) ? d.levels : [];
    if (!per.length) return out;
    const holder = el('div', { class: 'perf-hists' });
    const select = el('select', { 'aria-label': 'level', 'data-perf-level': r.id }, per.map((_, i) => el('option', { value: i }, levelName(levels[i] || {}, i))));
    const ttftTitle = r.perf.mode === 'open' ? 'TTFT from the scheduled send (queue included)' : 'TTFT';
    function draw() {
      holder.textContent = '';
      const lv = per[+select.value] || {};
      holder.appendChild(histogram(lv.ttft, ttftTitle, 'ttft'));
      holder.appendChild(histogram(lv.itl, 'ITL (every gap between chunks)', 'itl'));
    }
    select.addEventListener('change', draw);
    draw();
    out.push(el('div', { class: 'controls' }, el('label', null, 'level', select), el('span', { class: 'note', text: 'ok requests after warm-up, from ' + text(d.log) })), holder);
    return out;
  }
  // Throughput on x against a latency on y, every perf run: p50 solid, p95 dashed, one colour per run.
  function throughputVsLatency() {
    const all = perfRuns.map(x => levelsOf(x.run));
    const xs = THROUGHPUTS.filter(k => all.some(ls => ls.some(l => get(l, k) !== null)));
    const ys = FAMILIES.filter(f => all.some(ls => ls.some(l => get(l, f + '.p50') !== null || get(l, f + '.p95') !== null)));
    if (!xs.length || !ys.length) return [];
    const xSel = el('select', { 'aria-label': 'throughput', id: 'perf-x' }, xs.map(k => el('option', { value: k }, label(k))));
    const ySel = el('select', { 'aria-label': 'latency', id: 'perf-y' }, ys.map(f => el('option', { value: f }, familyName(f))));
    const holder = el('div');
    function draw() {
      holder.textContent = '';
      const xk = xSel.value, f = ySel.value, series = [];
      perfRuns.forEach((x, i) => {
        const levels = levelsOf(x.run), color = PALETTE[i % PALETTE.length], who = text(x.run.perf.model) + ' · ' + x.run.id;
        for (const [stat, dash] of [['p50', false], ['p95', true]]) {
          series.push({ name: who + ' · ' + stat, color, dash, points: levels.map((l, j) => ({ x: get(l, xk), y: get(l, xk) === null ? null : get(l, f + '.' + stat), tip: levelName(l, j) })) });
        }
      });
      holder.appendChild(lineChart(series, label(xk), familyName(f) + ' p50 / p95 ms', 'perf-throughput'));
    }
    [xSel, ySel].forEach(s => s.addEventListener('change', draw));
    draw();
    return [el('h3', { text: 'Throughput vs latency across levels' }),
            el('div', { class: 'controls' }, el('label', null, 'x', xSel), el('label', null, 'y', ySel)), holder,
            el('p', { class: 'note', text: 'One colour per run: p50 solid, p95 dashed; each point is a level, in the order run.' })];
  }

  const out = [...throughputVsLatency()];
  perfRuns.forEach(({ run: r, index }, k) => {
    const box = el('div', { class: 'group', 'data-perf-run': r.id },
      el('div', { class: 'group-label' }, badge(text(r.status), statusKind(r.status)), ' ', facts(r)), maxRate(r.perf));
    [...levelTable(r), ...percentiles(r, k), ...distributionsOf(r, index)].forEach(n => box.appendChild(n));
    if (r.flags && typeof r.flags === 'object') {
      box.appendChild(el('details', null, el('summary', { text: 'flags' }), el('div', { class: 'text', text: JSON.stringify(r.flags, null, 1) })));
    }
    out.push(box);
  });
  return out;
}
