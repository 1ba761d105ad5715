// Placeholder until the float steps land (owned by the float-execution work): no float op is known yet.
#include "runtime/steps/float_steps.h"

namespace qwasm::runtime {

StepPtr make_float_step(const StepContext&) { return nullptr; }

}  // namespace qwasm::runtime
