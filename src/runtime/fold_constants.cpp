#include "runtime/fold_constants.h"

#include <algorithm>
#include <set>

#include "core/error.h"
#include "runtime/step_factory.h"

namespace qwasm::runtime {
namespace {

bool all_inputs_constant(const graph::Graph& graph, const graph::Node& node) {
  bool any = false;
  for (const std::string& input : node.inputs) {
    if (input.empty()) continue;
    const graph::Tensor* t = graph.find_tensor(input);
    if (!t || !t->is_constant()) return false;
    any = true;
  }
  return any;
}

// Evaluates one node on its constant inputs; returns one TensorData per output (null for an unwanted output).
std::vector<std::shared_ptr<graph::TensorData>> evaluate(const graph::Model& model, const graph::Node& node,
                                                         const FoldOptions& options) {
  const StepContext ctx{node, model.graph, node_opset(model, node)};
  StepPtr step = make_step(ctx);
  if (!step) return {};
  std::vector<ValueInfo> infos;
  std::vector<const void*> inputs;
  for (const std::string& name : node.inputs) {
    ValueInfo info;
    if (!name.empty()) {
      const auto& data = model.graph.find_tensor(name)->constant;
      info.type = data->type;
      info.shape = data->dims;
      info.constant = data;
      inputs.push_back(data->bytes.data());
    } else {
      inputs.push_back(nullptr);
    }
    infos.push_back(std::move(info));
  }
  const std::vector<ValueInfo> out_infos = step->plan(infos);
  check(out_infos.size() == node.outputs.size(), "step planned ", out_infos.size(), " outputs for ",
        node.outputs.size());
  std::vector<std::shared_ptr<graph::TensorData>> outputs;
  std::vector<void*> buffers;
  for (std::size_t i = 0; i < out_infos.size(); ++i) {
    check(out_infos[i].layout == Layout::Logical, "constant output in a non-logical layout");
    check(out_infos[i].count() <= options.max_tensor_elements, "constant folding would make output ", i, " a tensor ",
          "of shape ", shape_string(out_infos[i].shape), " (", out_infos[i].count(),
          " elements), more than the limit of ", options.max_tensor_elements, " (maxTensorElements)");
    auto data = std::make_shared<graph::TensorData>();
    data->type = out_infos[i].type;
    data->dims = out_infos[i].shape;
    data->bytes.resize(static_cast<std::size_t>(out_infos[i].bytes()));
    buffers.push_back(data->bytes.data());
    outputs.push_back(std::move(data));
  }
  step->run(inputs, buffers);
  return outputs;
}

}  // namespace

std::size_t fold_constants(graph::Model& model, const FoldOptions& options) {
  graph::Graph& graph = model.graph;
  std::set<std::size_t> folded;
  for (std::size_t index : graph.topological_order()) {
    const graph::Node& node = graph.nodes[index];
    if (!all_inputs_constant(graph, node)) continue;
    if (!options.fold_dequantize && node.op_type == "DequantizeLinear" && node.domain.empty()) continue;
    auto outputs = with_node_context(graph, index, [&] { return evaluate(model, node, options); });
    if (outputs.empty()) continue;  // no step: left for the unsupported-op report
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      const std::string& name = node.outputs[i];
      if (name.empty()) continue;
      graph.tensor(name).constant = nullptr;
      graph.add_constant(name, std::move(outputs[i]));
    }
    folded.insert(index);
  }
  std::vector<graph::Node> kept;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    if (!folded.count(i)) kept.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(kept);
  return folded.size();
}

}  // namespace qwasm::runtime
