// The `qwasm` command: --help, --version, errors and exit codes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../js/cli.mjs', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const qwasm = (...args) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

test('package.json exposes js/cli.mjs as the qwasm bin', () => {
  assert.equal(pkg.bin.qwasm, 'js/cli.mjs');
  assert.ok(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node'));
});

test('qwasm --version prints the package version', () => {
  const r = qwasm('--version');
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), pkg.version);
});

test('qwasm --help lists the commands', () => {
  const r = qwasm('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Usage: qwasm <command>/);
  assert.match(r.stdout, /features/);
});

test('an unknown command fails with exit code 2 and says so', () => {
  const r = qwasm('frobnicate');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});

test('qwasm features prints the module features as JSON', () => {
  const st = JSON.parse(qwasm('features', '--no-threads').stdout);
  assert.equal(st.build, 'simd128-st');
  assert.equal(st.version, pkg.version);
  const mt = JSON.parse(qwasm('features').stdout);
  assert.equal(mt.build, 'simd128-mt');
  assert.equal(mt.threads, true);
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatNpy, parseNpy } from '../../js/npy.mjs';

function withTempDir(fn) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qwasm-cli-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('qwasm quantize writes PyTorch\'s integers as .npy (per tensor and per channel)', () => withTempDir((dir) => {
  const input = path.join(dir, 'x.npy');
  writeFileSync(input, formatNpy(Float32Array.from([-1, 0.5, 2.5, 6]), [2, 2]));
  const out = path.join(dir, 'q.npy');
  const r = qwasm('quantize', '--dtype', 'quint8', '--scale', '0.0197434', '--zero-point', '0', input, out);
  assert.equal(r.status, 0, r.stderr);
  const q = parseNpy(readFileSync(out));
  assert.equal(q.data.constructor, Uint8Array);
  assert.deepEqual(q.dims, [2, 2]);
  // 0.5/0.0197434 = 25.3 -> 25, 2.5 -> 126.6 -> 127, 6.0 -> 304 saturates at 255, -1 clamps to 0.
  assert.deepEqual(Array.from(q.data), [0, 25, 127, 255]);
  const info = JSON.parse(r.stdout);
  assert.deepEqual(info.scale, [0.0197434]);
  assert.equal(info.quant_max, 255);

  const pc = path.join(dir, 'pc.npy');
  const r2 = qwasm('quantize', '--dtype', 'qint8', '--scales', '1,0.5', '--zero-points', '0,-1', '--axis', '1',
    '--quant-min', '-4', '--quant-max', '4', input, pc);
  assert.equal(r2.status, 0, r2.stderr);
  const q2 = parseNpy(readFileSync(pc));
  assert.equal(q2.data.constructor, Int8Array);
  // column 0 (scale 1, zp 0): -1 -> -1, 2.5 -> 2; column 1 (scale 0.5, zp -1): 0.5 -> 0, 6 -> 11 -> clamp 4.
  assert.deepEqual(Array.from(q2.data), [-1, 0, 2, 4]);
}));

test('qwasm observe prints PyTorch\'s min/max, scale and zero point as round-tripping JSON', () => withTempDir((dir) => {
  const b1 = path.join(dir, 'b1.npy');
  const b2 = path.join(dir, 'b2.npy');
  writeFileSync(b1, formatNpy(Float32Array.from([-1, 0.5, 2.5, 6]), [2, 2]));
  writeFileSync(b2, formatNpy(Float32Array.from([-3, 9]), [2]));
  const r = qwasm('observe', '--observer', 'minmax', b1, b2);
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  // torch.ao.quantization.MinMaxObserver over the same two batches: min -3, max 9, scale 12/255, zp 64.
  assert.equal(o.min_val, -3);
  assert.equal(o.max_val, 9);
  assert.equal(Math.fround(o.scale[0]), Math.fround(12 / 255));
  assert.deepEqual(o.zero_point, [64]);
  assert.equal(o.quant_min, 0);
  assert.equal(o.quant_max, 255);

  const pc = JSON.parse(qwasm('observe', '--observer', 'per_channel_minmax', '--ch-axis', '1', '--dtype', 'qint8',
    '--qscheme', 'per_channel_symmetric', b1).stdout);
  assert.deepEqual(pc.min_val, [-1, 0.5]);
  assert.deepEqual(pc.max_val, [2.5, 6]);
  assert.deepEqual(pc.zero_point, [0, 0]);
  assert.equal(Math.fround(pc.scale[1]), Math.fround(Math.fround(6) / Math.fround(127.5)));
}));

test('qwasm quantize/observe reject bad input with a message and exit code 1', () => withTempDir((dir) => {
  const bad = path.join(dir, 'bad.npy');
  writeFileSync(bad, 'not numpy at all');
  let r = qwasm('quantize', '--scale', '0.1', bad, path.join(dir, 'o.npy'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad.npy: not a .npy file/);
  r = qwasm('observe', '--observer', 'minmax', '--qscheme', 'per_channel_affine', bad);
  assert.equal(r.status, 1);
  r = qwasm('observe', '--observer', 'nonsense', bad);
  assert.match(r.stderr, /--observer must be one of/);
  r = qwasm('quantize', '--scale', 'abc', bad, bad);
  assert.match(r.stderr, /'abc' is not a number/);
  r = qwasm('quantize', '--scale', '1', '--bogus', '1', bad, bad);
  assert.match(r.stderr, /unknown option '--bogus'/);
  const x = path.join(dir, 'x.npy');
  writeFileSync(x, formatNpy(Float32Array.from([1, 2]), [2]));
  r = qwasm('observe', '--observer', 'minmax', '--dtype', 'quint8', '--qscheme', 'per_channel_affine', x);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /qscheme per_channel_affine is not supported/);
}));

// ---- qwasm info / qwasm run (InferenceSession) --------------------------------------------------------------
import * as qwasmApi from '../../js/index.mjs';
import { seededFloats } from './seeded.mjs';

const MODEL = fileURLToPath(new URL('../golden/models/quantized_conv.onnx', import.meta.url));

test('qwasm --help lists info and run', () => {
  const r = qwasm('--help');
  assert.match(r.stdout, /^ {2}info {2,}/m);
  assert.match(r.stdout, /^ {2}run {2,}/m);
  assert.match(qwasm('run', '--help').stdout, /Usage: qwasm run MODEL.onnx --input/);
  assert.match(qwasm('info', '--help').stdout, /Usage: qwasm info MODEL.onnx/);
});

test('qwasm info prints inputs, outputs, op histogram, per-node kernels and qparams, peak activation bytes', () => {
  const r = qwasm('info', MODEL);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^inputs:\n {2}input {2}float32 {2}\[batch, 3, 8, 8\]$/m);
  assert.match(r.stdout, /^outputs:\n {2}output {2}float32 {2}\[batch, 5\]$/m);
  assert.match(r.stdout, /^nodes: \d+$/m);
  assert.match(r.stdout, /^ops:$/m);
  assert.match(r.stdout, /Conv\S* +2$/m, 'two conv nodes in the histogram');
  assert.match(r.stdout, /scale=0\.0016049522 zero_point=0/, 'conv1 weight qparams');
  assert.match(r.stdout, /^peak activation bytes: [1-9]\d*$/m);

  const json = JSON.parse(qwasm('info', '--json', MODEL).stdout);
  assert.equal(json.planned, true);
  assert.ok(json.peakActivationBytes > 0);
  assert.ok(json.nodes.length > 0 && json.nodes.every((n) => typeof n.kernel === 'string'));
  assert.equal(json.inputs[0].name, 'input');

  const declared = qwasm('info', '--no-plan', MODEL);
  assert.equal(declared.status, 0, declared.stderr);
  assert.match(declared.stdout, /^peak activation bytes: unknown \(not planned\)$/m);
  const batch3 = JSON.parse(qwasm('info', '--json', '--dim', 'batch=3', MODEL).stdout);
  const producer = batch3.nodes.find((n) => n.outputs.some((o) => o.name === 'output'));
  assert.deepEqual(producer.outputs.find((o) => o.name === 'output').shape, [3, 5], 'planned with batch = 3');
});

test('qwasm run writes .npy outputs equal to the API\'s (unnamed and NAME= forms, float64 input converted)', async () => {
  await qwasmApi.init({ threads: false });
  const x = seededFloats(2 * 192, 3);
  const session = await qwasmApi.InferenceSession.create(MODEL);
  const expected = (await session.run({ input: new qwasmApi.Tensor('float32', x, [2, 3, 8, 8]) })).output;
  session.dispose();
  withTempDir((dir) => {
    const input = path.join(dir, 'x.npy');
    writeFileSync(input, formatNpy(x, [2, 3, 8, 8]));
    const out = path.join(dir, 'y.npy');
    const r = qwasm('run', MODEL, '--input', input, '--output', out);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { output: 'output', file: out, type: 'float32', shape: [2, 5] });
    const y = parseNpy(readFileSync(out));
    assert.equal(y.data.constructor, Float32Array);
    assert.deepEqual(y.dims, [2, 5]);
    assert.deepEqual(y.data, expected.data);

    const x64 = path.join(dir, 'x64.npy');
    writeFileSync(x64, formatNpy(Float64Array.from(x), [2, 3, 8, 8]));
    const out2 = path.join(dir, 'y2.npy');
    const r2 = qwasm('run', MODEL, '--input', `input=${x64}`, '--output', `output=${out2}`, '--no-threads');
    assert.equal(r2.status, 0, r2.stderr);
    assert.deepEqual(parseNpy(readFileSync(out2)).data, expected.data);
  });
});

