#!/usr/bin/env node
// Whole models, qwasm against onnxruntime-web (issue #8), in ONE Node process with interleaved rounds:
//   qwasm st    the single-threaded module (dist/qwasm.mjs)
//   qwasm mt1   the pthreads module (dist/qwasm-mt-node.cjs) with setThreadCount(1)
//   qwasm mt2   the pthreads module with 2 threads
//   ort 1       onnxruntime-web, wasm backend, numThreads 1 (dist/ort.wasm.min.mjs: it bundles its own
//               onnxruntime-common, so its env is separate from ...)
//   ort 2       onnxruntime-web, wasm backend, numThreads 2 (dist/ort.node.min.mjs, the Node entry, which
//               runs ORT's pthreads on worker_threads)
// on the same ONNX files with the same input. A process can hold one qwasm module per copy of js/ (the module
// state lives in js/module.mjs), so the single-threaded instance is imported from a temporary copy of js/.
//
// Models: every *.onnx in bench/models/ (scripts/generate_bench_models.py writes pt_/tx_ MobileNetV2 and
// ResNet-18 there) and models/fashion_mnist_int8.onnx. Input: 224x224 models get seeded uniform [-2, 2) floats
// (tests/js/seeded.mjs); Fashion-MNIST gets the first test image / 255.
//
// Printed per model and engine: load (create) time, median / min / max ms per run over all timed runs of all
// rounds, the ratio qwasm / ORT, qwasm's peak activation bytes and session heap, the max |qwasm - ORT| output
// difference (also in output quantization steps when the model's output Dequantize scale is known) and top-1
// agreement. Also the .wasm sizes raw and gzipped. Writes bench/results/models.json. Not a test: no thresholds.
//
//   node bench/models.mjs [--rounds R] [--runs N] [--warmup W] [--load-rounds L] [--only a,b] [--dir DIR]
//                         [--dist DIR] [--engines st,mt1,mt2,ort1,ort2] [--no-write]
//   --runs: timed runs per engine per model per round (default: about 0.6 s worth, 3..20); --only: model file
//   names (or substrings) to keep; --dist: qwasm's built modules (default dist/).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parseNpy } from '../js/npy.mjs';
import { seededFloats } from '../tests/js/seeded.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const args = process.argv.slice(2);
const has = (name) => args.includes(name);
const str = (name, dflt) => (has(name) ? args[args.indexOf(name) + 1] : dflt);
const num = (name, dflt) => (has(name) ? Number(str(name)) : dflt);
const ROUNDS = num('--rounds', 5);
const RUNS = num('--runs', 0);
const WARMUP = num('--warmup', 3);
const LOAD_ROUNDS = num('--load-rounds', 3);
const DIR = path.resolve(str('--dir', path.join(here, 'models')));
const DIST = path.resolve(str('--dist', path.join(root, 'dist')));
const ONLY = has('--only') ? str('--only').split(',') : null;
const ENGINES = str('--engines', 'st,mt1,mt2,ort1,ort2').split(',');
const ORT_DIST = path.join(root, 'node_modules/onnxruntime-web/dist');

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmtMs = (v) => (v === undefined ? '-' : v < 1 ? v.toFixed(3) : v < 10 ? v.toFixed(2) : v.toFixed(1));
const fmtBytes = (v) => (v === undefined ? '-' : v >= 1 << 20 ? `${(v / (1 << 20)).toFixed(2)} MiB` : `${(v / 1024).toFixed(1)} KiB`);

// ---------------------------------------------------------------------------------------------- models
function listModels() {
  const files = [];
  if (existsSync(DIR)) {
    for (const f of readdirSync(DIR).filter((x) => x.endsWith('.onnx')).sort()) files.push(path.join(DIR, f));
  } else {
    console.log(`(no ${path.relative(root, DIR)}/: run /usr/bin/python3 scripts/generate_bench_models.py for MobileNetV2 / ResNet-18)`);
  }
  files.push(path.join(root, 'models/fashion_mnist_int8.onnx'));
  return files.filter((f) => !ONLY || ONLY.some((o) => path.basename(f).includes(o)));
}

