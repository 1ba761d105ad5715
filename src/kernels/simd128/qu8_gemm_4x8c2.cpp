#include "kernels/simd128/qu8_gemm_4x8c2.h"

#include <cstring>

namespace qwasm {

void qu8_gemm_4x8c2_pack_weights(std::size_t n, std::size_t k, const int8_t* w, const int32_t* zero_point,
                                 int16_t* packed) {
  const std::size_t kc = qu8_gemm_c2_round_k(k);
  std::memset(packed, 0, qu8_gemm_4x8c2_packed_size(n, k) * sizeof(int16_t));
  for (std::size_t col = 0; col < n; ++col) {
    int16_t* block = packed + (col / kQu8GemmC2Nr) * kQu8GemmC2Nr * kc;
    const std::size_t j = col % kQu8GemmC2Nr;
    for (std::size_t kk = 0; kk < k; ++kk) {
      block[(kk / 2) * 2 * kQu8GemmC2Nr + 2 * j + kk % 2] = static_cast<int16_t>(w[col * k + kk] - zero_point[col]);
    }
  }
}

void qu8_gemm_4x8c2_pack_epilogue(std::size_t n, const int32_t* bias, const float* scale, int32_t* bias_padded,
                                  float* scale_padded) {
  for (std::size_t j = 0; j < qu8_gemm_c2_round_n(n); ++j) {
    bias_padded[j] = j < n ? bias[j] : 0;
    scale_padded[j] = j < n ? scale[j] : 0.0f;
  }
}

namespace {

// Requantizes two rows of 8 accumulators and stores their first `count` columns.
inline void store_two_rows(v128_t r0_lo, v128_t r0_hi, v128_t r1_lo, v128_t r1_hi, v128_t scale_lo, v128_t scale_hi,
                           const Qu8Requantization& rq, uint8_t* c0, uint8_t* c1, bool has_row1, std::size_t count) {
  const v128_t row0 = wasm_i16x8_narrow_i32x4(qu8_requantize_i32x4(r0_lo, scale_lo, rq),
                                              qu8_requantize_i32x4(r0_hi, scale_hi, rq));
  const v128_t row1 = has_row1 ? wasm_i16x8_narrow_i32x4(qu8_requantize_i32x4(r1_lo, scale_lo, rq),
                                                         qu8_requantize_i32x4(r1_hi, scale_hi, rq))
                               : row0;
  const v128_t bytes = wasm_u8x16_narrow_i16x8(row0, row1);  // row 0 in bytes 0-7, row 1 in 8-15
  if (count >= kQu8GemmC2Nr) {
    wasm_v128_store64_lane(c0, bytes, 0);
    if (has_row1) wasm_v128_store64_lane(c1, bytes, 1);
  } else {
    uint8_t tmp[16];
    wasm_v128_store(tmp, bytes);
    std::memcpy(c0, tmp, count);
    if (has_row1) std::memcpy(c1, tmp + 8, count);
  }
}

// MR rows (1..4) known at compile time so a short last tile does no wasted dot products.
template <int MR>
void gemm_c2_rows(std::size_t nc, std::size_t kc, const int16_t* a, std::size_t a_stride, const int16_t* packed_w,
                  const int32_t* bias, const float* scale, const Qu8Requantization& rq_in, uint8_t* c,
                  std::size_t c_stride) {
  const Qu8Requantization rq = rq_in;  // a local copy: C could alias it as far as the compiler knows
  const int16_t* a0 = a;
  const int16_t* a1 = MR > 1 ? a + a_stride : a;
  const int16_t* a2 = MR > 2 ? a + 2 * a_stride : a;
  const int16_t* a3 = MR > 3 ? a + 3 * a_stride : a;
  const int16_t* w = packed_w;
  for (std::size_t n = 0; n < nc; n += kQu8GemmC2Nr) {
    // Accumulators start at the bias: nothing is added after the k loop.
    const v128_t bias_lo = wasm_v128_load(bias + n), bias_hi = wasm_v128_load(bias + n + 4);
    v128_t acc0_lo = bias_lo, acc0_hi = bias_hi, acc1_lo = bias_lo, acc1_hi = bias_hi;
    v128_t acc2_lo = bias_lo, acc2_hi = bias_hi, acc3_lo = bias_lo, acc3_hi = bias_hi;
    for (std::size_t k = 0; k < kc; k += 2) {
      const v128_t w_lo = wasm_v128_load(w);      // columns 0-3, k pair
      const v128_t w_hi = wasm_v128_load(w + 8);  // columns 4-7
      w += 16;
      const v128_t x0 = wasm_v128_load32_splat(a0 + k);
      acc0_lo = wasm_i32x4_add(acc0_lo, wasm_i32x4_dot_i16x8(x0, w_lo));
      acc0_hi = wasm_i32x4_add(acc0_hi, wasm_i32x4_dot_i16x8(x0, w_hi));
      if (MR > 1) {
        const v128_t x1 = wasm_v128_load32_splat(a1 + k);
        acc1_lo = wasm_i32x4_add(acc1_lo, wasm_i32x4_dot_i16x8(x1, w_lo));
        acc1_hi = wasm_i32x4_add(acc1_hi, wasm_i32x4_dot_i16x8(x1, w_hi));
      }
      if (MR > 2) {
        const v128_t x2 = wasm_v128_load32_splat(a2 + k);
        acc2_lo = wasm_i32x4_add(acc2_lo, wasm_i32x4_dot_i16x8(x2, w_lo));
        acc2_hi = wasm_i32x4_add(acc2_hi, wasm_i32x4_dot_i16x8(x2, w_hi));
      }
      if (MR > 3) {
        const v128_t x3 = wasm_v128_load32_splat(a3 + k);
        acc3_lo = wasm_i32x4_add(acc3_lo, wasm_i32x4_dot_i16x8(x3, w_lo));
        acc3_hi = wasm_i32x4_add(acc3_hi, wasm_i32x4_dot_i16x8(x3, w_hi));
      }
    }
    const v128_t scale_lo = wasm_v128_load(scale + n), scale_hi = wasm_v128_load(scale + n + 4);
    const std::size_t count = nc - n;
    uint8_t* c_n = c + n;
    store_two_rows(acc0_lo, acc0_hi, acc1_lo, acc1_hi, scale_lo, scale_hi, rq, c_n, c_n + c_stride, MR > 1, count);
    if (MR > 2) {
      store_two_rows(acc2_lo, acc2_hi, acc3_lo, acc3_hi, scale_lo, scale_hi, rq, c_n + 2 * c_stride,
                     c_n + 3 * c_stride, MR > 3, count);
    }
  }
}

}  // namespace

void qu8_gemm_4x8c2(std::size_t m, std::size_t nc, std::size_t kc, const int16_t* a, std::size_t a_stride,
                    const int16_t* packed_w, const int32_t* bias, const float* scale, const Qu8Requantization& rq,
                    uint8_t* c, std::size_t c_stride) {
  // Whole tiles first (a parallel task passes all its rows in one call), then a short last tile.
  for (; m >= 4; m -= 4, a += 4 * a_stride, c += 4 * c_stride) {
    gemm_c2_rows<4>(nc, kc, a, a_stride, packed_w, bias, scale, rq, c, c_stride);
  }
  switch (m) {
    case 3: gemm_c2_rows<3>(nc, kc, a, a_stride, packed_w, bias, scale, rq, c, c_stride); break;
    case 2: gemm_c2_rows<2>(nc, kc, a, a_stride, packed_w, bias, scale, rq, c, c_stride); break;
    case 1: gemm_c2_rows<1>(nc, kc, a, a_stride, packed_w, bias, scale, rq, c, c_stride); break;
    default: break;
  }
}

}  // namespace qwasm
