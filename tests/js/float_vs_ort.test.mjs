// Float models: qwasm's float path against onnxruntime-web (wasm backend, one thread, same Node process) on every
// tests/golden/models/float_*.onnx, and against PyTorch's outputs in tests/golden/float_models.qgf.
//
// Tolerance: both engines compute in float32 but sum in different orders (and ORT may fuse Conv+BN / use other
// GEMM blockings), so results are not bit-identical. A float32 dot product of length K in any order is within
// K * 2^-24 * sum|a_i * b_i| of the exact value (Higham's gamma_K bound); for the K <= ~1000 of these test models
// that is <= 6e-5 of the magnitude of the summands, which for these small nets is at most the magnitude of the
// tensor's largest output. A few layers compound it, so each output tensor is compared with
//     |qwasm - reference| <= 1e-4 * max|reference| + 1e-6
// (the 1e-6 floor covers tensors that are all near zero). A wrong kernel (bad index, missed bias, wrong padding)
// errs by the size of a term, i.e. orders of magnitude more.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as qwasm from '../../js/index.mjs';
import { load, path as goldenPath } from './golden.mjs';
import { runOrt } from './ort_reference.mjs';
import { seededFloats } from './seeded.mjs';

const RTOL = 1e-4;
const ATOL = 1e-6;
const models = existsSync(goldenPath('models/')) ?
  readdirSync(goldenPath('models/')).filter((f) => /^float_.*\.onnx$/.test(f)).sort() : [];

function checkClose(got, want, what) {
  assert.equal(got.type, want.type, `${what}: type`);
  assert.deepEqual(got.dims, want.dims, `${what}: dims`);
  let maxRef = 0;
  for (const v of want.data) maxRef = Math.max(maxRef, Math.abs(v));
  const tol = RTOL * maxRef + ATOL;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.data.length; i++) {
    const d = Math.abs(got.data[i] - want.data[i]);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  assert.ok(worst <= tol, `${what}: max |diff| ${worst} at [${at}] (qwasm ${got.data[at]} vs ${want.data[at]}) > tolerance ${tol}`);
  return worst;
}

// Inputs for the model's declared inputs: symbolic dims -> 2, float32 seeded in [-3, 3), integers zero.
function makeFeeds(session, seed) {
  const feeds = {};
  session.inputMetadata.forEach((m, k) => {
    assert.ok(m.shape !== null, `input '${m.name}' has an unknown rank`);
    const dims = m.shape.map((d) => (typeof d === 'number' ? d : 2));
    const count = dims.reduce((a, b) => a * b, 1);
    feeds[m.name] = m.type === 'float32'
      ? new qwasm.Tensor('float32', seededFloats(count, seed + k), dims)
      : new qwasm.Tensor(m.type, m.type.endsWith('64') ? new BigInt64Array(count) : new Array(count).fill(0), dims);
  });
  return feeds;
}

test('load qwasm', async () => {
  await qwasm.init({ threads: false });
});

if (models.length === 0) test('float models vs onnxruntime-web', { skip: 'no tests/golden/models/float_*.onnx' }, () => {});

for (const file of models) {
  test(`${file}: qwasm matches onnxruntime-web (|diff| <= ${RTOL} * max|ref| + ${ATOL})`, async (t) => {
    const bytes = readFileSync(goldenPath(`models/${file}`));
    const session = await qwasm.InferenceSession.create(bytes);
    try {
      for (const seed of [1, 2]) {
        const feeds = makeFeeds(session, seed);
        const got = await session.run(feeds);
        const want = await runOrt(bytes, feeds);
        assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
        for (const name of Object.keys(want)) {
          const worst = checkClose(got[name], want[name], `${file} seed ${seed} output '${name}'`);
          t.diagnostic(`seed ${seed} '${name}': max |qwasm - ORT| = ${worst}`);
        }
      }
    } finally {
      session.dispose();
    }
  });
}

const QGF = 'float_models.qgf';
if (!existsSync(goldenPath(QGF))) {
  test('float models vs PyTorch', { skip: `tests/golden/${QGF} does not exist` }, () => {});
} else {
  const cases = load(QGF).filter((c) => c.has('model') && c.has('input') && c.has('output'));
  test(`${QGF}: qwasm matches PyTorch on ${cases.length} cases (same tolerance)`, async (t) => {
    assert.ok(cases.length > 0, `${QGF} has no case with model, input and output`);
    const sessions = new Map();
    try {
      for (const c of cases) {
        const model = c.str('model').replace(/\.onnx$/, '');
        if (!sessions.has(model)) {
          sessions.set(model, await qwasm.InferenceSession.create(readFileSync(goldenPath(`models/${model}.onnx`))));
        }
        const session = sessions.get(model);
        const x = new qwasm.Tensor('float32', c.f32('input'), c.has('input_shape') ? c.i64('input_shape') : undefined);
        const y = (await session.run({ [session.inputNames[0]]: x }))[session.outputNames[0]];
        const dims = c.has('output_shape') ? c.i64('output_shape') : y.dims;
        t.diagnostic(`${c.name}: max |qwasm - PyTorch| = ${checkClose(y, { type: 'float32', dims, data: c.f32('output') }, c.name)}`);
      }
    } finally {
      for (const s of sessions.values()) s.dispose();
    }
  });
}
