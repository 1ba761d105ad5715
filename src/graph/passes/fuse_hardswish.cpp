#include "graph/passes/fuse_hardswish.h"

#include <cmath>
#include <set>

namespace qwasm::graph {

std::size_t fuse_hardswish(Graph& graph) {
  std::set<std::size_t> removed;
  std::size_t fused = 0;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& hs = graph.nodes[i];
    if (hs.op_type != "HardSigmoid" || !hs.domain.empty() || hs.inputs.size() != 1 || hs.outputs.size() != 1) continue;
    if (std::fabs(hs.attribute_float("alpha", 0.2f) - 1.0f / 6.0f) > 1e-6f || hs.attribute_float("beta", 0.5f) != 0.5f)
      continue;
    const std::vector<std::size_t> readers = graph.consumers(hs.outputs[0]);
    bool is_output = false;
    for (const std::string& o : graph.outputs) is_output = is_output || o == hs.outputs[0];
    if (readers.size() != 1 || is_output) continue;
    Node& mul = graph.nodes[readers[0]];
    if (mul.op_type != "Mul" || !mul.domain.empty() || mul.inputs.size() != 2) continue;
    const std::string& x = hs.inputs[0];
    if (!((mul.inputs[0] == x && mul.inputs[1] == hs.outputs[0]) ||
          (mul.inputs[1] == x && mul.inputs[0] == hs.outputs[0])))
      continue;
    mul.op_type = "HardSwish";
    mul.inputs = {x};
    mul.attributes.clear();
    graph.tensors.erase(hs.outputs[0]);
    removed.insert(i);
    ++fused;
  }
  std::vector<Node> kept;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    if (!removed.count(i)) kept.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(kept);
  return fused;
}

}  // namespace qwasm::graph
