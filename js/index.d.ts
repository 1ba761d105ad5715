// Type declarations for the qwasm package (js/index.mjs). Checked by `tsc --noEmit` in the tests
// (tests/types/usage.ts).

export type QuantizedDType = 'quint8' | 'qint8' | 'qint32';
export type QScheme = 'per_tensor_affine' | 'per_tensor_symmetric' | 'per_channel_affine' | 'per_channel_symmetric';
export type TensorType = 'float32' | 'float64' | 'float16' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'int32' | 'uint32' |
  'int64' | 'uint64' | 'bool';
/** The typed array of each tensor type (as in onnxruntime-web: bool as 0/1 bytes, float16 as raw bits). */
export interface TensorDataMap {
  float32: Float32Array;
  float64: Float64Array;
  float16: Uint16Array;
  uint8: Uint8Array;
  int8: Int8Array;
  uint16: Uint16Array;
  int16: Int16Array;
  int32: Int32Array;
  uint32: Uint32Array;
  int64: BigInt64Array;
  uint64: BigUint64Array;
  bool: Uint8Array;
}
export type TensorData = TensorDataMap[TensorType];

/** The error every qwasm failure throws: the message names the tensor, node or option at fault. */
export class QwasmError extends Error {
  name: 'QwasmError';
}

export interface InitOptions {
  /** 'auto' (default): threads where they can run (Node; cross-origin isolated pages); false: single-threaded;
   *  a number: that many threads (falls back to 1 where threads cannot run). */
  threads?: 'auto' | boolean | number;
  /** Where the dist/ folder (qwasm.mjs, qwasm.wasm, ...) is served from; default: next to js/. */
  distUrl?: string | URL;
}

export interface Features {
  /** The module uses WebAssembly SIMD128 kernels. */
  simd: boolean;
  /** The threaded (pthreads) module was loaded. */
  threads: boolean;
  /** Threads used for data-parallel work (1 without threads). */
  threadCount: number;
  maxThreadCount: number;
  /** The package version. */
  version: string;
  /** 'simd128-st' or 'simd128-mt'. */
  build: string;
  /** Why threads were or were not chosen. */
  threadsReason: string;
  environment: 'node' | 'browser';
}

export interface Stats {
  /** Bytes of the wasm heap in use (malloc). */
  heapBytes: number;
  heapReservedBytes: number;
  /** Size of the wasm linear memory. */
  wasmMemoryBytes: number;
  /** InferenceSessions created and not yet disposed (or garbage-collected). */
  liveSessions: number;
}

/** Quantization parameters as given by the user: PyTorch's names, camelCase or snake_case. */
export interface QParamsInput {
  dtype?: QuantizedDType | `torch.${QuantizedDType}`;
  qscheme?: QScheme | `torch.${QScheme}`;
  scale?: number;
  scales?: ArrayLike<number>;
  zeroPoint?: number;
  zero_point?: number;
  zeroPoints?: ArrayLike<number>;
  zero_points?: ArrayLike<number>;
  axis?: number;
  ch_axis?: number;
  quantMin?: number;
  quant_min?: number;
  quantMax?: number;
  quant_max?: number;
}

/** Quantization parameters as qwasm reports them. `scale`/`zeroPoint` are set for per-tensor schemes,
 *  `axis` for per-channel ones. */
export interface QParams {
  dtype: QuantizedDType;
  qscheme: QScheme;
  scales: Float32Array;
  zeroPoints: Int32Array;
  quantMin: number;
  quantMax: number;
  scale?: number;
  zeroPoint?: number;
  axis?: number;
}

export class Tensor<T extends TensorType = TensorType> {
  /** data: the type's typed array (kept, not copied) or values to copy (numbers or bigints for 64-bit integers,
   *  booleans for bool). dims default to [data.length]. */
  constructor(type: T, data: TensorDataMap[T] | ArrayLike<number> | ArrayLike<bigint> | ArrayLike<boolean>, dims?: readonly number[]);
  readonly type: T;
  readonly data: TensorDataMap[T];
  readonly dims: number[];
  readonly size: number;
}

