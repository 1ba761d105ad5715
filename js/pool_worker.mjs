// One worker of qwasm.createPool() (js/pool.mjs): holds one inference session and answers 'run' messages one
// at a time. Protocol (all messages are plain objects):
//   main -> worker   { type: 'run', id, feeds: [{ name, type, dims, data }], fetches }   (data buffers transferred)
//                    { type: 'close' }                       dispose the session, answer 'closed'
//                    { type: 'test', id, action, arg }       only with workerData.testHooks (tests/js/pool.test.mjs)
//   worker -> main   { type: 'ready', inputs, outputs, features } | { type: 'initError', message }
//                    { type: 'done', id, outputs: [{ name, type, dims, data }] }   (output buffers transferred)
//                    { type: 'failed', id, message, fatal }
//                    { type: 'closed' }
// The session comes from a backend: qwasm by default; bench/server_load.mjs passes a module URL exporting the same
// createBackend() for onnxruntime-node / -web, so that the comparison uses this very pool and server.
import { parentPort, workerData } from 'node:worker_threads';

const { model, threads, sessionOptions, distUrl, backendUrl, testHooks } = workerData;

async function qwasmBackend() {
  const qwasm = await import('./index.mjs');
  // threads 1 -> init({ threads: false }) loads the single-threaded module (no pthread pool at all);
  // more -> the pthreads module with that many threads (js/module.mjs calls setThreadCount).
  await qwasm.init({ threads: threads === 1 ? false : threads, ...(distUrl ? { distUrl } : {}) });
  // The model arrives in a SharedArrayBuffer shared by all workers; the session gets a private copy.
  const session = await qwasm.InferenceSession.create(new Uint8Array(model).slice(), sessionOptions);
  return {
    inputMetadata: session.inputMetadata,
    outputMetadata: session.outputMetadata,
    features: qwasm.features(),
    async run(list, fetches) {
      const feeds = {};
      for (const f of list) feeds[f.name] = new qwasm.Tensor(f.type, f.data, f.dims);
      const out = await session.run(feeds, fetches ?? undefined);
      return Object.entries(out).map(([name, t]) => ({ name, type: t.type, dims: t.dims, data: t.data }));
    },
    dispose() { session.dispose(); },
  };
}

// An Emscripten abort or a wasm trap leaves the module unusable: the worker must be replaced, not reused.
function isFatal(e) {
  return e instanceof WebAssembly.RuntimeError || /\bAborted\(/.test(String(e?.message));
}

let backend;
try {
  backend = backendUrl
    ? await (await import(backendUrl)).createBackend({ model: new Uint8Array(model), threads, sessionOptions })
    : await qwasmBackend();
} catch (e) {
  parentPort.postMessage({ type: 'initError', message: e?.message ?? String(e) });
  process.exit(1);  // ends this worker thread only
}

const plainMeta = (m) => ({ name: m.name, type: m.type, shape: m.shape === null ? null : [...m.shape] });
parentPort.postMessage({ type: 'ready', inputs: backend.inputMetadata.map(plainMeta),
  outputs: backend.outputMetadata.map(plainMeta), features: backend.features ?? null });

async function runOne(msg) {
  let outputs;
  try {
    outputs = await backend.run(msg.feeds, msg.fetches);
  } catch (e) {
    const fatal = isFatal(e);
    parentPort.postMessage({ type: 'failed', id: msg.id, message: e?.message ?? String(e), fatal });
    if (fatal) process.exit(1);
    return;
  }
  const transfer = [];
  for (const o of outputs) {
    // Each output owns a fresh buffer: hand it over instead of copying it again through structured clone.
    if (o.data.byteOffset !== 0 || o.data.byteLength !== o.data.buffer.byteLength) o.data = o.data.slice();
    transfer.push(o.data.buffer);
  }
  parentPort.postMessage({ type: 'done', id: msg.id, outputs }, transfer);
}

function runTest(msg) {
  if (msg.action === 'crash') process.exit(70);       // a worker dying mid-request (as on an uncaught error)
  if (msg.action === 'hang') for (;;);                 // a request that never ends (only terminate() stops it)
  if (msg.action === 'throw') throw new Error('test hook: uncaught error in a pool worker');
  if (msg.action === 'block') {
    // Busy until the test stores a non-zero value in the shared Int32Array (deterministic back-pressure tests).
    Atomics.wait(new Int32Array(msg.arg), 0, 0);
    parentPort.postMessage({ type: 'done', id: msg.id, outputs: [] });
    return;
  }
  parentPort.postMessage({ type: 'failed', id: msg.id, message: `unknown test action '${msg.action}'`, fatal: false });
}

parentPort.on('message', (msg) => {
  if (msg.type === 'run') {
    // The pool sends one request at a time per worker; running it to completion before the next keeps the
    // session single-user (qwasm sessions are not re-entrant).
    runOne(msg);
  } else if (msg.type === 'close') {
    try {
      backend.dispose?.();
    } finally {
      parentPort.postMessage({ type: 'closed' });
    }
  } else if (msg.type === 'test' && testHooks) {
    runTest(msg);
  }
});
