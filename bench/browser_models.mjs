#!/usr/bin/env node
// The single-threaded half of bench/models.mjs in real Chromium (Debian's /usr/bin/chromium via playwright-core):
// qwasm's single-threaded module and onnxruntime-web (wasm, 1 thread) on the same files, in interleaved rounds in
// one page (bench/browser/models.html); prints the median over rounds of each round's mean ms per run, and the
// ratio. Not a test; nothing is asserted. Writes bench/results/browser_models.json unless --no-write.
//   node bench/browser_models.mjs [--rounds R] [--runs N] [--only a,b] [--no-write]
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../scripts/serve.mjs';
import { launchChromium } from '../tests/browser/chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const rounds = Number(option('--rounds', 9)), runs = Number(option('--runs', 10));
const only = option('--only', null)?.split(',') ?? null;
const candidates = ['bench/models/pt_mobilenet_v2.onnx', 'bench/models/pt_resnet18.onnx', 'models/fashion_mnist_int8.onnx'];
const models = candidates.filter((f) => existsSync(path.join(root, f)) && (!only || only.some((o) => f.includes(o))));
if (models.length === 0) {
  console.error('no model files (bench/models/ comes from scripts/generate_bench_models.py)');
  process.exit(1);
}

// Cross-origin isolated: the page's clock then has 5 us steps instead of 100 us.
const { server, port } = await startServer({ port: 0, isolation: true });
const browser = await launchChromium();
let result;
try {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const query = new URLSearchParams({ models: models.map((m) => `/${m}`).join(','), rounds, runs });
  await page.goto(`http://127.0.0.1:${port}/bench/browser/models.html?${query}`);
  await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 30 * 60 * 1000 });
  result = await page.evaluate(() => window.__result);
  if (errors.length) result.pageErrors = errors;
} finally {
  await browser.close();
  server.close();
}
if (result.error) {
  console.error(result.error);
  process.exit(1);
}
console.log(`Chromium: ${result.userAgent}\nqwasm ${result.qwasmBuild}; ${rounds} rounds of ${runs} runs per engine (median of the rounds' means)\n`);
console.log(`  ${'model'.padEnd(36)} ${'qwasm st'.padStart(9)} ${'ort 1'.padStart(9)} ${'st/ort1'.padStart(8)}  max |diff|`);
for (const m of result.models) {
  const [q, o] = m.engines;
  const ms = (v) => (v < 1 ? v.toFixed(3) : v.toFixed(1));
  console.log(`  ${m.file.slice(1).padEnd(36)} ${ms(q.medianMs).padStart(9)} ${ms(o.medianMs).padStart(9)} ${(q.medianMs / o.medianMs).toFixed(2).padStart(8)}  ${m.maxDiff.toPrecision(3)}`);
}
if (!args.includes('--no-write')) {
  const file = path.join(root, 'bench/results/browser_models.json');
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), machine: `${os.cpus()[0]?.model} x${os.cpus().length}`,
    rounds, runs, ...result }, null, 2) + '\n');
  console.log(`\nwrote ${path.relative(root, file)}`);
}
