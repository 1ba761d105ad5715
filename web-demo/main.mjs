// The demo page. It never loads qwasm itself: worker.mjs does every calibration and inference, and this file
// draws what comes back (metrics, per-layer chart, confusion matrix, test images, the drawing pad).
import { parseNpy } from '../js/npy.mjs';
import { CALIBRATION_BATCH, CLASSES, confusionMatrix, countEqual, DEFAULT_QCONFIG, formatPercent, IMAGE_SIZE,
  toModelInput } from './fashion_mnist.mjs';

const $ = (id) => document.getElementById(id);
const MODELS = new URL('../models/', import.meta.url);
const DEFAULT_MODEL = { name: 'Fashion-MNIST CNN', file: 'fashion_mnist_float.onnx', url: new URL('fashion_mnist_float.onnx', MODELS).href };
const SAMPLE_COUNT = 20;
const bytesText = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} kB`);
const msText = (ms) => (ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(3)} ms`);

// ---- the worker --------------------------------------------------------------------------------------------

const worker = new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' });
const pending = new Map();
let nextId = 1;
worker.onmessage = ({ data }) => {
  if (data.type === 'progress') {
    showProgress(data);
    return;
  }
  const request = pending.get(data.id);
  pending.delete(data.id);
  if (data.error !== undefined) request.reject(new Error(data.error));
  else request.resolve(data.result);
};
worker.onerror = (e) => {
  e.preventDefault();
  showError(`The worker failed: ${e.message || 'could not load worker.mjs'}`);
};

function ask(type, args = {}, transfer = []) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, type, ...args }, transfer);
  });
}

// ---- page state --------------------------------------------------------------------------------------------

const state = {
  model: null,        // what ask('load') returned, plus name / file
  isDefault: true,
  test: null,         // { pixels: Uint8Array, input: Float32Array, labels, count }
  reference: null,    // models/reference_predictions.json
  evaluation: null,   // ask('evaluate') result
  report: null,
  int8Url: null,
  busy: false,
  confusionModel: 'int8',
};

function showError(message) {
  $('error-text').textContent = message;
  $('error').hidden = false;
  console.warn(message);  // a warning, not an error: bad input is expected and handled
}
$('error-close').addEventListener('click', () => { $('error').hidden = true; });

function setStatus(text) { $('status').textContent = text; }

// The bar follows the calibration batches; evaluation only updates the status line.
function showProgress({ stage, done, total }) {
  if (stage === 'calibrate') {
    const percent = total ? Math.round((100 * done) / total) : 0;
    document.querySelector('[data-testid=progress]').setAttribute('aria-valuenow', String(percent));
    $('progress-fill').style.width = `${percent}%`;
    setStatus(done < total ? `calibrating: batch ${done} of ${total}`
      : 'converting to int8 and measuring each layer\'s SQNR…');
  } else if (stage.startsWith('evaluate ')) {
    setStatus(`running the ${stage.slice(9)} model on the test images…`);
  }
}

function setBusy(busy) {
  state.busy = busy;
  const canCalibrate = state.model && !state.model.quantized;
  $('calibrate').disabled = busy || !canCalibrate;
  $('model-file').disabled = busy;
  $('use-default').disabled = busy;
  document.body.classList.toggle('busy', busy);
}

// Runs one page action; any failure goes to the banner and the page stays usable.
async function action(fn) {
  if (state.busy) return;
  setBusy(true);
  $('error').hidden = true;
  try {
    await fn();
  } catch (e) {
    showError(e.message);
    setStatus('');
  } finally {
    setBusy(false);
  }
}

// ---- model -------------------------------------------------------------------------------------------------

function showModelInfo() {
  const m = state.model;
  const io = (list) => list.map((v) => `${v.name} ${v.type} ${v.shape}`).join(', ');
  const rows = [
    ['model', state.isDefault ? `${m.name} (models/${m.file})` : m.name],
    ['kind', m.quantized ? 'already quantized (int8): runs as it is' : 'float: calibrate it to int8'],
    ['inputs', io(m.inputs)],
    ['outputs', io(m.outputs)],
    ['size', `${bytesText(m.bytes)} · ${m.nodes} nodes`],
  ];
  const dl = $('model-info');
  dl.replaceChildren();
  for (const [k, v] of rows) {
    dl.append(Object.assign(document.createElement('dt'), { textContent: k }),
      Object.assign(document.createElement('dd'), { textContent: v }));
  }
  $('use-default').hidden = state.isDefault;
}

