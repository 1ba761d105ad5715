// qwasm.createPool(): worker_threads pool of sessions (js/pool.mjs). Results must equal a plain InferenceSession bit
// for bit; every failure mode (full queue, timeout, crashed worker, bad input) touches only its own request, the
// pool keeps serving, and close() lets Node exit. Deterministic: back-pressure uses a worker blocked on a shared
// flag (a test hook), never a race against the clock; no test asserts a duration.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as qwasm from '../../js/index.mjs';
import { TEST_COMMAND, TEST_HOOKS } from '../../js/pool.mjs';
import { parseNpy } from '../../js/npy.mjs';

const MODEL = fileURLToPath(new URL('../../models/fashion_mnist_int8.onnx', import.meta.url));
const npy = (name) => parseNpy(readFileSync(new URL(`../../models/${name}`, import.meta.url)), name, { anyDtype: true });
const images = npy('fashion_mnist_test.npy');
const torchLogits = npy('fashion_mnist_test_int8_logits.npy').data;

// Image i (float32(p) / 255) as a [1,1,28,28] tensor; batch of n from i on as [n,1,28,28].
function image(i, n = 1) {
  const x = new Float32Array(784 * n);
  for (let k = 0; k < x.length; k++) x[k] = images.data[784 * i + k] / 255;
  return new qwasm.Tensor('float32', x, [n, 1, 28, 28]);
}
const bits = (f32) => Array.from(new Uint32Array(f32.buffer, f32.byteOffset, f32.length));
const torchOf = (i, n = 1) => torchLogits.slice(10 * i, 10 * (i + n));

async function withPool(options, fn) {
  const pool = await qwasm.createPool(MODEL, options);
  try {
    return await fn(pool);
  } finally {
    await pool.close();
  }
}

async function rejectsWith(promise, code, pattern) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof qwasm.QwasmError, `expected a QwasmError, got ${e}`);
    assert.equal(e.code, code, e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

test('pool results equal a plain InferenceSession bit for bit (and PyTorch\'s int8 logits)', async () => {
  const session = await qwasm.InferenceSession.create(MODEL);
  try {
    await withPool({ workers: 2 }, async (pool) => {
      assert.deepEqual(pool.inputNames, session.inputNames);
      assert.deepEqual(pool.outputNames, session.outputNames);
      assert.deepEqual(pool.inputMetadata, session.inputMetadata);
      assert.equal(pool.features.build, 'simd128-st');
      const cases = [[0, 1], [1, 1], [7, 1], [20, 8]];
      for (const [i, n] of cases) {
        const { logits } = await pool.run({ input: image(i, n) });
        const direct = (await session.run({ input: image(i, n) })).logits;
        assert.equal(logits.type, 'float32');
        assert.deepEqual(logits.dims, [n, 10]);
        assert.deepEqual(bits(logits.data), bits(direct.data), `image ${i} batch ${n}`);
        assert.deepEqual(bits(logits.data), bits(torchOf(i, n)), `image ${i} batch ${n} vs PyTorch`);
      }
    });
  } finally {
    session.dispose();
  }
});

test('a pool of pthreads workers (threadsPerWorker 2) gives the same bits', async () => {
  await withPool({ workers: 1, threadsPerWorker: 2 }, async (pool) => {
    assert.equal(pool.features.build, 'simd128-mt');
    assert.equal(pool.features.threadCount, 2);
    const { logits } = await pool.run({ input: image(30, 4) });
    assert.deepEqual(bits(logits.data), bits(torchOf(30, 4)));
  });
});

test('concurrent requests: each gets the answer to its own input', async () => {
  await withPool({ workers: 2, maxQueue: 200 }, async (pool) => {
    const n = 120;
    const results = await Promise.all(Array.from({ length: n }, (_, i) => pool.run({ input: image(i) })));
    results.forEach(({ logits }, i) => assert.deepEqual(bits(logits.data), bits(torchOf(i)), `request ${i}`));
    const s = pool.stats();
    assert.equal(s.completed, n);
    assert.equal(s.failed, 0);
    assert.equal(s.queued, 0);
    assert.equal(s.workers, 2);
  });
});

test('fetches and transfer: only the named outputs; transfer detaches the caller\'s buffer, the default copies', async () => {
  await withPool({ workers: 1 }, async (pool) => {
    const kept = image(3);
    const r1 = await pool.run({ input: kept }, { fetches: ['logits'] });
    assert.deepEqual(Object.keys(r1), ['logits']);
    assert.equal(kept.data.length, 784, 'without transfer the input stays usable');
    const given = image(3);
    const r2 = await pool.run({ input: given }, { transfer: true });
    assert.equal(given.data.buffer.byteLength, 0, 'with transfer the buffer moved to the worker');
    assert.deepEqual(bits(r2.logits.data), bits(r1.logits.data));
    // A view into a larger buffer: only the view is sent (and the result is still right).
    const big = new Float32Array(784 * 3);
    big.set(image(5).data, 784);
    const r3 = await pool.run({ input: new qwasm.Tensor('float32', big.subarray(784, 1568), [1, 1, 28, 28]) }, { transfer: true });
    assert.deepEqual(bits(r3.logits.data), bits(torchOf(5)));
    assert.equal(big.length, 784 * 3, 'a partial view is copied, not detached');
  });
});

test('back-pressure: with every worker busy and the queue full, run() rejects at once with QUEUE_FULL', async () => {
  await withPool({ workers: 1, maxQueue: 2, timeoutMs: 0, [TEST_HOOKS]: true }, async (pool) => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const blocked = pool[TEST_COMMAND]('block', flag.buffer);
    const a = pool.run({ input: image(0) });
    const b = pool.run({ input: image(1) });
    assert.equal(pool.stats().queued, 2);
    assert.equal(pool.saturated, true);
    await rejectsWith(pool.run({ input: image(2) }), 'QUEUE_FULL', /queue is full \(2 requests waiting/);
    assert.equal(pool.stats().queueFull, 1);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    await blocked;
    assert.deepEqual(bits((await a).logits.data), bits(torchOf(0)));
    assert.deepEqual(bits((await b).logits.data), bits(torchOf(1)));
    assert.equal(pool.saturated, false);
    // Room again: accepted.
    assert.deepEqual(bits((await pool.run({ input: image(2) })).logits.data), bits(torchOf(2)));
  });
});

test('maxQueue 0: a request is accepted only when a worker is idle', async () => {
  await withPool({ workers: 1, maxQueue: 0, timeoutMs: 0, [TEST_HOOKS]: true }, async (pool) => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const blocked = pool[TEST_COMMAND]('block', flag.buffer);
    await rejectsWith(pool.run({ input: image(0) }), 'QUEUE_FULL');
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    await blocked;
    await pool.run({ input: image(0) });
  });
});

