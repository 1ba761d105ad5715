// qwasm.InferenceSession checks, run once per module variant (session.test.mjs: single-threaded,
// session_mt.test.mjs: pthreads; one process each, since a process loads one module).
//
// The model is tests/golden/models/quantized_conv.onnx (PyTorch-quantized conv-relu, conv-relu, pool, linear; QDQ
// form; 1x3x8x8 float input, output scale 0.0024328418). Its outputs are compared with onnxruntime-web within one
// quantization step of the output scale: ORT's int8 arithmetic (float requantization in its QLinear kernels, fused
// differently) rounds slightly differently from PyTorch's qnnpack, which qwasm reproduces exactly. Bit-exactness
// against PyTorch itself is model_golden.test.mjs's job.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as qwasm from '../../js/index.mjs';
import { call, callMethod } from '../../js/module.mjs';
import { runOrt } from './ort_reference.mjs';
import { seededFloats } from './seeded.mjs';

const MODEL_URL = new URL('../golden/models/quantized_conv.onnx', import.meta.url);
const MODEL_PATH = fileURLToPath(MODEL_URL);
const modelBytes = new Uint8Array(readFileSync(MODEL_URL));
const OUTPUT_SCALE = Math.fround(0.0024328418076038361);
const OUTPUT_ZERO_POINT = 197;

const input = (batch, seed = 1) => new qwasm.Tensor('float32', seededFloats(batch * 192, seed), [batch, 3, 8, 8]);
const f32 = (x) => Math.fround(x);

