#include "runtime/calibration/quantization_plan.h"

#include <cmath>

#include "core/error.h"

namespace qwasm::runtime {
namespace {

using graph::ElementType;
using graph::Node;

enum class Kind { weighted, binary, scalar, concat, hardswish, sigmoid, inherit, other };

class Planner {
 public:
  Planner(const graph::Graph& graph, const QConfig& config) : g_(graph), config_(config) {}

  QuantizationPlan run() {
    for (std::size_t i = 0; i < g_.nodes.size(); ++i)
      for (const std::string& out : g_.nodes[i].outputs) producer_[out] = i;
    for (std::size_t i = 0; i < g_.nodes.size(); ++i)
      for (const std::string& in : g_.nodes[i].inputs) consumers_[in].push_back(i);
    outputs_.insert(g_.outputs.begin(), g_.outputs.end());
    find_hardswish();
    for (std::size_t index : g_.topological_order()) {
      if (plan_.absorbed.count(index)) continue;
      visit(index);
    }
    return std::move(plan_);
  }

 private:
  bool is_constant(const std::string& t) const {
    const graph::Tensor* tensor = g_.find_tensor(t);
    return tensor && tensor->constant;
  }
  std::shared_ptr<const graph::TensorData> constant(const std::string& t) const {
    const graph::Tensor* tensor = t.empty() ? nullptr : g_.find_tensor(t);
    return tensor ? tensor->constant : nullptr;
  }
  bool single_consumer(const std::string& t) const {
    const auto it = consumers_.find(t);
    return it != consumers_.end() && it->second.size() == 1 && !outputs_.count(t);
  }
  const Node* only_consumer(const std::string& t) const {
    return single_consumer(t) ? &g_.nodes[consumers_.at(t)[0]] : nullptr;
  }

  // torch.onnx.export (opset 13) writes hardswish as Mul(x, HardSigmoid(x, alpha = 1/6, beta = 0.5)).
  void find_hardswish() {
    for (std::size_t i = 0; i < g_.nodes.size(); ++i) {
      const Node& hs = g_.nodes[i];
      if (hs.op_type != "HardSigmoid" || !hs.domain.empty() || hs.inputs.size() != 1) continue;
      if (std::fabs(hs.attribute_float("alpha", 0.2f) - 1.0f / 6.0f) > 1e-6f || hs.attribute_float("beta", 0.5f) != 0.5f)
        continue;
      const Node* mul = only_consumer(hs.outputs[0]);
      if (!mul || mul->op_type != "Mul" || mul->inputs.size() != 2) continue;
      const std::string& x = hs.inputs[0];
      if (!((mul->inputs[0] == x && mul->inputs[1] == hs.outputs[0]) ||
            (mul->inputs[1] == x && mul->inputs[0] == hs.outputs[0])))
        continue;
      const std::size_t mul_index = static_cast<std::size_t>(mul - g_.nodes.data());
      plan_.hardswish[mul_index] = i;
      plan_.absorbed.insert(i);
    }
  }

  Kind classify(std::size_t index) const {
    const Node& n = g_.nodes[index];
    if (!n.domain.empty() || config_.skip.count(n.name)) return Kind::other;
    const std::string& op = n.op_type;
    if (op == "Conv") {
      const auto w = constant(n.inputs.size() > 1 ? n.inputs[1] : "");
      const bool bias_ok = n.inputs.size() < 3 || n.inputs[2].empty() || constant(n.inputs[2]);
      return w && w->type == ElementType::Float32 && w->dims.size() == 4 && bias_ok &&
                     n.attribute_string("auto_pad", "NOTSET") == "NOTSET"
                 ? Kind::weighted
                 : Kind::other;
    }
    if (op == "Gemm") {
      const auto w = constant(n.inputs.size() > 1 ? n.inputs[1] : "");
      const auto c = constant(n.inputs.size() > 2 ? n.inputs[2] : "");
      const bool bias_ok = n.inputs.size() < 3 || n.inputs[2].empty() || (c && c->dims.size() == 1);
      return w && w->type == ElementType::Float32 && w->dims.size() == 2 && bias_ok &&
                     n.attribute_int("transA", 0) == 0 && n.attribute_float("alpha", 1) == 1 &&
                     n.attribute_float("beta", 1) == 1
                 ? Kind::weighted
                 : Kind::other;
    }
    if (op == "MatMul") {
      const auto w = constant(n.inputs.size() > 1 ? n.inputs[1] : "");
      const graph::Tensor* x = g_.find_tensor(n.inputs[0]);
      const bool rank2 = x && x->shape.rank_known && x->shape.dims.size() == 2;
      return w && w->type == ElementType::Float32 && w->dims.size() == 2 && rank2 ? Kind::weighted : Kind::other;
    }
    if (op == "Add" || op == "Mul") {
      if (plan_.hardswish.count(index)) return Kind::hardswish;
      if (n.inputs.size() != 2) return Kind::other;
      const auto c0 = constant(n.inputs[0]), c1 = constant(n.inputs[1]);
      if (!c0 && !c1) return Kind::binary;
      if (!c0 && c1 && c1->type == ElementType::Float32 && c1->count() == 1) return Kind::scalar;
      return Kind::other;
    }
    if (op == "Concat") {
      for (const std::string& in : n.inputs)
        if (is_constant(in)) return Kind::other;
      return Kind::concat;
    }
    if (op == "HardSwish") return Kind::hardswish;
    if (op == "Sigmoid") return Kind::sigmoid;
    static const std::set<std::string> inherit = {"MaxPool", "AveragePool", "GlobalAveragePool", "Relu", "Clip",
                                                  "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze",
                                                  "Identity", "Pad"};
    if (inherit.count(op) && n.outputs.size() == 1) return Kind::inherit;
    return Kind::other;
  }

