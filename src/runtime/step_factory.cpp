#include "runtime/step_factory.h"

#include "runtime/steps/float_steps.h"
#include "runtime/steps/quantized_steps.h"

namespace qwasm::runtime {

StepPtr make_step(const StepContext& ctx) {
  if (StepPtr step = make_quantized_step(ctx)) return step;
  return make_float_step(ctx);
}

int64_t node_opset(const graph::Model& model, const graph::Node& node) {
  if (node.domain == "qwasm") return 1;
  const int64_t version = model.opset_version(node.domain);
  return version > 0 ? version : model.opset_version("");
}

}  // namespace qwasm::runtime