function maxAbsDiff(a, b) {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function rejects(promise, pattern) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.name, 'QwasmError', `expected a QwasmError, got ${e.name}: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}

export function registerSessionTests({ threads, expectBuild }) {
  let session;       // shared by the tests below; created in the first one
  let reference;     // its output for input(1)

  test(`InferenceSession.create on the ${expectBuild} module: bytes, ArrayBuffer, path, file URL`, async () => {
    await qwasm.init({ threads });
    assert.equal(qwasm.features().build, expectBuild);
    const baseline = qwasm.stats().liveSessions;
    session = await qwasm.InferenceSession.create(modelBytes);
    assert.equal(qwasm.stats().liveSessions, baseline + 1);
    const exact = modelBytes.buffer.slice(modelBytes.byteOffset, modelBytes.byteOffset + modelBytes.byteLength);
    for (const source of [exact, MODEL_PATH, MODEL_URL, pathToFileURL(MODEL_PATH).href, new DataView(exact)]) {
      const s = await qwasm.InferenceSession.create(source);
      assert.deepEqual(s.inputNames, ['input']);
      assert.deepEqual(s.outputNames, ['output']);
      s.dispose();
    }
    assert.equal(qwasm.stats().liveSessions, baseline + 1);
  });

  test('metadata is shaped like onnxruntime-web\'s', () => {
    assert.deepEqual(session.inputNames, ['input']);
    assert.deepEqual(session.outputNames, ['output']);
    assert.deepEqual(session.inputMetadata.map((m) => ({ ...m, shape: [...m.shape] })),
      [{ name: 'input', isTensor: true, type: 'float32', shape: ['batch', 3, 8, 8] }]);
    assert.deepEqual(session.outputMetadata.map((m) => ({ ...m, shape: [...m.shape] })),
      [{ name: 'output', isTensor: true, type: 'float32', shape: ['batch', 5] }]);
  });

  test('describe() before the first run: declared shapes, not planned, no arena yet', async () => {
    const fresh = await qwasm.InferenceSession.create(modelBytes);
    const d = fresh.describe();
    assert.equal(d.planned, false);
    assert.equal(fresh.peakActivationBytes, 0);
    assert.ok(Array.isArray(d.nodes) && d.nodes.length > 0);
    assert.equal(d.inputs[0].name, 'input');
    fresh.dispose();
  });

  test('run() matches onnxruntime-web within one output quantization step (batch 1 and 3)', async () => {
    for (const batch of [1, 3]) {
      const x = input(batch);
      const out = await session.run({ input: x });
      assert.deepEqual(Object.keys(out), ['output']);
      const y = out.output;
      assert.ok(y instanceof qwasm.Tensor);
      assert.equal(y.type, 'float32');
      assert.ok(y.data instanceof Float32Array);
      assert.deepEqual(y.dims, [batch, 5]);
      // Every output is a dequantized quint8: (q - 197) * scale for an integer q in [0, 255].
      for (const v of y.data) {
        const q = Math.round(v / OUTPUT_SCALE) + OUTPUT_ZERO_POINT;
        assert.ok(q >= 0 && q <= 255 && f32((q - OUTPUT_ZERO_POINT) * OUTPUT_SCALE) === v, `${v} is not on the output grid`);
      }
      const ort = await runOrt(modelBytes, { input: x });
      assert.deepEqual(ort.output.dims, [batch, 5]);
      const diff = maxAbsDiff(y.data, ort.output.data);
      assert.ok(diff <= OUTPUT_SCALE * 1.0001, `batch ${batch}: max |qwasm - ORT| = ${diff} > one step ${OUTPUT_SCALE}`);
      if (batch === 1) reference = y.data;
    }
  });

  test('batches are independent: each sample of a batch equals its batch-1 run; replanning back and forth', async () => {
    const batch = input(4, 9);
    const whole = (await session.run({ input: batch })).output.data;
    for (let n = 0; n < 4; n++) {
      const one = new qwasm.Tensor('float32', batch.data.slice(n * 192, (n + 1) * 192), [1, 3, 8, 8]);
      assert.deepEqual((await session.run({ input: one })).output.data, whole.slice(n * 5, (n + 1) * 5), `sample ${n}`);
    }
    assert.deepEqual((await session.run({ input: input(1) })).output.data, reference);
  });

  test('results do not depend on the thread count', async () => {
    const x = input(2, 5);
    const first = (await session.run({ input: x })).output.data;
    const max = qwasm.features().threads ? 4 : 1;
    for (let t = 1; t <= max; t++) {
      qwasm.setThreadCount(t);
      assert.deepEqual((await session.run({ input: x })).output.data, first, `threads=${t}`);
    }
    qwasm.setThreadCount(qwasm.features().threads ? 2 : 1);
  });

  test('fetches selects outputs; unknown fetch names are rejected', async () => {
    const out = await session.run({ input: input(1) }, ['output']);
    assert.deepEqual(out.output.data, reference);
    await rejects(session.run({ input: input(1) }, ['nope']), /unknown output 'nope'/);
  });

  test('describe(): conv nodes carry the model\'s qparams; peak activation bytes are reported', async () => {
    await session.run({ input: input(1) });
    const d = session.describe();
    assert.equal(d.planned, true);
    assert.ok(d.peakActivationBytes > 0);
    assert.equal(session.peakActivationBytes, d.peakActivationBytes);
    assert.deepEqual(d.inputs.map((v) => v.name), ['input']);
    assert.deepEqual(d.outputs.map((v) => v.name), ['output']);
    for (const n of d.nodes) {
      for (const key of ['name', 'op', 'domain', 'kernel', 'inputs', 'outputs', 'qparams']) {
        assert.ok(key in n, `node ${JSON.stringify(n).slice(0, 200)} has no '${key}'`);
      }
    }
    const convs = d.nodes.filter((n) => /conv/i.test(n.op));
    assert.equal(convs.length, 2, `conv nodes: ${d.nodes.map((n) => n.op).join(', ')}`);
    const has = (node, scale, zeroPoint) => node.qparams.some((q) => q.scale.length === 1 &&
      f32(q.scale[0]) === f32(scale) && q.zero_point[0] === zeroPoint);
    // From quantized_conv.summary.txt: input scale/zp, weight scale (symmetric, zp 0), output scale/zp of each conv.
    const expected = [
      [[0.023133371025323868, 129], [0.0016049521509557962, 0], [0.0077107143588364124, 0]],
      [[0.0077107143588364124, 0], [0.0013059413759037852, 0], [0.0028136470355093479, 0]],
    ];
    expected.forEach((pairs, i) => {
      for (const [scale, zp] of pairs) {
        assert.ok(has(convs[i], scale, zp), `conv ${i} (${convs[i].name}) lacks scale ${scale} zero_point ${zp}: ${JSON.stringify(convs[i].qparams)}`);
      }
    });
    for (const n of convs) {
      assert.ok(n.qparams.every((q) => ['quint8', 'qint8', 'qint32', 'uint8', 'int8', 'int32'].includes(q.dtype)), JSON.stringify(n.qparams));
      assert.ok(n.outputs[0].shape.every((v) => typeof v === 'number'), 'planned shapes are numbers');
    }
  });

  test('create() errors: garbage, truncated, unsupported op, bad source and options; the module stays usable', async () => {
    const check = async () => assert.deepEqual((await session.run({ input: input(1) })).output.data, reference);
    await rejects(qwasm.InferenceSession.create(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3])), /^InferenceSession.create: ./);
    await check();
    await rejects(qwasm.InferenceSession.create(modelBytes.slice(0, Math.floor(modelBytes.length / 2))), /^InferenceSession.create: ./);
    await check();
    await rejects(qwasm.InferenceSession.create(new Uint8Array(0)), /^InferenceSession.create: ./);
    await check();
    // helper_typed.onnx has a com.example CustomThing node (and ops qwasm may not run): named in the message.
    await rejects(qwasm.InferenceSession.create(new URL('../golden/models/helper_typed.onnx', import.meta.url)), /CustomThing/);
    await check();
    await rejects(qwasm.InferenceSession.create('/no/such/model.onnx'), /cannot read '\/no\/such\/model.onnx'/);
    await rejects(qwasm.InferenceSession.create(42), /expected model bytes/);
    await rejects(qwasm.InferenceSession.create(modelBytes, { maxActivationByte: 1 }), /unknown option 'maxActivationByte'/);
    await rejects(qwasm.InferenceSession.create(modelBytes, { limits: { maxNodes: -1 } }), /limits.maxNodes must be a non-negative integer/);
    await rejects(qwasm.InferenceSession.create(modelBytes, { limits: { maxNodes: 3 } }), /more than the limit of 3/);
    await rejects(qwasm.InferenceSession.create(modelBytes, { limits: { maxModelBytes: 100 } }), /more than the limit of 100/);
    await check();
    // A tiny activation budget: creating may succeed, planning must fail with a message, and the session recovers
    // nothing but stays a valid object (disposed cleanly).
    const tight = await qwasm.InferenceSession.create(modelBytes, { maxActivationBytes: 16 }).catch((e) => e);
    if (tight instanceof qwasm.InferenceSession) {
      await rejects(tight.run({ input: input(1) }), /^InferenceSession.run: ./);
      tight.dispose();
    } else {
      assert.match(tight.message, /^InferenceSession.create: ./);
    }
    await check();
  });

  test('run() errors are caught in JS first: missing/unknown feeds, wrong type, wrong dims, non-Tensors', async () => {
    const check = async () => assert.deepEqual((await session.run({ input: input(1) })).output.data, reference);
    await rejects(session.run({}), /missing input 'input'/);
    await check();
    await rejects(session.run({ input: input(1), extra: input(1) }), /unknown input 'extra' \(the model's inputs: input\)/);
    await check();
    await rejects(session.run({ input: new qwasm.Tensor('int32', new Int32Array(192), [1, 3, 8, 8]) }), /input 'input' must be float32, got a tensor of type int32/);
    await check();
    await rejects(session.run({ input: new qwasm.Tensor('float32', new Float32Array(192), [3, 8, 8]) }), /input 'input' must have rank 4/);
    await check();
    await rejects(session.run({ input: new qwasm.Tensor('float32', new Float32Array(192), [1, 3, 16, 4]) }), /input 'input' dim 2 must be 8/);
    await check();
    await rejects(session.run({ input: new Float32Array(192) }), /input 'input' must be a qwasm.Tensor, got Float32Array/);
    await rejects(session.run({ input: { type: 'float32', data: new Float32Array(192), dims: [1, 3, 8, 8] } }), /must be a qwasm.Tensor/);
    await rejects(session.run(null), /feeds must be an object/);
    await rejects(session.run([input(1)]), /feeds must be an object/);
    await check();
  });

  test('the C++ side validates feeds again (bypassing the JS checks) and the session stays usable', () => {
    // The prepared run protocol of bindings/session_bindings.cpp, driven by hand with bad values.
    const handle = call('createSession', modelBytes, {});
    const names = call('elementTypeNames');
    const code = (type) => names.indexOf(type);
    const raw = (feeds, header = null) => {
      const h = [];
      feeds.forEach(({ type, dims, data }, i) => {
        callMethod(handle, 'inputBuffer', i, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        h.push(typeof type === 'number' ? type : code(type), dims.length, ...dims);
      });
      return callMethod(handle, 'runPrepared', new Float64Array(header ?? h));
    };
    try {
      const feed = (over = {}) => ({ type: 'float32', dims: [1, 3, 8, 8], data: input(1).data, ...over });
      const ok = () => {
        assert.equal(raw([feed()]), 1);
        const h = handle.outputHeader(0);
        assert.equal(names[h[0]], 'float32');
        assert.deepEqual(new Float32Array(handle.outputBytes(0).slice().buffer), reference);
      };
      ok();
      for (const [run, pattern] of [
        [() => raw([], []), /input header is too short/],
        [() => raw([feed({ type: 'int32', data: new Int32Array(192) })]), /input/],
        [() => raw([feed({ dims: [1, 3, 8, 9], data: new Float32Array(216) })]), /input/],
        [() => raw([feed({ data: new Float32Array(100) })]), /input/],
        [() => raw([feed({ type: 99 })]), /unknown tensor type code 99/],
        [() => raw([feed({ dims: [1, -3, 8, 8] })]), /not a non-negative integer/],
        [() => raw([feed()], [code('float32'), 4, 1, 3]), /input header is too short/],
        [() => raw([feed()], [code('float32'), -1]), /input rank -1 is not valid/],
        [() => raw([feed(), feed()]), /input index 1 out of range \(1 inputs\)/],
        [() => callMethod(handle, 'inputBuffer', 0, -4), /input byte length -4/],
        [() => callMethod(handle, 'outputHeader', 1), /output index 1 out of range/],
        [() => callMethod(handle, 'outputBytes', -1), /output index -1 out of range/],
      ]) {
        assert.throws(run, (e) => e.name === 'QwasmError' && pattern.test(e.message), `${run}`);
        ok();
      }
    } finally {
      handle.delete();
    }
  });

  test('dispose() is idempotent, frees the session, and later use is a clear error', async () => {
    const before = qwasm.stats().liveSessions;
    const s = await qwasm.InferenceSession.create(modelBytes);
    assert.equal(qwasm.stats().liveSessions, before + 1);
    await s.run({ input: input(1) });
    assert.equal(s.disposed, false);
    s.dispose();
    s.dispose();
    await s.release();
    assert.equal(s.disposed, true);
    assert.equal(qwasm.stats().liveSessions, before);
    await rejects(s.run({ input: input(1) }), /InferenceSession.run: the session was disposed/);
    assert.throws(() => s.describe(), /InferenceSession.describe: the session was disposed/);
    assert.throws(() => s.peakActivationBytes, /the session was disposed/);
    assert.deepEqual(s.inputNames, ['input'], 'metadata stays readable');
    assert.throws(() => new qwasm.InferenceSession(), /InferenceSession.create/);
  });

  test('the wasm heap after 10,000 runs (with failures) equals the heap after the first 10, and 1,000 create/dispose cycles leak nothing', async () => {
    const x = input(1);
    const bad = new qwasm.Tensor('float32', new Float32Array(192), [1, 3, 16, 4]);
    const runOnce = async (i) => {
      await session.run({ input: x });
      if (i % 50 === 0) await session.run({ input: bad }).catch(() => {});
    };
    for (let i = 0; i < 10; i++) await runOnce(i);
    let before = qwasm.stats().heapBytes;
    for (let i = 10; i < 10000; i++) await runOnce(i);
    assert.equal(qwasm.stats().heapBytes, before, 'heap after 10,000 runs');
    assert.deepEqual((await session.run({ input: x })).output.data, reference);

    const live = qwasm.stats().liveSessions;
    const cycle = async (i) => {
      const s = await qwasm.InferenceSession.create(modelBytes);
      if (i % 3 === 0) await s.run({ input: x });
      s.dispose();
      if (i % 10 === 0) await qwasm.InferenceSession.create(modelBytes.slice(0, 100)).catch(() => {});
    };
    for (let i = 0; i < 10; i++) await cycle(i);
    before = qwasm.stats().heapBytes;
    for (let i = 0; i < 1000; i++) await cycle(i);
    assert.equal(qwasm.stats().heapBytes, before, 'heap after 1,000 create/dispose cycles');
    assert.equal(qwasm.stats().liveSessions, live);
  });

  test('a session garbage-collected without dispose() is freed by the FinalizationRegistry backstop', () => {
    // In a child process with --expose-gc: create sessions, drop them, collect, and watch liveSessions fall to 0.
    const script = `
      import * as qwasm from ${JSON.stringify(new URL('../../js/index.mjs', import.meta.url).href)};
      await qwasm.init({ threads: ${JSON.stringify(threads)} });
      const bytes = ${JSON.stringify(MODEL_PATH)};
      for (let i = 0; i < 3; i++) await qwasm.InferenceSession.create(bytes);
      const created = qwasm.stats().liveSessions;
      for (let i = 0; i < 50 && qwasm.stats().liveSessions > 0; i++) {
        globalThis.gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      console.log(JSON.stringify({ created, after: qwasm.stats().liveSessions }));`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()), { created: 3, after: 0 });
  });

  test('cleanup', () => {
    session.dispose();
  });
}
