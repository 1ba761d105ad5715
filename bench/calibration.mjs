#!/usr/bin/env node
// Calibration speed (issue #6): qwasm.Calibrator on a MobileNetV2-sized float model (about 300 M MACs) and 32
// images of 224x224, in Node, phase by phase — create (decode, fold BN, plan), observe (float inference + the
// observers), convert (qparams, QDQ model, int8 session), report (float and int8 runs of the kept batches for
// SQNR), toONNX — next to PyTorch's own eager-mode PTQ on the same images (fuse, prepare, 32 forward passes,
// convert; timed by scripts/generate_bench_models.py --float, which also writes the model and the images).
// Not a test: no thresholds. Writes bench/results/calibration.json.
//
//   /usr/bin/python3 scripts/generate_bench_models.py --only mobilenet_v2 --float
//   node bench/calibration.mjs [--name mobilenet_v2] [--batch 1] [--observer histogram] [--threads 1] [--no-write]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as qwasm from '../js/index.mjs';
import { parseNpy } from '../js/npy.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const str = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const NAME = str('--name', 'mobilenet_v2');
const BATCH = Number(str('--batch', '1'));
const OBSERVER = str('--observer', 'histogram');
const THREADS = Number(str('--threads', '1'));
const dir = path.join(here, 'models');
const modelPath = path.join(dir, `float_${NAME}.onnx`);
const dataPath = path.join(dir, `${NAME}_calibration.npy`);
if (!existsSync(modelPath) || !existsSync(dataPath)) {
  console.error(`missing ${modelPath} or ${dataPath}: run /usr/bin/python3 scripts/generate_bench_models.py ` +
    `--only ${NAME} --float`);
  process.exit(1);
}

await qwasm.init({ threads: THREADS > 1 ? THREADS : false });
const images = parseNpy(readFileSync(dataPath));
const [count, ...imageDims] = images.dims;
const imageSize = imageDims.reduce((a, b) => a * b, 1);
const seconds = (t0) => (performance.now() - t0) / 1000;

const t0 = performance.now();
const cal = await qwasm.Calibrator.create(readFileSync(modelPath), { activation: OBSERVER });
const create = seconds(t0);
const t1 = performance.now();
for (let i = 0; i < count; i += BATCH) {
  const n = Math.min(BATCH, count - i);
  const data = images.data.subarray(i * imageSize, (i + n) * imageSize);
  await cal.observe({ [cal.inputNames[0]]: new qwasm.Tensor('float32', data, [n, ...imageDims]) });
}
const observe = seconds(t1);
const t2 = performance.now();
const int8 = await cal.convert();
const convert = seconds(t2);
const t3 = performance.now();
const report = cal.report();
const reportTime = seconds(t3);
const t4 = performance.now();
const bytes = await int8.toONNX();
const toONNX = seconds(t4);
const total = create + observe + convert;

const torchInfoPath = path.join(dir, `${NAME}_calibration.json`);
const torch = existsSync(torchInfoPath) ? JSON.parse(readFileSync(torchInfoPath, 'utf8')) : null;
const observed = report.tensors.filter((t) => t.quantization === 'observed');
const sqnrs = report.tensors.filter((t) => Number.isFinite(t.sqnr)).map((t) => t.sqnr);

const result = {
  date: new Date().toISOString(), loadAverage: os.loadavg(), node: process.version, features: qwasm.features(),
  model: path.relative(path.resolve(here, '..'), modelPath), images: count, batch: BATCH, observer: OBSERVER,
  seconds: { create, observe, convert, total, report: reportTime, toONNX },
  observedTensors: observed.length, quantizedTensors: report.tensors.length,
  int8OnnxBytes: bytes.length, outputSqnr: report.outputs[0]?.sqnr,
  layerSqnr: { min: Math.min(...sqnrs), median: sqnrs.sort((a, b) => a - b)[sqnrs.length >> 1] },
  pytorch: torch?.pytorch_ptq_best ?? null,
};
int8.dispose();
cal.dispose();

const f = (s) => `${s.toFixed(2)} s`;
console.log(`calibration of ${result.model}: ${count} images, batches of ${BATCH}, ${OBSERVER} observers, ` +
  `${result.features.build}, ${THREADS} thread(s), load average ${result.loadAverage.map((v) => v.toFixed(1)).join(' ')}`);
console.log(`  create ${f(create)} | observe ${f(observe)} (${(observe / count * 1000).toFixed(0)} ms/image) | ` +
  `convert ${f(convert)} | total ${f(total)}`);
console.log(`  report ${f(reportTime)} (float + int8 runs of the kept batches) | toONNX ${f(toONNX)} ` +
  `(${bytes.length.toLocaleString('en')} bytes)`);
console.log(`  ${observed.length} observed tensors, ${report.tensors.length} quantized; output SQNR ` +
  `${result.outputSqnr?.toFixed(1)} dB, layer SQNR min ${result.layerSqnr.min.toFixed(1)} / median ` +
  `${result.layerSqnr.median.toFixed(1)} dB`);
if (torch) {
  const p = torch.pytorch_ptq_best;
  console.log(`  PyTorch ${torch.torch} eager PTQ, same images (best of 3, ${torch.threads} thread): total ` +
    `${f(p.total_s)} (observe ${f(p.observe_s)}, convert ${f(p.convert_s)}) -> qwasm / PyTorch ` +
    `${(total / p.total_s).toFixed(2)}x`);
}
if (!args.includes('--no-write')) {
  mkdirSync(path.join(here, 'results'), { recursive: true });
  writeFileSync(path.join(here, 'results', 'calibration.json'), `${JSON.stringify(result, null, 1)}\n`);
}
