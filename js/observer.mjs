// qwasm.Observer: PyTorch's observers (torch.ao.quantization.observer), bit-exact, over the wasm module.
//
// Ownership: each Observer owns one C++ ObserverHandle (bindings/observer_bindings.cpp). dispose() frees it
// at once; a FinalizationRegistry frees it if the Observer is garbage-collected without dispose().
import { call, callMethod, module, QwasmError } from './module.mjs';
import { publicQParams } from './qparams.mjs';
import { asFloatTensor } from './tensor.mjs';

// Our short names and PyTorch's class names, both accepted.
const KINDS = {
  minmax: 'minmax',
  MinMaxObserver: 'minmax',
  moving_average: 'moving_average',
  MovingAverageMinMaxObserver: 'moving_average',
  per_channel_minmax: 'per_channel_minmax',
  PerChannelMinMaxObserver: 'per_channel_minmax',
  moving_average_per_channel: 'moving_average_per_channel',
  MovingAveragePerChannelMinMaxObserver: 'moving_average_per_channel',
  histogram: 'histogram',
  HistogramObserver: 'histogram',
  fixed: 'fixed',
  FixedQParamsObserver: 'fixed',
};

const OPTION_NAMES = {
  dtype: ['dtype'],
  qscheme: ['qscheme'],
  reduceRange: ['reduceRange', 'reduce_range'],
  quantMin: ['quantMin', 'quant_min'],
  quantMax: ['quantMax', 'quant_max'],
  eps: ['eps'],
  averagingConstant: ['averagingConstant', 'averaging_constant'],
  chAxis: ['chAxis', 'ch_axis'],
  bins: ['bins'],
  scale: ['scale'],
  zeroPoint: ['zeroPoint', 'zero_point'],
};

const stripTorch = (s) => (typeof s === 'string' && s.startsWith('torch.') ? s.slice(6) : s);

export function normalizeObserverOptions(options = {}) {
  const known = new Set(Object.values(OPTION_NAMES).flat());
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new QwasmError(`Observer: unknown option '${key}'`);
  }
  const out = {};
  for (const [name, aliases] of Object.entries(OPTION_NAMES)) {
    const value = aliases.map((a) => options[a]).find((v) => v !== undefined);
    out[name] = value;
  }
  out.dtype = stripTorch(out.dtype);
  out.qscheme = stripTorch(out.qscheme);
  out.reduceRange = Boolean(out.reduceRange);
  for (const name of ['quantMin', 'quantMax', 'chAxis', 'bins', 'zeroPoint']) {
    if (out[name] !== undefined && !Number.isInteger(out[name])) {
      throw new QwasmError(`Observer: ${name} must be an integer, got ${out[name]}`);
    }
  }
  for (const name of ['eps', 'averagingConstant', 'scale']) {
    if (out[name] !== undefined && typeof out[name] !== 'number') {
      throw new QwasmError(`Observer: ${name} must be a number, got ${out[name]}`);
    }
  }
  return out;
}

const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((handle) => handle.delete()) : null;

export class Observer {
  // kind: 'minmax' | 'moving_average' | 'per_channel_minmax' | 'moving_average_per_channel' | 'histogram' |
  // 'fixed', or PyTorch's class name. options: PyTorch's keyword arguments (camelCase or snake_case).
  constructor(kind, options = {}) {
    const name = KINDS[kind];
    if (!name) {
      throw new QwasmError(`Observer: unknown kind '${kind}' (expected one of ${Object.keys(KINDS).join(', ')})`);
    }
    module();
    this.#handle = call('createObserver', name, normalizeObserverOptions(options));
    registry?.register(this, this.#handle, this);
    this.kind = name;
    this.torchName = this.#handle.torchName();
  }

  #handle;

  #live() {
    if (!this.#handle) throw new QwasmError(`${this.torchName}: used after dispose()`);
    return this.#handle;
  }

  // PyTorch's forward(x): updates the statistics. Returns this, for chaining.
  observe(tensor) {
    const x = asFloatTensor(tensor, `${this.torchName}.observe`);
    const handle = this.#live();
    // One copy, straight into the observer's input buffer in the wasm heap (bindings/observer_bindings.cpp):
    // the view is used at once, before any other call into the module could grow the memory and detach it.
    // No copy at all when the data already is that buffer (filled through inputBuffer()).
    const view = callMethod(handle, 'inputView', x.data.length);
    if (view.buffer !== x.data.buffer || view.byteOffset !== x.data.byteOffset) view.set(x.data);
    callMethod(handle, 'observeInput', x.data.length, x.dims);
    return this;
  }

  // A Float32Array of `length` floats over the observer's own input buffer in the wasm heap. Fill it and pass
  // it to observe() (as the data of a tensor with the same number of elements) to skip the copy into the heap.
  // Valid until the next call into qwasm (any call may grow the wasm memory, which detaches the view): ask
  // again for every batch. Its contents are not kept across observe() calls.
  inputBuffer(length) {
    return callMethod(this.#live(), 'inputView', length);
  }

  // PyTorch's calculate_qparams(), with the quant range PyTorch bakes into the converted model.
  qparams() {
    return publicQParams(callMethod(this.#live(), 'calculateQParams'));
  }

  // { minVal, maxVal } (Float32Array, one entry per channel; empty before the first observe), plus
  // histogram (Float32Array of counts) for the histogram observer.
  stats() {
    return callMethod(this.#live(), 'stats');
  }

  dispose() {
    if (!this.#handle) return;
    registry?.unregister(this);
    this.#handle.delete();
    this.#handle = null;
  }

  [Symbol.dispose]() {
    this.dispose();
  }
}