function resetResults() {
  for (const id of ['accuracy-float', 'accuracy-int8', 'latency-int8', 'size-int8', 'sqnr']) $(id).textContent = '–';
  for (const id of ['accuracy-float-sub', 'latency-sub', 'size-sub', 'sqnr-sub']) $(id).innerHTML = '&nbsp;';
  $('accuracy-int8-sub').textContent = state.model?.quantized ? '' : 'calibrate first';
  $('layer-chart').innerHTML = '<p class="empty">The scale, zero point and SQNR of every quantized tensor appear here after calibration.</p>';
  $('confusion').innerHTML = '<p class="empty">after calibration</p>';
  $('samples').innerHTML = '<p class="empty">after calibration</p>';
  $('custom-card').hidden = true;
  showProgress({ stage: 'calibrate', done: 0, total: 1 });
  state.evaluation = null;
  state.report = null;
  setDownload(null);
}

async function loadModel(source, info) {
  const model = await ask('load', source);
  state.model = { ...model, ...info };
  state.floatFigures = null;
  state.isDefault = info.file === DEFAULT_MODEL.file && !source.bytes;
  resetResults();
  showModelInfo();
  const fashion = model.fashion;
  $('fashion-cards').hidden = !fashion;
  $('draw-card').hidden = !fashion;
  const what = model.quantized ? 'The int8 model' : 'Float vs int8';
  $('results-title').textContent = fashion ? `${what} on ${state.test.count.toLocaleString('en-US')} Fashion-MNIST test images` : what;
  $('default-hint').hidden = !state.isDefault;
  if (model.quantized) {
    $('size-int8').textContent = bytesText(model.bytes);
    $('size-sub').textContent = 'as loaded';
    $('layer-chart').replaceChildren(Object.assign(document.createElement('p'), { className: 'empty',
      textContent: 'This model came quantized: its qparams are its own (`qwasm info MODEL.onnx` lists them per node).' }));
  }
  const dataSource = $('data-source');
  dataSource.querySelector('option[value=default]').disabled = !fashion;
  if (!fashion && dataSource.value === 'default') dataSource.value = 'random';
  if (state.isDefault) dataSource.value = 'default';
  if (fashion) {
    await evaluate();
    classifyPad();
  } else if (model.quantized) {
    await runQuantizedModel();
  }
  setStatus(model.quantized ? 'this model is already quantized: nothing to calibrate'
    : 'ready: press Calibrate');
}

// An already quantized model the test images do not fit: one run on random data, to show it works.
async function runQuantizedModel() {
  const r = await ask('runQuantized', { source: { kind: 'random', batches: 1, batch: 1 } });
  $('latency-int8').textContent = msText(r.ms / r.samples);
  $('latency-sub').textContent = `per sample, random input, batch ${r.samples}`;
  $('custom-output').textContent = r.outputs.map((o) => `${o.name}: ${o.type} [${o.dims.join(', ')}]\n  ` +
    `${o.head.map((v) => Number(v.toPrecision(5))).join(', ')}${o.head.length < o.dims.reduce((a, b) => a * b, 1) ? ', …' : ''}`)
    .join('\n');
  $('custom-card').hidden = false;
}

$('model-file').addEventListener('change', () => action(async () => {
  const file = $('model-file').files[0];
  $('model-file').value = '';
  if (!file) return;
  setStatus(`loading ${file.name}…`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    await loadModel({ bytes }, { name: file.name, file: file.name });
  } catch (e) {
    throw new Error(`Could not load ${file.name}: ${e.message}. The ${state.model ? 'previous model is still loaded' : 'page needs a model'}.`);
  }
}));
$('use-default').addEventListener('click', () => action(() => loadModel({ url: DEFAULT_MODEL.url }, DEFAULT_MODEL)));

// ---- calibration -------------------------------------------------------------------------------------------

async function calibrationSource() {
  const kind = $('data-source').value;
  if (kind === 'default') {
    return { kind: 'npy', url: new URL('fashion_mnist_calibration.npy', MODELS).href, batch: CALIBRATION_BATCH };
  }
  if (kind === 'random') return { kind: 'random', batches: 10, batch: 8 };
  const file = $('npy-file').files[0];
  if (!file) throw new Error('choose a .npy file with calibration samples (float32, shape [N, ...input dims])');
  return { kind: 'npy', bytes: new Uint8Array(await file.arrayBuffer()), name: file.name, batch: 32 };
}

