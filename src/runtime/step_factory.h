// One entry point from a graph node to its Step: int8 steps (quantized_steps.h) first, then float steps.
#pragma once

#include "core/error.h"
#include "graph/ir.h"
#include "runtime/step.h"

namespace qwasm::runtime {

// Null when qwasm has no step for the node's (domain, op_type). Throws qwasm::Error (unprefixed) for a supported
// op with bad attributes or constants.
StepPtr make_step(const StepContext& ctx);

// The imported opset that applies to `node` (its domain's; "qwasm" nodes get 1).
int64_t node_opset(const graph::Model& model, const graph::Node& node);

// Runs `fn` and re-throws its qwasm::Error prefixed with the node's description ("node 3 (Conv 'c1'): ...").
template <class Fn>
auto with_node_context(const graph::Graph& graph, std::size_t index, Fn&& fn) -> decltype(fn());

// That prefixed error, for callers that catch once for many nodes (Session::run).
inline Error node_error(const graph::Graph& graph, std::size_t index, const Error& e) {
  return Error(graph.describe_node(index) + ": " + e.what());
}

template <class Fn>
auto with_node_context(const graph::Graph& graph, std::size_t index, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Error& e) {
    throw node_error(graph, index, e);
  }
}

}  // namespace qwasm::runtime
