#include "graph/passes/remove_dead_nodes.h"

#include <set>
#include <string>

namespace qwasm::graph {

std::size_t remove_dead_nodes(Graph& graph) {
  std::size_t removed = 0;
  for (bool changed = true; changed;) {
    changed = false;
    std::set<std::string> read(graph.outputs.begin(), graph.outputs.end());
    for (const Node& node : graph.nodes)
      for (const std::string& input : node.inputs) read.insert(input);
    std::vector<Node> kept;
    for (Node& node : graph.nodes) {
      bool live = false;
      for (const std::string& output : node.outputs) live = live || (!output.empty() && read.count(output));
      if (live) {
        kept.push_back(std::move(node));
      } else {
        ++removed;
        changed = true;
        for (const std::string& output : node.outputs) graph.tensors.erase(output);
      }
    }
    graph.nodes = std::move(kept);
  }
  std::set<std::string> read(graph.outputs.begin(), graph.outputs.end());
  for (const Node& node : graph.nodes)
    for (const std::string& input : node.inputs) read.insert(input);
  std::vector<std::string> constants;
  for (const std::string& name : graph.constants) {
    if (read.count(name)) {
      constants.push_back(name);
    } else {
      graph.tensors.erase(name);
    }
  }
  graph.constants = std::move(constants);
  return removed;
}

}  // namespace qwasm::graph
