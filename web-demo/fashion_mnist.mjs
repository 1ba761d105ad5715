// Fashion-MNIST helpers shared by the demo page (main thread and worker), `npm start`, the evaluation script and
// the browser test, so that every place preprocesses and scores the default model the same way
// (models/README.md: input = float32(pixel) / 255, prediction = first argmax of the logits).

export const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag',
  'Ankle boot'];
export const IMAGE_SIZE = 28 * 28;

// PyTorch's default qnnpack qconfig (get_default_qconfig('qnnpack')), which the shipped int8 model was made with.
export const DEFAULT_QCONFIG = Object.freeze({ activation: 'histogram', weight: 'minmax' });
// The shipped calibration file is observed as PyTorch did: 10 batches of 100, in order.
export const CALIBRATION_BATCH = 100;

// uint8 pixels -> the model's float32 input.
export function toModelInput(pixels) {
  const x = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) x[i] = pixels[i] / 255;
  return x;
}

// Index of the largest of each row of `classes` values (the first one on ties, as torch.argmax).
export function argmaxRows(logits, classes) {
  const rows = logits.length / classes;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[r * classes + c] > logits[r * classes + best]) best = c;
    out[r] = best;
  }
  return out;
}

export function countEqual(a, b) {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) n++;
  return n;
}

// How the page, `npm start` and models/README.md print an accuracy: 2 decimals, so that 2,000 and 10,000 images
// are shown exactly (one image is 0.05 or 0.01 points).
export const formatPercent = (part, whole) => `${((100 * part) / whole).toFixed(2)}%`;

// confusion[truth * 10 + predicted] = count.
export function confusionMatrix(labels, predictions, classes = CLASSES.length) {
  const m = new Uint32Array(classes * classes);
  for (let i = 0; i < labels.length; i++) m[labels[i] * classes + predictions[i]]++;
  return m;
}

// Signal-to-quantization-noise ratio in dB of `approx` against `reference` (Infinity when identical).
export function sqnrDb(reference, approx) {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < reference.length; i++) {
    signal += reference[i] * reference[i];
    noise += (reference[i] - approx[i]) ** 2;
  }
  return noise === 0 ? Infinity : 10 * Math.log10(signal / noise);
}

// Runs `session` over `input` (float32, [count, ...itemDims]) in batches of `batch`; returns the concatenated
// first output and the wall time. `Tensor` is qwasm.Tensor (passed in so this file imports nothing).
export async function runBatched(session, Tensor, input, itemDims, count, batch) {
  const per = itemDims.reduce((a, b) => a * b, 1);
  const name = session.inputNames[0];
  const outName = session.outputNames[0];
  const parts = [];
  const t0 = performance.now();
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const x = new Tensor('float32', input.subarray(start * per, (start + n) * per), [n, ...itemDims]);
    parts.push((await session.run({ [name]: x }))[outName].data);
  }
  const ms = performance.now() - t0;
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return { output: out, ms };
}

// Feeds the shipped calibration array ({ data: float32, dims: [1000, 1, 28, 28] }) to a qwasm.Calibrator in
// batches of CALIBRATION_BATCH, in order (what PyTorch's PTQ observed). Resolves to the number of batches.
export async function observeCalibrationSet(calibrator, Tensor, calibration) {
  const per = calibration.dims.slice(1).reduce((a, b) => a * b, 1);
  const batches = calibration.dims[0] / CALIBRATION_BATCH;
  for (let b = 0; b < batches; b++) {
    const data = calibration.data.subarray(b * CALIBRATION_BATCH * per, (b + 1) * CALIBRATION_BATCH * per);
    await calibrator.observe({ [calibrator.inputNames[0]]: new Tensor('float32', data, [CALIBRATION_BATCH, ...calibration.dims.slice(1)]) });
  }
  return batches;
}