export class QuantizedTensor {
  constructor(dtype: QuantizedDType, data: Uint8Array | Int8Array | Int32Array, dims: readonly number[], qparams: QParams);
  readonly dtype: QuantizedDType;
  /** Uint8Array for quint8, Int8Array for qint8, Int32Array for qint32. */
  readonly data: Uint8Array | Int8Array | Int32Array;
  readonly dims: number[];
  readonly qparams: QParams;
  readonly size: number;
}

/** A float32 tensor in any of the accepted forms. */
export type FloatTensorLike = Tensor | Float32Array | number[] | { data: Float32Array | number[]; dims?: number[] };

/** Loads the wasm module (once; later calls return the same module). */
export function init(options?: InitOptions): Promise<void>;
export function features(): Features;
export function stats(): Stats;
export function setThreadCount(count: number): void;

/** PyTorch's quantize_per_tensor / quantize_per_channel, bit-exact. */
export function quantize(tensor: FloatTensorLike, qparams: QParamsInput): QuantizedTensor;
/** PyTorch's dequantize (float32 per tensor, double then float32 per channel). */
export function dequantize(qtensor: QuantizedTensor): Tensor;
/** PyTorch's fake_quantize_per_tensor_affine / fake_quantize_per_channel_affine. */
export function fakeQuantize(tensor: FloatTensorLike, qparams: QParamsInput): Tensor;

/** Limits applied while decoding a model (defaults in parentheses). */
export interface ModelLimits {
  /** Size of the ONNX file (1 GiB). */
  maxModelBytes?: number;
  /** Node protos in the graph (100000). */
  maxNodes?: number;
  /** Dims of any tensor or declared shape (8). */
  maxTensorRank?: number;
  /** Elements of one constant tensor (2^28). */
  maxTensorElements?: number;
}

export interface SessionOptions {
  limits?: ModelLimits;
  /** Arena bytes one plan may use for activations (1 GiB). */
  maxActivationBytes?: number;
  /** onnxruntime-web options accepted and ignored, so ORT code ports unchanged. */
  executionProviders?: unknown[];
  graphOptimizationLevel?: string;
  logSeverityLevel?: number;
  logVerbosityLevel?: number;
  enableCpuMemArena?: boolean;
  enableMemPattern?: boolean;
  executionMode?: string;
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
}

/** A dimension of a declared shape: a size, a symbolic name ("batch"), or null when unknown. */
export type DeclaredDim = number | string | null;

/** Like onnxruntime-web's InferenceSession.ValueMetadata. `type` is 'undefined' when the model does not declare it;
 *  `shape` is null when the rank is unknown. */
export interface ValueMetadata {
  readonly name: string;
  readonly isTensor: true;
  readonly type: TensorType | 'undefined';
  readonly shape: readonly DeclaredDim[] | null;
}

export interface DescribedValue {
  name: string;
  /** Absent when not known (an intermediate value before the first run). */
  type?: string;
  /** Planned dims after a run; declared dims (strings for symbolic ones) before; null for an unknown rank. */
  shape?: Array<number | string | null> | null;
  layout?: 'logical' | 'nhwc';
}

export interface DescribedQParams {
  tensor: string;
  dtype: string;
  scale: number[];
  zero_point: number[];
  /** The channel axis of per-channel qparams; null per tensor. */
  axis: number | null;
  quant_min: number;
  quant_max: number;
}

export interface DescribedNode {
  name: string;
  op: string;
  domain: string;
  /** The kernel the node runs: "reference", "qu8_gemm_4x2c8", ... */
  kernel: string;
  inputs: DescribedValue[];
  outputs: DescribedValue[];
  qparams: DescribedQParams[];
}

