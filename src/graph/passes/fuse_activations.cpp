#include "graph/passes/fuse_activations.h"

#include <algorithm>
#include <limits>

namespace qwasm::graph {

namespace {

// The float value of an optional scalar constant input of `node` (index i), `fallback` when the input is absent;
// false when it is present but not a one-element float constant.
bool clip_bound(const Graph& g, const Node& node, std::size_t i, float fallback, float* value) {
  if (i >= node.inputs.size() || node.inputs[i].empty()) {
    *value = fallback;
    return true;
  }
  const Tensor* t = g.find_tensor(node.inputs[i]);
  if (!t || !t->constant || t->constant->count() != 1) return false;
  if (t->constant->type != ElementType::Float32 && t->constant->type != ElementType::Float64) return false;
  *value = static_cast<float>(t->constant->float_value(0));
  return true;
}

// Fills `activation` from the node reading the conv output, or returns false when it is not fusable.
bool fusable_activation(const Graph& g, const Node& act, const std::string& input, Attribute* name, Attribute* params) {
  if (!act.domain.empty() || act.inputs.empty() || act.inputs[0] != input || act.outputs.size() != 1) return false;
  if (std::count(act.inputs.begin(), act.inputs.end(), input) != 1) return false;
  name->name = "activation";
  name->type = AttributeType::String;
  if (act.op_type == "Relu") {
    name->s = "Relu";
    return true;
  }
  if (act.op_type != "Clip") return false;
  float lo = -std::numeric_limits<float>::infinity(), hi = std::numeric_limits<float>::infinity();
  if (act.inputs.size() > 1) {
    if (!clip_bound(g, act, 1, lo, &lo) || !clip_bound(g, act, 2, hi, &hi)) return false;
  } else {
    lo = act.attribute_float("min", lo);
    hi = act.attribute_float("max", hi);
  }
  name->s = "Clip";
  params->name = "activation_params";
  params->type = AttributeType::Floats;
  params->floats = {lo, hi};
  return true;
}

// True when an input of `node` comes from a DequantizeLinear: a QDQ pattern the int8 lowering must see unfused.
bool reads_dequantized(const Graph& g, const Node& node) {
  for (const std::string& input : node.inputs) {
    const std::ptrdiff_t p = input.empty() ? -1 : g.producer(input);
    if (p >= 0 && g.nodes[static_cast<std::size_t>(p)].op_type == "DequantizeLinear") return true;
  }
  return false;
}

}  // namespace

std::size_t fuse_activations(Graph& graph) {
  std::size_t fused = 0;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    if ((node.op_type != "Conv" && node.op_type != "Gemm") || !node.domain.empty() || node.outputs.size() != 1) continue;
    const std::string out = node.outputs[0];
    if (out.empty() || std::find(graph.outputs.begin(), graph.outputs.end(), out) != graph.outputs.end()) continue;
    if (reads_dequantized(graph, node)) continue;
    const std::vector<std::size_t> readers = graph.consumers(out);
    if (readers.size() != 1) continue;
    Attribute activation, params;
    const Node& act = graph.nodes[readers[0]];
    if (!fusable_activation(graph, act, out, &activation, &params)) continue;
    Node rewritten = node;
    rewritten.op_type = node.op_type == "Conv" ? "FusedConv" : "FusedGemm";
    rewritten.domain = "qwasm";
    rewritten.outputs[0] = act.outputs[0];
    rewritten.attributes.push_back(activation);
    if (!params.name.empty()) rewritten.attributes.push_back(params);
    graph.nodes[i] = std::move(rewritten);
    graph.nodes.erase(graph.nodes.begin() + static_cast<std::ptrdiff_t>(readers[0]));
    graph.tensors.erase(out);
    if (readers[0] < i) --i;
    ++fused;
  }
  return fused;
}

}  // namespace qwasm::graph
