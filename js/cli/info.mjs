// qwasm info: what qwasm makes of an ONNX model: inputs/outputs, node count, op histogram, one line per runtime node
// (op, kernel, output shape, qparams) and the peak activation bytes of a plan.
import * as qwasm from '../index.mjs';
import { float32Json } from './args.mjs';

export const summary = 'describe an ONNX model as qwasm runs it: inputs/outputs, ops, kernels, qparams, peak memory';
export const usage = `Usage: qwasm info MODEL.onnx [--json] [--dim NAME=N ...] [--no-plan] [--no-threads]

Loads the model as InferenceSession.create() does and prints its inputs and outputs, the node count, a histogram
of ops, and one line per node of the runtime graph (after qwasm's passes: constant folding, Conv+BN folding,
fusions, int8 lowering) with its kernel, output shapes and quantization parameters.
To show planned shapes and the peak activation bytes, info runs the model once on zero inputs; symbolic dims
(e.g. "batch") are taken as 1 unless given with --dim.
  --json          print the raw InferenceSession.describe() object instead
  --dim NAME=N    value of a symbolic input dimension for the plan (repeatable)
  --no-plan       do not run the model (declared shapes only; peak activation bytes unknown)
  --no-threads    load the single-threaded module`;

export function parseDims(values) {
  const dims = new Map();
  for (const v of values) {
    const m = /^([^=]+)=(\d+)$/.exec(v);
    if (!m) throw new Error(`--dim expects NAME=N, got '${v}'`);
    dims.set(m[1], Number(m[2]));
  }
  return dims;
}

// Zero inputs for every model input, symbolic dims from `dims` (default 1). Null when a rank is unknown.
export function zeroFeeds(session, dims) {
  const feeds = {};
  for (const m of session.inputMetadata) {
    if (m.shape === null) return { error: `input '${m.name}' has an unknown rank` };
    if (m.type === 'undefined') return { error: `input '${m.name}' has an unknown type` };
    const shape = m.shape.map((d) => (typeof d === 'number' ? d : (dims.get(d) ?? 1)));
    const count = shape.reduce((a, b) => a * b, 1);
    try {
      const Ctor = { int64: BigInt64Array, uint64: BigUint64Array }[m.type];
      feeds[m.name] = new qwasm.Tensor(m.type, Ctor ? new Ctor(count) : new Array(count).fill(0), shape);
    } catch (e) {
      return { error: `input '${m.name}': ${e.message}` };
    }
  }
  return { feeds };
}

const shapeText = (s) => (s === null || s === undefined ? '*' : `[${s.map((d) => (d === null ? '?' : d)).join(', ')}]`);

function qparamsText(q) {
  const values = (a) => (a.length === 1 ? float32Json(Math.fround(a[0])) : `[${a.length} values, axis ${q.axis}]`);
  const zp = q.zero_point.length === 1 ? String(q.zero_point[0]) : `[${q.zero_point.length} values]`;
  return `${q.tensor}: ${q.dtype} scale=${values(q.scale)} zero_point=${zp} range=[${q.quant_min}, ${q.quant_max}]`;
}

export function formatDescription(d, peak) {
  const lines = [];
  const io = (title, list) => {
    lines.push(`${title}:`);
    for (const v of list) lines.push(`  ${v.name}  ${v.type}  ${shapeText(v.shape)}`);
  };
  io('inputs', d.inputs);
  io('outputs', d.outputs);
  const histogram = new Map();
  for (const n of d.nodes) {
    const op = n.domain ? `${n.domain}.${n.op}` : n.op;
    histogram.set(op, (histogram.get(op) ?? 0) + 1);
  }
  lines.push(`nodes: ${d.nodes.length}`);
  lines.push('ops:');
  for (const [op, count] of [...histogram].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    lines.push(`  ${op.padEnd(28)} ${count}`);
  }
  lines.push(`${d.planned ? 'plan' : 'nodes (declared shapes; not planned)'}:`);
  const rows = d.nodes.map((n, i) => [String(i), n.op, n.kernel ?? '', n.name || '(unnamed)',
    (n.outputs ?? []).map((o) => `${o.type ?? '?'}${shapeText(o.shape)}${o.layout && o.layout !== 'logical' ? ` ${o.layout}` : ''}`).join(' ')]);
  const header = ['#', 'op', 'kernel', 'name', 'outputs'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const fmt = (r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ');
  lines.push(`  ${fmt(header)}`);
  d.nodes.forEach((n, i) => {
    lines.push(`  ${fmt(rows[i])}`);
    for (const q of n.qparams ?? []) lines.push(`  ${' '.repeat(widths[0])}    ${qparamsText(q)}`);
  });
  lines.push(`peak activation bytes: ${peak ?? 'unknown (not planned)'}`);
  return lines.join('\n');
}

export async function run(argv) {
  let json = false;
  let plan = true;
  let threads = 'auto';
  const dimArgs = [];
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--no-plan') plan = false;
    else if (a === '--no-threads') threads = false;
    else if (a === '--dim') {
      if (argv[i + 1] === undefined) throw new Error('option --dim needs a value');
      dimArgs.push(argv[++i]);
    } else if (a.startsWith('--')) throw new Error(`unknown option '${a}'`);
    else positional.push(a);
  }
  if (positional.length !== 1) throw new Error('expected one MODEL.onnx');
  const dims = parseDims(dimArgs);
  await qwasm.init({ threads });
  const session = await qwasm.InferenceSession.create(positional[0]);
  try {
    let note = null;
    if (plan) {
      const { feeds, error } = zeroFeeds(session, dims);
      if (error) note = `not planned: ${error}`;
      else await session.run(feeds);
    }
    const d = session.describe();
    if (json) {
      console.log(JSON.stringify(d, null, 2));
    } else {
      console.log(formatDescription(d, d.planned ? session.peakActivationBytes : null));
      if (note) console.log(note);
    }
  } finally {
    session.dispose();
  }
  return 0;
}
