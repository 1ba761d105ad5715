// A small HTTP inference endpoint on 127.0.0.1 in front of a qwasm pool (js/pool.mjs). Used by `qwasm serve`
// (js/cli/serve.mjs), examples/server.mjs and bench/server_load.mjs. Node only; documented in docs/SERVER.md.
//
//   POST /run      JSON   {"inputs": {"input": {"dims": [1,1,28,28], "data": [...]}}, "outputs": ["logits"]}
//                  -> 200 {"outputs": {"logits": {"type": "float32", "dims": [1,10], "data": [...]}}}
//                  binary Content-Type: application/octet-stream, the raw little-endian input (one input),
//                         dims in X-Qwasm-Dims or ?dims=1,1,28,28 (input name: X-Qwasm-Input / ?input=,
//                         default the model's only input; output: ?output=, default the first)
//                  -> 200 raw output bytes with X-Qwasm-Output, X-Qwasm-Type, X-Qwasm-Dims
//   GET  /model    inputs and outputs of the model
//   GET  /healthz  200 {"status":"ok",...} while workers are up, 503 otherwise
//   GET  /metrics  requests, errors, queue depth, latency percentiles, pool counters, RSS (JSON)
// Every error is JSON {"error": {"code", "message"}}: 4xx for the client's mistakes (400 bad request, 404, 405,
// 413 body too large, 415 content type, 503 QUEUE_FULL with Retry-After), 5xx for failures on our side (500 run
// failed or worker crashed, 504 timeout). One bad request never affects another.
import http from 'node:http';
import { QwasmError } from './module.mjs';
import { ARRAY_OF, Tensor } from './tensor.mjs';

const HOST = '127.0.0.1';
const LATENCY_WINDOW = 10000;
// A body over the limit is still read (and dropped) up to this many extra bytes, so that the client gets its 413
// instead of a connection reset; past that the connection is closed.
const DRAIN_BYTES = 4 << 20;

const STATUS_OF = { BAD_INPUT: 400, QUEUE_FULL: 503, POOL_CLOSED: 503, NO_WORKERS: 503, TIMEOUT: 504,
  WORKER_CRASHED: 500, RUN_FAILED: 500 };

class HttpError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

// Latency samples of the last LATENCY_WINDOW answered /run requests (ring buffer), percentiles on demand.
class LatencyWindow {
  #samples = new Float64Array(LATENCY_WINDOW);
  #count = 0;

  add(ms) {
    this.#samples[this.#count % LATENCY_WINDOW] = ms;
    this.#count++;
  }

