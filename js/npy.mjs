// NumPy .npy files (format versions 1.0-3.0), for the CLI: read float32/float64/int8/uint8/int32 arrays in
// C order (every integer width, int64 and bool too with { anyDtype: true }, for model inputs), write every
// type a model output can have. Anything else is a clear error.
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];  // \x93NUMPY

const DESCR = {
  f4: { Array: Float32Array, size: 4, get: 'getFloat32' },
  f8: { Array: Float64Array, size: 8, get: 'getFloat64' },
  i1: { Array: Int8Array, size: 1, get: 'getInt8' },
  u1: { Array: Uint8Array, size: 1, get: 'getUint8' },
  i4: { Array: Int32Array, size: 4, get: 'getInt32' },
};
// Read only with { anyDtype: true } (qwasm run: model inputs of any type).
const MORE_DESCR = {
  i2: { Array: Int16Array, size: 2, get: 'getInt16', dtype: 'int16' },
  u2: { Array: Uint16Array, size: 2, get: 'getUint16', dtype: 'uint16' },
  u4: { Array: Uint32Array, size: 4, get: 'getUint32', dtype: 'uint32' },
  i8: { Array: BigInt64Array, size: 8, get: 'getBigInt64', dtype: 'int64' },
  u8: { Array: BigUint64Array, size: 8, get: 'getBigUint64', dtype: 'uint64' },
  b1: { Array: Uint8Array, size: 1, get: 'getUint8', dtype: 'bool' },
};

export function parseNpy(bytes, name = 'array', { anyDtype = false } = {}) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u8.length < 10 || !MAGIC.every((b, i) => u8[i] === b)) throw new Error(`${name}: not a .npy file (bad magic)`);
  const major = u8[6];
  if (major < 1 || major > 3) throw new Error(`${name}: unsupported .npy version ${major}.${u8[7]}`);
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (headerStart + headerLength > u8.length) throw new Error(`${name}: truncated .npy header`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(u8.subarray(headerStart, headerStart + headerLength));
  const descr = header.match(/'descr'\s*:\s*'([^']*)'/)?.[1];
  const fortran = header.match(/'fortran_order'\s*:\s*(True|False)/)?.[1];
  const shapeText = header.match(/'shape'\s*:\s*\(([^)]*)\)/)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new Error(`${name}: malformed .npy header: ${header.trim()}`);
  }
  if (fortran === 'True') throw new Error(`${name}: Fortran-order arrays are not supported (save with C order)`);
  const order = descr[0];
  const kind = DESCR[descr.slice(1)] ?? (anyDtype ? MORE_DESCR[descr.slice(1)] : undefined);
  if (!kind || !['<', '>', '|', '='].includes(order)) {
    throw new Error(`${name}: dtype '${descr}' is not supported (float32, float64, int8, uint8 or int32${
      anyDtype ? ', int16, uint16, uint32, int64, uint64, bool' : ''})`);
  }
  const dims = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (!dims.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${name}: bad shape (${shapeText})`);
  const count = dims.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLength;
  if (u8.length - dataStart < count * kind.size) {
    throw new Error(`${name}: data is truncated (${u8.length - dataStart} bytes for ${count} x ${descr})`);
  }
  const data = new kind.Array(count);
  const littleEndian = order !== '>';
  for (let i = 0; i < count; i++) data[i] = view[kind.get](dataStart + i * kind.size, littleEndian);
  return { dtype: kind.dtype ?? kind.Array.name.replace('Array', '').toLowerCase(), data, dims };
}

const WRITE_DESCR = { Uint8Array: '|u1', Int8Array: '|i1', Int32Array: '<i4', Float32Array: '<f4', Float64Array: '<f8',
  Int16Array: '<i2', Uint16Array: '<u2', Uint32Array: '<u4', BigInt64Array: '<i8', BigUint64Array: '<u8' };

// dtype 'bool' writes a Uint8Array of 0/1 as numpy's bool ('|b1'); 'float16' a Uint16Array of bits as '<f2'.
export function formatNpy(data, dims, dtype = undefined) {
  const descr = dtype === 'bool' && data instanceof Uint8Array ? '|b1'
    : dtype === 'float16' && data instanceof Uint16Array ? '<f2' : WRITE_DESCR[data.constructor.name];
  if (!descr) throw new Error(`cannot write ${data.constructor.name} to .npy`);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad with spaces so that the data starts at a multiple of 64 bytes; the header ends with '\n'.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  // Little-endian: every platform qwasm runs on (wasm is little-endian).
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  return out;
}
