#include "runtime/steps/quantized_steps.h"

#include <map>
#include <string>

#include "runtime/steps/quantized/factories.h"

namespace qwasm::runtime {

namespace {

// How many inputs each int8 op reads ([min, max]; absent optional inputs count, as "" names). The steps index
// their inputs freely, so a node from a file with fewer (a fuzzer found DynamicQuantizeLinear with none) is
// refused here. qwasm-domain nodes are normally made by the lowering passes, but a file may contain them too.
struct InputCount {
  std::size_t min, max;
};

void check_input_count(const graph::Node& node) {
  static const std::map<std::string, InputCount> counts = {
      {"QConv", {2, 3}},           {"QLinear", {2, 3}},          {"QAdd", {2, 2}},
      {"QMul", {2, 2}},            {"QConcat", {1, kAnyInputCount}}, {"QMaxPool", {1, 1}},
      {"QAvgPool", {1, 1}},        {"QGlobalAvgPool", {1, 1}},   {"QLookup", {1, 1}},
      {"QuantizeLinear", {2, 3}},  {"DequantizeLinear", {2, 3}}, {"DynamicQuantizeLinear", {1, 1}},
      {"MatMulInteger", {2, 4}},   {"ConvInteger", {2, 4}},
  };
  const auto it = counts.find(node.op_type);
  if (it != counts.end()) expect_input_count(node.inputs.size(), it->second.min, it->second.max);
}

}  // namespace

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
  if (node.domain == "qwasm" || node.domain.empty()) check_input_count(node);
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
