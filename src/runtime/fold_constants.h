// Constant folding: every node whose inputs are all constants is evaluated once with its own Step and replaced by
// constant tensors (shape arithmetic, Cast, ConstantOfShape, weight transposes, ...). Dequantize/Quantize can be
// kept for the lowering pass, which needs the integer weights behind them.
#pragma once

#include <cstdint>

#include "graph/ir.h"

namespace qwasm::runtime {

struct FoldOptions {
  bool fold_dequantize = true;  // false: leave DequantizeLinear of constants (QDQ lowering reads them)
  // Largest constant a folded node may produce (the decoder's maxTensorElements): a Shape/ConstantOfShape/Expand
  // chain in a hostile file must not make qwasm allocate what no initializer could have declared.
  int64_t max_tensor_elements = int64_t{1} << 28;
};

// Returns the number of nodes folded. Throws qwasm::Error naming the node when its evaluation fails.
std::size_t fold_constants(graph::Model& model, const FoldOptions& options = {});

}  // namespace qwasm::runtime
