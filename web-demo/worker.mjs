// The demo's Web Worker: every qwasm call of the page runs here, so calibration and evaluation never block the
// page (and the threaded module's joins happen off the main thread, as Emscripten recommends).
//
// Protocol: the page posts { id, type, ...args }; the worker answers { id, result } or { id, error }, and posts
// { type: 'progress', done, total, stage } while it calibrates or evaluates.
import * as qwasm from '../js/index.mjs';
import { parseNpy } from '../js/npy.mjs';
import { argmaxRows, countEqual, runBatched, sqnrDb } from './fashion_mnist.mjs';

const state = {
  modelBytes: null,  // the loaded model (float or already quantized)
  float: null,       // InferenceSession of the loaded model
  int8: null,        // InferenceSession made by the Calibrator (or the loaded model when it is quantized)
  quantized: false,
  calibrationSample: null,  // feeds of the last calibration batch, for the output SQNR of models without a test set
};

function disposeInt8() {
  if (state.int8 && state.int8 !== state.float) state.int8.dispose();
  state.int8 = null;
}

function disposeAll() {
  disposeInt8();
  state.float?.dispose();
  state.float = null;
  state.modelBytes = null;
  state.calibrationSample = null;
}

const progress = (stage, done, total) => postMessage({ type: 'progress', stage, done, total });

// The dims one batch of `batch` samples has for a declared input shape: the first dim is the batch unless it is
// fixed; other symbolic or unknown dims cannot be guessed.
function batchDims(meta, batch) {
  if (meta.shape === null) throw new Error(`input '${meta.name}' has no declared shape: the demo cannot make data for it`);
  return meta.shape.map((d, i) => {
    if (typeof d === 'number') return d;
    if (i === 0) return batch;
    throw new Error(`input '${meta.name}' has a symbolic dim '${d ?? '?'}' at axis ${i}: the demo only fills in the batch axis`);
  });
}

function checkFloatInputs(metas) {
  for (const m of metas) {
    if (m.type !== 'float32') throw new Error(`input '${m.name}' is ${m.type}: the demo calibrates models with float32 inputs only`);
  }
}

// Seeded uniform [0, 1) data, so that a calibration with random data is reproducible.
function randomFloats(count, seed) {
  let s = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32;
  }
  return out;
}

async function readNpy(source) {
  const bytes = source.bytes ?? new Uint8Array(await (await fetch(source.url)).arrayBuffer());
  const a = parseNpy(bytes, source.name ?? source.url);
  // Integer arrays (uint8 images, say) are converted as they are, without rescaling, as `qwasm run` does.
  return { data: a.data instanceof Float32Array ? a.data : Float32Array.from(a.data), dims: a.dims };
}

// The calibration batches: a list of feeds. source: { kind: 'npy', url | bytes, name, batch } (the default
// model's file or an uploaded .npy, split along axis 0) or { kind: 'random', batches, batch }.
async function calibrationBatches(metas, source) {
  if (source.kind === 'random') {
    return Array.from({ length: source.batches }, (_, b) => Object.fromEntries(metas.map((m, k) => {
      const dims = batchDims(m, source.batch);
      return [m.name, new qwasm.Tensor('float32', randomFloats(dims.reduce((x, y) => x * y, 1), 1 + b * 7919 + k), dims)];
    })));
  }
  if (metas.length !== 1) throw new Error(`the model has ${metas.length} inputs: calibrate it with random data (an .npy file feeds one input)`);
  const [meta] = metas;
  const { data, dims } = await readNpy(source);
  const sample = batchDims(meta, 1).slice(1);
  if (dims.length !== sample.length + 1 || sample.some((d, i) => d !== dims[i + 1])) {
    throw new Error(`the .npy array has shape [${dims.join(', ')}], the model's input '${meta.name}' needs ` +
      `[N, ${sample.join(', ')}] (N samples)`);
  }
  const fixed = typeof meta.shape[0] === 'number' ? meta.shape[0] : null;
  const batch = fixed ?? Math.min(source.batch, dims[0]);
  const per = sample.reduce((x, y) => x * y, 1);
  const batches = [];
  for (let start = 0; start + batch <= dims[0]; start += batch) {
    batches.push({ [meta.name]: new qwasm.Tensor('float32', data.subarray(start * per, (start + batch) * per), [batch, ...sample]) });
  }
  if (batches.length === 0) throw new Error(`the .npy array has ${dims[0]} samples, the model's batch is ${batch}`);
  return batches;
}

