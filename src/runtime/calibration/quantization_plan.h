// Where observers go and what runs in int8, decided on the float graph (after constant folding and Conv+BN
// folding) with PyTorch eager mode's rules for the equivalent fused model:
//   observed:  model inputs (QuantStub), conv / linear outputs (after a fused Relu), add / mul (after a fused
//              Relu: add_relu) and concat outputs, hardswish outputs, and any float tensor entering an int8 op;
//   inherited: max / avg / global-avg pooling, Relu and Clip (relu6, hardtanh), Flatten / Reshape / Transpose /
//              Squeeze / Unsqueeze / Identity / Pad keep their input's qparams;
//   fixed:     sigmoid (scale 1/256, zero point 0);
//   derived:   add / mul by a scalar constant (PyTorch's add_scalar / mul_scalar pick the qparams);
//   float:     everything else, and skipped nodes.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "graph/ir.h"
#include "runtime/calibration/qconfig.h"

namespace qwasm::runtime {

enum class TensorQuantization { observed, inherited, fixed, derived };
const char* tensor_quantization_name(TensorQuantization q);

struct QuantizedTensorPlan {
  TensorQuantization how = TensorQuantization::observed;
  std::string source;  // inherited / derived: the tensor whose qparams this one starts from
  std::string op;      // the op producing it ("input" for a model input), for the report
};

struct QuantizationPlan {
  std::map<std::string, QuantizedTensorPlan> tensors;  // every tensor that is quantized
  std::vector<std::string> observed;                   // the observed ones, in topological order
  std::set<std::size_t> int8_nodes;                    // nodes computed in int8
  std::map<std::size_t, std::size_t> fused_relu;       // op node -> the Relu node fused into it
  std::set<std::size_t> absorbed;                      // nodes that are part of another (fused Relu, hardswish parts)
  std::map<std::size_t, std::size_t> hardswish;        // Mul node of Mul(x, HardSigmoid(x)) -> HardSigmoid node
};

QuantizationPlan plan_quantization(const graph::Graph& graph, const QConfig& config);

}  // namespace qwasm::runtime
