#include "observers/minmax_observer.h"

#include <string>

#include "core/error.h"
#include "observers/observer_simd.h"

namespace qwasm {

namespace {

constexpr float kDefaultAveragingConstant = 0.01f;
constexpr int kDefaultBins = 2048;

}  // namespace

UniformObserverConfig resolve_uniform_options(const ObserverOptions& options, const char* torch_name,
                                              bool per_channel, bool moving_average) {
  // Keyword arguments the class does not have: PyTorch raises TypeError.
  check(!options.scale, torch_name, ": option scale is only taken by FixedQParamsObserver");
  check(!options.zero_point, torch_name, ": option zero_point is only taken by FixedQParamsObserver");
  check(options.bins == kDefaultBins, torch_name, ": option bins is only taken by HistogramObserver");
  if (!moving_average) {
    check(options.averaging_constant == kDefaultAveragingConstant, torch_name,
          ": option averaging_constant is only taken by the moving-average observers");
  }
  if (!per_channel) {
    check(options.ch_axis == 0, torch_name, ": option ch_axis is only taken by the per-channel observers");
  }

  UniformObserverConfig config;
  config.qscheme = options.qscheme.value_or(per_channel ? QScheme::PerChannelAffine : QScheme::PerTensorAffine);
  check(is_per_channel(config.qscheme) == per_channel, torch_name, ": qscheme ", qscheme_name(config.qscheme),
        " is not supported (it takes ",
        per_channel ? "per_channel_affine or per_channel_symmetric" : "per_tensor_affine or per_tensor_symmetric",
        ")");
  config.dtype = options.dtype.value_or(DType::QUInt8);
  try {
    config.range = observer_quant_range(config.dtype, options.reduce_range, options.quant_min, options.quant_max);
  } catch (const Error& e) {
    // Name the observer instead of the generic "observer" prefix.
    const std::string message = e.what();
    const std::string prefix = "observer: ";
    fail(torch_name, ": ", message.compare(0, prefix.size(), prefix) == 0 ? message.substr(prefix.size()) : message);
  }
  check(!(is_symmetric(config.qscheme) && options.reduce_range && config.dtype == DType::QUInt8), torch_name,
        ": reduce_range cannot be combined with qscheme ", qscheme_name(config.qscheme),
        " and dtype quint8 (PyTorch: \"Cannot reduce range for symmetric quantization for quint8\")");
  // Any eps is accepted, as in PyTorch; one that yields an unusable scale is reported by calculate_qparams.
  if (options.eps) config.eps = *options.eps;
  return config;
}

int64_t checked_element_count(const FloatTensor& x, const char* torch_name) {
  return checked_element_count(x.data.size(), x.shape, torch_name);
}

int64_t checked_element_count(std::size_t values, const Shape& shape, const char* torch_name) {
  const int64_t count = element_count(shape, torch_name);
  check(static_cast<uint64_t>(count) == values, torch_name, ": tensor of shape ", shape_string(shape), " has ",
        values, " values, expected ", count);
  return count;
}

namespace {

template <bool kSimd>
MinMax scan_lanes(const float* data, std::size_t n) {
  // Independent accumulators, one per lane: a single running min is a serial dependency chain, and the compiler
  // may not split it into SIMD lanes on its own (that reassociates, which strict IEEE mode forbids). min and max
  // are exact, so the order in which lanes meet cannot change the result.
  constexpr std::size_t kLanes = 16;
  float mn[kLanes];
  float mx[kLanes];
  const std::size_t first = n < kLanes ? n : kLanes;
  for (std::size_t j = 0; j < kLanes; ++j) mn[j] = mx[j] = data[j < first ? j : 0];
  std::size_t i = first;
#if QWASM_OBSERVER_SIMD
  if (kSimd && i + kLanes <= n) {
    // The same 16 lanes as four 4-lane vectors (lane j is vector j / 4, element j % 4), each updated exactly as
    // fold_min_max does it: pmin(mn, v) is `v < mn ? v : mn` and pmax(mx, v) is `mx < v ? v : mx`, so ties
    // (-0.0 vs +0.0) keep the accumulator, as the scalar code does. A NaN element leaves pmin/pmax's accumulator
    // alone instead of sticking, so NaNs are recorded in a mask and turn the result into NaN below (a NaN among
    // the first 16 values sticks in its lane: pmin(NaN, v) and pmax(NaN, v) keep the NaN).
    qwasm_v128 vmn[4], vmx[4];
    for (int k = 0; k < 4; ++k) {
      vmn[k] = wasm_v128_load(mn + 4 * k);
      vmx[k] = wasm_v128_load(mx + 4 * k);
    }
    qwasm_v128 nan = wasm_i32x4_splat(0);
    for (; i + kLanes <= n; i += kLanes) {
      for (int k = 0; k < 4; ++k) {
        const qwasm_v128 v = wasm_v128_load(data + i + 4 * k);
        vmn[k] = wasm_f32x4_pmin(vmn[k], v);
        vmx[k] = wasm_f32x4_pmax(vmx[k], v);
        nan = wasm_v128_or(nan, wasm_f32x4_ne(v, v));
      }
    }
    for (int k = 0; k < 4; ++k) {
      wasm_v128_store(mn + 4 * k, vmn[k]);
      wasm_v128_store(mx + 4 * k, vmx[k]);
    }
    if (wasm_v128_any_true(nan)) mn[0] = mx[0] = std::numeric_limits<float>::quiet_NaN();
  }
#endif
  for (; i + kLanes <= n; i += kLanes) {
    for (std::size_t j = 0; j < kLanes; ++j) fold_min_max(data[i + j], mn[j], mx[j]);
  }
  for (; i < n; ++i) fold_min_max(data[i], mn[0], mx[0]);
  for (std::size_t j = 1; j < kLanes; ++j) {
    fold_min_max(mn[j], mn[0], mx[0]);
    fold_min_max(mx[j], mn[0], mx[0]);
  }
  if (mn[0] != mn[0] || mx[0] != mx[0]) {
    // A NaN anywhere makes both NaN, as torch.aminmax does.
    return {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::quiet_NaN()};
  }
  return {mn[0], mx[0]};
}

}  // namespace

MinMax scan_min_max(const float* data, std::size_t n) { return scan_lanes<true>(data, n); }
MinMax scan_min_max_scalar(const float* data, std::size_t n) { return scan_lanes<false>(data, n); }

MinMaxObserver::MinMaxObserver(const ObserverOptions& options)
    : MinMaxObserver(options, "MinMaxObserver", /*moving_average=*/false) {}

MinMaxObserver::MinMaxObserver(const ObserverOptions& options, const char* torch_name, bool moving_average)
    : config_(resolve_uniform_options(options, torch_name, /*per_channel=*/false, moving_average)) {}

void MinMaxObserver::observe(const FloatTensor& x) { observe(x.data.data(), x.data.size(), x.shape); }

void MinMaxObserver::observe(const float* data, std::size_t values, const Shape& shape) {
  const int64_t count = checked_element_count(values, shape, torch_name());
  if (count == 0) return;  // PyTorch: `if x_orig.numel() == 0: return x_orig`
  update(scan_min_max(data, static_cast<std::size_t>(count)));
}

void MinMaxObserver::update(MinMax batch) {
  // torch.min(min_val_cur, self.min_val): the initial +inf/-inf make the first batch's values win.
  min_val_ = nan_min(batch.min, min_val_);
  max_val_ = nan_max(batch.max, max_val_);
  observed_ = true;
}

QParams MinMaxObserver::calculate_qparams() const {
  if (!observed_) return qparams_from_min_max({}, {}, config_.dtype, config_.qscheme, config_.range, config_.eps, 0);
  return qparams_from_min_max({min_val_}, {max_val_}, config_.dtype, config_.qscheme, config_.range, config_.eps, 0);
}

ObserverStats MinMaxObserver::stats() const {
  ObserverStats s;
  if (observed_) {
    s.min_val = {min_val_};
    s.max_val = {max_val_};
  }
  return s;
}

}  // namespace qwasm
