// qwasm.Calibrator: post-training quantization of a float ONNX model where the data is (page, Web Worker, Node).
//
//   const cal = await qwasm.Calibrator.create(floatModel, { activation: 'histogram', weight: 'minmax' });
//   cal.addEventListener('progress', (e) => console.log(e.detail.batches));
//   for (const batch of batches) await cal.observe({ input: batch });
//   const int8 = await cal.convert();          // an InferenceSession running in int8
//   const report = cal.report();               // per-tensor observer stats, qparams, SQNR
//   const bytes = await int8.toONNX();         // the QDQ model (loads in onnxruntime too)
//
// Observers and their placement are PyTorch eager mode's (docs/QUANTIZATION.md), so the scales and zero points
// are the ones torch.ao.quantization computes for the same fused model, qconfig and batches.
//
// Ownership: one CalibratorHandle (wasm) per Calibrator, freed by dispose() (FinalizationRegistry backstop).
import { call, callMethod, init, isInitialized, QwasmError } from './module.mjs';
import { checkFeeds, InferenceSession, ONNX_BYTES, readSource } from './session.mjs';

const registry = new FinalizationRegistry((handle) => {
  try {
    handle.delete();
  } catch {
    // already freed
  }
});

const ACTIVATION_OBSERVERS = ['histogram', 'minmax', 'moving_average'];
const WEIGHT_OBSERVERS = ['minmax', 'per_channel_minmax'];
const QCONFIG_KEYS = {
  activation: 'string', weight: 'string', reduceRange: 'boolean', quantMin: 'integer', quantMax: 'integer',
  averagingConstant: 'number', bins: 'integer', eps: 'number', qscheme: 'string', weightQscheme: 'string',
  weightReduceRange: 'boolean', inputScale: 'number', inputZeroPoint: 'integer', skip: 'array', overrides: 'object',
};
// What a per-node override may set: the observers and their options (not the input qparams, skips or overrides).
const OVERRIDE_KEYS = ['activation', 'weight', 'reduceRange', 'quantMin', 'quantMax', 'averagingConstant', 'bins',
  'eps', 'qscheme', 'weightQscheme', 'weightReduceRange'];

const isPlainObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkQConfigKeys(qconfig, where, prefix, allowed) {
  for (const [key, value] of Object.entries(qconfig)) {
    const kind = allowed.includes(key) ? QCONFIG_KEYS[key] : undefined;
    if (!kind) throw new QwasmError(`${where}: unknown ${prefix} option '${key}' (known: ${allowed.join(', ')})`);
    if (value === undefined) continue;
    const ok = kind === 'integer' ? Number.isSafeInteger(value) : kind === 'array'
      ? Array.isArray(value) && value.every((v) => typeof v === 'string') : kind === 'object'
        ? isPlainObject(value) : typeof value === kind;
    const wanted = kind === 'array' ? 'an array of node names' : kind === 'object' ? 'an object { nodeName: qconfig }'
      : `a ${kind}`;
    if (!ok) throw new QwasmError(`${where}: ${prefix}.${key} must be ${wanted}, got ${JSON.stringify(value)}`);
  }
}

function checkObserverNames(qconfig, where, prefix) {
  if (qconfig.activation !== undefined && !ACTIVATION_OBSERVERS.includes(qconfig.activation)) {
    throw new QwasmError(`${where}: ${prefix}.activation must be one of ${ACTIVATION_OBSERVERS.join(', ')}, got '${qconfig.activation}'`);
  }
  if (qconfig.weight !== undefined && !WEIGHT_OBSERVERS.includes(qconfig.weight)) {
    throw new QwasmError(`${where}: ${prefix}.weight must be one of ${WEIGHT_OBSERVERS.join(', ')}, got '${qconfig.weight}'`);
  }
}

function normalizeQConfig(qconfig) {
  const where = 'Calibrator.create';
  if (qconfig === undefined || qconfig === null) return {};
  if (!isPlainObject(qconfig)) throw new QwasmError(`${where}: qconfig must be an object`);
  checkQConfigKeys(qconfig, where, 'qconfig', Object.keys(QCONFIG_KEYS));
  checkObserverNames(qconfig, where, 'qconfig');
  const normalized = { ...qconfig };
  if (qconfig.overrides !== undefined) {
    // Each override is merged onto the global qconfig, so C++ receives whole per-node configs.
    const global = Object.fromEntries(OVERRIDE_KEYS.filter((k) => qconfig[k] !== undefined).map((k) => [k, qconfig[k]]));
    normalized.overrides = {};
    for (const [node, override] of Object.entries(qconfig.overrides)) {
      if (!isPlainObject(override)) {
        throw new QwasmError(`${where}: qconfig.overrides['${node}'] must be an object, got ${JSON.stringify(override)}`);
      }
      checkQConfigKeys(override, where, `qconfig.overrides['${node}']`, OVERRIDE_KEYS);
      checkObserverNames(override, where, `qconfig.overrides['${node}']`);
      normalized.overrides[node] = { ...global, ...override };
    }
  }
  return normalized;
}

