#include "runtime/steps/quantized_steps.h"

#include <map>
#include <string>

#include "runtime/steps/quantized/factories.h"

namespace qwasm::runtime {

StepPtr make_quantized_step(const StepContext& ctx) {
  using Factory = StepPtr (*)(const StepContext&);
  static const std::map<std::string, Factory> qwasm_ops = {
      {"QConv", make_qconv_step},         {"QLinear", make_qlinear_step},
      {"QAdd", make_qadd_step},           {"QMul", make_qmul_step},
      {"QConcat", make_qconcat_step},     {"QMaxPool", make_qmax_pool_step},
      {"QAvgPool", make_qavg_pool_step},  {"QGlobalAvgPool", make_qglobal_avg_pool_step},
      {"QLookup", make_qlookup_step},
  };
  const graph::Node& node = ctx.node;
  if (node.domain == "qwasm") {
    const auto it = qwasm_ops.find(node.op_type);
    return it == qwasm_ops.end() ? nullptr : it->second(ctx);
  }
  if (node.domain.empty()) {
    if (node.op_type == "QuantizeLinear") return make_quantize_linear_step(ctx);
    if (node.op_type == "DequantizeLinear") return make_dequantize_linear_step(ctx);
    if (node.op_type == "DynamicQuantizeLinear") return make_dynamic_quantize_linear_step(ctx);
    if (node.op_type == "MatMulInteger") return make_matmul_integer_step(ctx);
    if (node.op_type == "ConvInteger") return make_conv_integer_step(ctx);
  }
  return nullptr;
}

}  // namespace qwasm::runtime
