#!/usr/bin/env node
// `npm run bench`: every benchmark, in Node, on this machine. Not a test: nothing here has thresholds.
//   1. kernel microbenchmarks (bench/cpp, built as build/wasm/qwasm_bench.js): GMAC/s per conv kernel and
//      layer shape, Melem/s for elementwise/pooling kernels, single thread
//   2. observer throughput against PyTorch's observers (bench/observers.mjs)
//   3. whole models against onnxruntime-web in Node, 1 and 2 threads (bench/models.mjs; the MobileNetV2 /
//      ResNet-18 files come from scripts/generate_bench_models.py, the Fashion-MNIST model is in models/)
//   4. the same, single-threaded, in Chromium (bench/browser_models.mjs), then the chart
//      docs/benchmarks_models.svg (bench/chart.mjs)
// Results are printed and written to bench/results/; docs/BENCHMARKS.md records them with machine and date.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
mkdirSync(path.join(here, 'results'), { recursive: true });

console.log('=== kernel microbenchmarks (wasm SIMD128, Node, 1 thread)');
// --no-experimental-fetch: Emscripten 3.1.6 would fetch() the .wasm path in Node (../shared/TOOLCHAIN.md §4).
const kernels = spawnSync(process.execPath, ['--no-experimental-fetch', path.join(root, 'build/wasm/qwasm_bench.js')], { encoding: 'utf8' });
process.stdout.write(kernels.stdout ?? '');
process.stderr.write(kernels.stderr ?? '');
writeFileSync(path.join(here, 'results', 'kernels.jsonl'), kernels.stdout ?? '');

console.log('\n=== observers');
const observers = spawnSync(process.execPath, [path.join(here, 'observers.mjs'), ...process.argv.slice(2)], { stdio: 'inherit' });

const node = (script) => spawnSync(process.execPath, ['--no-experimental-fetch', path.join(here, script)], { stdio: 'inherit' });
console.log('\n=== models vs onnxruntime-web (Node)');
const models = node('models.mjs');
console.log('\n=== models vs onnxruntime-web (Chromium, 1 thread)');
const browser = node('browser_models.mjs');
const chart = node('chart.mjs');
process.exit(kernels.status || observers.status || models.status || browser.status || chart.status || 0);
