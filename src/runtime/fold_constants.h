// Constant folding: every node whose inputs are all constants is evaluated once with its own Step and replaced by
// constant tensors (shape arithmetic, Cast, ConstantOfShape, weight transposes, ...). Dequantize/Quantize can be
// kept for the lowering pass, which needs the integer weights behind them.
#pragma once

#include "graph/ir.h"

namespace qwasm::runtime {

struct FoldOptions {
  bool fold_dequantize = true;  // false: leave DequantizeLinear of constants (QDQ lowering reads them)
};

// Returns the number of nodes folded. Throws qwasm::Error naming the node when its evaluation fails.
std::size_t fold_constants(graph::Model& model, const FoldOptions& options = {});

}  // namespace qwasm::runtime
