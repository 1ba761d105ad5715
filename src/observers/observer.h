// Observers: collect statistics of float tensors and turn them into quantization parameters, exactly as
// torch.ao.quantization's observers do in PyTorch 1.13 (names, options, defaults and arithmetic).
//
// Kinds (make_observer): "minmax" (MinMaxObserver), "moving_average" (MovingAverageMinMaxObserver),
// "per_channel_minmax" (PerChannelMinMaxObserver), "moving_average_per_channel"
// (MovingAveragePerChannelMinMaxObserver), "histogram" (HistogramObserver), "fixed" (FixedQParamsObserver).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/qparams.h"
#include "core/tensor.h"

namespace qwasm {

// Unset optionals take the observer's own PyTorch default (e.g. qscheme is per_tensor_affine for MinMax,
// per_channel_affine for PerChannelMinMax).
struct ObserverOptions {
  std::optional<DType> dtype;          // default quint8
  std::optional<QScheme> qscheme;
  bool reduce_range = false;
  std::optional<int64_t> quant_min;    // both or neither (PyTorch's rule)
  std::optional<int64_t> quant_max;
  std::optional<float> eps;            // default torch.finfo(torch.float32).eps = 2^-23
  float averaging_constant = 0.01f;    // moving-average observers
  int ch_axis = 0;                     // per-channel observers
  int bins = 2048;                     // histogram observer
  std::optional<float> scale;          // fixed-qparams observer (required there)
  std::optional<int32_t> zero_point;   // fixed-qparams observer (default 0)
};

// What an observer has seen. min_val/max_val have one entry per channel (per-channel observers) or one
// entry (per-tensor); they are empty before the first observe() (PyTorch's +inf/-inf initial state is
// reported as "not observed"). The histogram is filled for HistogramObserver only.
struct ObserverStats {
  std::vector<float> min_val;
  std::vector<float> max_val;
  std::vector<float> histogram;   // float32 counts, as torch.histc returns them
};

class Observer {
 public:
  virtual ~Observer() = default;
  virtual const char* kind() const = 0;             // the make_observer name
  virtual const char* torch_name() const = 0;       // e.g. "MinMaxObserver"
  virtual void observe(const FloatTensor& x) = 0;    // PyTorch's forward(x)
  // The same on `count` floats in C order that the caller owns (no copy; the bindings' reusable input buffer).
  // count must be the element count of `shape`, as FloatTensor's data size must. The default copies into a
  // FloatTensor; the observers whose batches are large override it.
  virtual void observe(const float* data, std::size_t count, const Shape& shape);
  virtual QParams calculate_qparams() const = 0;     // scale(s), zero point(s), quant range, qscheme
  virtual ObserverStats stats() const = 0;
};

// Throws qwasm::Error for an unknown kind or an option combination PyTorch rejects (the message says which).
std::unique_ptr<Observer> make_observer(const std::string& kind, const ObserverOptions& options);

}  // namespace qwasm
