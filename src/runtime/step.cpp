#include "runtime/step.h"

#include "core/error.h"

namespace qwasm::runtime {

Layout Step::wanted_layout(std::size_t, const std::vector<ValueInfo>&) const { return Layout::Logical; }

std::shared_ptr<const graph::TensorData> StepContext::constant_input(std::size_t index) const {
  if (index >= node.inputs.size() || node.inputs[index].empty()) return nullptr;
  const graph::Tensor* tensor = graph.find_tensor(node.inputs[index]);
  return tensor ? tensor->constant : nullptr;
}

void expect_input_count(std::size_t count, std::size_t min, std::size_t max) {
  if (count >= min && count <= max) return;
  const char* plural = min == 1 ? "" : "s";
  if (min == max) fail("expects ", min, " input", plural, ", got ", count);
  if (max == kAnyInputCount) fail("expects at least ", min, " input", plural, ", got ", count);
  fail("expects ", min, " to ", max, " inputs, got ", count);
}

}  // namespace qwasm::runtime
