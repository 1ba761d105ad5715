// qwasm calibrate: post-training quantization of a float ONNX model on .npy calibration batches, written as a QDQ
// ONNX model (and optionally a JSON report of every quantized tensor).
import { readFile, writeFile } from 'node:fs/promises';
import * as qwasm from '../index.mjs';
import { parseNpy } from '../npy.mjs';
import { parseArgs } from './args.mjs';

export const summary = 'calibrate a float ONNX model on .npy batches and write the int8 (QDQ) model';
export const usage = `Usage: qwasm calibrate FLOAT.onnx --data CALIB.npy [--data ...] --out INT8.onnx [--report REPORT.json]
                       [--input-name NAME] [--batch-size N] [--observer histogram|minmax|moving_average]
                       [--weight-observer minmax|per_channel_minmax] [--reduce-range]
                       [--input-scale S --input-zero-point Z] [--skip NODE[,NODE...]] [--no-threads]

Runs the float model on each batch with PyTorch's observers (defaults: get_default_qconfig('qnnpack'), i.e.
histogram activations and per-tensor symmetric qint8 minmax weights), converts, and writes the QDQ model that
qwasm runs in int8 with PyTorch's arithmetic (onnxruntime loads it too). Each --data file is one batch (first
axis = batch), or is split into batches of --batch-size along its first axis; values are converted to float32.
A progress bar goes to stderr; the summary (tensors, output SQNR) to stdout as JSON.
  --data FILE.npy           a calibration batch (repeatable, fed in order)
  --batch-size N            split every --data file into batches of N along axis 0
  --input-name NAME         the input the data feeds (default: the model's only input)
  --observer KIND           activation observer (default histogram)
  --weight-observer KIND    weight observer (default minmax)
  --reduce-range            activations use 7 bits (quant range 0..127), as PyTorch's reduce_range
  --input-scale S           fixed qparams for the model input instead of an observer (with --input-zero-point)
  --input-zero-point Z
  --skip NODES              comma-separated node names to keep in float
  --report FILE.json        write the full calibration report (observer statistics, qparams, SQNR per tensor)
  --no-threads              load the single-threaded module`;

const SPEC = {
  '--data': 'string', '--out': 'string', '--report': 'string', '--input-name': 'string', '--batch-size': 'int',
  '--observer': 'string', '--weight-observer': 'string', '--reduce-range': 'flag', '--input-scale': 'number',
  '--input-zero-point': 'int', '--skip': 'string', '--no-threads': 'flag',
};

function progress(done, total) {
  if (!process.stderr.isTTY && done !== total) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\rcalibrating [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} batches`);
  if (done === total) process.stderr.write('\n');
}

export async function run(argv) {
  // --data repeats: collect them before the strict parser (which keeps the last value).
  const data = [];
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data') {
      if (argv[i + 1] === undefined) throw new Error('option --data needs a value');
      data.push(argv[++i]);
    } else {
      rest.push(argv[i]);
    }
  }
  const { options, positional } = parseArgs(rest, SPEC);
  if (positional.length !== 1) throw new Error('expected one FLOAT.onnx');
  if (data.length === 0) throw new Error('give at least one --data CALIB.npy');
  if (!options.out) throw new Error('give --out INT8.onnx');
  if (options.batchSize !== undefined && options.batchSize < 1) throw new Error('--batch-size must be >= 1');
  if (options.inputZeroPoint !== undefined && options.inputScale === undefined) {
    throw new Error('--input-zero-point needs --input-scale');
  }
  await qwasm.init({ threads: options.noThreads ? false : 'auto' });
  const qconfig = {
    activation: options.observer, weight: options.weightObserver, reduceRange: options.reduceRange || undefined,
    inputScale: options.inputScale, inputZeroPoint: options.inputScale !== undefined ? (options.inputZeroPoint ?? 0) : undefined,
    skip: options.skip ? options.skip.split(',').filter(Boolean) : undefined,
  };
  const cal = await qwasm.Calibrator.create(positional[0], qconfig);
  try {
    const input = options.inputName ?? (cal.inputNames.length === 1 ? cal.inputNames[0] : null);
    if (input === null) throw new Error(`the model has ${cal.inputNames.length} inputs: give --input-name (one of ${cal.inputNames.join(', ')})`);
    if (!cal.inputNames.includes(input)) throw new Error(`the model has no input '${input}' (its inputs: ${cal.inputNames.join(', ')})`);
    const batches = [];
    for (const file of data) {
      const array = parseNpy(await readFile(file), file, { anyDtype: true });
      if (array.dims.length < 1) throw new Error(`${file}: a batch needs at least one dimension`);
      const values = array.data instanceof Float32Array ? array.data : Float32Array.from(array.data, Number);
      const n = array.dims[0];
      const step = options.batchSize ?? n;
      const per = n === 0 ? 0 : values.length / n;
      for (let start = 0; start < n; start += step) {
        const count = Math.min(step, n - start);
        batches.push(new qwasm.Tensor('float32', values.subarray(start * per, (start + count) * per), [count, ...array.dims.slice(1)]));
      }
    }
    progress(0, batches.length);
    for (let i = 0; i < batches.length; i++) {
      await cal.observe({ [input]: batches[i] });
      progress(i + 1, batches.length);
    }
    const session = await cal.convert();
    const bytes = await session.toONNX();
    session.dispose();
    await writeFile(options.out, bytes);
    const report = cal.report();
    if (options.report) await writeFile(options.report, JSON.stringify(report, null, 1));
    console.log(JSON.stringify({
      out: options.out, bytes: bytes.length, batches: report.batches,
      tensors: report.tensors.map((t) => ({ name: t.name, op: t.op, scale: t.scale, zero_point: t.zero_point, sqnr: t.sqnr })),
      outputs: report.outputs,
    }));
  } finally {
    cal.dispose();
  }
  return 0;
}
