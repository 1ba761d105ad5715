// What to quantize and how: PyTorch's qconfig vocabulary (torch.ao.quantization.get_default_qconfig('qnnpack')
// is the default: HistogramObserver activations, per-tensor symmetric qint8 MinMaxObserver weights).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "observers/observer.h"

namespace qwasm::runtime {

struct QConfig {
  std::string activation = "histogram";  // histogram | minmax | moving_average
  ObserverOptions activation_options;    // dtype stays quint8 (qwasm's int8 kernels take quint8 activations)
  std::string weight = "minmax";         // minmax (per-tensor symmetric qint8) | per_channel_minmax
  ObserverOptions weight_options;        // unset fields take the defaults above
  // Fixed qparams for the model inputs instead of an observer (e.g. RGB images: scale 1/255, zero point 0).
  std::optional<float> input_scale;
  std::optional<int32_t> input_zero_point;
  std::set<std::string> skip;  // node names kept in float (quantize/dequantize inserted around them)
};

// Throws qwasm::Error for an unknown observer kind or an option PyTorch would reject.
void validate_qconfig(const QConfig& config);

}  // namespace qwasm::runtime
