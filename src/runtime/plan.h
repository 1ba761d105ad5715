// A plan: the session's steps in execution order for one set of input shapes, with every value's info, layout
// conversions inserted where a step wants another layout, values computable from constants evaluated at plan time
// (e.g. Shape of an input whose shape is now known), and arena offsets from a lifetime-based allocator that lets
// values whose lifetimes do not overlap share bytes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "graph/ir.h"
#include "runtime/step.h"
#include "runtime/value.h"

namespace qwasm::runtime {

struct PlannedValue {
  std::string name;  // the graph tensor's name ("<name>@nhwc" for a conversion's output)
  ValueInfo info;
  enum class Storage { constant, feed, arena } storage = Storage::arena;
  int64_t offset = 0;   // arena
  int feed_index = -1;  // feed
};

struct PlannedOp {
  Step* step = nullptr;
  std::size_t node = SIZE_MAX;  // graph node index; SIZE_MAX for an inserted layout conversion
  std::vector<int> inputs;      // value ids, -1 for an absent optional input
  std::vector<int> outputs;     // value ids, -1 for an unwanted output
};

struct Plan {
  std::vector<PlannedValue> values;
  std::vector<PlannedOp> ops;
  std::vector<StepPtr> conversions;    // owned: the inserted layout conversions
  std::vector<int> outputs;            // value ids of the graph outputs, all Logical
  std::vector<std::vector<int>> node_values;  // per graph node: its input value ids then output value ids (describe)
  std::map<std::string, int> tensor_values;  // graph tensor name -> its value id (after planning every node)
  std::vector<Shape> input_shapes;     // the feed shapes this plan is for
  int64_t arena_bytes = 0;
};

// steps[i] is graph.nodes[i]'s step (session-owned). feeds: one info per graph input, in graph.inputs order.
// Throws qwasm::Error naming the node that fails to plan, or when the arena would exceed max_arena_bytes.
Plan make_plan(const graph::Graph& graph, const std::vector<std::size_t>& order, std::vector<StepPtr>& steps,
               const std::vector<ValueInfo>& feeds, int64_t max_arena_bytes);

}  // namespace qwasm::runtime
