#include "runtime/step.h"

namespace qwasm::runtime {

Layout Step::wanted_layout(std::size_t, const std::vector<ValueInfo>&) const { return Layout::Logical; }

std::shared_ptr<const graph::TensorData> StepContext::constant_input(std::size_t index) const {
  if (index >= node.inputs.size() || node.inputs[index].empty()) return nullptr;
  const graph::Tensor* tensor = graph.find_tensor(node.inputs[index]);
  return tensor ? tensor->constant : nullptr;
}

}  // namespace qwasm::runtime