$('data-source').addEventListener('change', () => {
  if ($('data-source').value === 'npy') $('npy-file').click();
});
$('npy-file').addEventListener('change', () => {
  const file = $('npy-file').files[0];
  const option = $('data-source').querySelector('option[value=npy]');
  option.textContent = file ? `my .npy file: ${file.name}` : 'my .npy file…';
});

$('calibrate').addEventListener('click', () => action(async () => {
  const qconfig = { ...DEFAULT_QCONFIG, activation: $('activation').value, weight: $('weight').value };
  const source = await calibrationSource();
  resetResults();
  if (state.model.fashion) showFloatOnly();
  const t0 = performance.now();
  const result = await ask('calibrate', { qconfig, source });
  const seconds = (performance.now() - t0) / 1000;
  state.report = result.report;
  drawLayerChart(result.report);
  $('size-int8').textContent = bytesText(result.int8Bytes);
  const ratio = state.model.bytes / result.int8Bytes;
  $('size-sub').textContent = `float ${bytesText(state.model.bytes)} · ` +
    (ratio >= 1 ? `${ratio.toFixed(1)}x smaller` : 'larger: qparams outweigh the weights of so small a model');
  const calibrated = `calibrated on ${result.samples.toLocaleString('en-US')} samples in ${result.batches} batches ` +
    `(${seconds.toFixed(1)} s: observe ${(result.observeMs / 1000).toFixed(1)} s, convert ${(result.convertMs / 1000).toFixed(2)} s, ` +
    `report ${(result.reportMs / 1000).toFixed(1)} s)`;
  if (state.model.fashion) {
    await evaluate();
    classifyPad();
  } else {
    const r = await ask('compareOnCalibrationData');
    $('accuracy-float').textContent = 'n/a';
    $('accuracy-float-sub').textContent = 'no labelled data for this model';
    $('accuracy-int8').textContent = 'n/a';
    $('accuracy-int8-sub').textContent = '';
    $('latency-int8').textContent = msText(r.int8Ms);
    $('latency-sub').textContent = `per sample, batch ${r.samples} · float ${msText(r.floatMs)}`;
    $('sqnr').textContent = `${r.sqnr.toFixed(1)} dB`;
    $('sqnr-sub').textContent = `on the last calibration batch (${r.samples} sample${r.samples > 1 ? 's' : ''})`;
  }
  const bytes = await ask('exportInt8');
  setDownload(bytes);
  setStatus(`done: ${calibrated}`);
}));

// ---- results -----------------------------------------------------------------------------------------------

// Keeps the float figures shown while a new calibration runs.
function showFloatOnly() {
  if (!state.floatFigures) return;
  $('accuracy-float').textContent = state.floatFigures.accuracy;
  $('accuracy-float-sub').textContent = state.floatFigures.sub;
}

async function evaluate() {
  const images = state.test.input.slice();
  const evaluation = await ask('evaluate', { images, count: state.test.count, batch: CALIBRATION_BATCH }, [images.buffer]);
  state.evaluation = evaluation;
  const { labels, count } = state.test;
  const f = evaluation.float;
  const q = evaluation.int8;
  if (f) {
    const sub = state.isDefault ? `PyTorch float ${formatPercent(countEqual(Int32Array.from(state.reference.float_pred), labels), count)}` +
      ` · same prediction on ${countEqual(f.predictions, Int32Array.from(state.reference.float_pred)).toLocaleString('en-US')} of ` +
      `${count.toLocaleString('en-US')}` : '';
    state.floatFigures = { accuracy: formatPercent(countEqual(f.predictions, labels), count), sub };
    showFloatOnly();
  } else {
    $('accuracy-float').textContent = 'n/a';
    $('accuracy-float-sub').textContent = 'the model is already int8';
  }
  if (q) {
    $('accuracy-int8').textContent = formatPercent(countEqual(q.predictions, labels), count);
    const sub = [];
    if (state.isDefault) {
      const torch = Int32Array.from(state.reference.int8_pred);
      sub.push(`PyTorch int8 ${formatPercent(countEqual(torch, labels), count)} · same prediction on ` +
        `${countEqual(q.predictions, torch).toLocaleString('en-US')} of ${count.toLocaleString('en-US')}`);
    } else if (f) {
      sub.push(`same prediction as float on ${countEqual(q.predictions, f.predictions)} of ${count}`);
    }
    $('accuracy-int8-sub').textContent = sub.join('');
    $('latency-int8').textContent = msText(q.msPerImage);
    $('latency-sub').textContent = `per image, batch 1${f ? ` · float ${msText(f.msPerImage)}` : ''}\n` +
      `batch ${CALIBRATION_BATCH}: ${msText(q.msPerImageBatched)} per image`;
    drawConfusion();
    drawSamples();
  }
  if (evaluation.sqnr !== undefined) {
    $('sqnr').textContent = `${evaluation.sqnr.toFixed(1)} dB`;
    $('sqnr-sub').textContent = `logits on the ${count.toLocaleString('en-US')} test images`;
  }
}

