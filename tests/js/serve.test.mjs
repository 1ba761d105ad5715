// The HTTP endpoint (js/server.mjs, `qwasm serve`): valid JSON and binary requests give PyTorch's logits bit for bit;
// malformed requests get a 4xx with a JSON error and the server keeps answering valid ones; /healthz, /metrics;
// back-pressure as 503. Loopback only, port 0.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createPool, TEST_COMMAND, TEST_HOOKS } from '../../js/pool.mjs';
import { createInferenceServer } from '../../js/server.mjs';
import { parseNpy } from '../../js/npy.mjs';

const MODEL = fileURLToPath(new URL('../../models/fashion_mnist_int8.onnx', import.meta.url));
const CLI = fileURLToPath(new URL('../../js/cli.mjs', import.meta.url));
const npy = (name) => parseNpy(readFileSync(new URL(`../../models/${name}`, import.meta.url)), name, { anyDtype: true });
const images = npy('fashion_mnist_test.npy');
const torchLogits = npy('fashion_mnist_test_int8_logits.npy').data;

function pixels(i) {
  const x = new Float32Array(784);
  for (let k = 0; k < 784; k++) x[k] = images.data[784 * i + k] / 255;
  return x;
}
const bits = (f32) => Array.from(new Uint32Array(f32.buffer, f32.byteOffset, f32.length));
const torchBits = (i) => bits(torchLogits.slice(10 * i, 10 * i + 10));
const jsonBody = (i) => JSON.stringify({ inputs: { input: { dims: [1, 1, 28, 28], data: Array.from(pixels(i)) } } });

async function withServer(poolOptions, serverOptions, fn) {
  const pool = await createPool(MODEL, poolOptions);
  const app = createInferenceServer(pool, serverOptions);
  const { url } = await app.listen(0);
  try {
    return await fn(url, pool, app);
  } finally {
    await app.close();
  }
}

async function post(url, body, headers = { 'Content-Type': 'application/json' }) {
  const r = await fetch(`${url}/run`, { method: 'POST', body, headers });
  const type = r.headers.get('content-type');
  return { status: r.status, headers: r.headers,
    body: type === 'application/json' ? await r.json() : new Uint8Array(await r.arrayBuffer()) };
}

async function assertValidJson(url, i) {
  const r = await post(url, jsonBody(i));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const { logits } = r.body.outputs;
  assert.equal(logits.type, 'float32');
  assert.deepEqual(logits.dims, [1, 10]);
  assert.deepEqual(bits(Float32Array.from(logits.data)), torchBits(i), `image ${i}`);
}

test('POST /run (JSON) answers PyTorch\'s int8 logits bit for bit', async () => {
  await withServer({ workers: 2 }, {}, async (url) => {
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => assertValidJson(url, i)));
    const r = await post(url, JSON.stringify({ inputs: { input: { dims: [1, 1, 28, 28], data: Array.from(pixels(9)) } },
      outputs: ['logits'] }), { 'content-type': 'application/json; charset=utf-8' });
    assert.deepEqual(bits(Float32Array.from(r.body.outputs.logits.data)), torchBits(9));
  });
});

test('POST /run (binary): raw float32 in, raw float32 out, dims in a header or the query', async () => {
  await withServer({ workers: 1 }, {}, async (url) => {
    const viaHeader = await post(url, pixels(3), { 'Content-Type': 'application/octet-stream', 'X-Qwasm-Dims': '1,1,28,28' });
    assert.equal(viaHeader.status, 200);
    assert.equal(viaHeader.headers.get('x-qwasm-output'), 'logits');
    assert.equal(viaHeader.headers.get('x-qwasm-type'), 'float32');
    assert.equal(viaHeader.headers.get('x-qwasm-dims'), '1,10');
    assert.deepEqual(bits(new Float32Array(viaHeader.body.slice().buffer)), torchBits(3));
    const r = await fetch(`${url}/run?dims=1,1,28,28&output=logits`, { method: 'POST', body: pixels(4),
      headers: { 'Content-Type': 'application/octet-stream' } });
    assert.equal(r.status, 200);
    assert.deepEqual(bits(new Float32Array(await r.arrayBuffer())), torchBits(4));
  });
});