// Only the stuck requests get a short timeout (per request): the pool's default (30 s) leaves the requests that
// follow, which wait for the replacement worker to load the model, far from any deadline.
test('timeout: a stuck request rejects with TIMEOUT, its worker is terminated and replaced, the pool serves on', async () => {
  await withPool({ workers: 1, [TEST_HOOKS]: true }, async (pool) => {
    await rejectsWith(pool[TEST_COMMAND]('hang', null, 300), 'TIMEOUT', /no answer within 300 ms/);
    const { logits } = await pool.run({ input: image(4) });
    assert.deepEqual(bits(logits.data), bits(torchOf(4)));
    const s = pool.stats();
    assert.equal(s.timedOut, 1);
    assert.equal(s.stuckTerminated, 1);
    assert.equal(s.restarted, 1);
    assert.equal(s.workers, 1);
  });
});

test('timeout while queued: the request leaves the queue with TIMEOUT', async () => {
  await withPool({ workers: 1, [TEST_HOOKS]: true }, async (pool) => {
    // Both promises get their handlers at once: their timers fire in the same turn.
    const hung = rejectsWith(pool[TEST_COMMAND]('hang', null, 200), 'TIMEOUT');
    const queued = rejectsWith(pool.run({ input: image(0) }, { timeoutMs: 200 }), 'TIMEOUT', /still queued/);
    await Promise.all([hung, queued]);
    assert.deepEqual(bits((await pool.run({ input: image(6) })).logits.data), bits(torchOf(6)));
  });
});

test('a crashed worker (exit, uncaught error) fails its own request with WORKER_CRASHED and is replaced', async () => {
  await withPool({ workers: 2, maxQueue: 100, [TEST_HOOKS]: true }, async (pool) => {
    const others = Array.from({ length: 20 }, (_, i) => pool.run({ input: image(i) }));
    await rejectsWith(pool[TEST_COMMAND]('crash'), 'WORKER_CRASHED', /exit code 70/);
    await rejectsWith(pool[TEST_COMMAND]('throw'), 'WORKER_CRASHED', /uncaught error in a pool worker/);
    const done = await Promise.all(others);
    done.forEach(({ logits }, i) => assert.deepEqual(bits(logits.data), bits(torchOf(i)), `request ${i}`));
    const after = await Promise.all([10, 11, 12, 13].map((i) => pool.run({ input: image(i) })));
    after.forEach(({ logits }, k) => assert.deepEqual(bits(logits.data), bits(torchOf(10 + k))));
    const s = pool.stats();
    assert.equal(s.crashed, 2);
    assert.equal(s.restarted, 2);
  });
});

