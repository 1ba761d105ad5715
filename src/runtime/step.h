// A Step is one executable node: the runtime form of a graph node, created once per session (weights packed,
// multipliers precomputed), planned for each new set of input shapes, then run many times.
//
//   create (factory, from the node and the graph's constants)  ->  plan(input infos)  ->  run(buffers) ...
//
// Steps never allocate activation memory: the planner gives every output a slice of the session's arena. A step
// may keep its own scratch (e.g. an im2col panel), sized in plan().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "graph/ir.h"
#include "runtime/value.h"

namespace qwasm::runtime {

class Step {
 public:
  virtual ~Step() = default;

  // The layout this step wants input `index` in, given all inputs as they are. The planner inserts a layout
  // conversion when the answer differs from inputs[index].layout. Default: Logical for every input.
  virtual Layout wanted_layout(std::size_t index, const std::vector<ValueInfo>& inputs) const;

  // Output infos (type, shape, layout; `constant` left empty) for these inputs, whose layouts are the wanted ones.
  // Omitted optional inputs have type Undefined. Called whenever input shapes change; may size scratch and
  // precompute shape-dependent state. Throws qwasm::Error with a message that does not repeat the node's name
  // (the planner prefixes "node 3 (Conv 'conv1'): ").
  virtual std::vector<ValueInfo> plan(const std::vector<ValueInfo>& inputs) = 0;

  // Runs on buffers laid out as the last plan() said: inputs[i] is null for an omitted optional input; outputs[i]
  // has exactly the planned bytes (null for an unwanted optional output). Inputs and outputs never overlap.
  virtual void run(const std::vector<const void*>& inputs, const std::vector<void*>& outputs) = 0;

  // The kernel this step runs, for describe(): "reference", "qu8_gemm_4x2c8", "f32_gemm_simd128", ...
  virtual std::string kernel() const { return "reference"; }
};

// What a step factory sees: the node, the graph it belongs to (constant inputs: graph.find_tensor(name)->constant),
// and the imported opset of the node's domain.
struct StepContext {
  const graph::Node& node;
  const graph::Graph& graph;
  int64_t opset = 0;

  // The constant data of input `index`, or null when the input is absent or not a constant.
  std::shared_ptr<const graph::TensorData> constant_input(std::size_t index) const;
};

using StepPtr = std::unique_ptr<Step>;

// Error unless `count` (a node's number of inputs, absent optional ones included) is in [min, max]:
// "expects 2 to 3 inputs, got 4", "expects 1 input, got 0"; max = kAnyInputCount means no upper bound.
constexpr std::size_t kAnyInputCount = static_cast<std::size_t>(-1);
void expect_input_count(std::size_t count, std::size_t min, std::size_t max);

}  // namespace qwasm::runtime
