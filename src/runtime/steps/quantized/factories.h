// The factories quantized_steps.cpp dispatches to, one per step file.
#pragma once

#include "runtime/step.h"

namespace qwasm::runtime {

StepPtr make_quantize_linear_step(const StepContext& ctx);
StepPtr make_dequantize_linear_step(const StepContext& ctx);
StepPtr make_qconv_step(const StepContext& ctx);
StepPtr make_qlinear_step(const StepContext& ctx);
StepPtr make_qadd_step(const StepContext& ctx);
StepPtr make_qmul_step(const StepContext& ctx);
StepPtr make_qconcat_step(const StepContext& ctx);
StepPtr make_qmax_pool_step(const StepContext& ctx);
StepPtr make_qavg_pool_step(const StepContext& ctx);
StepPtr make_qglobal_avg_pool_step(const StepContext& ctx);
StepPtr make_qlookup_step(const StepContext& ctx);
StepPtr make_dynamic_quantize_linear_step(const StepContext& ctx);
StepPtr make_matmul_integer_step(const StepContext& ctx);
StepPtr make_conv_integer_step(const StepContext& ctx);

}  // namespace qwasm::runtime
