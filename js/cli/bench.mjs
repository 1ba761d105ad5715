// qwasm bench: time a model's run() in this process (median / min / max over timed runs) and, with --profile,
// where the time goes per op (the session's own per-op timer). A measurement tool, not a comparison: for qwasm
// against onnxruntime-web on the same files, see bench/models.mjs.
import { readFile } from 'node:fs/promises';
import * as qwasm from '../index.mjs';
import { parseNpy } from '../npy.mjs';
import { parseDims, zeroFeeds } from './info.mjs';

export const summary = 'time a model (median/min/max ms per run) and, with --profile, per-op time';
export const usage = `Usage: qwasm bench MODEL.onnx [--runs N] [--warmup W] [--threads T | --no-threads] [--dim NAME=N ...]
                   [--input [NAME=]X.npy ...] [--profile] [--top K] [--json]

Runs the model --warmup times (by default for at least a second, so that V8 has compiled the hot wasm functions
with its optimizing tier: figures taken earlier can be twice as slow), then --runs timed times, on the given .npy inputs or on seeded uniform [-1, 1)
values (zeros for integer inputs), symbolic dims taken as 1 unless --dim says otherwise. Times include copying
inputs in and outputs out, as InferenceSession.run() does.
  --runs N          timed runs (default 50)
  --warmup W        untimed runs first (default: 5 and at least 1 s of runs)
  --threads T       threads of the pthreads module (default: all cores); --no-threads: single-threaded module
  --dim NAME=N      value of a symbolic input dimension (repeatable)
  --input [NAME=]X  an input from a .npy file (repeatable; others are generated)
  --profile         per-op time over the timed runs, slowest first, and the total per op type
  --top K           rows of the per-op table (default 25)
  --json            print one JSON object instead of tables`;

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function seededFeeds(session, dims) {
  const { feeds, error } = zeroFeeds(session, dims);
  if (error) throw new Error(`cannot make inputs: ${error} (give --input)`);
  let state = 20261123;
  for (const [name, t] of Object.entries(feeds)) {
    if (t.type !== 'float32') continue;
    const data = new Float32Array(t.data.length);
    for (let i = 0; i < data.length; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      data[i] = state / 2 ** 31 - 1;
    }
    feeds[name] = new qwasm.Tensor('float32', data, t.dims);
  }
  return feeds;
}

async function readInputs(specs, session, feeds) {
  const free = session.inputNames.filter((n) => !specs.some((s) => s.startsWith(`${n}=`)));
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const named = eq > 0 && session.inputNames.includes(spec.slice(0, eq));
    const name = named ? spec.slice(0, eq) : free.shift();
    const file = named ? spec.slice(eq + 1) : spec;
    if (name === undefined) throw new Error(`--input ${spec}: the model has no input left to feed`);
    const a = parseNpy(await readFile(file), file);
    feeds[name] = new qwasm.Tensor(a.dtype, a.data, a.dims);
  }
}