test('qwasm run/info reject bad input with a message and exit code 1', () => withTempDir((dir) => {
  const input = path.join(dir, 'x.npy');
  writeFileSync(input, formatNpy(new Float32Array(192), [1, 3, 8, 8]));
  let r = qwasm('run', MODEL, '--input', input);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /give at least one --output/);
  r = qwasm('run', MODEL, '--input', `nope=${input}`, '--output', path.join(dir, 'y.npy'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /the model has no input 'nope' \(its inputs: input\)/);
  r = qwasm('run', MODEL, '--output', path.join(dir, 'y.npy'));
  assert.match(r.stderr, /missing --input for 'input'/);
  const wrong = path.join(dir, 'w.npy');
  writeFileSync(wrong, formatNpy(new Float32Array(64), [1, 1, 8, 8]));
  r = qwasm('run', MODEL, '--input', wrong, '--output', path.join(dir, 'y.npy'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /input 'input' dim 1 must be 3/);
  r = qwasm('info', path.join(dir, 'missing.onnx'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot read/);
  r = qwasm('info', input);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /qwasm info: InferenceSession.create: /);
}));

test('qwasm bench times a model and, with --profile, reports every op of the plan', () => {
  const model = fileURLToPath(new URL('../../models/fashion_mnist_int8.onnx', import.meta.url));
  const r = qwasm('bench', model, '--runs', '3', '--warmup', '1', '--profile', '--json', '--no-threads');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.runs, 3);
  assert.equal(out.build, 'simd128-st');
  assert.deepEqual(out.inputs, { input: [1, 1, 28, 28] });
  assert.ok(out.minMs > 0 && out.minMs <= out.medianMs && out.medianMs <= out.maxMs);
  const ops = new Set(out.profile.ops.map((e) => e.op));
  for (const op of ['QConv', 'QMaxPool', 'QLinear', 'QuantizeLinear']) assert.ok(ops.has(op), `${op} profiled`);
  const shares = out.profile.byOpType.reduce((a, e) => a + e.share, 0);
  // The session prints ms with 6 significant digits, so the per-type shares sum to 1 within ~1e-6.
  assert.ok(Math.abs(shares - 1) < 1e-5, `shares sum to ${shares}`);
  const text = qwasm('bench', model, '--runs', '2', '--warmup', '0', '--profile', '--no-threads');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /per-op time/);
  assert.match(text.stdout, /by op type:/);
  const bad = qwasm('bench', model, '--runs', 'many');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /option --runs needs a non-negative integer/);
  const missing = qwasm('bench', model, '--input', 'nope.npy', '--no-threads');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope\.npy/);
});
