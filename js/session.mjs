// qwasm.InferenceSession: runs an ONNX model, shaped like onnxruntime-web's InferenceSession.
//
//   const session = await qwasm.InferenceSession.create('model.onnx');   // bytes, ArrayBuffer, URL or path
//   const { output } = await session.run({ input: new qwasm.Tensor('float32', data, [1, 3, 224, 224]) });
//   session.dispose();
//
// Ownership: each InferenceSession owns one C++ SessionHandle (bindings/session_bindings.cpp), which holds the
// decoded model, the packed weights and the activation arena. dispose() frees it at once; a FinalizationRegistry
// frees it if the session is garbage-collected without dispose(). Inputs are copied into the wasm heap for the
// call and outputs copied out, so no Tensor ever points into wasm memory.
//
// Validation happens twice: here (names, types, ranks, static and symbolic dims, Tensor-ness), so that mistakes
// get a message in JS terms before any wasm call, and again in C++ (the session checks everything it is given).
import { call, callMethod, init, isInitialized, QwasmError } from './module.mjs';
import { ARRAY_OF, Tensor } from './tensor.mjs';

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined' &&
  typeof importScripts === 'undefined';

const registry = new FinalizationRegistry((handle) => {
  try {
    handle.delete();
  } catch {
    // The module is gone or the handle was already freed: nothing left to release.
  }
});

const LIMIT_NAMES = ['maxModelBytes', 'maxNodes', 'maxTensorRank', 'maxTensorElements'];
// onnxruntime-web session options that qwasm accepts and ignores, so that ORT code ports unchanged.
const IGNORED_ORT_OPTIONS = ['executionProviders', 'graphOptimizationLevel', 'logSeverityLevel', 'logVerbosityLevel',
  'enableCpuMemArena', 'enableMemPattern', 'executionMode', 'intraOpNumThreads', 'interOpNumThreads'];

function checkCount(where, key, v) {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new QwasmError(`${where}: option ${key} must be a non-negative integer, got ${String(v)}`);
  }
  return v;
}

function normalizeOptions(options) {
  const where = 'InferenceSession.create';
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') throw new QwasmError(`${where}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (key !== 'limits' && key !== 'maxActivationBytes' && !IGNORED_ORT_OPTIONS.includes(key)) {
      throw new QwasmError(`${where}: unknown option '${key}' (known: limits, maxActivationBytes)`);
    }
  }
  const out = { maxActivationBytes: checkCount(where, 'maxActivationBytes', options.maxActivationBytes) };
  const limits = options.limits ?? {};
  if (typeof limits !== 'object') throw new QwasmError(`${where}: option limits must be an object`);
  for (const key of Object.keys(limits)) {
    if (!LIMIT_NAMES.includes(key)) {
      throw new QwasmError(`${where}: unknown limit '${key}' (known: ${LIMIT_NAMES.join(', ')})`);
    }
    out[key] = checkCount(where, `limits.${key}`, limits[key]);
  }
  return out;
}

