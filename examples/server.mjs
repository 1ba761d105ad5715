#!/usr/bin/env node
// A small inference server on 127.0.0.1: a qwasm worker pool behind the HTTP endpoint that `qwasm serve` uses
// (js/server.mjs). Run it from the repository after `npm run build`:
//
//   node examples/server.mjs [MODEL.onnx] [PORT]          (default: the Fashion-MNIST model, port 8000)
//
// then, from another terminal:
//   curl -s localhost:8000/healthz
//   curl -s -X POST localhost:8000/run -H 'content-type: application/json' \
//        -d "{\"inputs\": {\"input\": {\"dims\": [1,1,28,28], \"data\": [$(seq -s, 0 783 | sed 's/[0-9]*/0/g')]}}}"
//   curl -s localhost:8000/metrics
// Ctrl-C finishes the requests in progress, ends the workers and exits.
import { fileURLToPath } from 'node:url';
import { createPool } from '../js/index.mjs';
import { createInferenceServer } from '../js/server.mjs';

const model = process.argv[2] ?? fileURLToPath(new URL('../models/fashion_mnist_int8.onnx', import.meta.url));
const port = Number(process.argv[3] ?? 8000);

// Two workers with the single-threaded module each: on a small machine, one request per core is the best use
// of it. Up to 128 requests wait for a worker; more get 503 QUEUE_FULL instead of piling up in memory.
const pool = await createPool(model, { workers: 2, threadsPerWorker: 1, maxQueue: 128, timeoutMs: 10000 });
const app = createInferenceServer(pool, { maxBodyBytes: 1 << 20 });
const { url } = await app.listen(port);
console.log(`serving ${model} (inputs: ${pool.inputNames.join(', ')}; outputs: ${pool.outputNames.join(', ')}) on ${url}`);

process.once('SIGINT', async () => {
  console.log('\nclosing: finishing the requests in progress');
  await app.close();
  console.log(`done; ${JSON.stringify(app.metrics().latencyMs)}`);
});
