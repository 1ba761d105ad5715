// qwasm.Calibrator in Node: PTQ of the shipped Fashion-MNIST float model (models/) with PyTorch's default qnnpack
// qconfig on the same 10 batches of 100 images PyTorch calibrated on, the QDQ export loaded by onnxruntime-web,
// the PyTorch PTQ fixtures (tests/golden/calibration_runs.qgf) through the JS API, errors and leaks.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as qwasm from '../../js/index.mjs';
import { parseNpy } from '../../js/npy.mjs';
import { load, path as goldenPath } from './golden.mjs';
import { runOrt } from './ort_reference.mjs';
import { seededFloats } from './seeded.mjs';

const MODELS = new URL('../../models/', import.meta.url);
const reference = JSON.parse(readFileSync(new URL('reference_predictions.json', MODELS), 'utf8'));

function npy(name) {
  return parseNpy(readFileSync(new URL(name, MODELS)), name, { anyDtype: true });
}

function argmaxRows(data, classes) {
  const out = [];
  for (let i = 0; i < data.length / classes; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (data[i * classes + c] > data[i * classes + best]) best = c;
    out.push(best);
  }
  return out;
}

async function calibrateDefaultModel(qconfig = {}) {
  const cal = await qwasm.Calibrator.create(new URL('fashion_mnist_float.onnx', MODELS).pathname, qconfig);
  const calibration = npy('fashion_mnist_calibration.npy');
  const per = 28 * 28;
  let events = 0;
  cal.addEventListener('progress', () => { events += 1; });
  for (let b = 0; b < 10; b++) {
    const x = new qwasm.Tensor('float32', calibration.data.subarray(b * 100 * per, (b + 1) * 100 * per), [100, 1, 28, 28]);
    assert.equal(await cal.observe({ input: x }), b + 1);
  }
  assert.equal(events, 10);
  assert.equal(cal.batchesObserved, 10);
  return cal;
}

function testImages() {
  const images = npy('fashion_mnist_test.npy');
  const x = new Float32Array(images.data.length);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;  // float32(p) / 255, as in training
  return new qwasm.Tensor('float32', x, images.dims);
}

test('calibrating the default model matches PyTorch PTQ: qparams within float noise, predictions agree', async () => {
  await qwasm.init();
  const cal = await calibrateDefaultModel();
  const int8 = await cal.convert();
  const report = cal.report();
  const observed = report.tensors.filter((t) => t.quantization === 'observed');
  assert.equal(observed.length, 5);  // input, conv1..conv3 (after ReLU), fc
  const expected = Object.values(reference.output_qparams);
  // The float model's activations are not dyadic, so qwasm's float sums differ from PyTorch's by ulps and a
  // histogram bin edge can move a scale slightly (measured: conv2 0.0206165 vs 0.0205891); zero points match.
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(observed[i].scale / expected[i].scale - 1) < 0.01, `scale of ${observed[i].name}`);
    assert.equal(observed[i].zero_point, expected[i].zero_point, `zero point of ${observed[i].name}`);
    assert.ok(observed[i].observer === 'HistogramObserver');
  }
  assert.ok(report.outputs[0].sqnr > 20, `output SQNR ${report.outputs[0].sqnr} dB`);
  const results = await int8.run({ input: testImages() });
  const predictions = argmaxRows(results[int8.outputNames[0]].data, 10);
  const agree = predictions.filter((p, i) => p === reference.int8_pred[i]).length;
  assert.ok(agree >= 1995, `${agree} of 2000 predictions equal PyTorch int8's (measured 1999)`);
  int8.dispose();
  cal.dispose();
});

test('toONNX: the QDQ file loads in onnxruntime-web and agrees within 1 LSB of the output scale', async () => {
  await qwasm.init();
  const cal = await calibrateDefaultModel({ activation: 'minmax', weight: 'per_channel_minmax' });
  const int8 = await cal.convert();
  const bytes = await int8.toONNX();
  assert.ok(bytes instanceof Uint8Array && bytes.length > 1000);
  const images = testImages();
  const x = new qwasm.Tensor('float32', images.data.subarray(0, 200 * 784), [200, 1, 28, 28]);
  const ours = (await int8.run({ input: x }))[int8.outputNames[0]];
  const ort = (await runOrt(bytes, { input: x }))[int8.outputNames[0]];
  const outputScale = cal.report().tensors.at(-1).scale;
  let worst = 0;
  for (let i = 0; i < ours.data.length; i++) worst = Math.max(worst, Math.abs(ours.data[i] - ort.data[i]));
  assert.ok(worst <= outputScale * 1.0001, `max |qwasm - ort| = ${worst}, one step = ${outputScale}`);
  // A reloaded file gives the same numbers.
  const again = await qwasm.InferenceSession.create(bytes);
  assert.deepEqual((await again.run({ input: x }))[again.outputNames[0]].data, ours.data);
  again.dispose();
  int8.dispose();
  cal.dispose();
});

test('PyTorch PTQ fixtures through the JS API: identical qparams and outputs', async () => {
  await qwasm.init();
  const cases = load('calibration_runs.qgf').filter((c) => c.has('model'));
  assert.equal(cases.length, 5);
  for (const c of cases) {
    const model = readFileSync(goldenPath(`calibration/${c.str('model')}.float.onnx`));
    const cal = await qwasm.Calibrator.create(model, { activation: c.str('activation'), weight: c.str('weight') });
    const shape = c.i64('batch_shape');
    const size = shape.reduce((a, b) => a * b, 1);
    const batches = c.f32('batches');
    for (let o = 0; o < batches.length; o += size) await cal.observe({ input: new qwasm.Tensor('float32', batches.slice(o, o + size), shape) });
    const int8 = await cal.convert();
    const x = new qwasm.Tensor('float32', c.f32('input').slice(), c.i64('input_shape'));
    const y = (await int8.run({ input: x }))[int8.outputNames[0]];
    const expected = c.f32('output');
    const bits = (a) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
    assert.deepEqual(bits(y.data), bits(expected), c.name);
    int8.dispose();
    cal.dispose();
  }
});

