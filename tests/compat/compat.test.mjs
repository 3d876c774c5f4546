// llmbench against @dwmkerr/mock-llm, an OpenAI-compatible mock server nobody here wrote.
//   node compat.test.mjs SCENARIO        (run.sh sets LLMBENCH_BIN, COMPAT_NODE_DIR, COMPAT_OUT)
// Scenarios: standard (a sweep of two custom tasks), judge (tier judge), arena (arena run).
// mock-llm is started in this process from its own package (its createServer and its config
// loader, as its `mock-llm` command does) on 127.0.0.1, port 0, with the rules in
// <SCENARIO>.mock-llm.yaml, so every answer is known and the expected numbers are exact.
// Exits 0 when every check holds, 1 with the failed check and llmbench's output otherwise.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import util from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const scenario = process.argv[2];
const bin = process.env.LLMBENCH_BIN;
const out = path.join(process.env.COMPAT_OUT, scenario);
const key = 'compat-key-0123456789';
const runId = `compat-${scenario}`;

// ---- mock-llm ------------------------------------------------------------------------------
async function startMockLlm(rulesFile) {
  const require = createRequire(path.join(process.env.COMPAT_NODE_DIR, 'package.json'));
  const { createServer } = require('@dwmkerr/mock-llm/dist/server.js');
  const { loadConfig } = require('@dwmkerr/mock-llm/dist/config.js');
  // mock-llm logs every request (console.log) and error (console.error): into a file, beside
  // llmbench's output.
  const log = fs.createWriteStream(path.join(out, 'mock-llm.log'));
  console.log = console.error = (...args) => log.write(util.format(...args) + '\n');
  const app = createServer(loadConfig(rulesFile), '127.0.0.1', 0);
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server)).on('error', reject);
  });
}

// ---- llmbench ------------------------------------------------------------------------------
// Runs llmbench with `args` from the source tree; resolves {code, stdout, stderr}.
function llmbench(args, timeoutMs = 60000) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code, signal, stdout, stderr };
      fs.writeFileSync(path.join(out, `llmbench-${args[0]}.log`),
                       `$ llmbench ${args.join(' ')}\nexit ${code} ${signal ?? ''}\n--- stdout\n${stdout}\n--- stderr\n${stderr}\n`);
      resolve(result);
    });
  });
}

// models: ids, or {id, kind}.
function writeModelsConfig(port, models) {
  const lines = ['providers:', '  mock:', `    base_url: http://127.0.0.1:${port}/v1`,
                 '    api_key_env: COMPAT_MOCK_KEY', 'models:'];
  for (const m of models) {
    lines.push(`  - id: ${m.id ?? m}`, '    provider: mock');
    if (m.kind) lines.push(`    kind: ${m.kind}`);
  }
  const config = path.join(out, 'models.yaml');
  fs.writeFileSync(config, lines.join('\n') + '\n');
  const env = path.join(out, 'keys.env');
  fs.writeFileSync(env, `COMPAT_MOCK_KEY=${key}\n`);
  return ['--config', config, '--env-file', env];
}

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const readLines = (file) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const lastRun = () => readJson(path.join(out, 'benchmark_runs.json')).at(-1);
const modelRun = (run, field, model) => {
  const found = run.model_runs.find((m) => m[field] === model);
  assert.ok(found, `no model run with ${field} = ${model}`);
  return found;
};