function setDownload(bytes) {
  const link = $('download');
  if (state.int8Url) URL.revokeObjectURL(state.int8Url);
  state.int8Url = null;
  if (!bytes) {
    link.removeAttribute('href');
    link.setAttribute('aria-disabled', 'true');
    return;
  }
  state.int8Url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  link.href = state.int8Url;
  link.download = `${state.model.file.replace(/(_float)?\.onnx$/i, '')}_int8.qwasm.onnx`;
  link.setAttribute('aria-disabled', 'false');
  link.title = `${bytesText(bytes.length)} QDQ ONNX (opens in qwasm and onnxruntime)`;
}

// ---- per-layer chart ---------------------------------------------------------------------------------------

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

// PyTorch's exporter names tensors like /conv1/conv1.1/Relu_output_0: drop the slash and the suffix.
const shortName = (name) => name.replace(/^\//, '').replace(/_output_0$/, '');

// One row per quantized activation tensor: name and op, scale, zero point, observed range, and a bar for the
// SQNR of the layer's int8 output against float.
function drawLayerChart(report) {
  const tensors = report.tensors;
  const maxSqnr = 20 * Math.ceil(Math.max(40, ...tensors.map((t) => (Number.isFinite(t.sqnr) ? t.sqnr : 0))) / 20);
  const cols = { name: 0, op: 215, scale: 300, zp: 385, range: 460, bar: 590 };
  const width = 960;
  const barWidth = width - cols.bar - 70;
  const rowHeight = 30;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${(tensors.length + 1) * rowHeight + 8}`, role: 'img',
    'aria-label': 'per-layer scale, zero point and SQNR', class: 'layers' });
  const header = [['tensor', cols.name + 6], ['op', cols.op], ['scale', cols.scale], ['zero pt', cols.zp],
    ['observed range', cols.range], ['SQNR vs float (dB)', cols.bar]];
  for (const [text, x] of header) chart.append(svg('text', { x, y: 18, class: 'head' }, text));
  for (let i = 0; i <= 4; i++) {
    const x = cols.bar + (barWidth * i) / 4;
    chart.append(svg('line', { x1: x, x2: x, y1: rowHeight - 4, y2: (tensors.length + 1) * rowHeight, class: 'grid' }));
    chart.append(svg('text', { x: x + 2, y: (tensors.length + 1) * rowHeight + 6, class: 'tick' }, `${Math.round((maxSqnr * i) / 4)}`));
  }
  tensors.forEach((t, i) => {
    const y = (i + 1) * rowHeight;
    const g = svg('g', { class: `row ${t.quantization}` });
    g.append(svg('title', {}, `${t.name} (${t.op}): ${t.quantization}${t.observer ? ` by ${t.observer}` : ''}` +
      `${t.source ? ` from ${t.source}` : ''}; scale ${t.scale}, zero point ${t.zero_point}`));
    if (i % 2 === 0) g.append(svg('rect', { x: 0, y: y - 4, width, height: rowHeight, class: 'stripe' }));
    const name = shortName(t.name);
    g.append(svg('text', { x: cols.name + 6, y: y + 15, class: 'name' }, name.length > 27 ? `${name.slice(0, 26)}…` : name));
    g.append(svg('text', { x: cols.op, y: y + 15, class: 'op' }, t.op.length > 13 ? `${t.op.slice(0, 12)}…` : t.op));
    g.append(svg('text', { x: cols.scale, y: y + 15, class: 'num' }, t.scale.toPrecision(5)));
    g.append(svg('text', { x: cols.zp, y: y + 15, class: 'num' }, String(t.zero_point)));
    const range = t.min !== undefined ? `[${t.min.toFixed(2)}, ${t.max.toFixed(2)}]` : t.quantization;
    g.append(svg('text', { x: cols.range, y: y + 15, class: 'num dim' }, range));
    if (Number.isFinite(t.sqnr)) {
      const w = Math.max(2, (barWidth * Math.min(t.sqnr, maxSqnr)) / maxSqnr);
      g.append(svg('rect', { x: cols.bar, y: y + 3, width: w, height: rowHeight - 14, rx: 3, class: 'bar' }));
      g.append(svg('text', { x: cols.bar + w + 6, y: y + 15, class: 'num' }, `${t.sqnr.toFixed(1)} dB`));
    } else if (t.sqnr === null || t.sqnr === Infinity) {
      g.append(svg('text', { x: cols.bar, y: y + 15, class: 'num dim' }, 'exact'));
    }
    chart.append(g);
  });
  const out = report.outputs.map((o) => `${o.name}: ${Number.isFinite(o.sqnr) ? `${o.sqnr.toFixed(1)} dB` : 'n/a'}`).join(', ');
  const note = document.createElement('p');
  note.className = 'hint';
  note.textContent = `Observed on ${report.batches} batches; SQNR measured on the last ${report.keptBatches} ` +
    `(model output ${out}). Inherited tensors reuse their input's qparams, as in PyTorch.`;
  $('layer-chart').replaceChildren(chart, note);
}

// ---- confusion matrix and test images ----------------------------------------------------------------------

const SHORT = ['T-shirt', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Boot'];

function drawConfusion() {
  const e = state.evaluation?.[state.confusionModel];
  const box = $('confusion');
  for (const b of document.querySelectorAll('.toggle button')) {
    b.classList.toggle('on', b.dataset.model === state.confusionModel);
    b.disabled = !state.evaluation?.[b.dataset.model];
  }
  if (!e) return;
  const m = confusionMatrix(state.test.labels, e.predictions);
  const n = CLASSES.length;
  const rowMax = Math.max(...m);
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  head.append(document.createElement('th'));
  for (const s of SHORT) head.append(Object.assign(document.createElement('th'), { textContent: s, className: 'col' }));
  const body = table.createTBody();
  for (let t = 0; t < n; t++) {
    const row = body.insertRow();
    row.append(Object.assign(document.createElement('th'), { textContent: SHORT[t] }));
    for (let p = 0; p < n; p++) {
      const v = m[t * n + p];
      const cell = row.insertCell();
      cell.textContent = v ? String(v) : '';
      const strength = v ? 0.12 + 0.88 * Math.sqrt(v / rowMax) : 0;
      cell.className = t === p ? 'hit' : v ? 'miss' : '';
      cell.style.setProperty('--a', strength.toFixed(3));
      cell.title = `${CLASSES[t]} predicted as ${CLASSES[p]}: ${v}`;
    }
  }
  box.replaceChildren(table);
}

for (const b of document.querySelectorAll('.toggle button')) {
  b.addEventListener('click', () => {
    state.confusionModel = b.dataset.model;
    drawConfusion();
  });
}

function imageCanvas(pixels, scale = 2) {
  const c = document.createElement('canvas');
  c.width = 28;
  c.height = 28;
  const ctx = c.getContext('2d');
  const img = ctx.createImageData(28, 28);
  for (let i = 0; i < IMAGE_SIZE; i++) {
    img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = pixels[i];
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  c.style.width = c.style.height = `${28 * scale}px`;
  return c;
}

function drawSamples() {
  const e = state.evaluation;
  if (!e?.int8) return;
  const { labels, pixels, count } = state.test;
  const f = e.float?.predictions;
  const q = e.int8.predictions;
  const filter = $('sample-filter').value;
  const pick = [];
  for (let i = 0; i < count && pick.length < SAMPLE_COUNT; i++) {
    if (filter === 'disagree' && (!f || f[i] === q[i])) continue;
    if (filter === 'wrong' && q[i] === labels[i]) continue;
    pick.push(i);
  }
  const grid = document.createElement('div');
  grid.className = 'sample-grid';
  for (const i of pick) {
    const tile = document.createElement('button');
    tile.type = 'button';
    tile.className = 'tile';
    tile.dataset.index = String(i);
    tile.dataset.label = String(labels[i]);
    if (f) tile.dataset.floatPred = String(f[i]);
    tile.dataset.int8Pred = String(q[i]);
    tile.title = `test image #${i}: ${CLASSES[labels[i]]}`;
    tile.append(imageCanvas(pixels.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE)));
    // The true class, then each model's verdict: a tick when right, the predicted class in red when wrong.
    const caption = document.createElement('div');
    caption.className = 'caption';
    const line = (text, cls) => Object.assign(document.createElement('span'), { textContent: text, className: cls });
    caption.append(line(SHORT[labels[i]], 'truth'));
    const verdict = (model, p) => line(p === labels[i] ? `${model} ✓` : `${model}: ${SHORT[p]}`, p === labels[i] ? 'ok' : 'bad');
    if (f) caption.append(verdict('float', f[i]));
    caption.append(verdict('int8', q[i]));
    tile.append(caption);
    tile.addEventListener('click', () => {
      putPixelsOnPad(pixels.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE));
      $('draw-card').scrollIntoView({ behavior: 'smooth', block: 'center' });
    });
    grid.append(tile);
  }
  const box = $('samples');
  if (pick.length === 0) box.replaceChildren(Object.assign(document.createElement('p'), { className: 'empty', textContent: 'none' }));
  else box.replaceChildren(grid);
}
$('sample-filter').addEventListener('change', drawSamples);

// ---- drawing pad -------------------------------------------------------------------------------------------

const pad = $('pad');
const padCtx = pad.getContext('2d', { willReadFrequently: true });

function clearPad() {
  padCtx.fillStyle = '#000';
  padCtx.fillRect(0, 0, pad.width, pad.height);
}

function putPixelsOnPad(pixels) {
  const small = imageCanvas(pixels);
  padCtx.imageSmoothingEnabled = false;
  padCtx.drawImage(small, 0, 0, pad.width, pad.height);
  classifyPad();
}

// The pad as the model's input: each 10x10 block averaged to one pixel (exact for a test image put on the pad).
function padPixels() {
  const rgba = padCtx.getImageData(0, 0, pad.width, pad.height).data;
  const k = pad.width / 28;
  const out = new Uint8Array(IMAGE_SIZE);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      let sum = 0;
      for (let dy = 0; dy < k; dy++) {
        for (let dx = 0; dx < k; dx++) sum += rgba[4 * ((y * k + dy) * pad.width + x * k + dx)];
      }
      out[y * 28 + x] = Math.round(sum / (k * k));
    }
  }
  return out;
}

