// qwasm.Observer: the JS face of PyTorch's observers (the arithmetic itself is checked against PyTorch by the
// doctest golden suites, in native and wasm builds).
import test from 'node:test';
import assert from 'node:assert/strict';
import * as qwasm from '../../js/index.mjs';

await qwasm.init({ threads: false });

test('MinMaxObserver through the JS API: stats, qparams, PyTorch names accepted', () => {
  const o = new qwasm.Observer('MinMaxObserver', { dtype: 'torch.quint8', reduce_range: true });
  assert.equal(o.kind, 'minmax');
  assert.equal(o.torchName, 'MinMaxObserver');
  assert.deepEqual(Array.from(o.stats().minVal), [], 'not observed yet');
  assert.equal(o.qparams().scale, 1, 'unobserved: scale 1');
  o.observe([-1, 2]).observe(new qwasm.Tensor('float32', [0.5, 3.5], [2, 1]));
  const s = o.stats();
  assert.deepEqual(Array.from(s.minVal), [-1]);
  assert.deepEqual(Array.from(s.maxVal), [3.5]);
  const q = o.qparams();
  assert.equal(q.quantMin, 0);
  assert.equal(q.quantMax, 127);
  // affine: scale = 4.5 / 127 (float32), zero point = 0 - round(-1 / scale) = 28
  assert.equal(q.scale, Math.fround(Math.fround(4.5) / 127));
  assert.equal(q.zeroPoint, 28);
  o.dispose();
  o.dispose();  // idempotent
  assert.throws(() => o.observe([1]), /MinMaxObserver: used after dispose\(\)/);
});

test('per-channel observer reports one entry per channel along ch_axis', () => {
  const o = new qwasm.Observer('per_channel_minmax', { chAxis: 0, dtype: 'qint8', qscheme: 'per_channel_symmetric' });
  o.observe({ data: [1, -2, 3, 4, 5, -6], dims: [2, 3] });
  assert.deepEqual(Array.from(o.stats().minVal), [-2, -6]);
  assert.deepEqual(Array.from(o.stats().maxVal), [3, 5]);
  const q = o.qparams();
  assert.equal(q.qscheme, 'per_channel_symmetric');
  assert.equal(q.axis, 0);
  assert.deepEqual(Array.from(q.zeroPoints), [0, 0]);
  assert.deepEqual(Array.from(q.scales), [Math.fround(3 / 127.5), Math.fround(6 / 127.5)]);
  o.dispose();
});

test('illegal options and inputs are rejected with PyTorch\'s reason, and the module stays usable', () => {
  assert.throws(() => new qwasm.Observer('minmax_v2'), /unknown kind 'minmax_v2'/);
  assert.throws(() => new qwasm.Observer('minmax', { quantMin: 0.5 }), /quantMin must be an integer/);
  assert.throws(() => new qwasm.Observer('minmax', { flavour: 'x' }), /unknown option 'flavour'/);
  assert.throws(() => new qwasm.Observer('minmax', { qscheme: 'per_channel_affine' }), /per_channel_affine is not supported/);
  assert.throws(() => new qwasm.Observer('per_channel_minmax', { qscheme: 'per_tensor_affine' }), /per_tensor_affine/);
  const o = new qwasm.Observer('per_channel_minmax', { chAxis: 3 });
  assert.throws(() => o.observe({ data: [1, 2], dims: [2] }), /ch_axis|axis/);
  o.observe({ data: [1, 2], dims: [1, 1, 1, 2] });
  assert.deepEqual(Array.from(o.stats().maxVal), [1, 2]);
  o.dispose();
});

test('creating and disposing observers does not grow the wasm heap', () => {
  const x = new Float32Array(1000).map((_, i) => Math.sin(i));
  const cycle = () => {
    for (const kind of ['minmax', 'moving_average', 'per_channel_minmax', 'moving_average_per_channel']) {
      const o = new qwasm.Observer(kind, kind.includes('per_channel') ? { chAxis: 0 } : {});
      o.observe({ data: x, dims: [10, 100] });
      o.qparams();
      o.stats();
      o.dispose();
    }
    try { new qwasm.Observer('minmax', { quantMin: 3, quantMax: 1 }); } catch { /* expected */ }
  };
  for (let i = 0; i < 10; i++) cycle();
  const before = qwasm.stats().heapBytes;
  for (let i = 0; i < 500; i++) cycle();
  assert.equal(qwasm.stats().heapBytes, before);
});

test('inputBuffer(): observing data written into the observer\'s own heap buffer equals observing a copy', () => {
  let seed = 7;
  const u = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const batches = [3001, 4096, 17, 5000].map((n, b) => {
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = (u() * 2 - 1) * (2 + b * 3);
    return x;
  });
  for (const kind of ['histogram', 'minmax', 'per_channel_minmax']) {
    const options = kind === 'per_channel_minmax' ? { chAxis: 0 } : {};
    const copied = new qwasm.Observer(kind, options);
    const direct = new qwasm.Observer(kind, options);
    for (const x of batches) {
      const dims = [1, x.length];
      copied.observe({ data: x, dims });
      const view = direct.inputBuffer(x.length);
      assert.ok(view instanceof Float32Array);
      assert.equal(view.length, x.length);
      view.set(x);
      direct.observe({ data: view, dims });
    }
    // A view of part of the buffer at another offset is copied like any other array.
    const part = direct.inputBuffer(100).subarray(10, 60);
    const want = new Float32Array(part);
    direct.observe({ data: part, dims: [1, 50] });
    copied.observe({ data: want, dims: [1, 50] });
    const a = copied.stats();
    const b = direct.stats();
    assert.deepEqual(Array.from(b.minVal), Array.from(a.minVal), kind);
    assert.deepEqual(Array.from(b.maxVal), Array.from(a.maxVal), kind);
    if (kind === 'histogram') assert.deepEqual(Array.from(b.histogram), Array.from(a.histogram));
    assert.deepEqual(direct.qparams(), copied.qparams(), kind);
    copied.dispose();
    direct.dispose();
  }
});
