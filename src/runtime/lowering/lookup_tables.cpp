#include "runtime/lowering/lookup_tables.h"

#include <cmath>
#include <optional>

#include "core/error.h"
#include "core/quantize.h"
#include "kernels/reference/activations.h"
#include "kernels/reference/clamp.h"
#include "kernels/reference/scalar_ops.h"
#include "runtime/step_factory.h"

namespace qwasm::runtime {
namespace {

CodeTable table_of(const ClampBounds& b) {
  CodeTable t{};
  for (int i = 0; i < 256; ++i) t[static_cast<std::size_t>(i)] = static_cast<uint8_t>(i < b.lo ? b.lo : i > b.hi ? b.hi : i);
  return t;
}

bool same(const Qu8Params& a, const Qu8Params& b) { return a.scale == b.scale && a.zero_point == b.zero_point; }

// A scalar float constant input of `node`, or nothing.
std::optional<float> scalar_input(const graph::Model& model, const graph::Node& node, std::size_t index) {
  if (index >= node.inputs.size() || node.inputs[index].empty()) return std::nullopt;
  const graph::Tensor* t = model.graph.find_tensor(node.inputs[index]);
  if (!t || !t->constant || t->constant->type != graph::ElementType::Float32 || t->constant->count() != 1)
    return std::nullopt;
  return t->constant->at<float>(0);
}

// Clip's bounds: inputs 1 and 2 from opset 11, attributes min / max before.
void clip_bounds(const graph::Model& model, const graph::Node& node, std::optional<float>& lo,
                 std::optional<float>& hi) {
  if (node.find_attribute("min") || node.find_attribute("max")) {
    if (node.find_attribute("min")) lo = node.attribute_float("min", 0.0f);
    if (node.find_attribute("max")) hi = node.attribute_float("max", 0.0f);
    return;
  }
  lo = scalar_input(model, node, 1);
  hi = scalar_input(model, node, 2);
  const bool lo_given = node.inputs.size() > 1 && !node.inputs[1].empty();
  const bool hi_given = node.inputs.size() > 2 && !node.inputs[2].empty();
  check((!lo_given || lo) && (!hi_given || hi), "Clip bounds must be float32 scalar constants");
}

CodeTable evaluated_table(const graph::Model& model, const graph::Node& node, const Qu8Params& x,
                          const Qu8Params& y) {
  const StepContext ctx{node, model.graph, node_opset(model, node)};
  StepPtr step = make_step(ctx);
  check(step != nullptr, "no float step to evaluate ", node.op_type);
  std::vector<float> codes(256);
  for (int i = 0; i < 256; ++i) codes[static_cast<std::size_t>(i)] = dequantize_value(i, x.scale, x.zero_point);
  std::vector<ValueInfo> infos;
  std::vector<const void*> inputs;
  for (std::size_t i = 0; i < node.inputs.size(); ++i) {
    ValueInfo info;
    if (i == 0) {
      info.type = graph::ElementType::Float32;
      info.shape = {256};
      inputs.push_back(codes.data());
    } else if (!node.inputs[i].empty()) {
      const graph::Tensor* t = model.graph.find_tensor(node.inputs[i]);
      check(t && t->constant, "input ", i, " must be a constant");
      info.type = t->constant->type;
      info.shape = t->constant->dims;
      info.constant = t->constant;
      inputs.push_back(t->constant->bytes.data());
    } else {
      inputs.push_back(nullptr);
    }
    infos.push_back(std::move(info));
  }
  const std::vector<ValueInfo> out = step->plan(infos);
  check(out.size() >= 1 && out[0].type == graph::ElementType::Float32 && out[0].count() == 256,
        node.op_type, " is not pointwise on its first input");
  std::vector<float> values(256);
  std::vector<void*> outputs{values.data()};
  for (std::size_t i = 1; i < out.size(); ++i) outputs.push_back(nullptr);
  step->run(inputs, outputs);
  CodeTable t{};
  for (std::size_t i = 0; i < 256; ++i)
    t[i] = static_cast<uint8_t>(quantize_value(values[i], y.scale, y.zero_point, 0, 255));
  return t;
}

CodeTable identity_table() {
  CodeTable t{};
  for (int i = 0; i < 256; ++i) t[static_cast<std::size_t>(i)] = static_cast<uint8_t>(i);
  return t;
}

}  // namespace

CodeTable requantize_table(const Qu8Params& x, const Qu8Params& y) {
  CodeTable t{};
  for (int i = 0; i < 256; ++i)
    t[static_cast<std::size_t>(i)] =
        static_cast<uint8_t>(quantize_value(dequantize_value(i, x.scale, x.zero_point), y.scale, y.zero_point, 0, 255));
  return t;
}

CodeTable pointwise_table(const graph::Model& model, const graph::Node& node, const Qu8Params& x,
                          const Qu8Params& y, std::string& function) {
  const std::string& op = node.op_type;
  if (op == "HardSwish") {
    function = "hardswish";
    return hardswish_table(x, y);
  }
  if (op == "Sigmoid" && y.scale == 1.0f / 256.0f && y.zero_point == 0) {
    function = "sigmoid";
    return sigmoid_table(x);
  }
  if (op == "LeakyRelu") {
    function = "leaky_relu";
    return leaky_relu_table(x, node.attribute_float("alpha", 0.01f), y);
  }
  if (op == "Relu" && same(x, y)) {
    function = "relu";
    return table_of(relu_bounds(x));
  }
  if (op == "Clip" && same(x, y)) {
    std::optional<float> lo, hi;
    clip_bounds(model, node, lo, hi);
    if (!lo || !hi || *lo <= *hi) {
      function = "clamp";
      return table_of(clamp_bounds(x, lo, hi));
    }
  }
  if ((op == "Add" || op == "Mul") && node.inputs.size() == 2) {
    // PyTorch's add_scalar / mul_scalar choose the output qparams themselves (QUANT_SEMANTICS.md); when y is what
    // they choose, the table is theirs. PyTorch keeps that scale in double and the file stores it in float32 (as
    // it does the scalar), so the scale is compared to within float32 rounding.
    if (const auto c = scalar_input(model, node, 1)) {
      const auto close = [](float a, double b) { return std::fabs(a - b) <= 1e-6 * std::fabs(b); };
      CodeTable t{};
      CodeTable codes = identity_table();
      if (op == "Add") {
        const AddScalarPlan plan = plan_add_scalar(x, *c);
        if (plan.output.zero_point == y.zero_point && close(y.scale, plan.output_scale)) {
          function = "add_scalar";
          add_scalar_qu8_reference(256, codes.data(), x, t.data(), plan, false);
          return t;
        }
      } else {
        const MulScalarPlan plan = plan_mul_scalar(x, *c);
        if (plan.output.zero_point == y.zero_point && close(y.scale, plan.output_scale)) {
          function = "mul_scalar";
          mul_scalar_qu8_reference(256, codes.data(), t.data(), plan);
          return t;
        }
      }
    }
  }
  function = op + " (evaluated)";
  return evaluated_table(model, node, x, y);
}

}  // namespace qwasm::runtime
