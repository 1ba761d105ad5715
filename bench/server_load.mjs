#!/usr/bin/env node
// Load test of the HTTP inference server (js/server.mjs + js/pool.mjs), issue #10. Not a test: no thresholds.
// For each engine, in turn:
//   1. a child process computes the engine's own reference logits for the test images with ONE plain session
//      (no pool, no HTTP); for qwasm they must also equal PyTorch's int8 logits bit for bit;
//   2. a second child process runs the server (the same pool and server code for every engine; only the
//      inference engine inside the workers differs, see bench/server_backends.mjs) on 127.0.0.1, port 0;
//   3. autocannon (in this process) sends POST /run JSON requests, one per test image in turn, over C keep-alive
//      connections for D seconds; every answer is checked against the reference bit for bit (so a lost or wrong
//      answer is counted, not assumed absent); the server's RSS (/proc/PID/status) is sampled every second.
// Engines: qwasm (single-threaded module per worker), ort-node (onnxruntime-node, native), ort-web
// (onnxruntime-web's wasm backend). Same workers x threads for all. onnxruntime-node is installed on first use
// into node_modules/.cache/qwasm-bench/ort-node with ONNXRUNTIME_NODE_INSTALL=skip: its postinstall otherwise
// downloads CUDA libraries from outside the npm registry (and fails offline).
//
//   node bench/server_load.mjs [--duration S] [--connections C] [--workers W] [--engines qwasm,ort-node,ort-web]
//                              [--images N] [--timeout-ms MS] [--max-queue Q] [--max-requests N] [--no-write]
// --max-queue (default 1024) below the connection count shows back-pressure: the surplus gets 503 QUEUE_FULL.
// Loopback only; bounded in time (duration per engine) and count (autocannon stops at --max-requests too).
// Writes bench/results/server_load.json.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseNpy } from '../js/npy.mjs';
import { ORT_NODE_PREFIX, ORT_NODE_VERSION } from './server_backends.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const MODEL = path.join(root, 'models/fashion_mnist_int8.onnx');
const args = process.argv.slice(2);
const has = (name) => args.includes(name);
const str = (name, dflt) => (has(name) ? args[args.indexOf(name) + 1] : dflt);
const num = (name, dflt) => (has(name) ? Number(str(name)) : dflt);

const npy = (name) => parseNpy(readFileSync(path.join(root, 'models', name)), name, { anyDtype: true });

function imageData(images, i) {
  const x = new Float32Array(784);
  for (let k = 0; k < 784; k++) x[k] = images.data[784 * i + k] / 255;
  return x;
}

// ------------------------------------------------------------------------------------------ child: reference
// One plain session of the engine, images one at a time (batch 1, as the server sees them); prints base64 logits.
async function reference(engine, count) {
  const images = npy('fashion_mnist_test.npy');
  const out = new Float32Array(count * 10);
  if (engine === 'qwasm') {
    const qwasm = await import('../js/index.mjs');
    await qwasm.init({ threads: false });
    const s = await qwasm.InferenceSession.create(MODEL);
    for (let i = 0; i < count; i++) {
      out.set((await s.run({ input: new qwasm.Tensor('float32', imageData(images, i), [1, 1, 28, 28]) })).logits.data, 10 * i);
    }
    s.dispose();
  } else {
    const { createBackend } = await import(`${pathToFileURL(path.join(here, 'server_backends.mjs')).href}?engine=${engine}`);
    const b = await createBackend({ model: new Uint8Array(readFileSync(MODEL)), threads: 1 });
    for (let i = 0; i < count; i++) {
      const [r] = await b.run([{ name: b.inputMetadata[0].name, type: 'float32', dims: [1, 1, 28, 28], data: imageData(images, i) }]);
      out.set(r.data, 10 * i);
    }
    b.dispose();
  }
  process.stdout.write(Buffer.from(out.buffer).toString('base64'));
}

// ------------------------------------------------------------------------------------------ child: server
async function server(engine, workers, timeoutMs, maxQueue) {
  const { createPool, BACKEND } = await import('../js/pool.mjs');
  const { createInferenceServer } = await import('../js/server.mjs');
  const options = { workers, threadsPerWorker: 1, maxQueue, timeoutMs };
  if (engine !== 'qwasm') options[BACKEND] = `${pathToFileURL(path.join(here, 'server_backends.mjs')).href}?engine=${engine}`;
  const pool = await createPool(MODEL, options);
  const app = createInferenceServer(pool);
  const { url } = await app.listen(0);
  console.log(JSON.stringify({ url, features: pool.features }));
  process.on('SIGTERM', async () => {
    await app.close();
    process.exit(0);
  });
}