export async function readSource(source, where = 'InferenceSession.create') {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && source instanceof SharedArrayBuffer)) {
    return new Uint8Array(source);
  }
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new QwasmError(`${where}: expected model bytes (Uint8Array, ArrayBuffer), a URL or a file path, got ${
      source === null ? 'null' : source?.constructor?.name ?? typeof source}`);
  }
  const text = String(source);
  if (isNode && !/^(https?|data|blob):/i.test(text)) {
    // A file path or a file: URL.
    const { readFile } = await import('node:fs/promises');
    try {
      return new Uint8Array(await readFile(/^file:/i.test(text) ? new URL(text) : text));
    } catch (e) {
      throw new QwasmError(`${where}: cannot read '${text}': ${e.message}`);
    }
  }
  const url = typeof location !== 'undefined' ? new URL(text, location.href) : new URL(text);
  let response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new QwasmError(`${where}: fetching ${url.href} failed: ${e.message}`);
  }
  if (!response.ok) throw new QwasmError(`${where}: fetching ${url.href} failed: HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

// Element type name <-> the integer code the prepared run path passes (the bindings' order), read once.
let typeCodes = null;
function elementTypeCodes() {
  if (typeCodes === null) {
    const names = call('elementTypeNames');
    typeCodes = new Map(names.map((n, i) => [n, i]));
    typeCodes.names = names;
  }
  return typeCodes;
}

// ORT-style metadata of one input or output.
function metadata(info) {
  return Object.freeze({ name: info.name, isTensor: true, type: info.type,
    shape: info.shape === null ? null : Object.freeze(info.shape.slice()) });
}

export function checkFeeds(where, infos, feeds) {
  if (feeds === null || typeof feeds !== 'object' || Array.isArray(feeds) || feeds instanceof Tensor) {
    throw new QwasmError(`${where}: feeds must be an object { inputName: Tensor }`);
  }
  const names = infos.map((m) => m.name);
  for (const key of Object.keys(feeds)) {
    if (!names.includes(key)) {
      throw new QwasmError(`${where}: unknown input '${key}' (the model's inputs: ${names.join(', ')})`);
    }
  }
  const symbols = new Map();  // symbolic dim -> [value, input name]
  const list = [];
  for (const info of infos) {
    const t = feeds[info.name];
    if (t === undefined) throw new QwasmError(`${where}: missing input '${info.name}' (the model's inputs: ${names.join(', ')})`);
    if (!(t instanceof Tensor)) {
      throw new QwasmError(`${where}: input '${info.name}' must be a qwasm.Tensor, got ${t === null ? 'null' : t?.constructor?.name ?? typeof t}`);
    }
    if (info.type !== 'undefined' && t.type !== info.type) {
      throw new QwasmError(`${where}: input '${info.name}' must be ${info.type}, got a tensor of type ${t.type}`);
    }
    const Ctor = ARRAY_OF[t.type];
    const count = t.dims.reduce((a, b) => a * b, 1);
    if (!(t.data instanceof Ctor) || t.data.length !== count) {
      throw new QwasmError(`${where}: input '${info.name}': data (${t.data?.constructor?.name} of ${t.data?.length}) does not match type ${t.type} and dims [${t.dims}]`);
    }
    if (info.shape !== null) {
      const declared = `[${info.shape.map((d) => d ?? '?').join(', ')}]`;
      if (t.dims.length !== info.shape.length) {
        throw new QwasmError(`${where}: input '${info.name}' must have rank ${info.shape.length} ${declared}, got dims [${t.dims.join(', ')}]`);
      }
      info.shape.forEach((d, i) => {
        if (typeof d === 'number' && t.dims[i] !== d) {
          throw new QwasmError(`${where}: input '${info.name}' dim ${i} must be ${d} ${declared}, got dims [${t.dims.join(', ')}]`);
        }
        if (typeof d === 'string') {
          const seen = symbols.get(d);
          if (seen && seen[0] !== t.dims[i]) {
            throw new QwasmError(`${where}: input '${info.name}' dim ${i} ('${d}') is ${t.dims[i]}, but '${d}' is ${seen[0]} in input '${seen[1]}'`);
          }
          symbols.set(d, [t.dims[i], info.name]);
        }
      });
    }
    list.push({ name: info.name, type: t.type, dims: t.dims, data: t.data });
  }
  return list;
}

const CREATE = Symbol('InferenceSession.create');
// Calibrator.convert() attaches the QDQ model bytes the session was made from (for toONNX()).
export const ONNX_BYTES = Symbol('InferenceSession.onnxBytes');

export class InferenceSession {
  #handle;
  #inputs;
  #outputs;

  constructor(token, handle) {
    if (token !== CREATE) throw new QwasmError('InferenceSession: use `await InferenceSession.create(source, options)`');
    this.#handle = handle;
    this.#inputs = callMethod(handle, 'inputs').map(metadata);
    this.#outputs = callMethod(handle, 'outputs').map(metadata);
    registry.register(this, handle, this);
  }

  // source: Uint8Array | ArrayBuffer | URL or URL string (fetched in browsers and workers; http(s) in Node too)
  // | file path (Node). options: { limits: { maxModelBytes, maxNodes, maxTensorRank, maxTensorElements },
  // maxActivationBytes }. Loads the wasm module with the default options if qwasm.init() was not called.
  static async create(source, options = {}) {
    const normalized = normalizeOptions(options);
    const bytes = await readSource(source);
    if (!isInitialized()) await init();
    let handle;
    try {
      handle = call('createSession', bytes, normalized);
    } catch (e) {
      throw new QwasmError(`InferenceSession.create: ${e.message}`);
    }
    try {
      return new InferenceSession(CREATE, handle);
    } catch (e) {
      handle.delete();
      throw e;
    }
  }

