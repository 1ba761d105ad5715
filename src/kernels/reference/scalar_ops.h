// add_scalar / mul_scalar of a quint8 tensor (PyTorch 1.13 quantized::add_scalar, quantized::mul_scalar). Both
// choose new output qparams from the input's and the scalar (QUANT_SEMANTICS.md "Other ops"); the caller gets
// them back, so a graph can propagate them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/qu8_params.h"

namespace qwasm {

// What add_scalar will do: the integer shift c_q, the output qparams, and whether values must be requantized
// (when the zero point alone cannot absorb c_q).
struct AddScalarPlan {
  int64_t c_q = 0;          // rne(c / s) in double, saturated to int32
  Qu8Params output;         // scale kept in float32, as every qwasm consumer uses it
  double output_scale = 0;  // PyTorch's double-precision q_scale of the result
  bool requantize = false;
  float multiplier = 0;  // f32(s) * f32(1 / f32(s')), used when requantizing
};
AddScalarPlan plan_add_scalar(const Qu8Params& x, double c);
// y = x (+ only the zero point moves), or y = clamp(zp' + rne(f32((float)(x - zp + c_q) * multiplier)), 0, 255).
// relu (add_scalar_relu) clamps below at the output zero point.
void add_scalar_qu8_reference(std::size_t n, const uint8_t* x, const Qu8Params& x_q, uint8_t* y,
                              const AddScalarPlan& plan, bool relu);

struct MulScalarPlan {
  Qu8Params output;
  double output_scale = 0;  // double as PyTorch keeps it
  enum class Kind { Copy, Reflect, Zero } kind = Kind::Copy;
};
// c > 0: integers unchanged, scale c*s. c < 0: q' = 255 - q, zp' = 255 - zp, scale |c|*s. c == 0: all zeros,
// qparams (1.0, 0).
MulScalarPlan plan_mul_scalar(const Qu8Params& x, double c);
void mul_scalar_qu8_reference(std::size_t n, const uint8_t* x, uint8_t* y, const MulScalarPlan& plan);

}  // namespace qwasm