/** InferenceSession.describe(): the runtime graph after qwasm's passes. */
export interface SessionDescription {
  inputs: DescribedValue[];
  outputs: DescribedValue[];
  nodes: DescribedNode[];
  peakActivationBytes: number;
  planned: boolean;
}

export type SessionFeeds = Record<string, Tensor>;
export type SessionResults = Record<string, Tensor>;

/** Runs an ONNX model (int8 QDQ / QOperator and float graphs); shaped like onnxruntime-web's InferenceSession. */
export class InferenceSession {
  private constructor();
  /** source: model bytes, a URL (fetched) or, in Node, a file path. Loads the wasm module (qwasm.init()) if needed. */
  static create(source: Uint8Array | ArrayBuffer | ArrayBufferView | URL | string, options?: SessionOptions): Promise<InferenceSession>;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  /** Activation arena bytes of the current plan (0 before the first run). */
  readonly peakActivationBytes: number;
  readonly disposed: boolean;
  /** feeds: every model input by name. fetches: the output names to return (default: all). Rejects with a QwasmError
   *  naming the input at fault (missing, unknown, wrong type or dims, not a Tensor). */
  run(feeds: SessionFeeds, fetches?: readonly string[]): Promise<SessionResults>;
  describe(): SessionDescription;
  /** Per-op timing of the runs that follow (enableProfiling(true) resets the sums). */
  enableProfiling(on?: boolean): void;
  profile(): SessionProfile;
  /** The QDQ ONNX model of a session made by Calibrator.convert(); rejects for other sessions. */
  toONNX(): Promise<Uint8Array>;
  /** Frees the wasm-side session now (idempotent); using the session afterwards throws. */
  dispose(): void;
  /** onnxruntime-web's name for dispose(). */
  release(): Promise<void>;
}

export interface SessionProfile {
  runs: number;
  totalMs: number;
  ops: { node: string; op: string; kernel: string; ms: number; share: number }[];
}

/** PyTorch's qconfig vocabulary; defaults = get_default_qconfig('qnnpack'). */
export interface QConfig {
  activation?: 'histogram' | 'minmax' | 'moving_average';
  weight?: 'minmax' | 'per_channel_minmax';
  reduceRange?: boolean;
  quantMin?: number;
  quantMax?: number;
  averagingConstant?: number;
  bins?: number;
  eps?: number;
  qscheme?: QScheme;
  weightQscheme?: QScheme;
  weightReduceRange?: boolean;
  /** Fixed qparams for the model input instead of an observer (e.g. images: 1/255 and 0). */
  inputScale?: number;
  inputZeroPoint?: number;
  /** Node names kept in float (quantize / dequantize inserted around them). */
  skip?: string[];
  /** Per-node qconfigs (PyTorch's qconfig_dict 'module_name'): the node's weight observer and the observer of its
   *  output (a Conv/Gemm with a fused Relu: the Relu's output); unset fields come from the global qconfig. */
  overrides?: Record<string, QConfigOverride>;
}

export type QConfigOverride = Pick<QConfig, 'activation' | 'weight' | 'reduceRange' | 'quantMin' | 'quantMax' |
  'averagingConstant' | 'bins' | 'eps' | 'qscheme' | 'weightQscheme' | 'weightReduceRange'>;

export interface CalibrationTensorReport {
  name: string;
  op: string;
  quantization: 'observed' | 'inherited' | 'fixed' | 'derived';
  source?: string;
  observer?: string;
  min?: number;
  max?: number;
  histogram?: number[];
  scale: number;
  zero_point: number;
  quant_min: number;
  quant_max: number;
  dtype: 'quint8';
  /** dB, int8 model vs float model on the kept calibration batches. */
  sqnr?: number;
}

export interface CalibrationReport {
  batches: number;
  keptBatches: number;
  tensors: CalibrationTensorReport[];
  weights: { name: string; dtype: string; qscheme: string; scale: number[]; zero_point: number[]; axis: number | null }[];
  outputs: { name: string; sqnr?: number }[];
}

