// session.describe(): every node with its op, kernel, inputs/outputs (type, shape, layout) and qparams, as JSON.
#pragma once

#include <string>
#include <vector>

#include "graph/ir.h"
#include "runtime/plan.h"
#include "runtime/session.h"

namespace qwasm::runtime {

std::string describe_session_json(const graph::Graph& graph, const std::vector<IOInfo>& inputs,
                                  const std::vector<IOInfo>& outputs, const std::vector<StepPtr>& steps,
                                  const Plan* plan);

}  // namespace qwasm::runtime