// Sends a request whose headers announce a body far over the limit and waits for the answer without sending it.
function announceHugeBody(url) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/run`, { method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(1 << 30) } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

test('malformed requests get 4xx with a JSON error, and the server keeps serving valid ones', async () => {
  await withServer({ workers: 2 }, { maxBodyBytes: 64 * 1024 }, async (url, pool, app) => {
    const bad = [
      ['malformed JSON', () => post(url, '{"inputs": {"input": '), 400, 'BAD_JSON', /malformed JSON/],
      ['not an object', () => post(url, '[1, 2]'), 400, 'BAD_REQUEST', /expected a JSON object/],
      ['no inputs', () => post(url, '{}'), 400, 'BAD_REQUEST', /"inputs"/],
      ['unknown input', () => post(url, JSON.stringify({ inputs: { image: { dims: [1], data: [0] } } })), 400, 'BAD_INPUT',
        /unknown input 'image'/],
      ['missing input', () => post(url, JSON.stringify({ inputs: {} })), 400, 'BAD_INPUT', /missing input 'input'/],
      ['wrong dims', () => post(url, JSON.stringify({ inputs: { input: { dims: [1, 28, 28], data: Array.from(pixels(0)) } } })),
        400, 'BAD_INPUT', /must have rank 4/],
      ['dims do not match the data', () => post(url, JSON.stringify({ inputs: { input: { dims: [1, 1, 28, 27], data: Array.from(pixels(0)) } } })),
        400, 'BAD_INPUT', /need 756 elements, data has 784/],
      ['data not numbers', () => post(url, JSON.stringify({ inputs: { input: { dims: [1, 1, 1, 2], data: ['a', 1] } } })),
        400, 'BAD_INPUT', /array of numbers/],
      ['wrong type', () => post(url, JSON.stringify({ inputs: { input: { type: 'int32', dims: [1], data: [1] } } })),
        400, 'BAD_INPUT', /must be float32/],
      ['unknown output', () => post(url, JSON.stringify({ inputs: { input: { dims: [1, 1, 28, 28], data: Array.from(pixels(0)) } },
        outputs: ['nope'] })), 400, 'BAD_INPUT', /unknown output 'nope'/],
      ['binary of the wrong size', () => post(url, new Float32Array(100), { 'Content-Type': 'application/octet-stream',
        'X-Qwasm-Dims': '1,1,28,28' }), 400, 'BAD_INPUT', /400 bytes do not hold float32 dims \[1, 1, 28, 28\]/],
      ['binary without dims', () => post(url, pixels(0), { 'Content-Type': 'application/octet-stream' }), 400, 'BAD_REQUEST',
        /needs the input dims/],
      ['binary with bad dims', () => post(url, pixels(0), { 'Content-Type': 'application/octet-stream', 'X-Qwasm-Dims': '1,x' }),
        400, 'BAD_REQUEST', /comma-separated/],
      ['unsupported content type', () => post(url, 'input=1', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415,
        'UNSUPPORTED_MEDIA_TYPE', /application\/json or application\/octet-stream/],
      ['body over the limit', () => post(url, JSON.stringify({ pad: 'x'.repeat(100 * 1024) })), 413, 'BODY_TOO_LARGE',
        /larger than 65536 bytes/],
      ['announced huge body', () => announceHugeBody(url), 413, 'BODY_TOO_LARGE', /larger than 65536 bytes/],
      ['GET /run', async () => { const r = await fetch(`${url}/run`); return { status: r.status, body: await r.json() }; },
        405, 'METHOD_NOT_ALLOWED', /takes POST/],
      ['unknown path', async () => { const r = await fetch(`${url}/v2/predict`); return { status: r.status, body: await r.json() }; },
        404, 'NOT_FOUND', /no such endpoint/],
    ];
    let i = 0;
    for (const [what, send, status, code, pattern] of bad) {
      const r = await send();
      assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code, what);
      assert.match(r.body.error.message, pattern, what);
      await assertValidJson(url, i++ % 20);  // still serving
    }
    const m = app.metrics();
    assert.equal(m.clientErrors, bad.length);
    assert.equal(m.serverErrors, 0);
    assert.equal(m.ok, bad.length);
    assert.equal(pool.stats().workers, 2);
  });
});

test('a client that disconnects mid-body leaves nothing in flight; the server serves on', async () => {
  await withServer({ workers: 1 }, {}, async (url, pool, app) => {
    await new Promise((resolve) => {
      const req = http.request(`${url}/run`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': '1000' } });
      req.on('error', () => resolve());
      req.write('{"inputs": ', () => setImmediate(() => { req.destroy(); resolve(); }));
    });
    // The server notices the close asynchronously: wait for it (bounded), then check the count.
    for (let i = 0; i < 200 && app.metrics().inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(app.metrics().inFlight, 0);
    await assertValidJson(url, 8);
  });
});

test('GET /healthz, /model and /metrics', async () => {
  await withServer({ workers: 1 }, {}, async (url) => {
    const h = await fetch(`${url}/healthz`);
    assert.equal(h.status, 200);
    assert.deepEqual(await h.json(), { status: 'ok', workers: 1, busy: 0, queued: 0 });
    const model = await (await fetch(`${url}/model`)).json();
    assert.equal(model.inputs[0].name, 'input');
    assert.deepEqual(model.inputs[0].shape, ['batch', 1, 28, 28]);
    assert.equal(model.outputs[0].name, 'logits');
    for (let i = 0; i < 5; i++) await assertValidJson(url, i);
    await post(url, 'nope');
    const m = await (await fetch(`${url}/metrics`)).json();
    assert.equal(m.runs, 6);
    assert.equal(m.ok, 5);
    assert.equal(m.errors, 1);
    assert.equal(m.byStatus[200] >= 5, true);
    assert.equal(m.byStatus[400], 1);
    assert.equal(m.queueDepth, 0);
    assert.equal(m.latencyMs.window, 5);
    for (const k of ['p50', 'p90', 'p99', 'max', 'mean']) assert.equal(typeof m.latencyMs[k], 'number', k);
    assert.ok(m.latencyMs.p50 <= m.latencyMs.p90 && m.latencyMs.p90 <= m.latencyMs.p99 && m.latencyMs.p99 <= m.latencyMs.max);
    assert.equal(m.pool.completed, 5);
    assert.ok(m.rssBytes > 0);
  });
});

test('a full queue answers 503 QUEUE_FULL with Retry-After; the server serves again once a worker is free', async () => {
  await withServer({ workers: 1, maxQueue: 0, timeoutMs: 0, [TEST_HOOKS]: true }, {}, async (url, pool) => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const blocked = pool[TEST_COMMAND]('block', flag.buffer);
    const r = await post(url, jsonBody(0));
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('retry-after'), '1');
    assert.equal(r.body.error.code, 'QUEUE_FULL');
    const m = await (await fetch(`${url}/metrics`)).json();
    assert.equal(m.pool.busy, 1);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    await blocked;
    await assertValidJson(url, 1);
  });
});

test('a worker crash fails only its own request; the next request is answered by the replacement', async () => {
  await withServer({ workers: 1, [TEST_HOOKS]: true }, {}, async (url, pool) => {
    const crash = pool[TEST_COMMAND]('crash').then(() => null, (e) => e);
    const r = await post(url, jsonBody(2));   // queued behind the crash: served by the replacement
    assert.equal((await crash)?.code, 'WORKER_CRASHED');
    assert.equal(r.status, 200);
    assert.deepEqual(bits(Float32Array.from(r.body.outputs.logits.data)), torchBits(2));
    assert.equal((await (await fetch(`${url}/healthz`)).json()).status, 'ok');
  });
});

test('qwasm serve: listens on 127.0.0.1, answers, and exits 0 on SIGTERM', async () => {
  const child = spawn(process.execPath, [CLI, 'serve', MODEL, '--port', '0', '--workers', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => { stderr += c; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const line = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    exited.then(() => reject(new Error(`qwasm serve exited early: ${stderr}`)));
  });
  const info = JSON.parse(line);
  assert.match(info.listening, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(info.workers, 1);
  assert.equal(info.build, 'simd128-st');
  await assertValidJson(info.listening, 5);
  assert.equal((await fetch(`${info.listening}/healthz`)).status, 200);
  child.kill('SIGTERM');
  assert.deepEqual(await exited, { code: 0, signal: null }, stderr);
});

test('qwasm serve rejects bad arguments', async () => {
  const run = (...args) => new Promise((resolve) => {
    const c = spawn(process.execPath, [CLI, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d) => { err += d; });
    c.on('exit', (code) => resolve({ code, err }));
  });
  const none = await run();
  assert.equal(none.code, 1);
  assert.match(none.err, /expected one MODEL.onnx/);
  const opt = await run(MODEL, '--prot', '1');
  assert.match(opt.err, /unknown option '--prot'/);
});
