// Module Web Worker: the same computation as the page, off the main thread.
import * as qwasm from '/js/index.mjs';
import { quantizeCases, sessionCase } from '/tests/browser/cases.mjs';

try {
  await qwasm.init();
  postMessage({ features: qwasm.features(), main: quantizeCases(qwasm), session: await sessionCase(qwasm) });
} catch (e) {
  postMessage({ error: String(e && e.stack || e) });
}
