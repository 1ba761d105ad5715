// QOperator -> QDQ expansion. onnxruntime's QOperator ops (QLinearConv, QLinearMatMul, and the com.microsoft
// QGemm, QLinearAdd, QLinearMul, QLinearConcat, QLinearAveragePool, QLinearGlobalAveragePool, QLinearSigmoid,
// QLinearLeakyRelu) are rewritten as DequantizeLinear -> float op -> QuantizeLinear, which lower_qdq then turns
// into the same int8 nodes a QDQ model gets. One set of int8 patterns serves both forms, and a QOperator node the
// int8 kernels cannot take (e.g. a 3-D QLinearMatMul) still runs, in float with ONNX semantics.
// uint8 weights (onnxruntime's U8U8 mode) are shifted to int8 (w - 128, zero point - 128: the same products).
#pragma once

#include <cstddef>

#include "graph/ir.h"

namespace qwasm::runtime {

// Returns the number of nodes expanded. Throws qwasm::Error naming the node for a malformed QOperator node.
std::size_t expand_qoperator(graph::Model& model);

// MaxPool reading uint8 codes (QOperator models pool uint8 directly) -> qwasm.QMaxPool. Run after lower_qdq.
std::size_t lower_uint8_max_pool(graph::Model& model);

}  // namespace qwasm::runtime
