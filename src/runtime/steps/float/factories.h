// The factories make_float_step dispatches to (float_steps.cpp), one per step file.
#pragma once

#include "runtime/step.h"

namespace qwasm::runtime::float_steps {

StepPtr make_conv_step(const StepContext& ctx);         // Conv, qwasm FusedConv
StepPtr make_gemm_step(const StepContext& ctx);         // Gemm, qwasm FusedGemm
StepPtr make_matmul_step(const StepContext& ctx);       // MatMul
StepPtr make_binary_step(const StepContext& ctx);       // Add, Sub, Mul, Div
StepPtr make_unary_step(const StepContext& ctx);        // Relu, Clip, Sigmoid, HardSigmoid, HardSwish, LeakyRelu, Tanh
StepPtr make_concat_step(const StepContext& ctx);       // Concat
StepPtr make_pool_step(const StepContext& ctx);         // MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool
StepPtr make_batch_norm_step(const StepContext& ctx);   // BatchNormalization
StepPtr make_softmax_step(const StepContext& ctx);      // Softmax
StepPtr make_reshape_step(const StepContext& ctx);      // Reshape, Flatten, Squeeze, Unsqueeze, Identity
StepPtr make_transpose_step(const StepContext& ctx);    // Transpose
StepPtr make_cast_step(const StepContext& ctx);         // Cast
StepPtr make_shape_step(const StepContext& ctx);        // Shape
StepPtr make_gather_step(const StepContext& ctx);       // Gather
StepPtr make_constant_of_shape_step(const StepContext& ctx);  // ConstantOfShape
StepPtr make_expand_step(const StepContext& ctx);       // Expand

}  // namespace qwasm::runtime::float_steps
