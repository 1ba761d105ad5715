#!/usr/bin/env node
// Observer throughput: each qwasm observer on 1M-element float32 batches through the JS API in Node, with the
// single-threaded module and (in a child process, as a process loads one module) the pthreads module with
// --mt-threads threads, and PyTorch's observers on the very same batches when python3-torch is installed
// (bench/torch_observers.py), run once with 1 thread and once with --mt-threads threads so that every ratio
// compares equal thread counts (PyTorch's own default here is 1 thread on this 2-vCPU VM). Times include copying
// each batch from its Float32Array into the wasm heap; one more row times the histogram observer on batches
// already in the heap (Observer.inputBuffer), and the copy alone; one line times its calculate_qparams.
// Prints a table and writes bench/results/observers.json. Not a test: no thresholds.
//   node bench/observers.mjs [--batches N] [--rounds R] [--mt-threads T] [--dist DIR] [--no-mt] [--no-torch]
//                            [--no-write]
// --dist: the directory holding the built modules (default dist/); --no-mt / --no-torch skip those columns;
// --no-write leaves bench/results/ alone.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as qwasm from '../js/index.mjs';
import { formatNpy } from '../js/npy.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const BATCHES = opt('--batches', 4);
const ROUNDS = opt('--rounds', 5);
const N = 1 << 20;
const MT_THREADS = opt('--mt-threads', 2);
const CHILD_THREADS = opt('--child-threads', 0);  // internal: this process measures the pthreads module only
const DIST = args.includes('--dist') ? args[args.indexOf('--dist') + 1] : null;

// Activation-like data: a Gaussian (Box-Muller over a seeded LCG) with a few outliers, and growing range per
// batch so that the histogram observer re-bins.
function makeBatches() {
  let seed = 99;
  const u = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const out = [];
  for (let b = 0; b < BATCHES; b++) {
    const x = new Float32Array(N);
    for (let i = 0; i < N; i++) x[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()) * (1 + b * 0.25);
    x[7] = 12 + b;
    out.push(x);
  }
  return out;
}

const OBSERVERS = [
  ['minmax', 'MinMaxObserver', {}],
  ['moving_average', 'MovingAverageMinMaxObserver', {}],
  ['per_channel_minmax', 'PerChannelMinMaxObserver', { chAxis: 1 }],
  ['moving_average_per_channel', 'MovingAveragePerChannelMinMaxObserver', { chAxis: 1 }],
  ['histogram', 'HistogramObserver', {}],
];
const DIMS = [16, 64, 32, 32];  // 1M elements, NCHW with 64 channels (per-channel observers use ch_axis 1)

function median(a) {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

function benchQwasm(batches) {
  const results = {};
  for (const [kind, torchName, options] of OBSERVERS) {
    const perBatch = [];
    const qparamsMs = [];  // calculate_qparams() after all batches (the histogram's L2 search), once per round
    for (let r = -1; r < ROUNDS; r++) {  // round -1 warms up (V8 tiers the wasm code up), as PyTorch's side does
      const o = new qwasm.Observer(kind, options);
      for (const x of batches) {
        const t0 = performance.now();
        o.observe({ data: x, dims: DIMS });
        if (r >= 0) perBatch.push(performance.now() - t0);
      }
      const t0 = performance.now();
      o.qparams();
      if (r >= 0) qparamsMs.push(performance.now() - t0);
      o.dispose();
    }
    results[torchName] = { msPerBatch: median(perBatch), minMs: Math.min(...perBatch), qparamsMs: median(qparamsMs) };
  }
  // The histogram observer again with each batch already in the wasm heap (written into Observer.inputBuffer()
  // before the clock starts, as data a producer wrote there would be), and that copy timed on its own.
  const direct = [];
  const copies = [];
  for (let r = -1; r < ROUNDS; r++) {
    const o = new qwasm.Observer('histogram', {});
    for (const x of batches) {
      const t0 = performance.now();
      const view = o.inputBuffer(x.length);
      view.set(x);
      const t1 = performance.now();
      o.observe({ data: view, dims: DIMS });
      if (r >= 0) {
        copies.push(t1 - t0);
        direct.push(performance.now() - t1);
      }
    }
    o.dispose();
  }
  results.HistogramObserverInHeap = { msPerBatch: median(direct), minMs: Math.min(...direct),
    copyMs: median(copies), copyMinMs: Math.min(...copies) };
  return results;
}

// PyTorch's observers on the same batches, once per thread count (torch.set_num_threads), so that each qwasm
// column is compared with PyTorch on as many threads: { [threads]: result or { error } }.
function benchTorch(batches, threadCounts) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qwasm-bench-'));
  try {
    const files = batches.map((x, i) => {
      const f = path.join(dir, `batch${i}.npy`);
      writeFileSync(f, formatNpy(x, DIMS));
      return f;
    });
    const out = {};
    for (const threads of threadCounts) {
      const r = spawnSync('/usr/bin/python3', [path.join(here, 'torch_observers.py'), '--rounds', String(ROUNDS),
        '--threads', String(threads), ...files], { encoding: 'utf8' });
      out[threads] = r.status !== 0
        ? { error: (r.stderr || r.error?.message || 'python3 failed').trim().split('\n').pop() }
        : JSON.parse(r.stdout.trim().split('\n').pop());
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const distOption = DIST ? { distUrl: pathToFileURL(`${path.resolve(DIST)}/`) } : {};
if (CHILD_THREADS > 0) {
  await qwasm.init({ threads: CHILD_THREADS, ...distOption });
  const f = qwasm.features();
  console.log(JSON.stringify({ build: f.build, threadCount: f.threadCount, results: benchQwasm(makeBatches()) }));
  process.exit(0);
}

// The pthreads module with `threads` threads, measured by a child process; null if it cannot run.
function benchQwasmThreads(threads) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...args, '--child-threads', String(threads)],
    { encoding: 'utf8' });
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || 'failed').trim().split('\n').pop() };
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  return out.build === 'simd128-mt' ? out : { error: `loaded ${out.build}, not the pthreads module` };
}