// ------------------------------------------------------------------------------------------ parent
function ensureOrtNode() {
  if (existsSync(path.join(ORT_NODE_PREFIX, 'node_modules/onnxruntime-node/package.json'))) return;
  console.log(`installing onnxruntime-node@${ORT_NODE_VERSION} into ${path.relative(root, ORT_NODE_PREFIX)} (npm registry, ONNXRUNTIME_NODE_INSTALL=skip)`);
  mkdirSync(ORT_NODE_PREFIX, { recursive: true });
  writeFileSync(path.join(ORT_NODE_PREFIX, 'package.json'), '{ "private": true }\n');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--save-exact', `onnxruntime-node@${ORT_NODE_VERSION}`],
    { cwd: ORT_NODE_PREFIX, stdio: 'inherit', env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
  if (r.status !== 0) throw new Error('npm install onnxruntime-node failed');
}

function runChild(argv) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...argv], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

function rssOf(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

const bitsEqual = (a, b) => {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.length === y.length && x.every((v, i) => v === y[i]);
};
const argmax = (a) => a.reduce((best, v, i) => (v > a[best] ? i : best), 0);
const debug = (what) => { if (process.env.QWASM_BENCH_DEBUG) console.error(`[${new Date().toISOString()}] ${what}`); };
const mib = (b) => (b / (1 << 20)).toFixed(1);

async function settledMetrics(url) {
  for (let i = 0; ; i++) {
    const m = await (await fetch(`${url}/metrics`)).json();
    if (m.inFlight === 0 || i >= 100) return m;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function loadEngine(engine, opts, bodies, torch, labels) {
  const count = bodies.length;
  const refBytes = Buffer.from(runChild(['--reference', engine, '--images', String(count)]), 'base64');
  // A small Buffer lives inside Node's shared pool: copy out exactly its bytes.
  const ref = new Float32Array(refBytes.buffer.slice(refBytes.byteOffset, refBytes.byteOffset + refBytes.byteLength));
  if (ref.length !== count * 10) throw new Error(`${engine} reference: expected ${count * 10} logits, got ${ref.length}`);
  debug('reference done');
  const refRows = (i) => ref.subarray(10 * i, 10 * i + 10);
  let sameAsTorch = 0;
  let correct = 0;
  for (let i = 0; i < count; i++) {
    if (bitsEqual(refRows(i), torch.subarray(10 * i, 10 * i + 10))) sameAsTorch++;
    if (argmax(refRows(i)) === labels[i]) correct++;
  }

  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--server', engine, '--workers', String(opts.workers),
    '--timeout-ms', String(opts.timeoutMs), '--max-queue', String(opts.maxQueue)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const { url, features } = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
    });
    exited.then((e) => reject(new Error(`${engine} server exited early (${JSON.stringify(e)})`)));
  });
  const rssStart = rssOf(child.pid);
  debug(`server up at ${url}`);

  const { default: autocannon } = await import('autocannon');
  const tally = { sent: 0, ok: 0, wrong: 0, non200: 0, byStatus: {}, firstWrong: null };
  const check = (status, body, context) => {
    if (status !== 200) {
      tally.non200++;
      tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1;
      return;
    }
    let ok = false;
    try {
      const data = Float32Array.from(JSON.parse(body).outputs.logits.data);
      ok = bitsEqual(data, refRows(context.image));
    } catch {
      ok = false;
    }
    if (ok) tally.ok++;
    else {
      tally.wrong++;
      tally.firstWrong ??= { image: context.image, body: String(body).slice(0, 200) };
    }
  };
  let next = 0;
  const requests = [{
    method: 'POST', path: '/run', headers: { 'content-type': 'application/json' },
    setupRequest(req, context) {
      const i = next++ % count;
      context.image = i;
      tally.sent++;
      return { ...req, body: bodies[i] };
    },
    onResponse: check,
  }];
  // Warm-up (not measured): a few seconds of the same load.
  await autocannon({ url, connections: opts.connections, duration: 3, requests: requests.map((r) => ({ ...r, onResponse: () => {} })) });
  debug('warm-up done');
  Object.assign(tally, { sent: 0, ok: 0, wrong: 0, non200: 0, byStatus: {}, firstWrong: null });
  const metricsBefore = await settledMetrics(url);

  const samples = [];
  const t0 = Date.now();
  const sampler = setInterval(() => samples.push({ s: Math.round((Date.now() - t0) / 1000), rss: rssOf(child.pid) }), 1000);
  const load0 = os.loadavg();
  const result = await autocannon({ url, connections: opts.connections, pipelining: 1, duration: opts.duration,
    maxOverallRequests: opts.maxRequests, timeout: 30, requests });
  clearInterval(sampler);
  const load1 = os.loadavg();
  // The requests autocannon left in flight at its deadline are still answered by the server: wait for them, so
  // that the server's count can be set against the requests sent.
  const metrics = await settledMetrics(url);
  child.kill('SIGTERM');
  const exit = await exited;

  const rss = samples.map((x) => x.rss).filter((x) => x !== null);
  const received = tally.ok + tally.wrong + tally.non200;
  const report = {
    engine, features, workers: opts.workers, connections: opts.connections, durationS: opts.duration,
    reference: { images: count, bitExactWithPyTorch: sameAsTorch, top1: correct / count },
    throughput: result.requests.average, requestsTotal: result.requests.total,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max,
      mean: result.latency.mean },
    serverLatencyMs: metrics.latencyMs,
    sent: tally.sent, received, okRight: tally.ok, wrong: tally.wrong, non200: tally.non200, byStatus: tally.byStatus,
    socketErrors: result.errors, timeouts: result.timeouts,
    // Requests sent but unanswered when autocannon stopped at the deadline (at most one per connection).
    inFlightAtStop: tally.sent - received,
    serverOk: metrics.ok - metricsBefore.ok, serverErrors: metrics.errors - metricsBefore.errors,
    // Sent but never answered by the server (neither 200 nor an error).
    lost: tally.sent - (metrics.ok - metricsBefore.ok) - (metrics.errors - metricsBefore.errors),
    rssBytes: { atStart: rssStart, min: Math.min(...rss), max: Math.max(...rss), atEnd: rss.at(-1),
      series: samples.filter((_, i) => i % 10 === 0) },
    loadavg: { before: load0.map((v) => +v.toFixed(2)), after: load1.map((v) => +v.toFixed(2)) },
    serverExit: exit, firstWrong: tally.firstWrong,
  };
  console.log(`${engine.padEnd(8)} ${report.throughput.toFixed(0).padStart(6)} req/s  p50 ${report.latencyMs.p50} ms  p99 ${
    report.latencyMs.p99} ms  sent ${report.sent}  right ${report.okRight}  wrong ${report.wrong}  non-200 ${report.non200} ${JSON.stringify(report.byStatus)}  errors ${
    report.socketErrors}  timeouts ${report.timeouts}  unanswered at stop ${report.inFlightAtStop} (server answered ${report.serverOk} ok + ${report.serverErrors} errors: lost ${report.lost})  RSS ${mib(report.rssBytes.atStart)} -> ${
    mib(report.rssBytes.min)}..${mib(report.rssBytes.max)} -> ${mib(report.rssBytes.atEnd)} MiB  load ${report.loadavg.before[0]} -> ${
    report.loadavg.after[0]}  (reference: ${sameAsTorch}/${count} bit-exact with PyTorch, top-1 ${(100 * correct / count).toFixed(2)}%)`);
  return report;
}

