// The computation the browser test checks: a fixed vector with known answers and a random one compared
// against the independent JS reference (tests/js/reference_quantize.mjs).
import { referenceQuantize } from '/tests/js/reference_quantize.mjs';
import { seededFloats } from '/tests/js/seeded.mjs';

export function quantizeCases(qwasm) {
  const known = qwasm.quantize([-1, 0.5, 1.5, 2.5, 6, 1000, NaN, Infinity],
    { dtype: 'quint8', scale: 0.0197434, zeroPoint: 0 });
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const n = 100003;  // odd, so no SIMD width divides it
  const x = new Float32Array(n).map(() => (random() - 0.5) * 20);
  const scale = 0.0371;
  const zeroPoint = -3;
  const q = qwasm.quantize(new qwasm.Tensor('float32', x, [n]), { dtype: 'qint8', scale, zeroPoint });
  let mismatches = 0;
  for (let i = 0; i < n; i++) {
    if (q.data[i] !== referenceQuantize(x[i], scale, zeroPoint, -128, 127)) mismatches++;
  }
  return { known: Array.from(known.data), randomCount: n, mismatches };
}

// The model the session case loads by URL (through scripts/serve.mjs) and its input; browser.test.mjs computes the
// same run in Node and compares the outputs bit for bit.
export const SESSION_MODEL = '/tests/golden/models/quantized_conv.onnx';
export const sessionInput = () => ({ data: seededFloats(2 * 3 * 8 * 8, 7), dims: [2, 3, 8, 8] });

export async function sessionCase(qwasm) {
  const session = await qwasm.InferenceSession.create(SESSION_MODEL);
  const { data, dims } = sessionInput();
  const out = await session.run({ input: new qwasm.Tensor('float32', data, dims) });
  let errorMessage = null;
  try {
    await session.run({});
  } catch (e) {
    errorMessage = e.message;
  }
  const again = await session.run({ input: new qwasm.Tensor('float32', data, dims) });
  const result = {
    inputNames: session.inputNames, outputNames: session.outputNames, type: out.output.type, dims: out.output.dims,
    output: Array.from(out.output.data), again: Array.from(again.output.data), errorMessage,
    peakActivationBytes: session.peakActivationBytes, nodes: session.describe().nodes.length,
    liveBefore: qwasm.stats().liveSessions,
  };
  session.dispose();
  result.liveAfter = qwasm.stats().liveSessions;
  return result;
}

