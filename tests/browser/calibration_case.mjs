// Imported by the page's worker and by Node (relative imports only), so both run the very same case.
import { seededFloats } from '../js/seeded.mjs';
// Calibration off the main thread: a module Web Worker (calibrate_worker.mjs) calibrates a float model on seeded
// batches, posting one progress message per batch; browser.test.mjs calibrates the same in Node and compares the
// qparams, the int8 outputs and the QDQ bytes.
export const CALIBRATION_MODEL = '/tests/golden/calibration/conv_chain.float.onnx';  // URL on the test server
export const CALIBRATION_BATCHES = 6;
export const calibrationBatch = (b) => ({ data: seededFloats(2 * 3 * 12 * 12, 100 + b, 2 + b), dims: [2, 3, 12, 12] });

export async function calibrationCase(qwasm, source, onProgress) {
  const cal = await qwasm.Calibrator.create(source);
  cal.addEventListener('progress', (e) => onProgress(e.detail.batches));
  for (let b = 0; b < CALIBRATION_BATCHES; b++) {
    const { data, dims } = calibrationBatch(b);
    await cal.observe({ input: new qwasm.Tensor('float32', data, dims) });
  }
  const int8 = await cal.convert();
  const report = cal.report();
  const { data, dims } = calibrationBatch(99);
  const out = await int8.run({ input: new qwasm.Tensor('float32', data, dims) });
  const qdq = await int8.toONNX();
  const result = {
    qparams: report.tensors.map((t) => [t.name, t.scale, t.zero_point]),
    outputSqnr: report.outputs[0].sqnr,
    output: Array.from(out.output.data),
    qdq: Array.from(qdq),
  };
  int8.dispose();
  cal.dispose();
  return result;
}
