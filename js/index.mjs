// qwasm: int8 inference and calibration in WebAssembly, bit-exact with PyTorch's quantization.
// Public API entry (package.json "exports": "."). Types: index.d.ts.
import { call, init as initModule, module, QwasmError } from './module.mjs';
import { normalizeQParams, publicQParams } from './qparams.mjs';
import { asFloatTensor, QuantizedTensor, Tensor } from './tensor.mjs';

export { QwasmError, Tensor, QuantizedTensor };
export { Observer } from './observer.mjs';
export { InferenceSession } from './session.mjs';
export { Calibrator } from './calibrator.mjs';
// Node only: a worker_threads pool of sessions (docs/SERVER.md).
export { createPool } from './pool.mjs';

// Loads the wasm module once. options: { threads: 'auto' | false | number, distUrl }.
export async function init(options = {}) {
  await initModule(options);
}

export function features() {
  const { threadsReason, environment } = module();
  return { ...call('features'), threadsReason, environment };
}

// Memory of the wasm module: heapBytes (malloc'd bytes in use), heapReservedBytes, wasmMemoryBytes, and
// liveSessions (InferenceSessions not yet disposed or collected).
export function stats() {
  const { raw } = module();
  return { ...call('heapStats'), wasmMemoryBytes: raw.HEAP8.length, liveSessions: call('liveSessions') };
}

export function setThreadCount(count) {
  call('setThreadCount', count);
}

export function quantize(tensor, qparams) {
  const x = asFloatTensor(tensor, 'quantize');
  const r = call('quantize', x.data, x.dims, normalizeQParams(qparams));
  return new QuantizedTensor(r.qparams.dtype, r.data, r.shape, publicQParams(r.qparams));
}

export function dequantize(qtensor) {
  if (!(qtensor instanceof QuantizedTensor) && !(qtensor && qtensor.qparams && qtensor.data)) {
    throw new QwasmError('dequantize: expected a QuantizedTensor (the result of qwasm.quantize)');
  }
  const qp = normalizeQParams({ dtype: qtensor.dtype, ...qtensor.qparams });
  const dims = qtensor.dims ?? [qtensor.data.length];
  const Expected = { quint8: Uint8Array, qint8: Int8Array, qint32: Int32Array }[qp.dtype];
  if (!(qtensor.data instanceof Expected)) {
    throw new QwasmError(`dequantize: ${qp.dtype} data must be a ${Expected.name}, got ${qtensor.data?.constructor?.name}`);
  }
  return new Tensor('float32', call('dequantize', qtensor.data, dims, qp), dims);
}

export function fakeQuantize(tensor, qparams) {
  const x = asFloatTensor(tensor, 'fakeQuantize');
  return new Tensor('float32', call('fakeQuantize', x.data, x.dims, normalizeQParams(qparams)), x.dims);
}
