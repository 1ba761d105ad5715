// QDQ -> int8 lowering. QDQ graphs (torch.onnx.export of a converted torch.ao.quantization model, onnxruntime's
// quantizer, scripts/export_pytorch.py) express every int8 op as DequantizeLinear -> float op -> QuantizeLinear.
// This pass finds those patterns and replaces each with one "qwasm"-domain int8 node (quantized_steps.h) that
// computes PyTorch 1.13's integer arithmetic, with the file's own constants (its int32 bias as stored):
//
//   DQ(x), DQ(w), DQ(b) -> Conv [-> Relu | Clip] -> Q     QConv (fused activation as output bounds)
//   DQ(x), DQ(w), DQ(b) -> Gemm | MatMul [-> Relu] -> Q   QLinear (2-D input, constant weights)
//   DQ(a), DQ(b) -> Add | Mul [-> Relu] -> Q               QAdd / QMul
//   DQ(x_i) -> Concat -> Q                                 QConcat
//   DQ(x) -> MaxPool | AveragePool | GlobalAveragePool -> Q   QMaxPool / QAvgPool / QGlobalAvgPool
//   DQ(x) -> pointwise op (Relu, Clip, Sigmoid, HardSwish, HardSigmoid, LeakyRelu, Tanh, Add/Sub/Mul/Div by a
//            scalar constant, Identity) -> Q                QLookup (a 256-entry table)
//   DQ(x) -> Flatten | Reshape | Transpose | Squeeze | Unsqueeze -> Q   the same op on the uint8 codes
//   DQ(x) -> Q                                             QLookup (requantize)
// Also removes torch's `Cast(to=uint8)` after a uint8 QuantizeLinear. Activations must be per-tensor quint8;
// anything that does not match stays as it is and runs in float between its DequantizeLinear and QuantizeLinear
// (ONNX semantics), so every valid QDQ model runs.
#pragma once

#include <cstddef>

#include "graph/ir.h"

namespace qwasm::runtime {

// Returns the number of patterns lowered. Run after constant folding with fold_dequantize = false.
std::size_t lower_qdq(graph::Model& model);

}  // namespace qwasm::runtime
