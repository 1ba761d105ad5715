// Tensors at the API boundary, shaped like onnxruntime-web's: { type, data, dims }, NCHW / C order.
import { QwasmError } from './module.mjs';

// Element type -> typed array, as onnxruntime-web has them (bool as 0/1 bytes, float16 as raw 16-bit patterns).
export const ARRAY_OF = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

function toTypedArray(type, Ctor, data) {
  if (data instanceof Ctor) return data;
  if (Ctor === BigInt64Array || Ctor === BigUint64Array) {
    // Numbers are accepted for 64-bit integers when they are exact integers.
    return Ctor.from(data, (v) => {
      if (typeof v === 'bigint') return v;
      if (!Number.isSafeInteger(v)) throw new QwasmError(`Tensor: ${type} value ${v} is not a safe integer`);
      return BigInt(v);
    });
  }
  if (type === 'bool') return Ctor.from(data, (v) => (v ? 1 : 0));
  return Ctor.from(data, (v) => (typeof v === 'bigint' ? Number(v) : v));
}

export class Tensor {
  constructor(type, data, dims) {
    if (!Object.hasOwn(ARRAY_OF, type)) {
      throw new QwasmError(`Tensor: unsupported type '${type}' (one of ${Object.keys(ARRAY_OF).join(', ')})`);
    }
    const Ctor = ARRAY_OF[type];
    this.type = type;
    if (data === null || typeof data !== 'object' || typeof data.length !== 'number') {
      throw new QwasmError(`Tensor: data must be a ${Ctor.name} or an array, got ${data === null ? 'null' : typeof data}`);
    }
    this.data = toTypedArray(type, Ctor, data);
    this.dims = dims === undefined ? [this.data.length] : Array.from(dims);
    const count = this.dims.reduce((a, b) => a * b, 1);
    if (!this.dims.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new QwasmError(`Tensor: dims must be non-negative integers, got [${this.dims}]`);
    }
    if (count !== this.data.length) {
      throw new QwasmError(`Tensor: dims [${this.dims}] need ${count} elements, data has ${this.data.length}`);
    }
  }

  get size() {
    return this.data.length;
  }
}

// A quantized tensor: integers (Uint8Array for quint8, Int8Array for qint8, Int32Array for qint32), dims,
// and the qparams that map them to real values.
export class QuantizedTensor {
  constructor(dtype, data, dims, qparams) {
    this.dtype = dtype;
    this.data = data;
    this.dims = Array.from(dims);
    this.qparams = qparams;
  }

  get size() {
    return this.data.length;
  }
}

// Accepts a Tensor, a { data, dims } object, a Float32Array or a plain array of numbers.
export function asFloatTensor(x, what = 'tensor') {
  if (x instanceof Tensor) {
    if (x.type !== 'float32') throw new QwasmError(`${what}: expected a float32 tensor, got ${x.type}`);
    return x;
  }
  if (x instanceof Float32Array || Array.isArray(x)) return new Tensor('float32', x);
  if (x && typeof x === 'object' && 'data' in x) return new Tensor('float32', x.data, x.dims);
  throw new QwasmError(`${what}: expected a Tensor, { data, dims } or a Float32Array`);
}
