// Float (and shape-plumbing) steps for the default ONNX domain: what float models, calibration and constant
// folding run on.
#pragma once

#include "runtime/step.h"

namespace qwasm::runtime {

// The step for ctx.node, or null when the op (domain, op_type) is not a float op qwasm implements. Throws
// qwasm::Error for a supported op with bad attributes or constant inputs.
StepPtr make_float_step(const StepContext& ctx);

}  // namespace qwasm::runtime
