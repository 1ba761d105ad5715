// Activation fusion on the graph IR: Conv / Gemm followed by Relu or Clip becomes one qwasm-domain node.
#pragma once

#include <cstddef>

#include "graph/ir.h"

namespace qwasm::graph {

// Rewrites every float Conv / Gemm (default domain) whose single output is read only by one Relu, or by one Clip
// whose bounds are known (attributes min / max before opset 11; constant inputs from 11; an absent bound is
// -inf / +inf), and is not a graph output, into one node:
//   op_type "FusedConv" / "FusedGemm", domain "qwasm", the Conv / Gemm's inputs and attributes plus
//   activation = "Relu" | "Clip" and, for Clip, activation_params = [min, max],
// writing the activation's output (so the fused output is the post-activation tensor). The node keeps the Conv /
// Gemm's name. A Conv / Gemm reading a DequantizeLinear output (a QDQ model) is left alone. Returns the number of fusions. The caller's model must import the "qwasm" domain for the planner
// to find these nodes' opset (make_float_step does not look at it).
std::size_t fuse_activations(Graph& graph);

}  // namespace qwasm::graph
