// The demo page (web-demo/) in Debian's Chromium: it loads the default model, calibrates it in its Web Worker,
// and must show the accuracies models/README.md records; the int8 file it offers must load in qwasm (Node) and
// predict what the page showed; a user's bad ONNX file gives an error and leaves the page usable; a user's own
// float and quantized models work. No console errors anywhere. Saves build/test-output/demo.png.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import * as qwasm from '../../js/index.mjs';
import { formatNpy, parseNpy } from '../../js/npy.mjs';
import { argmaxRows, CLASSES, countEqual, formatPercent, runBatched, toModelInput } from '../../web-demo/fashion_mnist.mjs';
import { launchChromium } from './chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outputDir = path.join(root, 'build', 'test-output');
const screenshot = path.join(outputDir, 'demo.png');
const LONG = 150_000;  // bounds each wait (calibration + evaluation take a few seconds on 2 cores)

// The shipped-subset column of a row of models/README.md's Accuracy table, found by the row's first cell.
function readmeSubsetAccuracy(rowStart) {
  const readme = readFileSync(path.join(root, 'models', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Accuracy'));
  const row = section.split('\n').find((l) => l.startsWith(`| ${rowStart}`));
  assert.ok(row, `models/README.md has no Accuracy row starting with '${rowStart}'`);
  const cells = row.split('|').map((c) => c.trim()).filter(Boolean);
  return cells.at(-1);
}

async function predictInNode(bytes) {
  const images = parseNpy(readFileSync(path.join(root, 'models', 'fashion_mnist_test.npy')));
  const labels = parseNpy(readFileSync(path.join(root, 'models', 'fashion_mnist_test_labels.npy'))).data;
  await qwasm.init({ threads: false });
  const session = await qwasm.InferenceSession.create(bytes);
  try {
    const count = images.dims[0];
    const { output } = await runBatched(session, qwasm.Tensor, toModelInput(images.data), [1, 28, 28], count, 500);
    const predictions = argmaxRows(output, 10);
    return { predictions, accuracy: formatPercent(countEqual(predictions, labels), count) };
  } finally {
    session.dispose();
  }
}

const text = (page, id) => page.locator(`[data-testid=${id}]`).innerText();

test('web demo: calibrate in a worker, accuracies as in models/README.md, downloadable int8 model, user models', { timeout: 300_000 }, async () => {
  const expectedFloat = readmeSubsetAccuracy('qwasm float');
  const expectedInt8 = readmeSubsetAccuracy('qwasm int8, calibrated by qwasm');
  const { server, port } = await startServer({ port: 0 });
  const browser = await launchChromium();
  const errors = [];
  try {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1200, height: 900 });
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`); });
    await page.goto(`http://127.0.0.1:${port}/`);

    // The float model is evaluated on load; then calibrate.
    await page.waitForFunction(() => !document.querySelector('[data-testid=calibrate]').disabled, null, { timeout: LONG });
    assert.equal(await text(page, 'accuracy-float'), expectedFloat);
    await page.click('[data-testid=calibrate]');
    await page.waitForFunction(() => document.querySelector('[data-testid=download]').getAttribute('aria-disabled') === 'false' &&
      !document.querySelector('[data-testid=calibrate]').disabled, null, { timeout: LONG });
    assert.deepEqual(errors, []);
    assert.equal(await page.locator('[data-testid=error]').isVisible(), false, await text(page, 'error').catch(() => ''));

    assert.equal(await text(page, 'accuracy-float'), expectedFloat);
    const pageInt8 = await text(page, 'accuracy-int8');
    assert.equal(pageInt8, expectedInt8);
    assert.match(await text(page, 'latency-int8'), /^\d+\.\d+ ms$/);
    assert.equal(await page.locator('[data-testid=progress]').getAttribute('aria-valuenow'), '100');
    assert.match(await text(page, 'status'), /^done: calibrated on 1,000 samples in 10 batches/);
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid=runtime]').textContent.includes('threads')), true);
    // The chart has a row per reported tensor, with an SQNR for the five observed ones (input, conv1-3, fc).
    const chart = await text(page, 'layer-chart');
    assert.ok((chart.match(/ dB/g) ?? []).length >= 5, chart);
    assert.equal(await page.locator('[data-testid=layer-chart] svg g.row.observed').count(), 5);

    mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });

    // The download is a model qwasm loads and that predicts what the page showed.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download]')]);
    assert.equal(download.suggestedFilename(), 'fashion_mnist_int8.qwasm.onnx');
    const bytes = readFileSync(await download.path());
    const node = await predictInNode(bytes);
    assert.equal(node.accuracy, pageInt8);
    const tiles = await page.$$eval('#samples .tile', (list) => list.map((t) => [Number(t.dataset.index), Number(t.dataset.int8Pred)]));
    assert.equal(tiles.length, 20);
    for (const [i, p] of tiles) assert.equal(node.predictions[i], p, `test image ${i}`);

    // Clicking a test image classifies it on the pad with both models.
    await page.click('#samples .tile[data-index="3"]');
    await page.waitForFunction((want) => document.querySelector('#live-int8-top').textContent.startsWith(want),
      CLASSES[node.predictions[3]], { timeout: LONG });

    // Drawing: a stroke gives new live predictions.
    await page.click('#clear');
    const box = await page.locator('[data-testid=pad]').boundingBox();
    await page.mouse.move(box.x + 140, box.y + 30);
    await page.mouse.down();
    await page.mouse.move(box.x + 140, box.y + 250, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction(() => document.querySelectorAll('#live-float .bar-row').length === 10 &&
      document.querySelectorAll('#live-int8 .bar-row').length === 10, null, { timeout: LONG });

    // A bad ONNX file: an error, the current model stays.
    await page.setInputFiles('[data-testid=model-file]', { name: 'broken.onnx', mimeType: 'application/octet-stream',
      buffer: Buffer.from('this is not an ONNX model') });
    await page.locator('[data-testid=error]').waitFor({ state: 'visible', timeout: LONG });
    assert.match(await text(page, 'error'), /Could not load broken\.onnx: .+\. The previous model is still loaded/);
    assert.equal(await text(page, 'accuracy-int8'), pageInt8);
    assert.equal(await page.locator('[data-testid=calibrate]').isEnabled(), true);
    await page.click('#error-close');

    // A user's float model, calibrated with random data.
    await page.setInputFiles('[data-testid=model-file]', path.join(root, 'tests/golden/models/float_convnet.onnx'));
    await page.waitForFunction(() => document.querySelector('[data-testid=model-info]').textContent.includes('float_convnet.onnx') &&
      !document.querySelector('[data-testid=calibrate]').disabled, null, { timeout: LONG });
    assert.equal(await page.locator('#data-source').inputValue(), 'random');
    await page.click('[data-testid=calibrate]');
    await page.waitForFunction(() => document.querySelector('[data-testid=download]').getAttribute('aria-disabled') === 'false' &&
      !document.querySelector('[data-testid=calibrate]').disabled, null, { timeout: LONG });
    // float_convnet's input is [1, 3, 16, 16]: 10 random batches of one sample.
    assert.match(await text(page, 'status'), /^done: calibrated on 10 samples in 10 batches/);
    const [own] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download]')]);
    assert.equal(own.suggestedFilename(), 'float_convnet_int8.qwasm.onnx');
    const ownSession = await qwasm.InferenceSession.create(readFileSync(await own.path()));
    assert.ok(ownSession.describe().nodes.some((n) => n.qparams.length > 0), 'the downloaded model is quantized');
    ownSession.dispose();

    // ...and with the user's .npy samples: a wrong shape is an error naming the shape needed, then a right one works.
    const npy = (dims) => Buffer.from(formatNpy(new Float32Array(dims.reduce((x, y) => x * y, 1)).fill(0.5), dims));
    await page.setInputFiles('[data-testid=npy-file]', { name: 'wrong.npy', mimeType: 'application/octet-stream', buffer: npy([4, 3, 8, 8]) });
    await page.selectOption('#data-source', 'npy');
    await page.click('[data-testid=calibrate]');
    await page.locator('[data-testid=error]').waitFor({ state: 'visible', timeout: LONG });
    assert.match(await text(page, 'error'), /shape \[4, 3, 8, 8\], the model's input 'input' needs \[N, 3, 16, 16\]/);
    await page.setInputFiles('[data-testid=npy-file]', { name: 'samples.npy', mimeType: 'application/octet-stream', buffer: npy([4, 3, 16, 16]) });
    await page.click('[data-testid=calibrate]');
    await page.waitForFunction(() => document.querySelector('[data-testid=status]').textContent.startsWith('done:') &&
      !document.querySelector('[data-testid=calibrate]').disabled, null, { timeout: LONG });
    assert.match(await text(page, 'status'), /^done: calibrated on 4 samples in 4 batches/);
    assert.equal(await page.locator('[data-testid=error]').isVisible(), false);

    // A user's quantized model just runs.
    await page.setInputFiles('[data-testid=model-file]', path.join(root, 'tests/golden/models/pt_conv3x3.onnx'));
    await page.locator('[data-testid=custom-output]').waitFor({ state: 'visible', timeout: LONG });
    assert.match(await text(page, 'custom-output'), /^output: float32 \[/);
    assert.equal(await page.locator('[data-testid=calibrate]').isDisabled(), true);
    assert.equal(await page.locator('[data-testid=error]').isVisible(), false);
  } finally {
    await browser.close();
    server.close();
  }
  assert.deepEqual(errors, []);
});
