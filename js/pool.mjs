// qwasm.createPool(): a pool of worker_threads, each holding its own InferenceSession of the same model, for
// serving many requests from one Node process without blocking its event loop (Node only).
//
//   const pool = await qwasm.createPool('model.onnx', { workers: 2, maxQueue: 64, timeoutMs: 5000 });
//   const { logits } = await pool.run({ input: new qwasm.Tensor('float32', data, [1, 1, 28, 28]) });
//   await pool.close();
//
// Scheduling: one request per worker at a time, FIFO queue in front of them. The queue is bounded (maxQueue):
// a request that finds every worker busy and the queue full is rejected at once with code QUEUE_FULL, so memory
// stays bounded under overload. Every failure is a QwasmError with a `code` (see ERROR_CODES) and touches only
// its own request:
//   BAD_INPUT       the feeds or fetches do not fit the model (checked here, before any worker sees them)
//   QUEUE_FULL      back-pressure: all workers busy and maxQueue requests already waiting
//   TIMEOUT         no answer within timeoutMs of pool.run(); a worker still running that request timeoutMs after
//                   it got it is considered stuck: it is terminated and replaced
//   WORKER_CRASHED  the worker running the request died (exit, uncaught error, wasm trap); it is replaced
//   RUN_FAILED      the session's run() threw for this input (the worker stays)
//   POOL_CLOSED     run() after close()
//   NO_WORKERS      every worker died and none could be restarted
// Data: each input is copied once (or, with { transfer: true }, handed over without a copy) and transferred to
// the worker; outputs come back by transfer too, so results cost no copy on the way back.
//
// Node's modules are imported on first use, so that js/index.mjs (which re-exports createPool) still loads in
// browsers; there createPool() rejects.
import { QwasmError } from './module.mjs';
import { checkFeeds, readSource } from './session.mjs';
import { Tensor } from './tensor.mjs';

export const ERROR_CODES = Object.freeze(['BAD_INPUT', 'QUEUE_FULL', 'TIMEOUT', 'WORKER_CRASHED', 'RUN_FAILED',
  'POOL_CLOSED', 'NO_WORKERS', 'WORKER_INIT_FAILED']);

// Internal options (symbols, so that no user option can collide): test hooks for tests/js/pool.test.mjs and
// another engine behind the same pool for bench/server_load.mjs.
export const TEST_HOOKS = Symbol.for('qwasm.pool.testHooks');
export const TEST_COMMAND = Symbol.for('qwasm.pool.testCommand');
export const BACKEND = Symbol.for('qwasm.pool.backend');

const WORKER_URL = new URL('./pool_worker.mjs', import.meta.url);
// How long close() lets a worker dispose its session before terminating it anyway.
const CLOSE_GRACE_MS = 5000;

export function poolError(code, message) {
  const e = new QwasmError(message);
  e.code = code;
  return e;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';
let node = null;  // { Worker, hardwareThreads }

async function loadNode() {
  if (node) return node;
  if (!isNode) throw poolError('WORKER_INIT_FAILED', 'createPool: needs Node.js (worker_threads); in browsers use InferenceSession in a Web Worker');
  const [{ Worker }, os] = await Promise.all([import('node:worker_threads'), import('node:os')]);
  node = { Worker, hardwareThreads: os.availableParallelism?.() ?? os.cpus().length };
  return node;
}

const KNOWN = ['workers', 'threadsPerWorker', 'maxQueue', 'timeoutMs', 'sessionOptions', 'distUrl'];

function normalizeOptions(options) {
  const where = 'createPool';
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') throw poolError('BAD_INPUT', `${where}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) throw poolError('BAD_INPUT', `${where}: unknown option '${key}' (known: ${KNOWN.join(', ')})`);
  }
  const int = (key, dflt, min) => {
    const v = options[key] ?? dflt;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      throw poolError('BAD_INPUT', `${where}: option ${key} must be an integer >= ${min}, got ${String(options[key])}`);
    }
    return v;
  };
  const threadsPerWorker = int('threadsPerWorker', 1, 1);
  const workers = int('workers', Math.max(1, Math.floor(node.hardwareThreads / threadsPerWorker)), 1);
  return {
    workers,
    threadsPerWorker,
    maxQueue: int('maxQueue', 64 * workers, 0),
    timeoutMs: int('timeoutMs', 30000, 0),      // 0: no timeout
    sessionOptions: options.sessionOptions ?? {},
    distUrl: options.distUrl === undefined ? undefined : String(options.distUrl),
    testHooks: options[TEST_HOOKS] === true,
    backendUrl: options[BACKEND] === undefined ? undefined : String(options[BACKEND]),
  };
}

