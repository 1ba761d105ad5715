#include "runtime/steps/quantized/linear_qparams.h"

#include <cmath>
#include <limits>

#include "core/error.h"

namespace qwasm::runtime {

using graph::ElementType;

LinearQParams read_linear_qparams(const StepContext& ctx) {
  LinearQParams q;
  const auto scale = ctx.constant_input(1);
  check(scale != nullptr, "scale (input 1) must be a constant");
  check(scale->type == ElementType::Float32, "scale must be float32, got ", graph::element_type_name(scale->type));
  check(scale->dims.size() <= 1 && scale->count() >= 1, "scale must be a scalar or a 1-D tensor, got ",
        shape_string(scale->dims));
  for (int64_t i = 0; i < scale->count(); ++i) {
    const float s = scale->at<float>(i);
    check(std::isfinite(s) && s > 0.0f, "scale ", i, " must be finite and > 0, got ", s);
    q.scales.push_back(s);
  }
  const auto zero_point = ctx.constant_input(2);
  if (ctx.node.inputs.size() > 2 && !ctx.node.inputs[2].empty()) {
    check(zero_point != nullptr, "zero point (input 2) must be a constant");
    q.quantized_type = zero_point->type;
    q.zero_point_given = true;
    check(q.quantized_type == ElementType::UInt8 || q.quantized_type == ElementType::Int8 ||
              q.quantized_type == ElementType::Int32,
          "zero point must be uint8, int8 or int32, got ", graph::element_type_name(q.quantized_type));
    check(zero_point->count() == scale->count(), "zero point has ", zero_point->count(), " values, scale ",
          scale->count());
    for (int64_t i = 0; i < zero_point->count(); ++i) q.zero_points.push_back(static_cast<int32_t>(zero_point->int_value(i)));
  } else {
    q.zero_points.assign(q.scales.size(), 0);
  }
  q.axis = ctx.node.attribute_int("axis", 1);
  return q;
}

int64_t resolve_qparams_axis(const LinearQParams& q, const Shape& dims) {
  if (!q.per_axis()) return 0;
  const auto rank = static_cast<int64_t>(dims.size());
  const int64_t axis = q.axis < 0 ? q.axis + rank : q.axis;
  check(axis >= 0 && axis < rank, "axis ", q.axis, " is out of range for rank ", rank);
  check(dims[static_cast<std::size_t>(axis)] == static_cast<int64_t>(q.scales.size()), "per-axis qparams have ",
        q.scales.size(), " scales but dimension ", axis, " is ", dims[static_cast<std::size_t>(axis)]);
  return axis;
}

int64_t quantized_type_min(ElementType type) {
  return type == ElementType::UInt8 ? 0 : type == ElementType::Int8 ? -128 : std::numeric_limits<int32_t>::min();
}
int64_t quantized_type_max(ElementType type) {
  return type == ElementType::UInt8 ? 255 : type == ElementType::Int8 ? 127 : std::numeric_limits<int32_t>::max();
}

}  // namespace qwasm::runtime