// The quantization step of the model's output: the scale of the uint8 tensor that the final Dequantize reads,
// found in qwasm's describe() (the node writing the graph output, or else the last node with qparams).
function outputStepOf(describe) {
  const outName = describe.outputs?.[0]?.name;
  const nodes = describe.nodes ?? [];
  const scaleOf = (n, tensor) => n.qparams?.find((q) => q.tensor === tensor)?.scale?.[0];
  const last = nodes.find((n) => n.outputs?.some((o) => o.name === outName));
  if (last && scaleOf(last, last.inputs?.[0]?.name) !== undefined) return scaleOf(last, last.inputs[0].name);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const s = scaleOf(nodes[i], nodes[i].outputs?.[0]?.name);
    if (s !== undefined) return s;
  }
  return undefined;
}

function makeInput(file, dims) {
  const count = dims.reduce((a, b) => a * b, 1);
  if (path.basename(file).startsWith('fashion_mnist')) {
    const test = parseNpy(new Uint8Array(readFileSync(path.join(root, 'models/fashion_mnist_test.npy'))));
    const x = new Float32Array(count);
    for (let i = 0; i < count; i++) x[i] = test.data[i % test.data.length] / 255;
    return x;
  }
  return seededFloats(count, 1, 2);
}

// ---------------------------------------------------------------------------------------------- engines
async function loadQwasm(kind) {
  let dir = path.join(root, 'js');
  if (kind === 'st') {
    // A second, independent copy of the JS API (its own module state) for the single-threaded module.
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'qwasm-bench-js-'));
    cpSync(dir, path.join(tmp, 'js'), { recursive: true });
    dir = path.join(tmp, 'js');
    process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  }
  const qwasm = await import(pathToFileURL(path.join(dir, 'index.mjs')).href);
  const t0 = performance.now();
  await qwasm.init({ threads: kind === 'st' ? false : 2, distUrl: pathToFileURL(`${DIST}/`) });
  const initMs = performance.now() - t0;
  // One create on the small default model first (as for ORT), so that the first model's load time does not
  // include compiling the create path.
  (await qwasm.InferenceSession.create(readFileSync(path.join(root, 'models/fashion_mnist_int8.onnx')))).dispose();
  return { qwasm, initMs };
}

// An engine that fails to load is reported and left out; the others still run.
async function makeEngines() {
  const engines = [];
  const failed = [];
  const need = (k) => ENGINES.includes(k);
  const attempt = async (label, make) => {
    try {
      await make();
    } catch (e) {
      failed.push({ name: label, error: String(e?.message ?? e).split('\n')[0].slice(0, 300) });
      console.log(`  ${label}: cannot load: ${failed.at(-1).error}`);
    }
  };
  if (need('st')) {
    await attempt('qwasm st', async () => {
      const { qwasm, initMs } = await loadQwasm('st');
      engines.push(qwasmEngine('qwasm st', qwasm, null, initMs));
    });
  }
  if (need('mt1') || need('mt2')) {
    await attempt('qwasm mt', async () => {
      const { qwasm, initMs } = await loadQwasm('mt');
      if (need('mt1')) engines.push(qwasmEngine('qwasm mt1', qwasm, 1, initMs));
      if (need('mt2')) engines.push(qwasmEngine('qwasm mt2', qwasm, 2, initMs));
    });
  }
  if (need('ort1')) await attempt('ort 1', async () => engines.push(await ortEngine('ort 1', 'ort.wasm.min.mjs', 1)));
  if (need('ort2')) await attempt('ort 2', async () => engines.push(await ortEngine('ort 2', 'ort.node.min.mjs', 2)));
  return { engines, failed };
}

