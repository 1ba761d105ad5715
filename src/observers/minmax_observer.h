// MinMaxObserver (PyTorch 1.13): the running float32 min and max of everything observed, per tensor.
// Also home of what the min/max observer family shares: option resolution (UniformQuantizationObserverBase's
// checks) and the one-pass min/max scan.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "observers/observer.h"
#include "observers/qparams_from_range.h"

namespace qwasm {

// The options of PyTorch's uniform observers after defaults and checks.
struct UniformObserverConfig {
  DType dtype = DType::QUInt8;
  QScheme qscheme = QScheme::PerTensorAffine;
  QuantRange range;
  float eps = 0x1p-23f;  // torch.finfo(torch.float32).eps
};

// Applies PyTorch's defaults and rejects what its constructors reject: a qscheme of the other family (per-tensor
// vs per-channel), a dtype other than quint8/qint8/qint32, bad quant_min/quant_max (observer_quant_range),
// symmetric + reduce_range + quint8. Options the class does not take (PyTorch raises TypeError for such
// keyword arguments) must keep their defaults: averaging_constant unless `moving_average`, ch_axis unless
// `per_channel`, bins, scale and zero_point. Messages start with `torch_name`.
UniformObserverConfig resolve_uniform_options(const ObserverOptions& options, const char* torch_name,
                                              bool per_channel, bool moving_average);

// Checks that x.data holds exactly the elements x.shape says; returns that count.
int64_t checked_element_count(const FloatTensor& x, const char* torch_name);
// The same for `count` values of shape `shape`.
int64_t checked_element_count(std::size_t count, const Shape& shape, const char* torch_name);

// torch.aminmax of n > 0 floats in one pass: both results are NaN if any element is NaN.
struct MinMax {
  float min;
  float max;
};
MinMax scan_min_max(const float* data, std::size_t n);
// The same without SIMD128 (what scan_min_max computes bit for bit, signed zeros included; for tests).
MinMax scan_min_max_scalar(const float* data, std::size_t n);

// One element into a running min/max where a NaN, once seen, stays (the comparisons alone would skip it).
// Branch-free so that loops over it become SIMD compares and blends.
inline void fold_min_max(float v, float& mn, float& mx) {
  const bool nan = v != v;
  mn = (v < mn || nan) ? v : mn;
  mx = (v > mx || nan) ? v : mx;
}

// torch.min / torch.max of two float tensors, element by element: NaN if either is NaN.
inline float nan_min(float a, float b) {
  return (a != a || b != b) ? std::numeric_limits<float>::quiet_NaN() : (b < a ? b : a);
}
inline float nan_max(float a, float b) {
  return (a != a || b != b) ? std::numeric_limits<float>::quiet_NaN() : (b > a ? b : a);
}

class MinMaxObserver : public Observer {
 public:
  explicit MinMaxObserver(const ObserverOptions& options);

  const char* kind() const override { return "minmax"; }
  const char* torch_name() const override { return "MinMaxObserver"; }
  // Empty tensors are ignored (PyTorch returns early); any rank, including 0-d.
  void observe(const FloatTensor& x) override;
  void observe(const float* data, std::size_t count, const Shape& shape) override;
  QParams calculate_qparams() const override;
  ObserverStats stats() const override;

 protected:
  MinMaxObserver(const ObserverOptions& options, const char* torch_name, bool moving_average);
  // Folds one batch's min/max into the running values; called once per non-empty batch.
  virtual void update(MinMax batch);

  UniformObserverConfig config_;
  // PyTorch's initial buffers: +inf / -inf mean "nothing observed yet".
  float min_val_ = std::numeric_limits<float>::infinity();
  float max_val_ = -std::numeric_limits<float>::infinity();
  bool observed_ = false;
};

}  // namespace qwasm
