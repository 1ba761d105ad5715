// qwasm serve: an HTTP inference endpoint on 127.0.0.1 backed by a worker pool (js/pool.mjs, js/server.mjs).
import { createPool } from '../pool.mjs';
import { createInferenceServer } from '../server.mjs';
import { parseArgs } from './args.mjs';

export const summary = 'serve a model over HTTP on 127.0.0.1 with a pool of worker threads';
export const usage = `Usage: qwasm serve MODEL.onnx [--port N] [--workers W] [--threads-per-worker T] [--max-queue Q]
                   [--timeout-ms MS] [--max-body-bytes B]

Loads the model in W worker threads and answers on http://127.0.0.1:N (loopback only):
  POST /run       JSON {"inputs": {"NAME": {"dims": [...], "data": [...]}}, "outputs": [...]} -> {"outputs": {...}}
                  or a raw little-endian tensor (Content-Type: application/octet-stream, dims in X-Qwasm-Dims
                  or ?dims=1,1,28,28) -> the raw bytes of the first output (or ?output=NAME)
  GET  /model     the model's inputs and outputs
  GET  /healthz   200 while workers are up
  GET  /metrics   requests, errors, queue depth, latency p50/p90/p99, pool counters, RSS
Prints one JSON line when listening; SIGINT / SIGTERM drain the requests in progress and exit.
  --port N                 port (default 8000; 0 picks a free one)
  --workers W              worker threads (default: the machine's cores / threads per worker)
  --threads-per-worker T   threads of each worker's module (default 1: the single-threaded module)
  --max-queue Q            requests waiting for a worker before new ones get 503 QUEUE_FULL (default 64 x W)
  --timeout-ms MS          answer 504 after MS ms and replace a worker stuck that long (default 30000; 0: none)
  --max-body-bytes B       larger request bodies get 413 (default 16 MiB)`;

export async function run(argv) {
  const { options, positional } = parseArgs(argv, {
    '--port': 'int', '--workers': 'int', '--threads-per-worker': 'int', '--max-queue': 'int', '--timeout-ms': 'int',
    '--max-body-bytes': 'int',
  });
  if (positional.length !== 1) throw new Error('expected one MODEL.onnx');
  const port = options.port ?? 8000;
  if (port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${port}`);
  const pool = await createPool(positional[0], { workers: options.workers, threadsPerWorker: options.threadsPerWorker,
    maxQueue: options.maxQueue, timeoutMs: options.timeoutMs });
  const app = createInferenceServer(pool, { maxBodyBytes: options.maxBodyBytes });
  let address;
  try {
    address = await app.listen(port);
  } catch (e) {
    await pool.close();
    throw new Error(`cannot listen on 127.0.0.1:${port}: ${e.message}`);
  }
  console.log(JSON.stringify({ listening: address.url, model: positional[0], ...pool.options,
    build: pool.features?.build ?? null, inputs: pool.inputNames, outputs: pool.outputNames }));
  await new Promise((resolve) => {
    const stop = (signal) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      console.error(`qwasm serve: ${signal}: finishing the requests in progress`);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await app.close();
  return 0;
}