async function main() {
  const opts = {
    duration: num('--duration', 120),
    connections: num('--connections', 16),
    workers: num('--workers', 2),
    images: num('--images', 2000),
    timeoutMs: num('--timeout-ms', 30000),
    maxRequests: num('--max-requests', 2_000_000),
    maxQueue: num('--max-queue', 1024),
  };
  const engines = str('--engines', 'qwasm,ort-node,ort-web').split(',');
  if (engines.includes('ort-node')) ensureOrtNode();
  const images = npy('fashion_mnist_test.npy');
  const count = Math.min(opts.images, images.dims[0]);
  const torch = npy('fashion_mnist_test_int8_logits.npy').data;
  const labels = npy('fashion_mnist_test_labels.npy').data;
  const bodies = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ inputs: { input: { dims: [1, 1, 28, 28], data: Array.from(imageData(images, i)) } } }));
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`server load test: ${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${
    new Date().toISOString()}; ${opts.workers} workers x 1 thread, ${opts.connections} connections, ${opts.duration} s per engine, ${count} images`);
  const reports = [];
  for (const engine of engines) reports.push(await loadEngine(engine, opts, bodies, torch, labels));
  if (!has('--no-write')) {
    mkdirSync(path.join(here, 'results'), { recursive: true });
    writeFileSync(path.join(here, 'results', 'server_load.json'), `${JSON.stringify({
      date: new Date().toISOString(), machine: { cpus: os.cpus().length, cpu, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      options: opts, reports }, null, 1)}\n`);
  }
}

if (has('--reference')) await reference(str('--reference'), num('--images', 2000));
else if (has('--server')) await server(str('--server'), num('--workers', 2), num('--timeout-ms', 30000), num('--max-queue', 1024));
else await main();