await qwasm.init({ threads: false, ...distOption });
const batches = makeBatches();
const ours = benchQwasm(batches);
const mt = args.includes('--no-mt') ? { error: '--no-mt' } : benchQwasmThreads(MT_THREADS);
const torchRuns = args.includes('--no-torch') ? {} : benchTorch(batches, [...new Set([1, MT_THREADS])]);
const torch1 = torchRuns[1] ?? { error: '--no-torch' };
const torchN = torchRuns[MT_THREADS] ?? { error: '--no-torch' };
const fixed = (v, w, d = 2) => (v === null || v === undefined ? '-' : v.toFixed(d)).padStart(w);
const describe = (t) => (t.error ? `not measured (${t.error})` : `${t.torch_version}, ${t.threads} thread(s)`);
console.log(`observer throughput, ${N.toLocaleString()} elements per batch, ${BATCHES} batches x ${ROUNDS} rounds, median ms per batch`);
console.log(`qwasm ${qwasm.features().version} (${qwasm.features().build}; ${mt.error ? `pthreads module not measured: ${mt.error}` : `and ${mt.build} with ${mt.threadCount} threads`}; Node ${process.versions.node}); ` +
  `PyTorch: ${describe(torch1)}; ${describe(torchN)}`);
console.log('Each qwasm time is compared with PyTorch on the same number of threads.');
const T = MT_THREADS;
console.log(`observer                                 qwasm 1T ms   Melem/s  torch 1T ms   ratio  ` +
  `qwasm ${T}T ms  torch ${T}T ms   ratio`);
const rows = [];
function addRow(label, name, q, m, extra = {}) {
  const t1 = torch1.observers?.[name];
  const tn = torchN.observers?.[name];
  const row = { observer: label, qwasmMs: q.msPerBatch, qwasmMinMs: q.minMs, qwasmMelemPerS: N / q.msPerBatch / 1e3,
    torch1Ms: t1?.ms_per_batch ?? null, torch1MinMs: t1?.min_ms ?? null,
    speedup: t1 ? t1.ms_per_batch / q.msPerBatch : null,
    threads: T, qwasmThreadsMs: m?.msPerBatch ?? null, qwasmThreadsMinMs: m?.minMs ?? null,
    torchThreadsMs: tn?.ms_per_batch ?? null, torchThreadsMinMs: tn?.min_ms ?? null,
    speedupThreads: tn && m ? tn.ms_per_batch / m.msPerBatch : null, ...extra };
  rows.push(row);
  console.log(`${label.slice(0, 40).padEnd(40)} ${fixed(row.qwasmMs, 11)}  ${fixed(row.qwasmMelemPerS, 8, 0)}  ` +
    `${fixed(row.torch1Ms, 11)}  ${fixed(row.speedup, 5, 1)}x  ${fixed(row.qwasmThreadsMs, 11)}  ` +
    `${fixed(row.torchThreadsMs, 12)}  ${fixed(row.speedupThreads, 5, 1)}x`);
}
for (const [, name] of OBSERVERS) addRow(name, name, ours[name], mt.results?.[name]);
{
  const q = ours.HistogramObserverInHeap;
  addRow('HistogramObserver, batch in wasm heap', 'HistogramObserver', q, mt.results?.HistogramObserverInHeap,
    { copyMs: q.copyMs, copyMinMs: q.copyMinMs });
  const c = {
    qwasmMs: ours.HistogramObserver.qparamsMs, qwasmThreadsMs: mt.results?.HistogramObserver?.qparamsMs ?? null,
    torch1Ms: torch1.observers?.HistogramObserver?.calculate_qparams_ms ?? null,
    torchThreadsMs: torchN.observers?.HistogramObserver?.calculate_qparams_ms ?? null };
  rows.find((row) => row.observer === 'HistogramObserver').calculateQParams = c;
  console.log(`HistogramObserver.calculate_qparams (the L2 search, after the ${BATCHES} batches): qwasm ` +
    `${fixed(c.qwasmMs, 0)} ms (1 thread), ${fixed(c.qwasmThreadsMs, 0)} ms (${T} threads); PyTorch ` +
    `${fixed(c.torch1Ms, 0)} ms (1 thread), ${fixed(c.torchThreadsMs, 0)} ms (${T} threads)`);
  console.log(`(copying a batch into the wasm heap alone: median ${q.copyMs.toFixed(3)} ms, min ${q.copyMinMs.toFixed(3)} ms; ` +
    `load average ${os.loadavg().map((v) => v.toFixed(2)).join(' ')})`);
}
if (!args.includes('--no-write')) {
  mkdirSync(path.join(here, 'results'), { recursive: true });
  writeFileSync(path.join(here, 'results', 'observers.json'), JSON.stringify({ date: new Date().toISOString(),
    machine: `${os.cpus()[0].model}, ${os.cpus().length} cores`, node: process.versions.node,
    loadAverage: os.loadavg(), torch: torch1.error ? null : { version: torch1.torch_version, threads: [1, MT_THREADS] },
    rows }, null, 2));
}
