// An inference session: ONNX bytes -> decoded graph -> passes (constant folding, dead-node removal, Conv+BN
// folding, activation fusion, QDQ / QOperator lowering to int8 steps) -> steps created once (weights packed) ->
// planned per set of input shapes (shape inference, layout conversions, arena offsets) -> run.
//
// Owner: whoever created it (bindings/: one JS InferenceSession). Not thread-safe: one run() at a time; the
// steps themselves use the thread pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/shape.h"
#include "graph/ir.h"
#include "graph/onnx/decode.h"
#include "runtime/value.h"

namespace qwasm::runtime {

struct SessionOptions {
  graph::onnx::DecodeLimits limits;
  // Arena bytes one plan may use for activations (all intermediate and output values together).
  int64_t max_activation_bytes = int64_t{1} << 30;
  // Fuse float Conv / Gemm with a following Relu / Clip. The calibrator turns it off: it observes conv outputs
  // that a fused Clip would hide.
  bool fuse_activations = true;
};

struct IOInfo {
  std::string name;
  graph::ElementType type = graph::ElementType::Undefined;
  graph::DeclaredShape shape;
};

// A caller-owned input: row-major (logical) data of `type` and `shape`; `bytes` is the buffer's size.
struct TensorView {
  graph::ElementType type = graph::ElementType::Undefined;
  Shape shape;
  const void* data = nullptr;
  std::size_t bytes = 0;
};

struct OutputTensor {
  std::string name;
  graph::ElementType type = graph::ElementType::Undefined;
  Shape shape;
  std::vector<uint8_t> bytes;  // row-major (logical)
};

// Called during run() with a tapped tensor's value as soon as it is computed (see Session::run). `data` is only
// valid during the call; `info.layout` says how it is laid out (int8 activations may be NHWC).
using TapCallback = std::function<void(const std::string& tensor, const ValueInfo& info, const void* data)>;

class Session {
 public:
  // Throws qwasm::Error for a malformed model, unsupported ops (all named in one message), bad attributes.
  static std::unique_ptr<Session> create(const void* bytes, std::size_t size, const SessionOptions& options = {});
  // The same from an already decoded model (the calibrator's).
  static std::unique_ptr<Session> create_from_model(graph::Model model, const SessionOptions& options = {});
  virtual ~Session() = default;

  virtual const std::vector<IOInfo>& inputs() const = 0;
  virtual const std::vector<IOInfo>& outputs() const = 0;

  // feeds: every model input exactly once, by name, any order. Returns the outputs in outputs() order. Throws
  // qwasm::Error naming the input (missing, unknown, wrong type, shape not matching the declared one, byte size)
  // or the node that failed to plan; the session stays usable after any error.
  virtual std::vector<OutputTensor> run(const std::vector<std::pair<std::string, TensorView>>& feeds) = 0;
  // The same, calling `tap` for each tensor of `taps` (names of the session's graph, i.e. after its passes) that
  // exists in the plan; names that do not are ignored.
  virtual std::vector<OutputTensor> run(const std::vector<std::pair<std::string, TensorView>>& feeds,
                                        const std::vector<std::string>& taps, const TapCallback& tap) = 0;
  // The graph after the load passes (what taps refer to).
  virtual const graph::Graph& graph() const = 0;

  // JSON: {"inputs":[...],"outputs":[...],"nodes":[{"name","op","domain","kernel","inputs":[{"name","type",
  // "shape","layout"}],"outputs":[...],"qparams":[{"tensor","dtype","scale":[..],"zero_point":[..],"axis",
  // "quant_min","quant_max"}]}],"peakActivationBytes":N,"planned":bool}. Shapes are those of the last plan, or
  // the declared ones (strings like "batch") before the first run.
  virtual std::string describe_json() const = 0;

  // Per-op timing of later runs (off by default: it reads the clock twice per op).
  virtual void enable_profiling(bool on) = 0;
  // JSON: {"runs":N,"totalMs":T,"ops":[{"node","op","kernel","ms","share"}]} summed over the profiled runs, ops
  // sorted by time (layout conversions appear as op "LayoutConversion"); reset by enable_profiling(true).
  virtual std::string profile_json() const = 0;

  // Arena bytes of the current plan (0 before the first run).
  virtual int64_t peak_activation_bytes() const = 0;
};

}  // namespace qwasm::runtime
