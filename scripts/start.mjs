#!/usr/bin/env node
// `npm start`: set up if needed, build (incremental), then the main job on the default model, in Node:
// calibrate models/fashion_mnist_float.onnx on the shipped calibration batches with PyTorch's default qnnpack
// qconfig, convert to int8, evaluate float and int8 on the shipped 2,000-image test subset, print a table and
// write the int8 model (QDQ ONNX).
// Options (after `npm start --`): --no-threads (single-threaded module), --out FILE (where the int8 model goes),
// --no-build (use dist/ as it is: no setup, no build).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { build } from './build.mjs';
import { parseNpy } from '../js/npy.mjs';
import { argmaxRows, CALIBRATION_BATCH, countEqual, DEFAULT_QCONFIG, formatPercent, observeCalibrationSet, runBatched,
  sqnrDb, toModelInput } from '../web-demo/fashion_mnist.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const models = path.join(root, 'models');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outFile = path.resolve(outIndex >= 0 ? args[outIndex + 1] : path.join(root, 'build', 'fashion_mnist_int8.qwasm.onnx'));

function prepare() {
  const setup = spawnSync('bash', ['scripts/setup'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (setup.status !== 0) process.exit(1);
  process.stderr.write('building (incremental)... ');
  build(['wasm', 'wasm-mt'], { quiet: true });
  process.stderr.write('done\n');
}

// A one-line progress bar on stderr (redrawn in place on a terminal, one line per step otherwise).
function progress(label, done, total) {
  const width = 30;
  const filled = Math.round((width * done) / total);
  const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}${done === total ? '\n' : ''}`);
  else process.stderr.write(`${line}\n`);
}

// Rows of strings as aligned columns: the first left-aligned, the others right-aligned; a rule under the header.
function printTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('   ');
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('   '));
  for (const r of rows.slice(1)) console.log(line(r));
}

const npy = (name) => parseNpy(readFileSync(path.join(models, name)), name);
const ms = (t) => `${t.toFixed(3)} ms`;

async function main() {
  if (!args.includes('--no-build')) prepare();
  const qwasm = await import('../js/index.mjs');
  await qwasm.init({ threads: args.includes('--no-threads') ? false : 'auto' });
  const features = qwasm.features();
  const floatPath = path.join(models, 'fashion_mnist_float.onnx');
  const reference = JSON.parse(readFileSync(path.join(models, 'reference_predictions.json'), 'utf8'));

  // Calibration: the shipped 1,000 images (already /255), 10 batches of 100, as PyTorch's PTQ did.
  const calibration = npy('fashion_mnist_calibration.npy');
  const batches = calibration.dims[0] / CALIBRATION_BATCH;
  const t0 = performance.now();
  const cal = await qwasm.Calibrator.create(floatPath, DEFAULT_QCONFIG);
  cal.addEventListener('progress', (e) => progress('calibrating', e.detail.batches, batches));
  await observeCalibrationSet(cal, qwasm.Tensor, calibration);
  const t1 = performance.now();
  const int8 = await cal.convert();
  const t2 = performance.now();
  const report = cal.report();
  const t3 = performance.now();
  cal.dispose();
  const int8Bytes = await int8.toONNX();
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, int8Bytes);

  // Evaluation on the shipped test subset.
  process.stderr.write('evaluating float and int8 on the test subset...\n');
  const images = npy('fashion_mnist_test.npy');
  const labels = npy('fashion_mnist_test_labels.npy').data;
  const count = images.dims[0];
  const x = toModelInput(images.data);
  const float = await qwasm.InferenceSession.create(floatPath);
  const results = {};
  for (const [name, session] of [['float', float], ['int8', int8]]) {
    await runBatched(session, qwasm.Tensor, x, [1, 28, 28], CALIBRATION_BATCH, CALIBRATION_BATCH);  // warm-up
    const batched = await runBatched(session, qwasm.Tensor, x, [1, 28, 28], count, CALIBRATION_BATCH);
    const single = await runBatched(session, qwasm.Tensor, x, [1, 28, 28], count, 1);
    const predictions = argmaxRows(batched.output, 10);
    if (countEqual(predictions, argmaxRows(single.output, 10)) !== count) {
      throw new Error(`${name}: batch-1 and batched predictions differ`);
    }
    results[name] = { logits: batched.output, predictions, single: single.ms / count, batched: batched.ms / count };
  }
  float.dispose();
  int8.dispose();

  const pytorchInt8 = Int32Array.from(reference.int8_pred);
  const floatBytes = readFileSync(floatPath).length;
  const f = results.float;
  const q = results.int8;
  const rows = [
    ['', 'float', 'qwasm int8', 'PyTorch int8'],
    ['accuracy (2,000 test images)', formatPercent(countEqual(f.predictions, labels), count),
      formatPercent(countEqual(q.predictions, labels), count), formatPercent(countEqual(pytorchInt8, labels), count)],
    ['same prediction as PyTorch int8', '', `${countEqual(q.predictions, pytorchInt8)} / ${count}`, ''],
    ['same prediction as float', '', `${countEqual(q.predictions, f.predictions)} / ${count}`,
      `${countEqual(pytorchInt8, Int32Array.from(reference.float_pred))} / ${count}`],
    ['latency per image, batch 1', ms(f.single), ms(q.single), ''],
    [`latency per image, batch ${CALIBRATION_BATCH}`, ms(f.batched), ms(q.batched), ''],
    ['model size (ONNX bytes)', floatBytes.toLocaleString('en-US'), int8Bytes.length.toLocaleString('en-US'),
      readFileSync(path.join(models, 'fashion_mnist_int8.onnx')).length.toLocaleString('en-US')],
    ['output SQNR vs float, test subset', '', `${sqnrDb(f.logits, q.logits).toFixed(2)} dB`, ''],
    ['output SQNR vs float, calibration data', '', `${report.outputs[0].sqnr.toFixed(2)} dB`, ''],
  ];

  console.log(`\nqwasm ${features.version} (${features.build}, ${features.threadCount} thread${features.threadCount > 1 ? 's' : ''}): ` +
    'Fashion-MNIST CNN, PyTorch\'s default qnnpack qconfig (histogram activations, minmax weights)');
  const s = (t) => `${(t / 1000).toFixed(2)} s`;
  console.log(`calibration: ${calibration.dims[0].toLocaleString('en-US')} images in ${batches} batches of ` +
    `${CALIBRATION_BATCH}: observe ${s(t1 - t0)}, convert ${s(t2 - t1)}, report ${s(t3 - t2)}\n`);
  printTable(rows);
  // PyTorch's output qparams (reference_predictions.json) are in the order of the observed tensors.
  const observed = report.tensors.filter((t) => t.quantization === 'observed');
  const torch = Object.values(reference.output_qparams);
  const layerRows = [['observed tensor', 'op', 'scale', 'zero point', 'PyTorch scale', 'PyTorch zp', 'SQNR'],
    ...observed.map((t, i) => [t.name, t.op, t.scale.toPrecision(7), String(t.zero_point),
      torch[i]?.scale.toPrecision(7) ?? '', String(torch[i]?.zero_point ?? ''), t.sqnr === undefined ? '' : `${t.sqnr.toFixed(2)} dB`])];
  console.log('\nper-layer qparams of the calibration (SQNR: int8 vs float on the calibration data):');
  printTable(layerRows);
  console.log(`\nint8 model written to ${path.relative(process.cwd(), outFile) || outFile}`);
  console.log('Open the demo (calibration in the browser): npm run demo, then http://127.0.0.1:8080/');
}

try {
  await main();
  // The threaded module's worker pool would keep Node alive.
  process.exit(0);
} catch (e) {
  console.error(`npm start failed: ${e.stack ?? e}`);
  process.exit(1);
}