// A worker and what it is doing. state: starting -> idle <-> busy -> closing | dead.
class Slot {
  constructor(worker) {
    this.worker = worker;
    this.state = 'starting';
    this.job = null;
    this.stuckTimer = null;
    this.exitCode = null;
    this.lastError = null;
    this.exited = new Promise((resolve) => { this.onExit = resolve; });
  }
}

const CREATE = Symbol('createPool');

export class Pool {
  #opts;
  #model;
  #slots = new Set();
  #queue = [];
  #nextId = 1;
  #closing = null;
  #drainWaiters = [];
  #broken = false;
  #inputs = [];
  #outputs = [];
  #features = null;
  #counts = { completed: 0, failed: 0, badInput: 0, queueFull: 0, timedOut: 0, crashed: 0, restarted: 0, stuckTerminated: 0 };

  constructor(token, model, opts) {
    if (token !== CREATE) throw new QwasmError('Pool: use `await qwasm.createPool(model, options)`');
    this.#model = model;
    this.#opts = opts;
  }

  static async create(source, options) {
    await loadNode();
    const opts = normalizeOptions(options);
    const bytes = await readSource(source, 'createPool');
    // One copy of the model shared by every worker (and every replacement) instead of one clone per worker.
    const model = new SharedArrayBuffer(bytes.byteLength);
    new Uint8Array(model).set(bytes);
    const pool = new Pool(CREATE, model, opts);
    await pool.#startAll();
    return pool;
  }

