// The 256-entry tables of qwasm.QLookup nodes: for each input code, the output code PyTorch computes.
#pragma once

#include <array>
#include <cstdint>

#include "graph/ir.h"
#include "kernels/reference/qu8_params.h"

namespace qwasm::runtime {

using CodeTable = std::array<uint8_t, 256>;

// quantize(dequantize(i)) from x's qparams to y's (torch.cat's and QLinear ops' requantization).
CodeTable requantize_table(const Qu8Params& x, const Qu8Params& y);

// The table for pointwise float op `node` (its input 0 being the dequantized x, other inputs constants of
// `model`) quantized to y, with PyTorch's formula where PyTorch has a quantized kernel for the op (hardswish,
// sigmoid with scale 1/256 zero point 0, relu / clip keeping x's qparams, leaky_relu, add_scalar, mul_scalar), or
// else the float op evaluated on the 256 dequantized codes by its float step. Sets `function` to a short
// description for describe(). Throws qwasm::Error when the op cannot be evaluated.
CodeTable pointwise_table(const graph::Model& model, const graph::Node& node, const Qu8Params& x,
                          const Qu8Params& y, std::string& function);

}  // namespace qwasm::runtime
