#!/usr/bin/env node
// The Accuracy figures of models/README.md, computed with qwasm: the float model, the shipped PyTorch-PTQ int8
// model, and the int8 model qwasm's own Calibrator makes from the float model (PyTorch's default qnnpack qconfig,
// the shipped calibration file in 10 batches of 100), on the full Fashion-MNIST test set and on the shipped
// 2,000-image subset, plus how often qwasm's int8 predictions equal PyTorch's.
//
//   node scripts/evaluate_fashion_mnist.mjs [--data DIR] [--no-threads] [--json]
//
// DIR holds the IDX files of Debian's dataset-fashion-mnist (default /usr/share/datasets/fashion-mnist).
// Needs the built modules (npm run build).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as qwasm from '../js/index.mjs';
import { parseNpy } from '../js/npy.mjs';
import { argmaxRows, countEqual, DEFAULT_QCONFIG, formatPercent, observeCalibrationSet, runBatched, toModelInput }
  from '../web-demo/fashion_mnist.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const models = path.join(root, 'models');
const args = process.argv.slice(2);
const dataIndex = args.indexOf('--data');
const dataDir = dataIndex >= 0 ? args[dataIndex + 1] : '/usr/share/datasets/fashion-mnist';

// IDX (big-endian header: magic 0x0000080N with N dims, the dims, then uint8 data).
function readIdx(file) {
  let bytes;
  try {
    bytes = gunzipSync(readFileSync(file));
  } catch (e) {
    throw new Error(`cannot read ${file}: ${e.message} (install dataset-fashion-mnist or pass --data DIR)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic >>> 8 !== 0x08) throw new Error(`${file}: not an unsigned-byte IDX file (magic ${magic.toString(16)})`);
  const dims = Array.from({ length: magic & 0xff }, (_, i) => view.getUint32(4 + 4 * i));
  const start = 4 + 4 * dims.length;
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - start !== count) throw new Error(`${file}: ${bytes.length - start} data bytes for dims [${dims}]`);
  return { data: bytes.subarray(start), dims };
}

async function predict(session, x, count) {
  return argmaxRows((await runBatched(session, qwasm.Tensor, x, [1, 28, 28], count, 500)).output, 10);
}

async function calibrateWithQwasm(floatPath) {
  const calibration = parseNpy(readFileSync(path.join(models, 'fashion_mnist_calibration.npy')));
  const cal = await qwasm.Calibrator.create(floatPath, DEFAULT_QCONFIG);
  await observeCalibrationSet(cal, qwasm.Tensor, calibration);
  const session = await cal.convert();
  cal.dispose();
  return session;
}

await qwasm.init({ threads: args.includes('--no-threads') ? false : 'auto' });
const images = readIdx(path.join(dataDir, 't10k-images-idx3-ubyte.gz'));
const labels = readIdx(path.join(dataDir, 't10k-labels-idx1-ubyte.gz')).data;
const count = labels.length;
const x = toModelInput(images.data);
const reference = JSON.parse(readFileSync(path.join(models, 'reference_predictions.json'), 'utf8'));
const subset = reference.count;
// The shipped subset is the first `subset` test images (models/README.md); check rather than assume.
const shipped = parseNpy(readFileSync(path.join(models, 'fashion_mnist_test.npy')));
if (countEqual(shipped.data, images.data.subarray(0, shipped.data.length)) !== shipped.data.length) {
  throw new Error('models/fashion_mnist_test.npy is not the first images of the test set in --data');
}

const floatPath = path.join(models, 'fashion_mnist_float.onnx');
const sessions = {
  float: await qwasm.InferenceSession.create(floatPath),
  pytorchInt8: await qwasm.InferenceSession.create(path.join(models, 'fashion_mnist_int8.onnx')),
  qwasmInt8: await calibrateWithQwasm(floatPath),
};
const predictions = {};
for (const [name, session] of Object.entries(sessions)) {
  predictions[name] = await predict(session, x, count);
  session.dispose();
}

const first = (p) => p.subarray(0, subset);
const result = { images: count, subset, accuracy: {}, subsetAccuracy: {}, correct: {}, subsetCorrect: {} };
for (const [name, p] of Object.entries(predictions)) {
  result.correct[name] = countEqual(p, labels);
  result.subsetCorrect[name] = countEqual(first(p), labels.subarray(0, subset));
  result.accuracy[name] = formatPercent(result.correct[name], count);
  result.subsetAccuracy[name] = formatPercent(result.subsetCorrect[name], subset);
}
result.qwasmVsPytorchInt8 = countEqual(predictions.qwasmInt8, predictions.pytorchInt8);
result.qwasmVsPytorchInt8Subset = countEqual(first(predictions.qwasmInt8), first(predictions.pytorchInt8));
// PyTorch's own int8 predictions (reference_predictions.json), not qwasm's run of the PyTorch model.
result.qwasmVsTorchReferenceSubset = countEqual(first(predictions.qwasmInt8), Int32Array.from(reference.int8_pred));
result.pytorchInt8RunVsTorchReferenceSubset = countEqual(first(predictions.pytorchInt8), Int32Array.from(reference.int8_pred));
result.qwasmInt8VsFloat = countEqual(predictions.qwasmInt8, predictions.float);

if (args.includes('--json')) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const label = { float: 'float (fashion_mnist_float.onnx)', pytorchInt8: 'PyTorch PTQ int8 (fashion_mnist_int8.onnx)',
    qwasmInt8: 'qwasm Calibrator int8' };
  console.log(`| model, run by qwasm | ${count.toLocaleString('en-US')} test images | first ${subset.toLocaleString('en-US')} |`);
  console.log('|---|---|---|');
  for (const name of Object.keys(predictions)) {
    console.log(`| ${label[name]} | ${result.accuracy[name]} (${result.correct[name]}) | ${result.subsetAccuracy[name]} (${result.subsetCorrect[name]}) |`);
  }
  console.log(`\nqwasm Calibrator int8 vs PyTorch int8 model: same prediction on ${result.qwasmVsPytorchInt8} / ${count} ` +
    `(${result.qwasmVsPytorchInt8Subset} / ${subset} of the subset; ${result.qwasmVsTorchReferenceSubset} / ${subset} ` +
    `vs PyTorch's own predictions in reference_predictions.json)`);
  console.log(`qwasm Calibrator int8 vs float: same prediction on ${result.qwasmInt8VsFloat} / ${count}`);
}
process.exit(0);  // the threaded module's worker pool would keep Node alive