  summary() {
    const n = Math.min(this.#count, LATENCY_WINDOW);
    if (n === 0) return { window: 0, p50: null, p90: null, p99: null, max: null, mean: null };
    const s = this.#samples.slice(0, n).sort();
    const at = (q) => s[Math.min(n - 1, Math.ceil(q * n) - 1)];  // nearest-rank percentile
    const round = (v) => Math.round(v * 1000) / 1000;
    return { window: n, p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(s[n - 1]),
      mean: round(s.reduce((a, b) => a + b, 0) / n) };
  }
}

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const tooLarge = () => new HttpError(413, 'BODY_TOO_LARGE', `request body larger than ${limit} bytes`,
      { Connection: 'close' });
    if (declared > limit + DRAIN_BYTES) {
      reject(tooLarge());
      return;
    }
    const chunks = [];
    let total = 0;
    let over = false;
    req.on('data', (chunk) => {
      total += chunk.length;
      if (total > limit) {
        over = true;
        chunks.length = 0;
        if (total > limit + DRAIN_BYTES) {
          req.pause();
          reject(tooLarge());
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (over ? reject(tooLarge()) : resolve(Buffer.concat(chunks, total))));
    req.on('error', reject);
    // A client that disconnects mid-body: settle (nobody reads the answer) so that inFlight goes back down.
    req.on('close', () => {
      if (!req.complete) reject(new HttpError(400, 'ABORTED', 'the client closed the connection before the body ended'));
    });
  });
}

function parseDims(text, where) {
  if (typeof text !== 'string' || !/^\s*\d+(\s*,\s*\d+)*\s*$/.test(text)) {
    throw new HttpError(400, 'BAD_REQUEST', `${where} must be comma-separated non-negative integers, e.g. 1,1,28,28, got '${text ?? ''}'`);
  }
  return text.split(',').map((d) => Number(d.trim()));
}

function inputInfo(pool, name) {
  const info = pool.inputMetadata.find((m) => m.name === name);
  if (!info) {
    throw new HttpError(400, 'BAD_INPUT', `unknown input '${name}' (the model's inputs: ${pool.inputNames.join(', ')})`);
  }
  return info;
}

function tensorOf(info, type, data, dims) {
  try {
    return new Tensor(type, data, dims);
  } catch (e) {
    throw new HttpError(400, 'BAD_INPUT', `input '${info.name}': ${e.message}`);
  }
}

// {"inputs": {name: {dims, data, type?}}, "outputs"?: [names]} -> feeds and fetches.
function jsonRequest(pool, body) {
  let doc;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new HttpError(400, 'BAD_JSON', `malformed JSON: ${e.message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || doc.inputs === null ||
      typeof doc.inputs !== 'object' || Array.isArray(doc.inputs)) {
    throw new HttpError(400, 'BAD_REQUEST', 'expected a JSON object {"inputs": {"<name>": {"dims": [...], "data": [...]}}}');
  }
  const feeds = {};
  for (const [name, value] of Object.entries(doc.inputs)) {
    const info = inputInfo(pool, name);
    if (value === null || typeof value !== 'object' || !Array.isArray(value.data) || !Array.isArray(value.dims)) {
      throw new HttpError(400, 'BAD_INPUT', `input '${name}' must be {"dims": [...], "data": [...]}`);
    }
    const type = value.type ?? info.type;
    if (type !== info.type && info.type !== 'undefined') {
      throw new HttpError(400, 'BAD_INPUT', `input '${name}' must be ${info.type}, got type '${type}'`);
    }
    if (!Object.hasOwn(ARRAY_OF, type)) throw new HttpError(400, 'BAD_INPUT', `input '${name}': unsupported type '${type}'`);
    const ok = type === 'bool' ? (v) => typeof v === 'boolean' || v === 0 || v === 1 : (v) => typeof v === 'number';
    if (!value.data.every(ok)) {
      throw new HttpError(400, 'BAD_INPUT', `input '${name}': data must be an array of ${type === 'bool' ? 'booleans' : 'numbers'}`);
    }
    feeds[name] = tensorOf(info, type, value.data, value.dims);
  }
  let fetches;
  if (doc.outputs !== undefined) {
    if (!Array.isArray(doc.outputs) || !doc.outputs.every((n) => typeof n === 'string')) {
      throw new HttpError(400, 'BAD_REQUEST', '"outputs" must be an array of output names');
    }
    fetches = doc.outputs;
  }
  return { feeds, fetches };
}

// Raw little-endian bytes of one input; dims and names from headers or the query string.
function binaryRequest(pool, body, req, url) {
  const name = url.searchParams.get('input') ?? req.headers['x-qwasm-input'] ??
    (pool.inputNames.length === 1 ? pool.inputNames[0] : null);
  if (name === null) {
    throw new HttpError(400, 'BAD_REQUEST', `a binary request carries one input, but the model has ${pool.inputNames.length} (${
      pool.inputNames.join(', ')}): name it with ?input= or X-Qwasm-Input, or send JSON`);
  }
  const info = inputInfo(pool, name);
  if (pool.inputNames.length > 1) {
    throw new HttpError(400, 'BAD_REQUEST', `the model has ${pool.inputNames.length} inputs (${pool.inputNames.join(', ')}): send them as JSON`);
  }
  const dimsText = url.searchParams.get('dims') ?? req.headers['x-qwasm-dims'];
  if (dimsText === undefined || dimsText === null) {
    throw new HttpError(400, 'BAD_REQUEST', 'a binary request needs the input dims in X-Qwasm-Dims or ?dims=, e.g. 1,1,28,28');
  }
  const dims = parseDims(dimsText, 'dims');
  const Ctor = ARRAY_OF[info.type];
  if (!Ctor) throw new HttpError(400, 'BAD_REQUEST', `input '${name}' has no declared type: send JSON with "type"`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (body.length !== count * Ctor.BYTES_PER_ELEMENT) {
    throw new HttpError(400, 'BAD_INPUT', `input '${name}': ${body.length} bytes do not hold ${info.type} dims [${dims.join(', ')}] (${
      count * Ctor.BYTES_PER_ELEMENT} bytes expected)`);
  }
  // The request buffer may sit at any offset of Node's pooled memory: one copy into an aligned buffer of our own,
  // which is then handed to the worker without another copy (run(..., { transfer: true })).
  const own = new ArrayBuffer(body.length);
  new Uint8Array(own).set(body);
  const output = url.searchParams.get('output') ?? undefined;
  return { feeds: { [name]: tensorOf(info, info.type, new Ctor(own), dims) }, fetches: output ? [output] : undefined };
}

function jsonValues(t) {
  if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array) {
    return Array.from(t.data, (v) => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : String(v)));
  }
  return Array.from(t.data);
}

// runner: a Pool (or anything with inputNames, inputMetadata, outputNames, run(feeds, options), stats()).
// options: { maxBodyBytes (16 MiB) }. Returns { server, metrics(), listen(port), close() }; close() also closes
// the pool.
export function createInferenceServer(pool, options = {}) {
  const maxBodyBytes = options.maxBodyBytes ?? 16 << 20;
  const started = Date.now();
  const latency = new LatencyWindow();
  const counts = { requests: 0, runs: 0, ok: 0, clientErrors: 0, serverErrors: 0, inFlight: 0 };
  const byStatus = {};

  function send(res, status, body, headers = {}) {
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (status >= 500) counts.serverErrors++;
    else if (status >= 400) counts.clientErrors++;
    if (res.headersSent || res.destroyed) return;
    const isBuffer = Buffer.isBuffer(body);
    const payload = isBuffer ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': isBuffer ? 'application/octet-stream' : 'application/json',
      'Content-Length': Buffer.byteLength(payload), ...headers });
    res.end(payload);
  }

  function sendError(res, e) {
    if (e instanceof HttpError) {
      send(res, e.status, { error: { code: e.code, message: e.message } }, e.headers);
    } else if (e instanceof QwasmError && e.code) {
      const status = STATUS_OF[e.code] ?? 500;
      send(res, status, { error: { code: e.code, message: e.message } }, e.code === 'QUEUE_FULL' ? { 'Retry-After': '1' } : {});
    } else {
      send(res, 500, { error: { code: 'INTERNAL', message: e?.message ?? String(e) } });
    }
  }

  function metrics() {
    const stats = pool.stats();
    return {
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      requests: counts.requests,
      runs: counts.runs,
      ok: counts.ok,
      errors: counts.clientErrors + counts.serverErrors,
      clientErrors: counts.clientErrors,
      serverErrors: counts.serverErrors,
      byStatus: { ...byStatus },
      inFlight: counts.inFlight,
      queueDepth: stats.queued,
      latencyMs: latency.summary(),
      pool: stats,
      rssBytes: process.memoryUsage.rss(),
    };
  }

  async function handleRun(req, res, url) {
    const t0 = performance.now();
    counts.runs++;
    counts.inFlight++;
    try {
      const type = String(req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
      const binary = type === 'application/octet-stream';
      if (!binary && type !== 'application/json') {
        throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type must be application/json or application/octet-stream, got '${type}'`);
      }
      const body = await readBody(req, maxBodyBytes);
      // Under overload, refuse before decoding: parsing JSON for a request that the queue will refuse anyway took
      // the event loop away from the answers that do get through (measured: bench/server_load.mjs --max-queue).
      if (pool.saturated) {
        throw new HttpError(503, 'QUEUE_FULL', 'the server is at capacity (every worker busy, the queue full); retry later',
          { 'Retry-After': '1' });
      }
      const { feeds, fetches } = binary ? binaryRequest(pool, body, req, url) : jsonRequest(pool, body);
      const outputs = await pool.run(feeds, { fetches, transfer: true });
      if (binary) {
        const [name, t] = Object.entries(outputs)[0];
        const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
        send(res, 200, bytes, { 'X-Qwasm-Output': name, 'X-Qwasm-Type': t.type, 'X-Qwasm-Dims': t.dims.join(',') });
      } else {
        const out = {};
        for (const [name, t] of Object.entries(outputs)) out[name] = { type: t.type, dims: t.dims, data: jsonValues(t) };
        send(res, 200, { outputs: out });
      }
      counts.ok++;
      latency.add(performance.now() - t0);
    } catch (e) {
      sendError(res, e);
    } finally {
      counts.inFlight--;
    }
  }

  const server = http.createServer((req, res) => {
    counts.requests++;
    let url;
    try {
      url = new URL(req.url, `http://${HOST}`);
    } catch {
      send(res, 400, { error: { code: 'BAD_REQUEST', message: 'malformed request URL' } });
      return;
    }
    const route = { '/run': 'POST', '/model': 'GET', '/healthz': 'GET', '/metrics': 'GET' }[url.pathname];
    if (!route) {
      send(res, 404, { error: { code: 'NOT_FOUND', message: `no such endpoint '${url.pathname}' (POST /run, GET /model, /healthz, /metrics)` } });
      req.resume();
      return;
    }
    if (req.method !== route && !(route === 'GET' && req.method === 'HEAD')) {
      send(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `${url.pathname} takes ${route}` } }, { Allow: route });
      req.resume();
      return;
    }
    if (url.pathname === '/run') {
      handleRun(req, res, url);
    } else if (url.pathname === '/healthz') {
      const stats = pool.stats();
      const up = !pool.closed && stats.workers > 0;
      send(res, up ? 200 : 503, { status: up ? 'ok' : 'unavailable', workers: stats.workers, busy: stats.busy,
        queued: stats.queued });
    } else if (url.pathname === '/metrics') {
      send(res, 200, metrics());
    } else {
      send(res, 200, { inputs: pool.inputMetadata, outputs: pool.outputMetadata, features: pool.features ?? null,
        pool: pool.options ?? null });
    }
  });
  // Bounds for slow or stalled clients (Node's defaults allow 5 minutes per request).
  server.requestTimeout = options.requestTimeoutMs ?? 60000;
  server.headersTimeout = Math.min(server.requestTimeout, 20000);

  return {
    server,
    metrics,
    // Listens on 127.0.0.1 only; port 0 picks a free port. Resolves to { port, url }.
    listen(port = 0) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, HOST, () => {
          server.off('error', reject);
          const actual = server.address().port;
          resolve({ port: actual, url: `http://${HOST}:${actual}` });
        });
      });
    },
    // Stops accepting connections, lets requests in progress finish, closes idle keep-alive connections, then
    // closes the pool (which drains its queue and ends its workers).
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections?.();
      const timer = setTimeout(() => server.closeAllConnections?.(), 10000);
      await closed;
      clearTimeout(timer);
      await pool.close();
    },
  };
}