  bool quantized(const std::string& t) const { return plan_.tensors.count(t) != 0; }

  void observe(const std::string& t, const std::string& op) {
    if (quantized(t)) return;
    plan_.tensors[t] = QuantizedTensorPlan{TensorQuantization::observed, "", op};
    plan_.observed.push_back(t);
  }

  // An input of an int8 node: quantized already, or gets an observer where it enters (QuantStub).
  void require_quantized(const std::string& t) {
    if (quantized(t)) return;
    const auto it = producer_.find(t);
    observe(t, it == producer_.end() ? "input" : g_.nodes[it->second].op_type);
  }

  bool is_graph_input(const std::string& t) const {
    for (const std::string& in : g_.inputs)
      if (in == t) return true;
    return false;
  }

  void visit(std::size_t index) {
    const Node& n = g_.nodes[index];
    const Kind kind = classify(index);
    if (kind == Kind::other) return;
    if (kind == Kind::inherit) {
      const std::string& x = n.inputs[0];
      if (!quantized(x) && !is_graph_input(x)) return;  // stays float: no boundary in front of plumbing
      require_quantized(x);
      plan_.int8_nodes.insert(index);
      plan_.tensors[n.outputs[0]] = QuantizedTensorPlan{TensorQuantization::inherited, x, n.op_type};
      return;
    }
    plan_.int8_nodes.insert(index);
    std::string op = n.op_type;
    if (kind == Kind::hardswish) {
      op = "HardSwish";
      require_quantized(plan_.hardswish.count(index) ? g_.nodes[plan_.hardswish.at(index)].inputs[0] : n.inputs[0]);
    } else if (kind == Kind::weighted || kind == Kind::scalar || kind == Kind::sigmoid) {
      require_quantized(n.inputs[0]);
    } else {
      for (const std::string& in : n.inputs) require_quantized(in);
    }
    std::string output = n.outputs[0];
    if (kind == Kind::weighted || kind == Kind::binary) {
      const Node* relu = only_consumer(output);
      if (relu && relu->op_type == "Relu" && relu->domain.empty() && !config_.skip.count(relu->name)) {
        const std::size_t relu_index = static_cast<std::size_t>(relu - g_.nodes.data());
        plan_.fused_relu[index] = relu_index;
        plan_.absorbed.insert(relu_index);
        op += "+Relu";
        output = relu->outputs[0];
      }
    }
    if (kind == Kind::sigmoid) {
      plan_.tensors[output] = QuantizedTensorPlan{TensorQuantization::fixed, "", op};
    } else if (kind == Kind::scalar) {
      plan_.tensors[output] = QuantizedTensorPlan{TensorQuantization::derived, n.inputs[0], op + "_scalar"};
    } else {
      observe(output, op);
    }
  }

  const graph::Graph& g_;
  const QConfig& config_;
  QuantizationPlan plan_;
  std::map<std::string, std::size_t> producer_;
  std::map<std::string, std::vector<std::size_t>> consumers_;
  std::set<std::string> outputs_;
};

}  // namespace

const char* tensor_quantization_name(TensorQuantization q) {
  switch (q) {
    case TensorQuantization::observed: return "observed";
    case TensorQuantization::inherited: return "inherited";
    case TensorQuantization::fixed: return "fixed";
    case TensorQuantization::derived: return "derived";
  }
  return "?";
}

QuantizationPlan plan_quantization(const graph::Graph& graph, const QConfig& config) {
  return Planner(graph, config).run();
}

}  // namespace qwasm::runtime