function qwasmEngine(name, qwasm, threads, initMs) {
  const f = qwasm.features();
  return {
    name, kind: 'qwasm', initMs, threads: threads ?? 1, build: f.build,
    select() {
      if (threads !== null) qwasm.setThreadCount(threads);
    },
    async create(bytes) { return qwasm.InferenceSession.create(bytes); },
    tensor(data, dims) { return new qwasm.Tensor('float32', data, dims); },
    async run(session, feeds) { return session.run(feeds); },
    async dispose(session) { session.dispose(); },
    memory(session) {
      const d = session.describe();
      return { peakActivationBytes: session.peakActivationBytes, outputStep: outputStepOf(d), nodes: d.nodes?.length,
        kernels: kernelHistogram(d) };
    },
    stats: () => qwasm.stats(),
  };
}

// Per kernel: how many nodes use it and the multiply-accumulates they do (QConv: output elements x Cin/group
// x kh x kw from the weight shape; QLinear: batch x Cout x K). Not a time profile: the JS API has none.
function kernelHistogram(d) {
  const h = {};
  const prod = (a) => a.reduce((x, y) => x * (typeof y === 'number' ? y : 1), 1);
  for (const n of d.nodes ?? []) {
    const key = `${n.op} ${n.kernel ?? ''}`.trim();
    const row = (h[key] ??= { nodes: 0, macs: 0 });
    row.nodes++;
    const w = n.inputs?.[1]?.shape;
    const out = n.outputs?.[0]?.shape;
    if ((n.op === 'QConv' || n.op === 'QLinear') && w && out) row.macs += prod(out) * prod(w.slice(1));
  }
  return h;
}

async function ortEngine(name, file, threads) {
  const t0 = performance.now();
  const ort = await import(pathToFileURL(path.join(ORT_DIST, file)).href);
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  const options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
  // ORT instantiates its wasm (and its thread pool) on the first create: do it here, on the small default
  // model, so that the models' load times do not include it.
  const first = await ort.InferenceSession.create(readFileSync(path.join(root, 'models/fashion_mnist_int8.onnx')), options);
  await first.release();
  return {
    name, kind: 'ort', threads, initMs: performance.now() - t0, ort,
    select() {},
    async create(bytes) { return ort.InferenceSession.create(bytes, options); },
    tensor(data, dims) { return new ort.Tensor('float32', data, dims); },
    async run(session, feeds) { return session.run(feeds); },
    async dispose(session) { await session.release(); },
    memory() { return {}; },
  };
}

// ---------------------------------------------------------------------------------------------- measuring
function compare(a, b) {
  let maxAbs = 0;
  let maxRef = 0;
  for (let i = 0; i < a.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
    maxRef = Math.max(maxRef, Math.abs(b[i]));
  }
  const argmax = (x) => x.reduce((best, v, i) => (v > x[best] ? i : best), 0);
  return { maxAbs, maxRef, top1Same: argmax(a) === argmax(b), identical: maxAbs === 0 };
}

// Times `count` runs; also returns the process CPU time they used (all threads, incl. ORT's and qwasm's pool
// workers) over their wall time: about 2 when two threads really ran in parallel, about 1 otherwise.
async function timeRuns(engine, session, feeds, count) {
  engine.select();
  const out = [];
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await engine.run(session, feeds);
    out.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  return { times: out, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - wall0 };
}