export async function run(argv) {
  const o = { runs: 50, warmup: 5, warmupMs: 1000, threads: 'auto', profile: false, json: false, top: 25 };
  const dimArgs = [];
  const inputs = [];
  const positional = [];
  const int = (name, v) => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 0) throw new Error(`option ${name} needs a non-negative integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') o.runs = Math.max(1, int(a, argv[++i]));
    else if (a === '--warmup') o.warmup = int(a, argv[++i]), o.warmupMs = 0;
    else if (a === '--top') o.top = int(a, argv[++i]);
    else if (a === '--threads') o.threads = Math.max(1, int(a, argv[++i]));
    else if (a === '--no-threads') o.threads = false;
    else if (a === '--profile') o.profile = true;
    else if (a === '--json') o.json = true;
    else if (a === '--dim' || a === '--input') {
      if (argv[i + 1] === undefined) throw new Error(`option ${a} needs a value`);
      (a === '--dim' ? dimArgs : inputs).push(argv[++i]);
    } else if (a.startsWith('--')) throw new Error(`unknown option '${a}'`);
    else positional.push(a);
  }
  if (positional.length !== 1) throw new Error('expected one MODEL.onnx');
  await qwasm.init({ threads: o.threads });
  if (typeof o.threads === 'number') qwasm.setThreadCount(o.threads);
  const t0 = performance.now();
  const session = await qwasm.InferenceSession.create(positional[0]);
  const loadMs = performance.now() - t0;
  try {
    const feeds = seededFeeds(session, parseDims(dimArgs));
    await readInputs(inputs, session, feeds);
    const warm0 = performance.now();
    for (let i = 0; i < o.warmup || performance.now() - warm0 < o.warmupMs; i++) await session.run(feeds);
    if (o.profile) session.enableProfiling(true);
    const times = [];
    for (let i = 0; i < o.runs; i++) {
      const s = performance.now();
      await session.run(feeds);
      times.push(performance.now() - s);
    }
    const f = qwasm.features();
    const result = {
      model: positional[0], build: f.build, threads: f.threadCount, loadMs, runs: o.runs,
      medianMs: median(times), meanMs: times.reduce((a, b) => a + b, 0) / times.length, minMs: Math.min(...times),
      maxMs: Math.max(...times),
      inputs: Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, t.dims])),
      peakActivationBytes: session.peakActivationBytes,
    };
    if (o.profile) {
      const p = session.profile();
      const byOp = new Map();
      for (const e of p.ops) byOp.set(e.op, (byOp.get(e.op) ?? 0) + e.ms);
      result.profile = {
        msPerRun: p.totalMs / p.runs,
        ops: p.ops.map((e) => ({ node: e.node, op: e.op, kernel: e.kernel, msPerRun: e.ms / p.runs, share: e.share })),
        byOpType: [...byOp].sort((a, b) => b[1] - a[1])
          .map(([op, ms]) => ({ op, msPerRun: ms / p.runs, share: p.totalMs > 0 ? ms / p.totalMs : 0 })),
      };
    }
    if (o.json) {
      console.log(JSON.stringify(result, null, 1));
      return 0;
    }
    const ms = (v) => (v < 1 ? v.toFixed(3) : v.toFixed(2));
    console.log(`${result.model}: ${result.build}, ${result.threads} thread(s), inputs ${JSON.stringify(result.inputs)}`);
    console.log(`  load ${ms(loadMs)} ms | run: median ${ms(result.medianMs)} ms, min ${ms(result.minMs)}, ` +
      `max ${ms(result.maxMs)}, mean ${ms(result.meanMs)} over ${o.runs} runs | peak activations ${result.peakActivationBytes} bytes`);
    if (result.profile) {
      const pr = result.profile;
      // Per-op times are sums over the timed runs divided by their count: means, so a run the OS preempted counts.
      console.log(`\nper-op time (mean ${ms(pr.msPerRun)} ms per run inside ops; slowest ${Math.min(o.top, pr.ops.length)} ` +
        `of ${pr.ops.length}):`);
      console.log(`  ${'ms/run'.padStart(8)} ${'share'.padStart(6)}  ${'op'.padEnd(18)} ${'kernel'.padEnd(28)} node`);
      for (const e of pr.ops.slice(0, o.top)) {
        console.log(`  ${ms(e.msPerRun).padStart(8)} ${`${(e.share * 100).toFixed(1)}%`.padStart(6)}  ` +
          `${e.op.padEnd(18)} ${e.kernel.padEnd(28)} ${e.node}`);
      }
      console.log('\nby op type:');
      for (const e of pr.byOpType) {
        console.log(`  ${ms(e.msPerRun).padStart(8)} ${`${(e.share * 100).toFixed(1)}%`.padStart(6)}  ${e.op}`);
      }
    }
  } finally {
    session.dispose();
  }
  return 0;
}
