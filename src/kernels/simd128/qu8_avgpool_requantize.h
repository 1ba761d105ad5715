// Shared by the SIMD128 average-pooling kernels: turn 16 int32 window sums (already minus zp * taps) into 16
// quint8 outputs exactly as avg_pool_output() (kernels/reference/pooling.h) does, for both of PyTorch's roundings:
//   QNNPACK: y = clamp(rne(f32((float)acc * s)) + zp, 0, 255)   (as core/requantize.h's requantize())
//   generic: y = clamp(rne(f32(f32((float)acc * m) + zp)), 0, 255)
// Both are computed as rne(f32(f32(acc * scale) + pre)) clamped to [lo, hi], then + post, with
// (pre, lo, hi, post) = (0, -zp, 255 - zp, zp) or (zp, 0, 255, 0); adding 0.0f changes no value.
// f32x4.convert_i32x4_s rounds to nearest even like the C++ cast, f32x4.mul is one float32 multiply, and
// f32x4.nearest is rne; clamping in float before the (then exact) conversion mirrors requantize().
#pragma once

#include <cstdint>

#include "kernels/simd128/simd.h"

namespace qwasm {
namespace simd128_detail {

struct AvgPoolOutputVectors {
  v128_t pre;         // f32x4 added before rounding
  v128_t lo, hi;      // f32x4 clamp bounds
  v128_t zero_point;  // i16x8 added after rounding
  AvgPoolOutputVectors(int32_t zp, bool generic)
      : pre(wasm_f32x4_splat(generic ? static_cast<float>(zp) : 0.0f)),
        lo(wasm_f32x4_splat(generic ? 0.0f : static_cast<float>(-zp))),
        hi(wasm_f32x4_splat(generic ? 255.0f : static_cast<float>(255 - zp))),
        zero_point(wasm_i16x8_splat(static_cast<int16_t>(generic ? 0 : zp))) {}
};

inline v128_t requantize_i32x4(v128_t acc, v128_t scale, const AvgPoolOutputVectors& o) {
  v128_t f = wasm_f32x4_nearest(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(acc), scale), o.pre));
  // pmax then pmin (one x86 instruction each; f32x4.max/.min take several for their NaN and -0 rules): no NaN
  // can occur (finite acc times finite scale, or +-inf which clamps), and a -0 truncates to 0 either way.
  f = wasm_f32x4_pmin(wasm_f32x4_pmax(f, o.lo), o.hi);
  return wasm_i32x4_trunc_sat_f32x4(f);  // exact: f is an integer in [lo, hi]
}

// Four i32x4 sums (channels 0-3, 4-7, 8-11, 12-15) -> 16 bytes.
inline v128_t requantize_16(v128_t a0, v128_t a1, v128_t a2, v128_t a3, v128_t scale, const AvgPoolOutputVectors& o) {
  const v128_t lo = wasm_i16x8_add(wasm_i16x8_narrow_i32x4(requantize_i32x4(a0, scale, o), requantize_i32x4(a1, scale, o)),
                                   o.zero_point);
  const v128_t hi = wasm_i16x8_add(wasm_i16x8_narrow_i32x4(requantize_i32x4(a2, scale, o), requantize_i32x4(a3, scale, o)),
                                   o.zero_point);
  return wasm_u8x16_narrow_i16x8(lo, hi);  // values are already in 0..255
}

// Adds a u16x8 partial sum pair (low/high 8 channels) into four i32x4 accumulators.
inline void flush_u16(v128_t& s_lo, v128_t& s_hi, v128_t& a0, v128_t& a1, v128_t& a2, v128_t& a3) {
  a0 = wasm_i32x4_add(a0, wasm_u32x4_extend_low_u16x8(s_lo));
  a1 = wasm_i32x4_add(a1, wasm_u32x4_extend_high_u16x8(s_lo));
  a2 = wasm_i32x4_add(a2, wasm_u32x4_extend_low_u16x8(s_hi));
  a3 = wasm_i32x4_add(a3, wasm_u32x4_extend_high_u16x8(s_hi));
  s_lo = wasm_i16x8_splat(0);
  s_hi = wasm_i16x8_splat(0);
}

}  // namespace simd128_detail
}  // namespace qwasm