function wasmSizes() {
  const rows = [];
  const add = (label, file) => {
    if (!existsSync(file)) return;
    const bytes = readFileSync(file);
    rows.push({ file: label, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  };
  for (const f of ['qwasm.wasm', 'qwasm-mt.wasm', 'qwasm-mt-node.wasm']) add(`qwasm ${f}`, path.join(DIST, f));
  for (const f of readdirSync(ORT_DIST).filter((x) => x.endsWith('.wasm')).sort()) add(`onnxruntime-web ${f}`, path.join(ORT_DIST, f));
  return rows;
}

async function main() {
  const started = new Date();
  const models = listModels();
  const { engines, failed } = await makeEngines();
  console.log(`Node ${process.version}, ${os.cpus()[0]?.model} x${os.cpus().length}, load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  for (const e of engines) {
    console.log(`  ${e.name}: ${e.kind === 'qwasm' ? `build ${e.build}` : `onnxruntime-web ${e.ort.env.versions?.web}, numThreads ${e.ort.env.wasm.numThreads}`}, module init ${fmtMs(e.initMs)} ms`);
  }

  const results = [];
  for (const file of models) {
    const bytes = new Uint8Array(readFileSync(file));
    const r = { model: path.relative(root, file), bytes: bytes.length, engines: {} };
    results.push(r);
    // Load: LOAD_ROUNDS interleaved creates per engine (the last session is kept for the runs).
    const sessions = new Map();
    const loads = new Map(engines.map((e) => [e, []]));
    const errors = new Map();
    for (let k = 0; k < LOAD_ROUNDS; k++) {
      for (const e of engines) {
        if (errors.has(e)) continue;
        try {
          const prev = sessions.get(e);
          if (prev) await e.dispose(prev);
          e.select();
          const t0 = performance.now();
          const s = await e.create(bytes);
          loads.get(e).push(performance.now() - t0);
          sessions.set(e, s);
        } catch (err) {
          errors.set(e, err.message.split('\n')[0].slice(0, 300));
          sessions.delete(e);
        }
      }
    }
    const live = engines.filter((e) => sessions.has(e));
    for (const [e, msg] of errors) {
      r.engines[e.name] = { error: msg };
      console.log(`  ${e.name} cannot load ${r.model}: ${msg}`);
    }
    if (live.length === 0) continue;

    // Input, warm-up, outputs.
    const meta = live[0].kind === 'qwasm' ? sessions.get(live[0]).inputMetadata[0] : null;
    const inputName = sessions.get(live[0]).inputNames[0];
    const dims = path.basename(file).startsWith('fashion_mnist') ? [1, 1, 28, 28] :
      (meta?.shape ?? [1, 3, 224, 224]).map((d) => (typeof d === 'number' ? d : 1));
    const data = makeInput(file, dims);
    const outputs = new Map();
    const warmMs = new Map();
    for (const e of live) {
      e.select();
      const feeds = { [inputName]: e.tensor(data, dims) };
      let out;
      for (let w = 0; w < Math.max(1, WARMUP); w++) {
        const t0 = performance.now();
        out = await e.run(sessions.get(e), feeds);
        warmMs.set(e, performance.now() - t0);  // the last warm-up run sizes the timed rounds
      }
      const first = Object.values(out)[0];
      outputs.set(e, Float32Array.from(first.data));
    }
    const slowest = Math.max(...warmMs.values());
    // About 0.4 s of the slowest engine per round (at least 5, at most 200 runs).
    const runs = RUNS || Math.min(200, Math.max(5, Math.round(400 / slowest)));

    // Timed: ROUNDS rounds; in each, every engine does `runs` runs; the engine order rotates per round.
    const times = new Map(live.map((e) => [e, []]));
    const roundMedians = new Map(live.map((e) => [e, []]));
    const cpuWall = new Map(live.map((e) => [e, { cpuMs: 0, wallMs: 0 }]));
    for (let round = 0; round < ROUNDS; round++) {
      for (let j = 0; j < live.length; j++) {
        const e = live[(j + round) % live.length];
        const feeds = { [inputName]: e.tensor(data, dims) };
        const { times: t, cpuMs, wallMs } = await timeRuns(e, sessions.get(e), feeds, runs);
        times.get(e).push(...t);
        roundMedians.get(e).push(median(t));
        cpuWall.get(e).cpuMs += cpuMs;
        cpuWall.get(e).wallMs += wallMs;
      }
    }

    // PyTorch's own output for pt_ files (scripts/generate_bench_models.py wrote it for this very input).
    const torchFile = path.join(path.dirname(file), `${path.basename(file, '.onnx').replace(/^pt_/, '')}_pytorch_output.npy`);
    const torchInput = torchFile.replace('_pytorch_output.npy', '_bench_input.npy');
    let torchOut = null;
    if (path.basename(file).startsWith('pt_') && existsSync(torchFile) && existsSync(torchInput)) {
      const inp = parseNpy(new Uint8Array(readFileSync(torchInput))).data;
      if (inp.length === data.length && inp.every((v, i) => v === data[i])) {
        torchOut = Float32Array.from(parseNpy(new Uint8Array(readFileSync(torchFile))).data);
      } else {
        console.log(`  (${path.basename(torchInput)} differs from this input: no PyTorch comparison)`);
      }
    }
    const ref = live.find((e) => e.name === 'ort 1') ?? live.find((e) => e.kind === 'ort');
    const qref = live.find((e) => e.kind === 'qwasm');
    for (const e of live) {
      const t = times.get(e);
      let mem;
      try {
        mem = e.memory(sessions.get(e));
      } catch (err) {
        mem = { memoryError: String(err?.message ?? err).split('\n')[0].slice(0, 200) };
      }
      const entry = {
        threads: e.threads, loadMs: median(loads.get(e)), loadMsAll: loads.get(e), runs: t.length,
        medianMs: median(t), minMs: Math.min(...t), maxMs: Math.max(...t), roundMedians: roundMedians.get(e),
        cpuPerWall: cpuWall.get(e).cpuMs / cpuWall.get(e).wallMs,
        ...mem,
      };
      if (torchOut) entry.vsPyTorch = compare(outputs.get(e), torchOut);
      if (ref && e !== ref) entry.vsOrt1 = compare(outputs.get(e), outputs.get(ref));
      if (qref && e !== qref && e.kind === 'qwasm') entry.vsQwasmSt = compare(outputs.get(e), outputs.get(qref));
      r.engines[e.name] = entry;
    }
    // Session heap of the single-threaded qwasm instance: heap in use with this session alive vs after dispose.
    const st = live.find((e) => e.name === 'qwasm st') ?? qref;
    if (st) {
      const before = st.stats().heapBytes;
      await st.dispose(sessions.get(st));
      sessions.delete(st);
      r.engines[st.name].sessionHeapBytes = before - st.stats().heapBytes;
    }
    for (const [e, s] of sessions) await e.dispose(s);
    printModel(r);
  }

  const sizes = wasmSizes();
  console.log('\n.wasm sizes (gzip -9):');
  for (const s of sizes) console.log(`  ${s.file.padEnd(56)} ${String(s.bytes).padStart(10)} B  ${String(s.gzip).padStart(9)} B gz`);
  printSummary(results);

  const report = {
    date: started.toISOString(), node: process.version, cpu: os.cpus()[0]?.model, cpus: os.cpus().length,
    loadAverageStart: os.loadavg(), rounds: ROUNDS, warmup: WARMUP, dist: DIST,
    engines: engines.map((e) => ({ name: e.name, kind: e.kind, threads: e.threads, build: e.build, initMs: e.initMs })),
    enginesFailed: failed,
    models: results, wasmSizes: sizes,
    profile: 'qwasm\'s JS API exposes no per-op profile (InferenceSession has no profiling method)',
  };
  if (!has('--no-write')) {
    mkdirSync(path.join(here, 'results'), { recursive: true });
    writeFileSync(path.join(here, 'results', 'models.json'), `${JSON.stringify(report, null, 1)}\n`);
    console.log(`\nwrote ${path.relative(root, path.join(here, 'results', 'models.json'))}`);
  }
}

function printModel(r) {
  console.log(`\n${r.model} (${r.bytes.toLocaleString('en-US')} bytes)`);
  console.log('  engine      load ms   median    min      max   runs  cpu/wall  vs ORT         peak act    session heap');
  const ort1 = r.engines['ort 1']?.medianMs;
  const ort2 = r.engines['ort 2']?.medianMs;
  for (const [name, e] of Object.entries(r.engines)) {
    if (e.error) {
      console.log(`  ${name.padEnd(10)} error: ${e.error}`);
      continue;
    }
    const ratio = name.startsWith('qwasm') ? (e.threads === 2 ? (ort2 ? `${(e.medianMs / ort2).toFixed(2)}x ort2` : '')
      : (ort1 ? `${(e.medianMs / ort1).toFixed(2)}x ort1` : '')) : '';
    console.log(`  ${name.padEnd(10)} ${fmtMs(e.loadMs).padStart(8)} ${fmtMs(e.medianMs).padStart(8)} ${fmtMs(e.minMs).padStart(8)} ${
      fmtMs(e.maxMs).padStart(8)} ${String(e.runs).padStart(5)}  ${e.cpuPerWall.toFixed(2).padStart(8)}  ${ratio.padEnd(14)} ${fmtBytes(e.peakActivationBytes).padStart(10)} ${
      fmtBytes(e.sessionHeapBytes).padStart(12)}`);
  }
  for (const [name, e] of Object.entries(r.engines)) {
    if (e.vsOrt1) {
      const step = e.outputStep ?? r.engines['qwasm st']?.outputStep;
      console.log(`  ${name} vs ort 1: max |diff| ${e.vsOrt1.maxAbs.toPrecision(4)}${step ? ` (${(e.vsOrt1.maxAbs / step).toFixed(1)} output steps of ${step.toPrecision(4)})` : ''}, max |ort| ${
        e.vsOrt1.maxRef.toPrecision(4)}, top-1 ${e.vsOrt1.top1Same ? 'same' : 'DIFFERENT'}`);
    }
    if (e.vsPyTorch) {
      console.log(`  ${name} vs PyTorch: ${e.vsPyTorch.identical ? 'bit-identical' : `max |diff| ${e.vsPyTorch.maxAbs.toPrecision(4)}, top-1 ${e.vsPyTorch.top1Same ? 'same' : 'DIFFERENT'}`}`);
    }
    if (name === 'qwasm st' && e.kernels) {
      const total = Object.values(e.kernels).reduce((a, k) => a + k.macs, 0);
      console.log(`  qwasm st: ${(total / 1e6).toFixed(1)} M MAC, ${(total / e.medianMs / 1e6).toFixed(2)} GMAC/s overall; MACs by kernel: ${
        Object.entries(e.kernels).filter(([, k]) => k.macs > 0).sort((a, b) => b[1].macs - a[1].macs)
          .map(([k, v]) => `${k} x${v.nodes} ${(100 * v.macs / total).toFixed(1)}%`).join(', ')}`);
    }
    if (e.vsQwasmSt) console.log(`  ${name} vs qwasm st: ${e.vsQwasmSt.identical ? 'bit-identical' : `max |diff| ${e.vsQwasmSt.maxAbs} (NOT identical)`}`);
  }
}

function printSummary(results) {
  console.log('\nsummary (median ms; ratio < 1: qwasm faster)');
  console.log('  model                               qwasm st   ort 1   st/ort1   qwasm mt2   ort 2   mt2/ort2   st/mt2');
  for (const r of results) {
    const g = (n) => r.engines[n]?.medianMs;
    const q = (a, b) => (a && b ? (a / b).toFixed(2) : '-');
    console.log(`  ${r.model.padEnd(34)} ${fmtMs(g('qwasm st')).padStart(9)} ${fmtMs(g('ort 1')).padStart(7)} ${q(g('qwasm st'), g('ort 1')).padStart(9)} ${
      fmtMs(g('qwasm mt2')).padStart(11)} ${fmtMs(g('ort 2')).padStart(7)} ${q(g('qwasm mt2'), g('ort 2')).padStart(10)} ${q(g('qwasm st'), g('qwasm mt2')).padStart(8)}`);
  }
}

await main();
// ORT's and qwasm's pthread pools would otherwise keep Node alive.
process.exit(0);
