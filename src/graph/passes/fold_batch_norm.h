// Conv + BatchNormalization folding on the graph IR.
#pragma once

#include <cstddef>

#include "graph/ir.h"

namespace qwasm::graph {

// Rewrites every float Conv (default domain, constant float32 W and optional constant B) whose output is read only
// by one inference-mode BatchNormalization (constant float32 scale, B, mean, var; only output Y wanted) and is not
// a graph output into one Conv with new constants
//   W'[oc] = W[oc] * s[oc],  B'[oc] = (B[oc] - mean[oc]) * s[oc] + beta[oc],  s = scale / sqrt(var + epsilon)
// (computed in double, stored float32) that writes the BatchNormalization's output. The new constants get fresh
// names (the old ones may be shared with other nodes, so they are left in place: remove_dead_nodes forgets the
// ones nothing reads any more). Returns the number of folded pairs.
std::size_t fold_batch_norm(Graph& graph);

}  // namespace qwasm::graph