test('bad input rejects that request only (BAD_INPUT) and the pool keeps working', async () => {
  await withPool({ workers: 1 }, async (pool) => {
    const x = image(0);
    await rejectsWith(pool.run({ input: new qwasm.Tensor('float32', new Float32Array(28 * 28), [1, 28, 28]) }),
      'BAD_INPUT', /input 'input' must have rank 4/);
    await rejectsWith(pool.run({ input: new qwasm.Tensor('float32', new Float32Array(2 * 28 * 28), [1, 2, 28, 28]) }),
      'BAD_INPUT', /dim 1 must be 1/);
    await rejectsWith(pool.run({ input: x, extra: x }), 'BAD_INPUT', /unknown input 'extra'/);
    await rejectsWith(pool.run({}), 'BAD_INPUT', /missing input 'input'/);
    await rejectsWith(pool.run({ input: new Float32Array(784) }), 'BAD_INPUT', /must be a qwasm.Tensor/);
    await rejectsWith(pool.run({ input: new qwasm.Tensor('int32', new Int32Array(784), [1, 1, 28, 28]) }), 'BAD_INPUT', /must be float32/);
    await rejectsWith(pool.run({ input: x }, { fetches: ['nope'] }), 'BAD_INPUT', /unknown output 'nope'/);
    await rejectsWith(pool.run(null), 'BAD_INPUT', /feeds must be an object/);
    await rejectsWith(pool.run({ input: x }, { timeoutMs: -1 }), 'BAD_INPUT', /timeoutMs must be an integer >= 0/);
    assert.deepEqual(bits((await pool.run({ input: x })).logits.data), bits(torchOf(0)));
    assert.equal(pool.stats().badInput, 9);
  });
});

test('createPool rejects bad options and models with a code, leaving no worker behind', async () => {
  await rejectsWith(qwasm.createPool(MODEL, { workers: 0 }), 'BAD_INPUT', /workers must be an integer >= 1/);
  await rejectsWith(qwasm.createPool(MODEL, { worker: 2 }), 'BAD_INPUT', /unknown option 'worker'/);
  await rejectsWith(qwasm.createPool(new Uint8Array([1, 2, 3, 4]), { workers: 2 }), 'WORKER_INIT_FAILED', /createPool: /);
  await assert.rejects(qwasm.createPool('/nonexistent/model.onnx'), /cannot read '\/nonexistent\/model.onnx'/);
});

test('close() answers queued and running requests, then run() rejects with POOL_CLOSED', async () => {
  const pool = await qwasm.createPool(MODEL, { workers: 2 });
  const pending = Array.from({ length: 10 }, (_, i) => pool.run({ input: image(i) }));
  const closing = pool.close();
  assert.equal(pool.closed, true);
  await rejectsWith(pool.run({ input: image(0) }), 'POOL_CLOSED');
  const done = await Promise.all(pending);
  done.forEach(({ logits }, i) => assert.deepEqual(bits(logits.data), bits(torchOf(i))));
  await closing;
  assert.equal(pool.stats().workers, 0);
  assert.equal(pool.close(), closing, 'close() is idempotent');
});

test('after close() Node exits by itself (single-threaded and pthreads workers, after a crash and a timeout)', () => {
  const script = `
    import * as qwasm from ${JSON.stringify(new URL('../../js/index.mjs', import.meta.url).href)};
    import { TEST_COMMAND, TEST_HOOKS } from ${JSON.stringify(new URL('../../js/pool.mjs', import.meta.url).href)};
    const input = new qwasm.Tensor('float32', new Float32Array(784), [1, 1, 28, 28]);
    for (const threadsPerWorker of [1, 2]) {
      const pool = await qwasm.createPool(${JSON.stringify(MODEL)}, { workers: 2, threadsPerWorker, [TEST_HOOKS]: true });
      await pool.run({ input });
      await pool[TEST_COMMAND]('crash').catch((e) => console.log(e.code));
      await pool[TEST_COMMAND]('hang', null, 300).catch((e) => console.log(e.code));
      await pool.run({ input });
      await pool.close();
    }
    console.log('closed');`;
  // A pool that kept Node alive would run into this timeout (then status is null): a failure, not a benchmark.
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, `exit status ${r.status} signal ${r.signal}\n${r.stdout}\n${r.stderr}`);
  assert.deepEqual(r.stdout.trim().split('\n'), ['WORKER_CRASHED', 'TIMEOUT', 'WORKER_CRASHED', 'TIMEOUT', 'closed']);
});