export class Calibrator extends EventTarget {
  private constructor();
  static create(source: Uint8Array | ArrayBuffer | ArrayBufferView | URL | string, qconfig?: QConfig,
                options?: SessionOptions): Promise<Calibrator>;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  readonly batchesObserved: number;
  readonly disposed: boolean;
  /** One calibration batch; dispatches 'progress' (CustomEvent, detail { batches }). Resolves to the batch count. */
  observe(feeds: SessionFeeds): Promise<number>;
  convert(): Promise<InferenceSession>;
  report(): CalibrationReport;
  dispose(): void;
}

/** Why a pool request failed (`PoolError.code`); see docs/SERVER.md. */
export type PoolErrorCode = 'BAD_INPUT' | 'QUEUE_FULL' | 'TIMEOUT' | 'WORKER_CRASHED' | 'RUN_FAILED' | 'POOL_CLOSED' |
  'NO_WORKERS' | 'WORKER_INIT_FAILED';

/** The QwasmError a pool rejects with: `code` says which failure it is. */
export interface PoolError extends QwasmError {
  code: PoolErrorCode;
}

export interface PoolOptions {
  /** Worker threads, each with its own session (default: available cores / threadsPerWorker, at least 1). */
  workers?: number;
  /** Threads of each worker's module: 1 (default) loads the single-threaded module, more the pthreads module. */
  threadsPerWorker?: number;
  /** Requests that may wait for a free worker; past that run() rejects with QUEUE_FULL (default 64 x workers). */
  maxQueue?: number;
  /** A request not answered within this many ms rejects with TIMEOUT, and a worker still busy with it that long
   *  after receiving it is terminated and replaced (default 30000; 0: no timeout). */
  timeoutMs?: number;
  /** Options for each worker's InferenceSession.create(). */
  sessionOptions?: SessionOptions;
  /** Where dist/ is (default: next to js/). */
  distUrl?: string | URL;
}

export interface PoolRunOptions {
  /** Output names to return (default: all). */
  fetches?: readonly string[];
  /** Hand the inputs' buffers to the worker instead of copying them; they are detached once the request is sent. */
  transfer?: boolean;
  /** This request's timeout instead of the pool's timeoutMs (0: none). */
  timeoutMs?: number;
}

export interface PoolStats {
  /** Workers ready (idle + busy). */
  workers: number;
  idle: number;
  busy: number;
  /** Workers loading the model (replacements). */
  starting: number;
  /** Requests waiting for a worker. */
  queued: number;
  completed: number;
  failed: number;
  badInput: number;
  queueFull: number;
  timedOut: number;
  crashed: number;
  restarted: number;
  stuckTerminated: number;
}

/** A pool of worker_threads, each holding a session of the same model (Node only). */
export interface Pool {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  /** qwasm.features() as seen by the workers. */
  readonly features: Features | null;
  readonly options: Required<Pick<PoolOptions, 'workers' | 'threadsPerWorker' | 'maxQueue' | 'timeoutMs'>>;
  readonly closed: boolean;
  /** True when run() would reject with QUEUE_FULL right now (every worker busy, maxQueue requests waiting). */
  readonly saturated: boolean;
  /** Runs the model on a free worker; rejects with a PoolError (code BAD_INPUT, QUEUE_FULL, TIMEOUT, ...). */
  run(feeds: SessionFeeds, options?: PoolRunOptions): Promise<SessionResults>;
  stats(): PoolStats;
  /** Rejects new requests, answers the queued and running ones, ends every worker. Idempotent. */
  close(): Promise<void>;
}

/** Starts a pool of workers that each load the model; resolves once all are ready (Node only). */
export function createPool(modelSource: Uint8Array | ArrayBuffer | ArrayBufferView | URL | string,
                           options?: PoolOptions): Promise<Pool>;