  async #startAll() {
    const started = [];
    for (let i = 0; i < this.#opts.workers; i++) started.push(this.#spawn());
    const results = await Promise.allSettled(started);
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) {
      await Promise.all([...this.#slots].map((s) => this.#terminate(s)));
      throw poolError('WORKER_INIT_FAILED', `createPool: ${failure.reason.message}`);
    }
  }

  // Starts one worker; resolves when its session is ready (the slot is then idle), rejects if it fails to start.
  #spawn() {
    const o = this.#opts;
    const worker = new node.Worker(WORKER_URL, {
      // Workers inherit Node's flags, but --input-type (node --input-type=module -e ...) is refused for a file;
      // only then is the list given (an explicit list is checked, and V8 flags such as --expose-gc fail that check).
      execArgv: process.execArgv.some((a) => a.startsWith('--input-type'))
        ? process.execArgv.filter((a) => !a.startsWith('--input-type')) : undefined,
      workerData: { model: this.#model, threads: o.threadsPerWorker, sessionOptions: o.sessionOptions,
        distUrl: o.distUrl, backendUrl: o.backendUrl, testHooks: o.testHooks },
    });
    const slot = new Slot(worker);
    this.#slots.add(slot);
    return new Promise((resolve, reject) => {
      slot.onReady = resolve;
      slot.onInitError = reject;
      worker.on('message', (msg) => this.#onMessage(slot, msg));
      worker.on('error', (e) => { slot.lastError = e; });
      worker.on('exit', (code) => this.#onExit(slot, code));
    });
  }

  #onMessage(slot, msg) {
    switch (msg.type) {
      case 'ready':
        if (this.#features === null) {
          this.#inputs = msg.inputs.map(freezeMeta);
          this.#outputs = msg.outputs.map(freezeMeta);
          this.#features = msg.features;
        }
        if (slot.state !== 'starting') return;
        slot.state = 'idle';
        slot.onReady();
        if (this.#closing) this.#closeSlot(slot);
        else this.#pump();
        return;
      case 'initError':
        slot.lastError = new Error(msg.message);
        return;
      case 'done':
      case 'failed':
        this.#finish(slot, msg);
        return;
      case 'closed':
        slot.onClosed?.();
        return;
      default:
    }
  }

  #finish(slot, msg) {
    clearTimeout(slot.stuckTimer);
    slot.stuckTimer = null;
    const job = slot.job;
    slot.job = null;
    if (slot.state === 'busy') slot.state = 'idle';
    if (job && job.id === msg.id) {
      if (msg.type === 'done') {
        this.#counts.completed++;
        const out = {};
        for (const o of msg.outputs) out[o.name] = new Tensor(o.type, o.data, o.dims);
        this.#settle(job, null, out);
      } else {
        const code = msg.fatal ? 'WORKER_CRASHED' : 'RUN_FAILED';
        if (msg.fatal) this.#counts.crashed++;
        this.#settle(job, poolError(code, `pool.run: ${msg.message}`));
      }
    }
    // A fatal failure is followed by the worker's exit, which replaces it.
    if (slot.state === 'idle') this.#pump();
    this.#checkDrained();
  }

  #onExit(slot, code) {
    clearTimeout(slot.stuckTimer);
    slot.exitCode = code;
    const was = slot.state;
    slot.state = 'dead';
    this.#slots.delete(slot);
    slot.onExit(code);
    if (was === 'starting') {
      const why = slot.lastError?.message ?? `the worker exited with code ${code} while loading the model`;
      slot.onInitError(new Error(why));
      return;
    }
    if (was === 'closing') return;
    // An unexpected death (process.exit in the worker, an uncaught error, an out-of-memory kill, or a stuck worker
    // we terminated): answer its request, then start a replacement.
    if (slot.job) {
      const job = slot.job;
      slot.job = null;
      if (!slot.killedForTimeout) this.#counts.crashed++;
      const reason = slot.killedForTimeout
        ? `the request was still running after ${slot.stuckAfterMs} ms; its worker was terminated and replaced`
        : `the worker running this request died (exit code ${code}${slot.lastError ? `: ${slot.lastError.message}` : ''}); it is being replaced`;
      this.#settle(job, poolError(slot.killedForTimeout ? 'TIMEOUT' : 'WORKER_CRASHED', `pool.run: ${reason}`));
    }
    if (this.#closing) {
      // No replacement while closing; should the last worker die with requests still queued, answer them rather
      // than let close() wait for ever.
      if (this.#liveSlots() === 0) {
        for (const job of this.#queue.splice(0)) this.#settle(job, poolError('NO_WORKERS', 'pool.run: the pool is closing and its last worker died'));
      }
      this.#checkDrained();
      return;
    }
    this.#checkDrained();
    this.#counts.restarted++;
    this.#spawn().catch(() => {
      // The model loaded before, so this is resource exhaustion or worse. Keep serving with the workers left;
      // with none left, fail what waits rather than letting it wait forever.
      if (this.#liveSlots() === 0) {
        this.#broken = true;
        for (const job of this.#queue.splice(0)) {
          this.#settle(job, poolError('NO_WORKERS', 'pool.run: every worker died and none could be restarted'));
        }
        this.#checkDrained();
      }
    });
  }

  #liveSlots() {
    let n = 0;
    for (const s of this.#slots) if (s.state !== 'dead' && s.state !== 'closing') n++;
    return n;
  }

  #settle(job, error, value) {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    if (error) {
      this.#counts.failed++;
      job.reject(error);
    } else {
      job.resolve(value);
    }
  }

  #pump() {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (slot.state !== 'idle') continue;
      this.#dispatch(slot, this.#queue.shift());
    }
  }

  #dispatch(slot, job) {
    slot.state = 'busy';
    slot.job = job;
    job.started = true;
    const transfer = job.feeds.map((f) => f.data.buffer);
    if (job.test) {
      slot.worker.postMessage({ type: 'test', id: job.id, action: job.test.action, arg: job.test.arg });
    } else {
      slot.worker.postMessage({ type: 'run', id: job.id, feeds: job.feeds, fetches: job.fetches }, transfer);
    }
    job.feeds = null;  // now owned by the worker
    if (job.timeoutMs > 0) {
      // wasm cannot be interrupted from outside: a worker stuck in a run is terminated and replaced.
      slot.stuckTimer = setTimeout(() => {
        slot.killedForTimeout = true;
        slot.stuckAfterMs = job.timeoutMs;
        this.#counts.stuckTerminated++;
        slot.worker.terminate();
      }, job.timeoutMs);
    }
  }

  #enqueue(feeds, fetches, test, timeoutMs) {
    if (this.#closing) return Promise.reject(poolError('POOL_CLOSED', 'pool.run: the pool is closed'));
    if (this.#broken) return Promise.reject(poolError('NO_WORKERS', 'pool.run: every worker died and none could be restarted'));
    if (this.saturated) {
      this.#counts.queueFull++;
      return Promise.reject(poolError('QUEUE_FULL',
        `pool.run: the queue is full (${this.#opts.maxQueue} requests waiting, every worker busy); retry later`));
    }
    return new Promise((resolve, reject) => {
      const job = { id: this.#nextId++, feeds, fetches, test, timeoutMs, resolve, reject, settled: false, started: false,
        timer: null };
      if (timeoutMs > 0) {
        job.timer = setTimeout(() => {
          const i = this.#queue.indexOf(job);
          if (i >= 0) this.#queue.splice(i, 1);
          this.#counts.timedOut++;
          this.#settle(job, poolError('TIMEOUT', `pool.run: no answer within ${timeoutMs} ms (${
            job.started ? 'the request was running' : 'the request was still queued'})`));
          this.#checkDrained();
        }, timeoutMs);
      }
      this.#queue.push(job);
      this.#pump();
    });
  }

  // feeds: { inputName: Tensor } with every model input. options: { fetches: output names (default all),
  // transfer: true to hand the input buffers to the worker without copying (they are detached afterwards),
  // timeoutMs: this request's timeout instead of the pool's }. Resolves to { outputName: Tensor }.
  run(feeds, options = {}) {
    let list;
    let fetches = null;
    try {
      if (options === null || typeof options !== 'object' || Array.isArray(options)) {
        throw new QwasmError('pool.run: options must be an object { fetches, transfer, timeoutMs }');
      }
      const t = options.timeoutMs;
      if (t !== undefined && (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0)) {
        throw new QwasmError(`pool.run: timeoutMs must be an integer >= 0, got ${String(t)}`);
      }
      list = checkFeeds('pool.run', this.#inputs, feeds);
      if (options.fetches !== undefined) {
        if (!Array.isArray(options.fetches)) throw new QwasmError('pool.run: fetches must be an array of output names');
        const names = this.outputNames;
        for (const n of options.fetches) {
          if (!names.includes(n)) throw new QwasmError(`pool.run: unknown output '${n}' (the model's outputs: ${names.join(', ')})`);
        }
        fetches = [...options.fetches];
      }
    } catch (e) {
      this.#counts.badInput++;
      return Promise.reject(poolError('BAD_INPUT', e.message));
    }
    const transfer = options.transfer === true;
    const own = list.map((f) => ({ name: f.name, type: f.type, dims: [...f.dims],
      // One copy of exactly the view (structured clone would copy the whole underlying buffer, twice).
      data: transfer && f.data.buffer instanceof ArrayBuffer && f.data.byteOffset === 0 &&
        f.data.byteLength === f.data.buffer.byteLength ? f.data : f.data.slice() }));
    return this.#enqueue(own, fetches, null, options.timeoutMs ?? this.#opts.timeoutMs);
  }

  // Test-only: makes the next free worker 'crash' (exit), 'hang' (spin forever), 'throw' (uncaught error) or
  // 'block' (wait until the test stores non-zero in the Int32Array over the SharedArrayBuffer `arg`).
  [TEST_COMMAND](action, arg, timeoutMs = this.#opts.timeoutMs) {
    if (!this.#opts.testHooks) return Promise.reject(new QwasmError('pool: test hooks are off'));
    return this.#enqueue([], null, { action, arg }, timeoutMs);
  }

  get inputNames() { return this.#inputs.map((m) => m.name); }
  get outputNames() { return this.#outputs.map((m) => m.name); }
  get inputMetadata() { return this.#inputs; }
  get outputMetadata() { return this.#outputs; }
  // What the workers loaded: qwasm.features() of the first worker (null for other backends).
  get features() { return this.#features; }
  get options() {
    const { workers, threadsPerWorker, maxQueue, timeoutMs } = this.#opts;
    return { workers, threadsPerWorker, maxQueue, timeoutMs };
  }
  get closed() { return this.#closing !== null; }
  // True when run() would reject with QUEUE_FULL right now (every worker busy, maxQueue requests waiting): lets a
  // server refuse a request before spending its event loop on decoding it.
  get saturated() {
    for (const s of this.#slots) if (s.state === 'idle') return false;
    return this.#queue.length >= this.#opts.maxQueue;
  }

  stats() {
    let idle = 0; let busy = 0; let starting = 0;
    for (const s of this.#slots) {
      if (s.state === 'idle') idle++;
      else if (s.state === 'busy') busy++;
      else if (s.state === 'starting') starting++;
    }
    return { workers: idle + busy, idle, busy, starting, queued: this.#queue.length, ...this.#counts };
  }

  #checkDrained() {
    if (!this.#closing || this.#queue.length > 0) return;
    for (const s of this.#slots) if (s.state === 'busy') return;
    for (const resolve of this.#drainWaiters.splice(0)) resolve();
  }

  async #terminate(slot) {
    if (slot.state !== 'dead') slot.state = 'closing';
    await slot.worker.terminate();
    await slot.exited;
  }

  // Lets the worker dispose its session, then terminates it (which also ends a pthreads module's thread pool).
  async #closeSlot(slot) {
    if (slot.state === 'dead' || slot.state === 'closing') return slot.exited;
    slot.state = 'closing';
    const closed = new Promise((resolve) => { slot.onClosed = resolve; });
    slot.worker.postMessage({ type: 'close' });
    let timer;
    await Promise.race([closed, slot.exited, new Promise((r) => { timer = setTimeout(r, CLOSE_GRACE_MS); })]);
    clearTimeout(timer);
    await slot.worker.terminate();
    return slot.exited;
  }

  // Stops accepting requests, answers every queued and running one (timeouts still apply), then ends the workers.
  // Resolves when every worker has exited; Node can then exit. Idempotent.
  close() {
    if (this.#closing) return this.#closing;
    const drained = new Promise((resolve) => { this.#drainWaiters.push(resolve); });
    this.#closing = (async () => {
      await null;  // #closing is set from here on, which #checkDrained and #enqueue look at
      this.#checkDrained();
      await drained;
      // A worker still starting (a replacement) is closed by #onMessage when it becomes ready, or dies trying.
      while (this.#slots.size > 0) {
        await Promise.all([...this.#slots].map((s) => (s.state === 'starting' ? s.exited : this.#closeSlot(s))));
      }
    })();
    return this.#closing;
  }
}

function freezeMeta(m) {
  return Object.freeze({ name: m.name, isTensor: true, type: m.type,
    shape: m.shape === null ? null : Object.freeze(m.shape.slice()) });
}

// modelSource: Uint8Array | ArrayBuffer | file path | URL. options: { workers, threadsPerWorker, maxQueue,
// timeoutMs, sessionOptions, distUrl }. Resolves once every worker has loaded the model.
export function createPool(modelSource, options) {
  return Pool.create(modelSource, options);
}
