// qwasm run: run an ONNX model on .npy inputs and write its outputs as .npy (in the model's output types).
import { readFile, writeFile } from 'node:fs/promises';
import * as qwasm from '../index.mjs';
import { formatNpy, parseNpy } from '../npy.mjs';

export const summary = 'run an ONNX model on .npy inputs and write the outputs as .npy';
export const usage = `Usage: qwasm run MODEL.onnx --input X.npy [--input NAME=X.npy ...] --output OUT.npy [--output NAME=OUT.npy ...]
                 [--no-threads]

Runs the model once, as InferenceSession.run() does. Inputs without a NAME= go to the model's inputs in order
(skipping those given by name); likewise outputs. Each output is written with the model's output type (float32
as <f4, int64 as <i8, uint8 as |u1, bool as |b1, ...). Prints one JSON line per written output.
Input conversion: a float32 input accepts float64 and integer arrays (converted to float32); an integer input
accepts any integer array whose values fit its type; otherwise the .npy dtype must equal the input's type.
  --input [NAME=]X.npy    an input (repeatable)
  --output [NAME=]O.npy   where to write an output (repeatable; outputs not named are not written)
  --no-threads            load the single-threaded module`;

const INT_RANGE = {
  int8: [-128n, 127n], uint8: [0n, 255n], int16: [-32768n, 32767n], uint16: [0n, 65535n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n], uint32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n], uint64: [0n, 2n ** 64n - 1n],
};
const INT_TYPES = Object.keys(INT_RANGE);

// An npy array as a Tensor of the input's type.
function toTensor(array, info, file) {
  const want = info.type;
  if (array.dtype === want || (want === 'undefined')) return new qwasm.Tensor(array.dtype, array.data, array.dims);
  if (want === 'float32' && (array.dtype === 'float64' || INT_TYPES.includes(array.dtype))) {
    return new qwasm.Tensor('float32', Float32Array.from(array.data, Number), array.dims);
  }
  if (INT_TYPES.includes(want) && INT_TYPES.includes(array.dtype)) {
    const [lo, hi] = INT_RANGE[want];
    for (const v of array.data) {
      const b = BigInt(v);
      if (b < lo || b > hi) throw new Error(`${file}: value ${v} does not fit input '${info.name}' (${want})`);
    }
    const big = want === 'int64' || want === 'uint64';
    return new qwasm.Tensor(want, Array.from(array.data, (v) => (big ? BigInt(v) : Number(v))), array.dims);
  }
  throw new Error(`${file}: dtype ${array.dtype} cannot feed input '${info.name}' (${want})`);
}

// [NAME=]FILE specs assigned to names: named ones first, the rest in order to the names not taken.
function assign(specs, names, what) {
  const out = new Map();
  const unnamed = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const name = eq > 0 ? spec.slice(0, eq) : null;
    if (name !== null && names.includes(name)) {
      if (out.has(name)) throw new Error(`${what} '${name}' is given twice`);
      out.set(name, spec.slice(eq + 1));
    } else if (name !== null && !/[\\/.]/.test(name)) {
      throw new Error(`the model has no ${what} '${name}' (its ${what}s: ${names.join(', ')})`);
    } else {
      unnamed.push(spec);  // a plain file name (which may itself contain '=')
    }
  }
  const free = names.filter((n) => !out.has(n));
  if (unnamed.length > free.length) {
    throw new Error(`${unnamed.length} unnamed --${what} files but only ${free.length} ${what}s left (${free.join(', ') || 'none'})`);
  }
  unnamed.forEach((file, i) => out.set(free[i], file));
  return out;
}

export async function run(argv) {
  const inputs = [];
  const outputs = [];
  const positional = [];
  let threads = 'auto';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--input' || a === '--output') {
      if (argv[i + 1] === undefined) throw new Error(`option ${a} needs a value`);
      (a === '--input' ? inputs : outputs).push(argv[++i]);
    } else if (a === '--no-threads') threads = false;
    else if (a.startsWith('--')) throw new Error(`unknown option '${a}'`);
    else positional.push(a);
  }
  if (positional.length !== 1) throw new Error('expected one MODEL.onnx');
  if (outputs.length === 0) throw new Error('give at least one --output OUT.npy');
  await qwasm.init({ threads });
  const session = await qwasm.InferenceSession.create(positional[0]);
  try {
    const inputFiles = assign(inputs, session.inputNames, 'input');
    const missing = session.inputNames.filter((n) => !inputFiles.has(n));
    if (missing.length) throw new Error(`missing --input for ${missing.map((n) => `'${n}'`).join(', ')}`);
    const outputFiles = assign(outputs, session.outputNames, 'output');
    const feeds = {};
    for (const info of session.inputMetadata) {
      const file = inputFiles.get(info.name);
      feeds[info.name] = toTensor(parseNpy(await readFile(file), file, { anyDtype: true }), info, file);
    }
    const results = await session.run(feeds, [...outputFiles.keys()]);
    for (const [name, file] of outputFiles) {
      const t = results[name];
      await writeFile(file, formatNpy(t.data, t.dims, t.type));
      console.log(JSON.stringify({ output: name, file, type: t.type, shape: t.dims }));
    }
  } finally {
    session.dispose();
  }
  return 0;
}