// ---- scenarios -----------------------------------------------------------------------------
const scenarios = {
  // Two custom tasks through `run --tier standard`; compat-good answers by the rules, compat-echo
  // is mock-llm's echo, which fails on every multi-line prompt.
  async standard(port) {
    const r = await llmbench(['run', ...writeModelsConfig(port, ['compat-good', 'compat-echo']),
      '--tier', 'standard', '--tasks-file', path.join(here, 'data/tasks.yaml'), '--tasks', 'compat_mc,compat_num',
      '--limit', '5', '--generation-models', 'compat-good,compat-echo', '--retries', '1',
      '--output-dir', out, '--no-cache', '--run-id', runId, '--progress', 'none']);
    assert.equal(r.code, 1, 'exit 1: compat-echo failed items (and compat-good one)');
    const run = lastRun();
    assert.equal(run.id, runId);

    const good = modelRun(run, 'generation_model', 'compat-good');
    const mc = good.metrics.standard.compat_mc;
    assert.deepEqual([mc.n, mc.n_correct, mc.n_unparsed, mc.n_errors], [4, 2, 1, 1], 'compat_mc n, correct, unparsed, errors');
    assert.equal(mc.accuracy, 0.5);
    assert.deepEqual(mc.tokens, { prompt: 40, completion: 8 }, 'usage summed over the four answers');
    const num = good.metrics.standard.compat_num;
    assert.deepEqual([num.n, num.n_correct, num.n_unparsed, num.n_errors], [3, 2, 0, 0], 'compat_num n, correct, unparsed, errors');
    assert.equal(num.accuracy, 2 / 3);

    // compat-echo: a multiple-choice prompt has several lines, so every one fails; a numeric
    // question is one line, echoed back, and its last number (7, the 2 of "compat-num2", 3) is wrong.
    const echo = modelRun(run, 'generation_model', 'compat-echo').metrics.standard;
    assert.deepEqual([echo.compat_mc.n, echo.compat_mc.n_errors], [0, 5], 'compat-echo compat_mc: every item failed');
    assert.equal(echo.compat_mc.accuracy ?? null, null, 'no accuracy without a scored item');
    assert.deepEqual([echo.compat_num.n, echo.compat_num.n_correct, echo.compat_num.n_unparsed, echo.compat_num.n_errors],
                     [3, 0, 0, 0], 'compat-echo compat_num');
    assert.equal(echo.compat_num.tokens, undefined, 'mock-llm reports no usage: no token counts, never zeros');

    const items = readLines(path.join(out, 'runs', runId, 'items.jsonl'));
    const item = (model, id) => items.find((i) => i.model === model && i.item_id === id);
    assert.equal(item('compat-good', 'mc1').extracted, 'B');
    assert.equal(item('compat-good', 'mc3').correct, false);
    assert.equal(item('compat-good', 'mc4').parsed, false);
    assert.equal(item('compat-good', 'num2').correct, true, '"1,000" is 1000');
    const refused = item('compat-good', 'mc5');
    assert.equal(refused.error_kind, 'http_status');
    assert.equal(refused.http_status, 400);
    assert.match(refused.error, /compat-mc5 is refused by policy/);
    const echoed = item('compat-echo', 'mc1');
    assert.equal(echoed.http_status, 500);
    assert.equal(echoed.attempts, 2, '--retries 1: a 500 is sent twice');
    // mock-llm's own error body {"error": "SyntaxError", "message": "...", "status": 500}: both parts shown.
    assert.match(echoed.error, /SyntaxError: \S/);
    assert.ok(!JSON.stringify(items).includes(key), 'the key is stored nowhere');

    // mock-llm serves no /v1/embeddings: express's 404 "Cannot POST /v1/embeddings" reads as an
    // unknown model, so the hint quotes the server.
    const config = writeModelsConfig(port, ['compat-good', { id: 'compat-embed', kind: 'embedding' }]);
    const check = await llmbench(['models', 'test', ...config, '--models', 'compat-good,compat-embed', '--format', 'json']);
    assert.equal(check.code, 1);
    const [goodCheck, embedCheck] = JSON.parse(check.stdout);
    assert.deepEqual([goodCheck.model, goodCheck.outcome], ['compat-good', 'ok']);
    assert.deepEqual([embedCheck.model, embedCheck.outcome, embedCheck.http_status], ['compat-embed', 'unknown model', 404]);
    assert.match(embedCheck.hint, /the server said: HTTP 404: Not Found: Cannot POST \/v1\/embeddings/);
  },

  // Tier judge on 3 shipped RAG items, each judged twice (repeats 0 and 1) by each judge:
  // compat-judge always says {"score": 4}, compat-judge-vague never gives a score.
  async judge(port) {
    const r = await llmbench(['run', ...writeModelsConfig(port, ['compat-judge', 'compat-judge-vague']),
      '--tier', 'judge', '--limit', '3', '--judge-models', 'compat-judge,compat-judge-vague',
      '--output-dir', out, '--no-cache', '--run-id', runId, '--progress', 'none']);
    assert.equal(r.code, 1, 'exit 1: compat-judge-vague failed every verdict');
    const run = lastRun();
    const judge = modelRun(run, 'judge_model', 'compat-judge').metrics.tier_judge;
    assert.deepEqual([judge.total_items, judge.total_verdicts, judge.failed_verdicts], [3, 6, 0]);
    assert.equal(judge.avg_score, 4);
    assert.equal(judge.consistency_score, 1, 'both repeats agree on every item');
    assert.equal(judge.error_rate, 0);
    const vague = modelRun(run, 'judge_model', 'compat-judge-vague').metrics.tier_judge;
    assert.deepEqual([vague.total_items, vague.total_verdicts, vague.failed_verdicts], [3, 6, 6]);
    assert.equal(vague.error_rate, 1);
    assert.equal(vague.avg_score, undefined, 'no score is never a fake score');
    const items = readLines(path.join(out, 'runs', runId, 'items.jsonl'));
    assert.equal(items.filter((i) => i.model === 'compat-judge' && i.score === 4).length, 6);
  },

  // An arena of two models over 3 prompts, judged in both orders by compat-judge, which prefers
  // ALPHA wherever it is shown and calls the third prompt a tie.
  async arena(port) {
    const r = await llmbench(['arena', 'run', ...writeModelsConfig(port, ['compat-alpha', 'compat-beta', 'compat-judge']),
      '--generation-models', 'compat-alpha,compat-beta', '--judge-models', 'compat-judge',
      '--dataset', path.join(here, 'data/arena_prompts.jsonl'), '--bootstrap-rounds', '100',
      '--output-dir', out, '--no-cache', '--run-id', runId, '--progress', 'none']);
    assert.equal(r.code, 0);
    const arena = lastRun().arena;
    assert.deepEqual([arena.prompts, arena.battles_total, arena.battles_rated, arena.battles_failed], [3, 6, 6, 0]);
    const [first, second] = arena.leaderboard;
    assert.equal(first.model, 'compat-alpha');
    assert.deepEqual([first.wins, first.losses, first.ties], [4, 0, 2]);
    assert.deepEqual([second.wins, second.losses, second.ties], [0, 4, 2]);
    assert.ok(first.rating > 1000 && second.rating < 1000);
    assert.ok(Math.abs(first.rating + second.rating - 2000) < 1e-6, 'ratings are centred on 1000');
    const bias = arena.judge_bias.find((b) => b.judge_model === 'compat-judge');
    assert.equal(bias.flip_rate, 0, 'the judge never changes its mind when the answers swap');
    assert.equal(bias.position_a_win_rate, 0.5);
    const battles = readLines(path.join(out, 'runs', runId, 'battles.jsonl'));
    assert.equal(battles.length, 6);
    for (const b of battles) {
      const winner = { a: b.model_a, b: b.model_b }[b.winner] ?? b.winner;  // winner: a, b (as shown) or tie
      assert.equal(winner, b.prompt_id === 'a3' ? 'tie' : 'compat-alpha', `battle ${b.battle_id}`);
    }
  },
};

// ---- main ----------------------------------------------------------------------------------
if (!scenarios[scenario]) {
  process.stderr.write(`usage: compat.test.mjs ${Object.keys(scenarios).join('|')}\n`);
  process.exit(2);
}
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const started = Date.now();
const server = await startMockLlm(path.join(here, `${scenario}.mock-llm.yaml`));
let failed = false;
try {
  await scenarios[scenario](server.address().port);
} catch (error) {
  failed = true;
  process.stderr.write(`FAILED: ${error.stack}\n`);
  for (const log of fs.readdirSync(out).filter((f) => f.startsWith('llmbench-'))) {
    process.stderr.write(`\n== ${log}\n${fs.readFileSync(path.join(out, log), 'utf8').slice(0, 6000)}\n`);
  }
} finally {
  server.close();
  server.closeAllConnections?.();
}
process.stdout.write(`compat ${scenario}: ${failed ? 'FAILED' : 'ok'} in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
                     `(node ${process.version}, mock-llm from ${process.env.COMPAT_NODE_DIR}; logs in ${out})\n`);
process.exit(failed ? 1 : 0);
