// The (scale, zero point, axis) of an ONNX QuantizeLinear / DequantizeLinear node, read once from its constant
// inputs: per-tensor (scalar or one-element scale) or per-axis (1-D scale along `axis`).
#pragma once

#include <cstdint>
#include <vector>

#include "graph/ir.h"
#include "runtime/step.h"

namespace qwasm::runtime {

struct LinearQParams {
  std::vector<float> scales;
  std::vector<int32_t> zero_points;  // same length as scales
  graph::ElementType quantized_type = graph::ElementType::UInt8;  // the zero point's type (uint8 when absent)
  bool zero_point_given = false;
  int64_t axis = 1;  // as written (may be negative); meaningful when scales.size() > 1
  bool per_axis() const { return scales.size() > 1; }
};

// Reads inputs 1 (scale) and 2 (zero point, optional) of ctx.node, which must be constants. Throws qwasm::Error.
LinearQParams read_linear_qparams(const StepContext& ctx);

// The axis resolved against `rank` (checks that the per-axis size matches dims[axis]).
int64_t resolve_qparams_axis(const LinearQParams& q, const Shape& dims);

int64_t quantized_type_min(graph::ElementType type);  // 0 / -128 / INT32_MIN
int64_t quantized_type_max(graph::ElementType type);

}  // namespace qwasm::runtime