function metadata(info) {
  return Object.freeze({ name: info.name, isTensor: true, type: info.type,
    shape: info.shape === null ? null : Object.freeze(info.shape.slice()) });
}

const CREATE = Symbol('Calibrator.create');

export class Calibrator extends EventTarget {
  #handle;
  #inputs;
  #outputs;
  #options;

  constructor(token, handle, options) {
    super();
    if (token !== CREATE) throw new QwasmError('Calibrator: use `await Calibrator.create(source, qconfig)`');
    this.#handle = handle;
    this.#options = options;
    this.#inputs = callMethod(handle, 'inputs').map(metadata);
    this.#outputs = callMethod(handle, 'outputs').map(metadata);
    registry.register(this, handle, this);
  }

  // source: Uint8Array | ArrayBuffer | URL (browser) | path (Node) of a float ONNX model. options: the
  // InferenceSession.create options (limits, maxActivationBytes), used for the float and the int8 sessions.
  static async create(source, qconfig = {}, options = {}) {
    const normalized = normalizeQConfig(qconfig);
    const bytes = await readSource(source, 'Calibrator.create');
    if (!isInitialized()) await init();
    const sessionOptions = { maxActivationBytes: options?.maxActivationBytes, ...(options?.limits ?? {}) };
    let handle;
    try {
      handle = call('createCalibrator', bytes, normalized, sessionOptions);
    } catch (e) {
      throw new QwasmError(`Calibrator.create: ${e.message}`);
    }
    try {
      return new Calibrator(CREATE, handle, options);
    } catch (e) {
      handle.delete();
      throw e;
    }
  }

  #live(what) {
    if (this.#handle === null) throw new QwasmError(`Calibrator.${what}: the calibrator was disposed (used after dispose())`);
    return this.#handle;
  }

  get inputNames() { return this.#inputs.map((m) => m.name); }
  get outputNames() { return this.#outputs.map((m) => m.name); }
  get inputMetadata() { return this.#inputs; }
  get outputMetadata() { return this.#outputs; }
  get batchesObserved() { return callMethod(this.#live('batchesObserved'), 'batchesObserved'); }

  // Runs the float model on one batch ({ inputName: Tensor }) and feeds every observer; dispatches a 'progress'
  // event with detail { batches } afterwards.
  async observe(feeds) {
    const handle = this.#live('observe');
    const list = checkFeeds('Calibrator.observe', this.#inputs, feeds);
    try {
      callMethod(handle, 'observe', list);
    } catch (e) {
      throw new QwasmError(`Calibrator.observe: ${e.message}`);
    }
    const batches = this.batchesObserved;
    this.dispatchEvent(new CustomEvent('progress', { detail: { batches } }));
    return batches;
  }

  // The int8 InferenceSession from what was observed (its toONNX() gives the QDQ model). May be called again
  // after more observe() calls.
  async convert() {
    const handle = this.#live('convert');
    let bytes;
    try {
      bytes = callMethod(handle, 'convert');
    } catch (e) {
      throw new QwasmError(`Calibrator.convert: ${e.message}`);
    }
    const session = await InferenceSession.create(bytes, this.#options);
    Object.defineProperty(session, ONNX_BYTES, { value: bytes });
    return session;
  }

  // After convert(): { batches, keptBatches, tensors: [{ name, op, quantization, observer, min, max, histogram,
  // scale, zero_point, quant_min, quant_max, dtype, sqnr }], weights: [...], outputs: [{ name, sqnr }] }.
  report() {
    try {
      return JSON.parse(callMethod(this.#live('report'), 'reportJson'));
    } catch (e) {
      throw new QwasmError(`Calibrator.report: ${e.message}`);
    }
  }

  dispose() {
    if (this.#handle === null) return;
    registry.unregister(this);
    this.#handle.delete();
    this.#handle = null;
  }

  get disposed() { return this.#handle === null; }
}
