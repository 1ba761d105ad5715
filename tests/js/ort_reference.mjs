// onnxruntime-web as an independent reference, in the same Node process as qwasm: wasm backend, one thread.
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

// Runs `model` (bytes) once on feeds { name: qwasm.Tensor } and returns { name: { type, data, dims } }.
export async function runOrt(model, feeds) {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  try {
    const ortFeeds = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    const results = await session.run(ortFeeds);
    const out = {};
    for (const [name, t] of Object.entries(results)) out[name] = { type: t.type, data: t.data, dims: Array.from(t.dims) };
    return out;
  } finally {
    await session.release();
  }
}

export { seededFloats } from './seeded.mjs';
