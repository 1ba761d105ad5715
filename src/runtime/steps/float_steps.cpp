// make_float_step: a table from op_type to the factory of its step (src/runtime/steps/float/).
#include "runtime/steps/float_steps.h"

#include <map>
#include <string>

#include "runtime/steps/float/factories.h"

namespace qwasm::runtime {

namespace {

using Factory = StepPtr (*)(const StepContext&);

const std::map<std::string, Factory>& onnx_factories() {
  using namespace float_steps;
  static const std::map<std::string, Factory> table = {
      {"Conv", make_conv_step},
      {"Gemm", make_gemm_step},
      {"MatMul", make_matmul_step},
      {"Add", make_binary_step},
      {"Sub", make_binary_step},
      {"Mul", make_binary_step},
      {"Div", make_binary_step},
      {"Relu", make_unary_step},
      {"Clip", make_unary_step},
      {"Sigmoid", make_unary_step},
      {"HardSigmoid", make_unary_step},
      {"HardSwish", make_unary_step},
      {"LeakyRelu", make_unary_step},
      {"Tanh", make_unary_step},
      {"Concat", make_concat_step},
      {"MaxPool", make_pool_step},
      {"AveragePool", make_pool_step},
      {"GlobalAveragePool", make_pool_step},
      {"GlobalMaxPool", make_pool_step},
      {"BatchNormalization", make_batch_norm_step},
      {"Softmax", make_softmax_step},
      {"Reshape", make_reshape_step},
      {"Flatten", make_reshape_step},
      {"Squeeze", make_reshape_step},
      {"Unsqueeze", make_reshape_step},
      {"Identity", make_reshape_step},
      {"Transpose", make_transpose_step},
      {"Cast", make_cast_step},
      {"Shape", make_shape_step},
      {"Gather", make_gather_step},
      {"ConstantOfShape", make_constant_of_shape_step},
      {"Expand", make_expand_step},
  };
  return table;
}

}  // namespace

StepPtr make_float_step(const StepContext& ctx) {
  const graph::Node& node = ctx.node;
  if (node.domain == "qwasm") {  // the fused ops graph::fuse_activations makes
    if (node.op_type == "FusedConv") return float_steps::make_conv_step(ctx);
    if (node.op_type == "FusedGemm") return float_steps::make_gemm_step(ctx);
    return nullptr;
  }
  if (!node.domain.empty()) return nullptr;
  const auto& table = onnx_factories();
  const auto it = table.find(node.op_type);
  return it == table.end() ? nullptr : it->second(ctx);
}

}  // namespace qwasm::runtime
