// Real Chromium (Debian's /usr/bin/chromium via playwright-core) loads qwasm from a page served on
// 127.0.0.1, in the main thread and in a module Web Worker, with and without cross-origin isolation.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer } from '../../scripts/serve.mjs';
import * as qwasm from '../../js/index.mjs';
import { launchChromium } from './chromium.mjs';
import { seededFloats } from '../js/seeded.mjs';
import { CALIBRATION_BATCHES, calibrationCase } from './calibration_case.mjs';

// What Node computes for the browser's session case (tests/browser/cases.mjs: same model file, same input).
async function nodeSessionOutput() {
  await qwasm.init({ threads: false });
  const session = await qwasm.InferenceSession.create(readFileSync(new URL('../golden/models/quantized_conv.onnx', import.meta.url)));
  const out = await session.run({ input: new qwasm.Tensor('float32', seededFloats(2 * 3 * 8 * 8, 7), [2, 3, 8, 8]) });
  session.dispose();
  return out.output;
}

// What Node computes for the worker's calibration case (same float model, batches and fresh input).
let nodeCalibration = null;
async function nodeCalibrationResult() {
  await qwasm.init({ threads: false });
  nodeCalibration ??= await calibrationCase(qwasm,
    readFileSync(new URL('../golden/calibration/conv_chain.float.onnx', import.meta.url)), () => {});
  return nodeCalibration;
}

async function checkCalibration(c, where) {
  assert.ok(c, `${where}: no calibration result`);
  assert.equal(c.error, undefined, `${where}: ${c.error}`);
  const expected = await nodeCalibrationResult();
  assert.deepEqual(c.progress, Array.from({ length: CALIBRATION_BATCHES }, (_, i) => i + 1),
    `${where}: one progress message per batch, received while the worker ran`);
  assert.ok(c.ticks > 0, `${where}: the page's timers ran during calibration`);
  assert.deepEqual(c.result.qparams, expected.qparams, `${where}: scales / zero points differ from Node's`);
  assert.deepEqual(c.result.output, expected.output, `${where}: int8 outputs differ from Node's`);
  assert.equal(c.result.outputSqnr, expected.outputSqnr, where);
  assert.deepEqual(c.result.qdq, expected.qdq, `${where}: toONNX() bytes differ from Node's`);
  assert.ok(expected.qparams.length >= 7 && expected.qparams.every(([, scale]) => scale > 0), where);
}

function checkSession(s, expected, where) {
  assert.ok(s, `${where}: no session result`);
  assert.deepEqual(s.inputNames, ['input'], where);
  assert.deepEqual(s.outputNames, ['output'], where);
  assert.equal(s.type, 'float32', where);
  assert.deepEqual(s.dims, expected.dims, where);
  assert.deepEqual(s.output, Array.from(expected.data), `${where}: outputs differ from Node's`);
  assert.deepEqual(s.again, s.output, `${where}: second run after an error`);
  assert.match(s.errorMessage, /missing input 'input'/, where);
  assert.ok(s.peakActivationBytes > 0, where);
  assert.ok(s.nodes > 0, where);
  assert.equal(s.liveAfter, s.liveBefore - 1, `${where}: dispose() frees the session`);
}

async function runPage(isolation) {
  const { server, port } = await startServer({ port: 0, isolation });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const consoleErrors = [];
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/tests/browser/page.html`);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 60000 });
    const result = await page.evaluate(() => window.__result);
    return { result, consoleErrors };
  } finally {
    await browser.close();
    server.close();
  }
}

// Expected by hand from the spec: 0.5/0.0197434 = 25.3 -> 25, 1.5 -> 75.97 -> 76, 2.5 -> 126.6 -> 127,
// 6.0 -> 303.9 -> 304 saturates to 255, negatives clamp to 0, NaN and +inf go to quant_min (x86 truncation).
const KNOWN = [0, 25, 76, 127, 255, 255, 0, 0];

function checkComputation(r, where) {
  assert.equal(r.error, undefined, `${where}: ${r.error}`);
  assert.deepEqual(r.main.known, KNOWN, `${where}: known values`);
  assert.equal(r.main.randomCount, 100003);
  assert.equal(r.main.mismatches, 0, `${where}: mismatches against the JS reference`);
}

test('Chromium, cross-origin isolated page: threaded module in the page and in a Web Worker', async () => {
  const { result, consoleErrors } = await runPage(true);
  assert.deepEqual(consoleErrors, []);
  assert.equal(result.error, undefined, result.error);
  assert.equal(result.crossOriginIsolated, true);
  assert.equal(result.features.threads, true);
  assert.equal(result.features.build, 'simd128-mt');
  assert.equal(result.features.simd, true);
  assert.ok(result.features.threadCount >= 1);
  assert.equal(result.features.environment, 'browser');
  checkComputation(result, 'page');
  assert.match(result.errorMessage, /scale\[0\] must be finite and > 0/);
  assert.equal(result.after, 255, 'module still usable after an error');
  checkComputation(result.worker, 'worker');
  assert.equal(result.worker.features.threads, true);
  const expected = await nodeSessionOutput();
  checkSession(result.session, expected, 'isolated page (mt): session loaded by URL');
  checkSession(result.worker.session, expected, 'isolated worker (mt): session loaded by URL');
  assert.equal(result.calibration.build, 'simd128-mt');
  await checkCalibration(result.calibration, 'isolated worker (mt): calibration');
});

test('Chromium, page without isolation: falls back to the single-threaded module and says why', async () => {
  const { result, consoleErrors } = await runPage(false);
  assert.deepEqual(consoleErrors, []);
  assert.equal(result.error, undefined, result.error);
  assert.equal(result.crossOriginIsolated, false);
  assert.equal(result.features.threads, false);
  assert.equal(result.features.build, 'simd128-st');
  assert.match(result.features.threadsReason, /SharedArrayBuffer|cross-origin isolated/);
  checkComputation(result, 'page');
  checkComputation(result.worker, 'worker');
  assert.equal(result.worker.features.build, 'simd128-st');
  const expected = await nodeSessionOutput();
  checkSession(result.session, expected, 'page (st): session loaded by URL');
  checkSession(result.worker.session, expected, 'worker (st): session loaded by URL');
  assert.equal(result.calibration.build, 'simd128-st');
  await checkCalibration(result.calibration, 'worker (st): calibration');
});