function ioSummary(session) {
  const dims = (m) => (m.shape === null ? '?' : `[${m.shape.map((d) => d ?? '?').join(', ')}]`);
  return {
    inputs: session.inputMetadata.map((m) => ({ name: m.name, type: m.type, shape: dims(m) })),
    outputs: session.outputMetadata.map((m) => ({ name: m.name, type: m.type, shape: dims(m) })),
  };
}

// A model the test subset fits: one float32 input [N, 1, 28, 28] and a first output [N, 10].
function fitsFashionMnist(session) {
  const [input] = session.inputMetadata;
  const [output] = session.outputMetadata;
  const is = (shape, tail) => shape !== null && shape.length === tail.length + 1 &&
    tail.every((d, i) => shape[i + 1] === d) && (typeof shape[0] !== 'number' || shape[0] === 1);
  return session.inputNames.length === 1 && input.type === 'float32' && is(input.shape, [1, 28, 28]) &&
    output.type === 'float32' && is(output.shape, [10]);
}

const handlers = {
  async init() {
    await qwasm.init();
    return { features: qwasm.features(), crossOriginIsolated: globalThis.crossOriginIsolated === true };
  },

  // bytes: a Uint8Array, or url: where to fetch the model.
  async load({ bytes, url }) {
    const modelBytes = bytes ?? new Uint8Array(await (await fetch(url)).arrayBuffer());
    const session = await qwasm.InferenceSession.create(modelBytes);
    let nodes;
    try {
      nodes = session.describe().nodes;
    } catch (e) {
      session.dispose();
      throw e;
    }
    disposeAll();  // only once the new model loaded: a bad file keeps the current one
    state.modelBytes = modelBytes;
    state.float = session;
    // A quantized model has nodes with qparams (QuantizeLinear/DequantizeLinear, qwasm's int8 ops); qwasm's fused
    // float ops have none.
    state.quantized = nodes.some((n) => n.qparams.length > 0);
    if (state.quantized) state.int8 = session;
    return { ...ioSummary(session), bytes: modelBytes.length, nodes: nodes.length, quantized: state.quantized,
      fashion: fitsFashionMnist(session) };
  },

  async calibrate({ qconfig, source }) {
    if (!state.float) throw new Error('load a model first');
    if (state.quantized) throw new Error('this model is already quantized: it runs as it is');
    checkFloatInputs(state.float.inputMetadata);
    const batches = await calibrationBatches(state.float.inputMetadata, source);
    disposeInt8();
    const t0 = performance.now();
    const cal = await qwasm.Calibrator.create(state.modelBytes, qconfig);
    try {
      cal.addEventListener('progress', (e) => progress('calibrate', e.detail.batches, batches.length));
      progress('calibrate', 0, batches.length);
      for (const feeds of batches) await cal.observe(feeds);
      const t1 = performance.now();
      state.int8 = await cal.convert();
      const t2 = performance.now();
      const report = cal.report();
      const t3 = performance.now();
      state.calibrationSample = batches.at(-1);
      const onnx = await state.int8.toONNX();
      return { report, int8Bytes: onnx.length, batches: batches.length,
        samples: batches.reduce((n, f) => n + Object.values(f)[0].dims[0], 0),
        observeMs: t1 - t0, convertMs: t2 - t1, reportMs: t3 - t2 };
    } finally {
      cal.dispose();
    }
  },

  // Both models on the test subset (images: float32 [count, 1, 28, 28]): logits, predictions and latency per
  // image at batch 1 and batched.
  async evaluate({ images, count, batch }) {
    if (!state.float) throw new Error('load a model first');
    const out = {};
    const models = state.int8 && state.int8 !== state.float ? { float: state.float, int8: state.int8 }
      : state.quantized ? { int8: state.int8 } : { float: state.float };
    const names = Object.keys(models);
    for (const [k, name] of names.entries()) {
      const session = models[name];
      const stage = `evaluate ${name}`;
      progress(stage, 2 * k, 2 * names.length);
      await runBatched(session, qwasm.Tensor, images, [1, 28, 28], batch, batch);  // warm-up (plans the batch shape)
      const batched = await runBatched(session, qwasm.Tensor, images, [1, 28, 28], count, batch);
      progress(stage, 2 * k + 1, 2 * names.length);
      await runBatched(session, qwasm.Tensor, images, [1, 28, 28], 1, 1);
      const single = await runBatched(session, qwasm.Tensor, images, [1, 28, 28], count, 1);
      const predictions = argmaxRows(batched.output, 10);
      out[name] = { predictions, msPerImage: single.ms / count, msPerImageBatched: batched.ms / count,
        batchOneAgrees: countEqual(predictions, argmaxRows(single.output, 10)), logits: batched.output };
    }
    if (out.float && out.int8) out.sqnr = sqnrDb(out.float.logits, out.int8.logits);
    return out;
  },

  // Models the test subset does not fit: output SQNR on the last calibration batch and latency on it.
  async compareOnCalibrationData() {
    const feeds = state.calibrationSample;
    if (!feeds || !state.int8) throw new Error('calibrate first');
    const RUNS = 20;  // one run of a small model is too short to time alone
    const timed = async (session) => {
      const outputs = await session.run(feeds);
      const t0 = performance.now();
      for (let i = 0; i < RUNS; i++) await session.run(feeds);
      return { ms: (performance.now() - t0) / RUNS, outputs };
    };
    const f = await timed(state.float);
    const q = await timed(state.int8);
    const name = state.float.outputNames[0];
    const samples = Object.values(feeds)[0].dims[0];
    return { sqnr: sqnrDb(f.outputs[name].data, q.outputs[name].data), samples,
      floatMs: f.ms / samples, int8Ms: q.ms / samples };
  },

  // An already quantized model that does not take the test subset: run it once on random data (or an .npy).
  async runQuantized({ source }) {
    const metas = state.int8.inputMetadata;
    checkFloatInputs(metas);
    const [feeds] = await calibrationBatches(metas, source.kind === 'random' ? { ...source, batches: 1 } : source);
    const r = await state.int8.run(feeds);
    const runs = 20;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await state.int8.run(feeds);
    const ms = (performance.now() - t0) / runs;
    const outputs = Object.entries(r).map(([name, t]) => ({ name, type: t.type, dims: t.dims,
      head: Array.from(t.data.slice(0, 8), Number) }));
    return { ms, samples: Object.values(feeds)[0].dims[0], outputs };
  },

  // One drawn image (float32 [784]): both models' logits.
  async classify({ pixels }) {
    const x = new qwasm.Tensor('float32', pixels, [1, 1, 28, 28]);
    const result = {};
    for (const [name, session] of [['float', state.quantized ? null : state.float], ['int8', state.int8]]) {
      if (!session) continue;
      result[name] = (await session.run({ [session.inputNames[0]]: x }))[session.outputNames[0]].data;
    }
    return result;
  },

  async exportInt8() {
    if (!state.int8 || state.quantized) throw new Error('calibrate first');
    return state.int8.toONNX();
  },
};

// One request at a time: the handlers await between qwasm calls, and a drawing-pad request must not run in the
// middle of a calibration that is replacing the int8 session.
let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  const { id, type, ...args } = data;
  queue = queue.then(async () => {
    try {
      if (!handlers[type]) throw new Error(`unknown request '${type}'`);
      const result = await handlers[type](args);
      postMessage({ id, result });
    } catch (e) {
      postMessage({ id, error: e?.message ?? String(e) });
    }
  });
};
