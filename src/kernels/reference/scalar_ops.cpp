#include "kernels/reference/scalar_ops.h"

#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/quantize.h"
#include "core/requantize.h"

namespace qwasm {

AddScalarPlan plan_add_scalar(const Qu8Params& x, double c) {
  validate_qu8(x, "add_scalar", "input");
  check(std::isfinite(c), "add_scalar: the scalar must be finite, got ", c);
  AddScalarPlan plan;
  // PyTorch rounds c / s in double (c a Python float, s the input's scale widened), half to even, and
  // saturates to int32; measured against 1.13 with a scalar whose c / s lies 1e-8 from a half integer
  // (tests/golden/model_runs.qgf, pt_ff_add_scalar_tie), where rne(f32(c * f32(1 / s))) rounds the other way.
  const double shift = std::nearbyint(c / static_cast<double>(x.scale));
  plan.c_q = shift <= std::numeric_limits<int32_t>::min()   ? std::numeric_limits<int32_t>::min()
             : shift >= std::numeric_limits<int32_t>::max() ? std::numeric_limits<int32_t>::max()
                                                            : static_cast<int64_t>(shift);
  const int64_t shifted_zp = int64_t{x.zero_point} - plan.c_q;
  const double qmin = 0, qmax = 255;
  if (shifted_zp >= 0 && shifted_zp <= 255) {
    plan.output_scale = x.scale;
    plan.output.zero_point = static_cast<int32_t>(shifted_zp);
  } else if (shifted_zp < 0) {
    // The new zero point would be negative: pin it at qmin and stretch the scale to keep the top of the range.
    plan.output_scale = (qmax - static_cast<double>(shifted_zp)) / (qmax - qmin) * static_cast<double>(x.scale);
    plan.output.zero_point = 0;
    plan.requantize = true;
  } else {
    plan.output_scale = (static_cast<double>(shifted_zp) - qmin) / (qmax - qmin) * static_cast<double>(x.scale);
    plan.output.zero_point = 255;
    plan.requantize = true;
  }
  plan.output.scale = static_cast<float>(plan.output_scale);
  check(plan.output.scale > 0.0f && std::isfinite(plan.output.scale), "add_scalar: output scale ",
        plan.output_scale, " is not a finite float32 > 0");
  plan.multiplier = x.scale * (1.0f / plan.output.scale);
  return plan;
}

void add_scalar_qu8_reference(std::size_t n, const uint8_t* x, const Qu8Params& x_q, uint8_t* y,
                              const AddScalarPlan& plan, bool relu) {
  const int32_t lo = relu ? plan.output.zero_point : 0;
  if (!plan.requantize) {
    for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<uint8_t>(x[i] < lo ? lo : x[i]);
    return;
  }
  // Requantizing only happens when |c_q| pushed the zero point out of 0..255, so |c_q| < 2^31 - 512 is not
  // guaranteed: saturate x - zp + c_q in int64 before the int32 the arithmetic uses (PyTorch wraps there; such
  // scalars are > 2^23 input steps and meaningless for 8-bit data).
  for (std::size_t i = 0; i < n; ++i) {
    int64_t v = int64_t{x[i]} - x_q.zero_point + plan.c_q;
    if (v > std::numeric_limits<int32_t>::max()) v = std::numeric_limits<int32_t>::max();
    if (v < std::numeric_limits<int32_t>::min()) v = std::numeric_limits<int32_t>::min();
    y[i] = static_cast<uint8_t>(requantize(static_cast<int32_t>(v), plan.multiplier, plan.output.zero_point, lo, 255));
  }
}

MulScalarPlan plan_mul_scalar(const Qu8Params& x, double c) {
  validate_qu8(x, "mul_scalar", "input");
  check(std::isfinite(c), "mul_scalar: the scalar must be finite, got ", c);
  MulScalarPlan plan;
  if (c > 0) {
    plan.kind = MulScalarPlan::Kind::Copy;
    plan.output_scale = c * static_cast<double>(x.scale);
    plan.output.zero_point = x.zero_point;
  } else if (c < 0) {
    // Negating reflects the integer range: q' = qmax + qmin - q, zp' = qmax - (zp - qmin).
    plan.kind = MulScalarPlan::Kind::Reflect;
    plan.output_scale = -c * static_cast<double>(x.scale);
    plan.output.zero_point = 255 - x.zero_point;
  } else {
    plan.kind = MulScalarPlan::Kind::Zero;
    plan.output_scale = 1.0;
    plan.output.zero_point = 0;
  }
  plan.output.scale = static_cast<float>(plan.output_scale);
  check(plan.output.scale > 0.0f && std::isfinite(plan.output.scale), "mul_scalar: output scale ",
        plan.output_scale, " is not a finite float32 > 0");
  return plan;
}

void mul_scalar_qu8_reference(std::size_t n, const uint8_t* x, uint8_t* y, const MulScalarPlan& plan) {
  for (std::size_t i = 0; i < n; ++i) {
    switch (plan.kind) {
      case MulScalarPlan::Kind::Copy: y[i] = x[i]; break;
      case MulScalarPlan::Kind::Reflect: y[i] = static_cast<uint8_t>(255 - x[i]); break;
      case MulScalarPlan::Kind::Zero: y[i] = 0; break;
    }
  }
}

}  // namespace qwasm
