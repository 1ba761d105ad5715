// Other engines behind qwasm's own pool and server, for bench/server_load.mjs: each pool worker imports this file
// (js/pool_worker.mjs, internal BACKEND option) with ?engine=ort-node|ort-web and calls createBackend(), so the
// comparison changes only the inference engine, not the HTTP server, the pool or the worker protocol.
//   ort-node  onnxruntime-node (native CPU), intraOpNumThreads = threads, sequential execution; loaded from
//             ORT_NODE_PREFIX (bench/server_load.mjs installs it there on first use)
//   ort-web   onnxruntime-web's wasm backend (dist/ort.wasm.min.mjs), numThreads = threads
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
export const ORT_NODE_VERSION = '1.30.0';
export const ORT_NODE_PREFIX = path.join(root, 'node_modules/.cache/qwasm-bench/ort-node');

async function loadOrt(engine, threads) {
  if (engine === 'ort-node') {
    const require = createRequire(path.join(ORT_NODE_PREFIX, 'index.js'));
    return { ort: require('onnxruntime-node'),
      options: { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' } };
  }
  if (engine === 'ort-web') {
    const ort = await import(pathToFileURL(path.join(root, 'node_modules/onnxruntime-web/dist/ort.wasm.min.mjs')).href);
    ort.env.wasm.numThreads = threads;
    ort.env.logLevel = 'error';
    return { ort, options: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' } };
  }
  throw new Error(`server_backends: unknown engine '${engine}'`);
}

function meta(session, names, which) {
  const declared = session[which];  // ORT >= 1.21: [{ name, isTensor, type, shape }]
  return names.map((name, i) => {
    const m = Array.isArray(declared) ? declared[i] : undefined;
    return { name, type: m?.type ?? 'float32', shape: Array.isArray(m?.shape) ? m.shape.map((d) => (typeof d === 'number' ? d : String(d))) : null };
  });
}

export async function createBackend({ model, threads }) {
  const engine = new URL(import.meta.url).searchParams.get('engine');
  const { ort, options } = await loadOrt(engine, threads);
  const session = await ort.InferenceSession.create(model.slice(), options);
  return {
    inputMetadata: meta(session, session.inputNames, 'inputMetadata'),
    outputMetadata: meta(session, session.outputNames, 'outputMetadata'),
    features: { engine, version: engine === 'ort-node' ? ORT_NODE_VERSION : ort.env.versions?.web ?? null, threads },
    async run(list, fetches) {
      const feeds = {};
      for (const f of list) feeds[f.name] = new ort.Tensor(f.type, f.data, f.dims);
      const out = await session.run(feeds, fetches ?? undefined);
      return Object.entries(out).map(([name, t]) => ({ name, type: t.type, dims: [...t.dims], data: t.data }));
    },
    dispose() { session.release?.(); },
  };
}
