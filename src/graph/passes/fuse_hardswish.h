// torch.onnx.export (opset 13) writes hardswish as Mul(x, HardSigmoid(x, alpha = 1/6, beta = 0.5)). This pass
// turns the pair back into one HardSwish node, computed with PyTorch's float32 order (f32_elementwise.h) — which
// is what calibration must see to observe PyTorch's activations, and what QDQ lowering maps to PyTorch's int8
// hardswish table.
#pragma once

#include <cstddef>

#include "graph/ir.h"

namespace qwasm::graph {

// Returns the number of pairs fused. The HardSigmoid output must have no other reader and not be a graph output.
std::size_t fuse_hardswish(Graph& graph);

}  // namespace qwasm::graph