test('Calibrator errors are clear and leave the module usable; no leaks over create/observe/convert/dispose', async () => {
  await qwasm.init();
  const model = new URL('fashion_mnist_float.onnx', MODELS).pathname;
  await assert.rejects(qwasm.Calibrator.create(model, { activation: 'percentile' }), /qconfig.activation must be one of/);
  await assert.rejects(qwasm.Calibrator.create(model, { bogus: 1 }), /unknown qconfig option 'bogus'/);
  await assert.rejects(qwasm.Calibrator.create(new Uint8Array([1, 2, 3])), /Calibrator.create: onnx model/);
  const cal = await qwasm.Calibrator.create(model);
  await assert.rejects(cal.convert(), /convert\(\) before any observe\(\)/);
  assert.throws(() => cal.report(), /report\(\) before convert\(\)/);
  await assert.rejects(cal.observe({ input: new qwasm.Tensor('float32', new Float32Array(10), [10]) }), /input 'input' must have rank 4/);
  await assert.rejects(cal.observe({}), /missing input 'input'/);
  cal.dispose();
  await assert.rejects(cal.observe({}), /disposed/);

  const x = new qwasm.Tensor('float32', new Float32Array(4 * 784).fill(0.5), [4, 1, 28, 28]);
  const cycle = async () => {
    const c = await qwasm.Calibrator.create(model);
    await c.observe({ input: x });
    const s = await c.convert();
    await s.run({ input: x });
    c.report();
    s.dispose();
    c.dispose();
  };
  for (let i = 0; i < 5; i++) await cycle();
  const before = qwasm.stats().heapBytes;
  for (let i = 0; i < 30; i++) await cycle();
  assert.equal(qwasm.stats().heapBytes, before);
});

test('per-node overrides: one node gets its own observers, every other tensor and weight keeps the global ones', async () => {
  await qwasm.init();
  const model = readFileSync(new URL('../golden/calibration/conv_chain.float.onnx', import.meta.url));
  const conv2 = '/c2/c2.0/c2.0.0/Conv';
  const conv2Output = '/c2/c2.0/c2.0.1/Relu_output_0';  // its fused Relu's output is what conv2 outputs
  const calibrate = async (qconfig) => {
    const cal = await qwasm.Calibrator.create(model, qconfig);
    for (let b = 0; b < 4; b++) {
      await cal.observe({ input: new qwasm.Tensor('float32', seededFloats(2 * 3 * 12 * 12, 40 + b, 1 + b), [2, 3, 12, 12]) });
    }
    (await cal.convert()).dispose();
    const report = cal.report();
    cal.dispose();
    return {
      tensors: Object.fromEntries(report.tensors.map((t) => [t.name, [t.observer, t.scale, t.zero_point]])),
      weights: Object.fromEntries(report.weights.map((w) => [w.name, [w.qscheme, w.scale, w.zero_point]])),
    };
  };
  const global = await calibrate({});
  const other = await calibrate({ activation: 'minmax', weight: 'per_channel_minmax' });
  const mixed = await calibrate({ overrides: { [conv2]: { activation: 'minmax', weight: 'per_channel_minmax' } } });
  assert.equal(mixed.tensors[conv2Output][0], 'MinMaxObserver');
  assert.deepEqual(mixed.tensors[conv2Output], other.tensors[conv2Output]);
  assert.notDeepEqual(global.tensors[conv2Output], other.tensors[conv2Output], 'the fixture must tell the observers apart');
  const downstream = new Set([conv2Output, '/p2/MaxPool_output_0', '/Flatten_output_0']);  // inherit conv2's qparams
  for (const [name, value] of Object.entries(mixed.tensors)) {
    if (!downstream.has(name)) assert.deepEqual(value, global.tensors[name], name);
  }
  const conv2Weight = Object.keys(mixed.weights).find((name) => name.startsWith('c2.'));
  assert.ok(conv2Weight, Object.keys(mixed.weights).join(', '));
  assert.equal(mixed.weights[conv2Weight][0], 'per_channel_symmetric');
  assert.deepEqual(mixed.weights[conv2Weight], other.weights[conv2Weight]);
  for (const [name, value] of Object.entries(mixed.weights)) {
    if (name !== conv2Weight) assert.deepEqual(value, global.weights[name], name);
  }
  await assert.rejects(qwasm.Calibrator.create(model, { overrides: { '/no/such/Conv': { activation: 'minmax' } } }),
    /overrides name node '\/no\/such\/Conv', which the model does not have/);
  await assert.rejects(qwasm.Calibrator.create(model, { overrides: { [conv2]: { inputScale: 0.1 } } }),
    /unknown qconfig.overrides\['\/c2\/c2.0\/c2.0.0\/Conv'\] option 'inputScale'/);
  await assert.rejects(qwasm.Calibrator.create(model, { overrides: { [conv2]: { activation: 'percentile' } } }),
    /overrides\['\/c2\/c2.0\/c2.0.0\/Conv'\]\.activation must be one of histogram, minmax, moving_average/);
  await assert.rejects(qwasm.Calibrator.create(model, { overrides: [] }), /qconfig.overrides must be an object/);
});
