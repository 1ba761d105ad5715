// Module Web Worker: calibrates off the main thread, posting a message per observed batch and then the result.
import * as qwasm from '/js/index.mjs';
import { CALIBRATION_MODEL, calibrationCase } from '/tests/browser/calibration_case.mjs';

try {
  await qwasm.init();
  const result = await calibrationCase(qwasm, CALIBRATION_MODEL, (batches) => postMessage({ progress: batches }));
  postMessage({ result, build: qwasm.features().build });
} catch (e) {
  postMessage({ error: String(e && e.stack || e) });
}
