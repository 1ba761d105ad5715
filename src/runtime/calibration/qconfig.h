// What to quantize and how: PyTorch's qconfig vocabulary (torch.ao.quantization.get_default_qconfig('qnnpack')
// is the default: HistogramObserver activations, per-tensor symmetric qint8 MinMaxObserver weights).
#pragma once

#include <cstdint>
#include <map>
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
  // Per-node qconfigs (PyTorch's qconfig_dict "module_name" entries): for a node named here, its weight observer
  // and the observer of the tensor it outputs (for a Conv/Gemm with a fused Relu: the Relu's output) come from
  // this config instead. Entries are whole configs (the JS layer merges the user's partial override onto the
  // global qconfig); their own input_scale / skip / node_overrides are ignored.
  std::map<std::string, QConfig> node_overrides;

  // The config node `name` quantizes with.
  const QConfig& for_node(const std::string& name) const {
    const auto it = node_overrides.find(name);
    return it == node_overrides.end() ? *this : it->second;
  }
};

// Throws qwasm::Error for an unknown observer kind or an option PyTorch would reject.
void validate_qconfig(const QConfig& config);

}  // namespace qwasm::runtime
