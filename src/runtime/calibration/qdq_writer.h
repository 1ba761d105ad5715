// Convert: the float graph + the quantization plan + every quantized tensor's qparams -> a QDQ model in the
// form scripts/export_pytorch.py writes (QuantizeLinear at each quantized tensor, DequantizeLinear in front of
// each consumer, int8 weights quantized by the weight observer, int32 biases rounded as PyTorch does). qwasm's
// session lowers it to int8 ops; other runtimes read it as a standard QDQ model.
#pragma once

#include <map>
#include <string>

#include "core/qparams.h"
#include "graph/ir.h"
#include "runtime/calibration/qconfig.h"
#include "runtime/calibration/quantization_plan.h"

namespace qwasm::runtime {

// `activations` holds the qparams of every tensor in plan.tensors (scale and zero point; quint8).
// Quantized tensors are named "<tensor>/quantized", their DequantizeLinear outputs "<tensor>/dequantized".
// `weights` receives the weight qparams chosen for each weighted node's weight tensor (for the report).
graph::Model write_qdq_model(const graph::Model& float_model, const QuantizationPlan& plan,
                             const std::map<std::string, QParams>& activations, const QConfig& config,
                             std::map<std::string, QParams>* weights = nullptr);

}  // namespace qwasm::runtime
