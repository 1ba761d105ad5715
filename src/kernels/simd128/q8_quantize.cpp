#include "kernels/simd128/q8_quantize.h"

#include "core/quantize.h"
#include "kernels/simd128/simd.h"

namespace qwasm {

namespace {

// Four float lanes -> codes as int32 lanes in [lo, hi].
inline v128_t quantize_lanes(v128_t x, v128_t inverse_scale, v128_t zero_point, v128_t lo, v128_t hi) {
  const v128_t shifted = wasm_f32x4_add(zero_point, wasm_f32x4_nearest(wasm_f32x4_mul(x, inverse_scale)));
  // Where x86's conversion gives INT64_MIN (NaN, >= 2^63, < -2^63) the code is the range's minimum.
  const v128_t two63 = wasm_f32x4_splat(9223372036854775808.0f);
  const v128_t indefinite = wasm_v128_or(wasm_f32x4_ne(shifted, shifted),
                                         wasm_v128_or(wasm_f32x4_ge(shifted, two63),
                                                      wasm_f32x4_lt(shifted, wasm_f32x4_neg(two63))));
  // shifted is a whole number: clamping it in float32 then converting equals converting then clamping.
  // pmax(lo, s) is `lo < s ? s : lo`, pmin(hi, s) is `s < hi ? s : hi`.
  const v128_t clamped = wasm_f32x4_pmin(hi, wasm_f32x4_pmax(lo, shifted));
  return wasm_i32x4_trunc_sat_f32x4(wasm_v128_bitselect(lo, clamped, indefinite));
}

template <bool Signed, typename T>
void quantize_q8(const float* x, int64_t n, float scale, int32_t zero_point, T* y) {
  const int64_t qmin = Signed ? -128 : 0, qmax = Signed ? 127 : 255;
  const v128_t inverse_scale = wasm_f32x4_splat(1.0f / scale);
  const v128_t zp = wasm_f32x4_splat(static_cast<float>(zero_point));
  const v128_t lo = wasm_f32x4_splat(static_cast<float>(qmin)), hi = wasm_f32x4_splat(static_cast<float>(qmax));
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const v128_t a = quantize_lanes(wasm_v128_load(x + i), inverse_scale, zp, lo, hi);
    const v128_t b = quantize_lanes(wasm_v128_load(x + i + 4), inverse_scale, zp, lo, hi);
    const v128_t c = quantize_lanes(wasm_v128_load(x + i + 8), inverse_scale, zp, lo, hi);
    const v128_t d = quantize_lanes(wasm_v128_load(x + i + 12), inverse_scale, zp, lo, hi);
    // Every lane is already in the code range: the saturating narrows only repack.
    const v128_t ab = wasm_i16x8_narrow_i32x4(a, b), cd = wasm_i16x8_narrow_i32x4(c, d);
    wasm_v128_store(y + i, Signed ? wasm_i8x16_narrow_i16x8(ab, cd) : wasm_u8x16_narrow_i16x8(ab, cd));
  }
  for (; i < n; ++i) y[i] = static_cast<T>(quantize_value(x[i], scale, zero_point, qmin, qmax));
}

}  // namespace

void q8_quantize_to_u8(const float* x, int64_t n, float scale, int32_t zero_point, uint8_t* y) {
  quantize_q8<false>(x, n, scale, zero_point, y);
}

void q8_quantize_to_s8(const float* x, int64_t n, float scale, int32_t zero_point, int8_t* y) {
  quantize_q8<true>(x, n, scale, zero_point, y);
}

}  // namespace qwasm
