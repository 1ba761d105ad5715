#include "observers/fixed_qparams_observer.h"

#include <cmath>

#include "core/error.h"
#include "observers/minmax_observer.h"

namespace qwasm {

FixedQParamsObserver::FixedQParamsObserver(const ObserverOptions& options) {
  const char* name = "FixedQParamsObserver";
  // PyTorch's constructor is (scale, zero_point, dtype, qscheme, quant_min, quant_max): anything else is a
  // TypeError there.
  check(!options.reduce_range, name, ": option reduce_range is not taken (give quant_min/quant_max instead)");
  check(!options.eps, name, ": option eps is not taken");
  check(options.averaging_constant == 0.01f, name, ": option averaging_constant is not taken");
  check(options.ch_axis == 0, name, ": option ch_axis is not taken");
  check(options.bins == 2048, name, ": option bins is not taken");
  check(options.scale.has_value(), name, ": option scale is required");

  qparams_.dtype = options.dtype.value_or(DType::QUInt8);
  qparams_.qscheme = options.qscheme.value_or(QScheme::PerTensorAffine);
  qparams_.scales = {*options.scale};
  qparams_.zero_points = {options.zero_point.value_or(0)};
  qparams_.quant_min = options.quant_min.value_or(0);
  qparams_.quant_max = options.quant_max.value_or(255);

  // PyTorch checks none of this; qwasm refuses qparams it could not quantize with.
  check(is_quantized(qparams_.dtype), name, ": dtype ", dtype_name(qparams_.dtype),
        " is not supported (quint8, qint8 or qint32)");
  check(!is_per_channel(qparams_.qscheme), name, ": qscheme ", qscheme_name(qparams_.qscheme),
        " is not supported (only per-tensor qparams can be fixed)");
  check(std::isfinite(*options.scale) && *options.scale > 0.0f, name, ": scale must be finite and > 0, got ",
        *options.scale);
  check(qparams_.quant_min >= dtype_min(qparams_.dtype) && qparams_.quant_max <= dtype_max(qparams_.dtype), name,
        ": quant_min/quant_max [", qparams_.quant_min, ", ", qparams_.quant_max, "] does not fit ",
        dtype_name(qparams_.dtype), " (PyTorch's defaults are 0/255 for every dtype; give both for ",
        dtype_name(qparams_.dtype), ")");
  check(qparams_.quant_min <= qparams_.quant_max, name, ": quant_min ", qparams_.quant_min, " > quant_max ",
        qparams_.quant_max);
  check(qparams_.zero_points[0] >= qparams_.quant_min && qparams_.zero_points[0] <= qparams_.quant_max, name,
        ": zero_point ", qparams_.zero_points[0], " is outside [", qparams_.quant_min, ", ", qparams_.quant_max, "]");
  qparams_.validate();
}

void FixedQParamsObserver::observe(const FloatTensor& x) {
  // PyTorch's forward returns its input untouched; only the tensor's own consistency is checked.
  checked_element_count(x, torch_name());
}

void FixedQParamsObserver::observe(const float*, std::size_t count, const Shape& shape) {
  checked_element_count(count, shape, torch_name());
}

}  // namespace qwasm
