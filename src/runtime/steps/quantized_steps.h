// Int8 steps: the "qwasm" domain nodes that QDQ / QOperator lowering produces (QConv, QLinear, QAdd, QMul,
// QConcat, QMaxPool, QAvgPool, QGlobalAvgPool, QLookup) and the default domain's QuantizeLinear /
// DequantizeLinear, all with PyTorch 1.13 (qnnpack) arithmetic. Plus the planner's layout conversion.
//
// qwasm-domain nodes carry their qparams as attributes: `<role>_scale` (float) and `<role>_zero_point` (int) for
// the roles x (single input), a / b (binary inputs), y (output); QConv/QLinear also `w_scales` / `w_zero_points`
// (ints; one per tensor or per output channel) and `y_min` / `y_max` (the fused activation as output codes);
// QConcat `scales` / `zero_points` per input; QLookup `table` (256 output codes) and `function` (what it computes,
// for describe()).
#pragma once

#include "runtime/step.h"

namespace qwasm::runtime {

// Null when ctx.node is not one of the ops above.
StepPtr make_quantized_step(const StepContext& ctx);

// Converts a value between Logical and NHWC (rank 4, element size 1, 2, 4 or 8 bytes).
StepPtr make_layout_conversion_step(Layout from, Layout to);

}  // namespace qwasm::runtime