  #live(what) {
    if (this.#handle === null) throw new QwasmError(`InferenceSession.${what}: the session was disposed (used after dispose())`);
    return this.#handle;
  }

  get inputNames() { return this.#inputs.map((m) => m.name); }
  get outputNames() { return this.#outputs.map((m) => m.name); }
  get inputMetadata() { return this.#inputs; }
  get outputMetadata() { return this.#outputs; }

  // Arena bytes the current plan uses for activations (0 before the first run).
  get peakActivationBytes() {
    return callMethod(this.#live('peakActivationBytes'), 'peakActivationBytes');
  }

  // The runtime's view of the model: nodes with op, kernel, input/output types, shapes, layouts and qparams.
  describe() {
    return JSON.parse(callMethod(this.#live('describe'), 'describeJson'));
  }

  // Per-op timing of the runs that follow (`enableProfiling(true)` resets it); profile() returns
  // { runs, totalMs, ops: [{ node, op, kernel, ms, share }] } sorted by time.
  enableProfiling(on = true) {
    callMethod(this.#live('enableProfiling'), 'enableProfiling', Boolean(on));
  }

  profile() {
    return JSON.parse(callMethod(this.#live('profile'), 'profileJson'));
  }

  // The QDQ ONNX model of a session made by Calibrator.convert() (a fresh copy each call).
  async toONNX() {
    this.#live('toONNX');
    if (!this[ONNX_BYTES]) {
      throw new QwasmError('InferenceSession.toONNX: only sessions made by Calibrator.convert() carry a model to export');
    }
    return this[ONNX_BYTES].slice();
  }

  // feeds: { inputName: Tensor } with every model input. fetches (optional, as in ORT): output names to return.
  // Resolves to { outputName: Tensor }.
  async run(feeds, fetches) {
    const handle = this.#live('run');
    const list = checkFeeds('InferenceSession.run', this.#inputs, feeds);
    const wanted = this.#checkFetches(fetches);
    const codes = elementTypeCodes();
    // The prepared run path (see bindings/session_bindings.cpp): inputs copied into the handle's buffers, one
    // header of numbers, outputs read from views.
    let count;
    try {
      const header = [];
      for (let i = 0; i < list.length; i++) {
        const { type, dims, data } = list[i];
        // The view is used at once: the next call into wasm may grow the heap and detach it.
        callMethod(handle, 'inputBuffer', i, data.byteLength)
          .set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        header.push(codes.get(type), dims.length, ...dims);
      }
      count = callMethod(handle, 'runPrepared', new Float64Array(header));
    } catch (e) {
      throw new QwasmError(`InferenceSession.run: ${e.message}`);
    }
    const names = this.#outputs;
    const out = {};
    for (let i = 0; i < count; i++) {
      const name = names[i].name;
      if (wanted && !wanted.has(name)) continue;
      const h = handle.outputHeader(i);
      const type = codes.names[h[0]];
      const dims = Array.from(h.subarray(2, 2 + h[1]));
      const Ctor = ARRAY_OF[type];
      if (!Ctor) {
        const typeName = type ?? callMethod(handle, 'outputTypeName', i);
        throw new QwasmError(`InferenceSession.run: output '${name}' has type ${typeName}, which JS cannot hold`);
      }
      // A copy of its own (offset 0), viewed as the output's element type.
      const bytes = handle.outputBytes(i).slice();
      out[name] = new Tensor(type, new Ctor(bytes.buffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT), dims);
    }
    return out;
  }

  #checkFetches(fetches) {
    if (fetches === undefined || fetches === null) return null;
    if (!Array.isArray(fetches)) throw new QwasmError('InferenceSession.run: fetches must be an array of output names');
    for (const name of fetches) {
      if (!this.outputNames.includes(name)) {
        throw new QwasmError(`InferenceSession.run: unknown output '${name}' (the model's outputs: ${this.outputNames.join(', ')})`);
      }
    }
    return new Set(fetches);
  }

  // Frees the wasm-side session now. Idempotent; any later use throws.
  dispose() {
    if (this.#handle === null) return;
    registry.unregister(this);
    this.#handle.delete();
    this.#handle = null;
  }

  // onnxruntime-web's name for dispose().
  async release() {
    this.dispose();
  }

  get disposed() { return this.#handle === null; }
}