function softmax(logits) {
  const max = Math.max(...logits);
  const e = Array.from(logits, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

function drawBars(id, logits) {
  const box = $(id);
  const top = $(`${id}-top`);
  if (!logits) {
    const why = id === 'live-float' ? 'the loaded model is int8 only' : 'calibrate first';
    box.replaceChildren(Object.assign(document.createElement('p'), { className: 'empty', textContent: why }));
    top.textContent = '';
    return;
  }
  const p = softmax(logits);
  const best = p.indexOf(Math.max(...p));
  top.textContent = `${CLASSES[best]} · ${(100 * p[best]).toFixed(1)}%`;
  box.replaceChildren(...p.map((v, c) => {
    const row = document.createElement('div');
    row.className = `bar-row${c === best ? ' best' : ''}`;
    row.innerHTML = '<span class="cls"></span><span class="track"><span class="fill"></span></span><span class="pct"></span>';
    row.querySelector('.cls').textContent = CLASSES[c];
    row.querySelector('.fill').style.width = `${(100 * v).toFixed(1)}%`;
    row.querySelector('.pct').textContent = `${(100 * v).toFixed(1)}%`;
    return row;
  }));
}

let classifying = false;
let classifyAgain = false;
// At most one request in flight; strokes that arrive meanwhile are classified once it returns.
async function classifyPad() {
  if (!state.model?.fashion) return;
  if (classifying) {
    classifyAgain = true;
    return;
  }
  classifying = true;
  try {
    do {
      classifyAgain = false;
      const pixels = toModelInput(padPixels());
      const r = await ask('classify', { pixels }, [pixels.buffer]);
      drawBars('live-float', r.float);
      drawBars('live-int8', r.int8);
    } while (classifyAgain);
  } catch (e) {
    showError(`classification failed: ${e.message}`);
  } finally {
    classifying = false;
  }
}

let drawing = false;
let last = null;
function padPoint(e) {
  const r = pad.getBoundingClientRect();
  return [((e.clientX - r.left) * pad.width) / r.width, ((e.clientY - r.top) * pad.height) / r.height];
}
pad.addEventListener('pointerdown', (e) => {
  drawing = true;
  pad.setPointerCapture(e.pointerId);
  last = padPoint(e);
  stroke(last, last);
});
pad.addEventListener('pointermove', (e) => {
  if (!drawing) return;
  const p = padPoint(e);
  stroke(last, p);
  last = p;
});
const endStroke = () => { drawing = false; };
pad.addEventListener('pointerup', endStroke);
pad.addEventListener('pointercancel', endStroke);

function stroke(a, b) {
  padCtx.strokeStyle = '#fff';
  padCtx.lineWidth = 22;
  padCtx.lineCap = 'round';
  padCtx.lineJoin = 'round';
  padCtx.beginPath();
  padCtx.moveTo(...a);
  padCtx.lineTo(...b);
  padCtx.stroke();
  classifyPad();
}

$('clear').addEventListener('click', () => {
  clearPad();
  classifyPad();
});

// A dropped picture: fitted to the pad in gray; a light background (a product photo) is inverted, since
// Fashion-MNIST shows light clothes on black.
pad.addEventListener('dragover', (e) => {
  e.preventDefault();
  pad.classList.add('drop');
});
pad.addEventListener('dragleave', () => pad.classList.remove('drop'));
pad.addEventListener('drop', async (e) => {
  e.preventDefault();
  pad.classList.remove('drop');
  const file = e.dataTransfer.files[0];
  if (!file) return;
  try {
    const bitmap = await createImageBitmap(file);
    const s = Math.min(pad.width / bitmap.width, pad.height / bitmap.height);
    const w = bitmap.width * s;
    const h = bitmap.height * s;
    const tmp = new OffscreenCanvas(pad.width, pad.height);
    const t = tmp.getContext('2d');
    t.fillStyle = '#fff';
    t.fillRect(0, 0, pad.width, pad.height);
    t.drawImage(bitmap, (pad.width - w) / 2, (pad.height - h) / 2, w, h);
    const img = t.getImageData(0, 0, pad.width, pad.height);
    const gray = (i) => 0.299 * img.data[i] + 0.587 * img.data[i + 1] + 0.114 * img.data[i + 2];
    let border = 0;
    for (let x = 0; x < pad.width; x++) border += gray(4 * x) + gray(4 * ((pad.height - 1) * pad.width + x));
    const invert = border / (2 * pad.width) > 127;
    for (let i = 0; i < img.data.length; i += 4) {
      const g = invert ? 255 - gray(i) : gray(i);
      img.data[i] = img.data[i + 1] = img.data[i + 2] = g;
    }
    padCtx.putImageData(img, 0, 0);
    classifyPad();
  } catch (err) {
    showError(`Could not read ${file.name} as an image: ${err.message}`);
  }
});

// A file dropped next to the pad must not make the browser navigate away from the page.
for (const type of ['dragover', 'drop']) window.addEventListener(type, (e) => e.preventDefault());

// ---- start -------------------------------------------------------------------------------------------------

async function fetchBytes(name) {
  const response = await fetch(new URL(name, MODELS));
  if (!response.ok) throw new Error(`fetching models/${name}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function start() {
  const [{ features, crossOriginIsolated }, images, labels, reference] = await Promise.all([
    ask('init'), fetchBytes('fashion_mnist_test.npy'), fetchBytes('fashion_mnist_test_labels.npy'),
    fetch(new URL('reference_predictions.json', MODELS)).then((r) => r.json()),
  ]);
  $('runtime').replaceChildren(...[
    `qwasm ${features.version}`, features.build, features.simd ? 'SIMD128' : 'no SIMD',
    features.threads ? `${features.threadCount} threads` : 'single thread',
    crossOriginIsolated ? 'cross-origin isolated' : 'not isolated',
  ].map((t) => Object.assign(document.createElement('span'), { textContent: t })));
  $('runtime').title = features.threadsReason;
  const test = parseNpy(images, 'fashion_mnist_test.npy');
  state.test = { pixels: test.data, input: toModelInput(test.data), labels: parseNpy(labels).data, count: test.dims[0] };
  state.reference = reference;
  clearPad();
  putPixelsOnPad(test.data.subarray(0, IMAGE_SIZE));
  await loadModel({ url: DEFAULT_MODEL.url }, DEFAULT_MODEL);
}

setBusy(true);
start().then(() => setBusy(false), (e) => {
  showError(`The demo could not start: ${e.message}`);
  setBusy(false);
});
