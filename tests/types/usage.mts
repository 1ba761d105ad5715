// Compiled by `tsc --noEmit -p tests/types` (tests/js/types.test.mjs): the declarations in js/index.d.ts
// must accept the documented usage and reject misuse (the @ts-expect-error lines).
import * as qwasm from 'qwasm';

export async function example(): Promise<number> {
  await qwasm.init({ threads: 'auto' });
  const f: qwasm.Features = qwasm.features();
  const build: string = f.build;
  const q: qwasm.QuantizedTensor = qwasm.quantize(new qwasm.Tensor('float32', [1, 2, 3], [3]),
    { dtype: 'quint8', scale: 0.1, zeroPoint: 3 });
  const pc = qwasm.quantize({ data: [1, 2, 3, 4], dims: [2, 2] },
    { dtype: 'qint8', qscheme: 'per_channel_symmetric', scales: [0.1, 0.2], zeroPoints: [0, 0], axis: 0 });
  const x: qwasm.Tensor = qwasm.dequantize(q);
  const y = qwasm.fakeQuantize(new Float32Array(3), { scale: 1, quant_min: 0, quant_max: 15 });
  const heap: number = qwasm.stats().heapBytes;
  // @ts-expect-error: dtype must be a quantized dtype
  qwasm.quantize([1], { dtype: 'float32', scale: 1 });
  // @ts-expect-error: dequantize takes a QuantizedTensor
  qwasm.dequantize(x);
  return build.length + pc.size + x.data.length + y.size + heap + (q.qparams.scale ?? 0);
}

export async function sessionExample(bytes: Uint8Array): Promise<number> {
  const session: qwasm.InferenceSession = await qwasm.InferenceSession.create(bytes, {
    limits: { maxModelBytes: 1 << 20, maxNodes: 1000 }, maxActivationBytes: 1 << 24 });
  const fromPath = await qwasm.InferenceSession.create('model.onnx');
  const fromUrl = await qwasm.InferenceSession.create(new URL('https://example.com/model.onnx'), { executionProviders: ['wasm'] });
  const names: readonly string[] = session.inputNames;
  const meta: qwasm.ValueMetadata = session.inputMetadata[0];
  const dims: readonly qwasm.DeclaredDim[] | null = meta.shape;
  const x = new qwasm.Tensor('float32', new Float32Array(192), [1, 3, 8, 8]);
  const ids = new qwasm.Tensor('int64', [1n, 2n], [1, 2]);
  const idData: BigInt64Array = ids.data;
  const results: qwasm.SessionResults = await session.run({ [names[0]]: x, ids });
  const out: qwasm.Tensor = results[session.outputNames[0]];
  const only = await session.run({ input: x }, ['output']);
  const d: qwasm.SessionDescription = session.describe();
  const kernel: string = d.nodes[0].kernel;
  const scale: number = d.nodes[0].qparams[0].scale[0];
  const peak: number = session.peakActivationBytes;
  const live: number = qwasm.stats().liveSessions;
  session.dispose();
  await fromPath.release();
  fromUrl.dispose();
  // @ts-expect-error: feeds are Tensors, not typed arrays
  await session.run({ input: new Float32Array(4) });
  // @ts-expect-error: sessions come from InferenceSession.create
  new qwasm.InferenceSession();
  // @ts-expect-error: unknown option
  await qwasm.InferenceSession.create(bytes, { maxActivationByte: 1 });
  return out.size + peak + kernel.length + scale + live + (dims?.length ?? 0) + Number(idData[0]) + Object.keys(only).length;
}

export async function poolExample(bytes: Uint8Array): Promise<number> {
  const pool: qwasm.Pool = await qwasm.createPool(bytes, { workers: 2, threadsPerWorker: 1, maxQueue: 8, timeoutMs: 1000 });
  const out: qwasm.SessionResults = await pool.run({ input: new qwasm.Tensor('float32', new Float32Array(4), [1, 4]) },
    { fetches: ['output'], transfer: true });
  const queued: number = pool.stats().queued;
  try {
    await pool.run({});
  } catch (e) {
    const code: qwasm.PoolErrorCode = (e as qwasm.PoolError).code;
    if (code === 'QUEUE_FULL') return 0;
  }
  // @ts-expect-error: unknown pool option
  await qwasm.createPool(bytes, { threads: 2 });
  // @ts-expect-error: feeds are Tensors, not typed arrays
  await pool.run({ input: new Float32Array(4) });
  await pool.close();
  return queued + Object.keys(out).length;
}

export async function calibratorOverridesExample(bytes: Uint8Array): Promise<number> {
  const cal = await qwasm.Calibrator.create(bytes, { activation: 'histogram',
    overrides: { '/fc/Gemm': { activation: 'minmax', weight: 'per_channel_minmax' } } });
  // @ts-expect-error: input qparams are global, not per node
  await qwasm.Calibrator.create(bytes, { overrides: { '/fc/Gemm': { inputScale: 0.1 } } });
  const n = cal.batchesObserved;
  cal.dispose();
  return n;
}
