#include "kernels/simd128/qu8_gemm_4x2c8.h"

#include <cstring>

namespace qwasm {

void qu8_gemm_4x2c8_pack_weights(std::size_t n, std::size_t k, const int8_t* w, const int32_t* zero_point,
                                 int16_t* packed) {
  const std::size_t kc = qu8_gemm_round_k(k);
  const std::size_t pairs = (n + kQu8GemmNr - 1) / kQu8GemmNr;
  std::memset(packed, 0, qu8_gemm_4x2c8_packed_size(n, k) * sizeof(int16_t));
  for (std::size_t p = 0; p < pairs; ++p) {
    int16_t* pair = packed + p * kQu8GemmNr * kc;
    for (std::size_t j = 0; j < kQu8GemmNr; ++j) {
      const std::size_t col = p * kQu8GemmNr + j;
      if (col >= n) break;
      for (std::size_t kk = 0; kk < k; ++kk) {
        const std::size_t block = kk / kQu8GemmKr;
        pair[(block * kQu8GemmNr + j) * kQu8GemmKr + kk % kQu8GemmKr] =
            static_cast<int16_t>(w[col * k + kk] - zero_point[col]);
      }
    }
  }
}

void qu8_gemm_4x2c8_pack_epilogue(std::size_t n, const int32_t* bias, const float* scale, int32_t* bias_pairs,
                                  float* scale_pairs) {
  for (std::size_t j = 0; j < (n + 1) / 2; ++j) {
    const std::size_t c0 = 2 * j, c1 = 2 * j + 1;
    const int32_t b1 = c1 < n ? bias[c1] : 0;
    const float s1 = c1 < n ? scale[c1] : 0.0f;
    for (std::size_t r = 0; r < 2; ++r) {
      bias_pairs[4 * j + 2 * r] = bias[c0], bias_pairs[4 * j + 2 * r + 1] = b1;
      scale_pairs[4 * j + 2 * r] = scale[c0], scale_pairs[4 * j + 2 * r + 1] = s1;
    }
  }
}

namespace {

// [sum(a), sum(b), sum(c), sum(d)] of four i32x4 vectors.
inline v128_t reduce4(v128_t a, v128_t b, v128_t c, v128_t d) {
  const v128_t ab = wasm_i32x4_add(wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), wasm_i32x4_shuffle(a, b, 2, 6, 3, 7));
  const v128_t cd = wasm_i32x4_add(wasm_i32x4_shuffle(c, d, 0, 4, 1, 5), wasm_i32x4_shuffle(c, d, 2, 6, 3, 7));
  return wasm_i32x4_add(wasm_i32x4_shuffle(ab, cd, 0, 1, 4, 5), wasm_i32x4_shuffle(ab, cd, 2, 3, 6, 7));
}

// MR rows (1..4) known at compile time so a short last tile does no wasted dot products.
template <int MR>
void gemm_rows(std::size_t nc, std::size_t kc, const int16_t* a, std::size_t a_stride, const int16_t* packed_w,
               const int32_t* bias_pairs, const float* scale_pairs, const Qu8Requantization& rq_in, uint8_t* c,
               std::size_t c_stride) {
  const Qu8Requantization rq = rq_in;  // a local copy: C could alias it as far as the compiler knows
  const int16_t* a0 = a;
  const int16_t* a1 = MR > 1 ? a + a_stride : a;
  const int16_t* a2 = MR > 2 ? a + 2 * a_stride : a;
  const int16_t* a3 = MR > 3 ? a + 3 * a_stride : a;
  const int16_t* w = packed_w;
  for (std::size_t n = 0; n < nc; n += 2) {
    v128_t acc00 = wasm_i32x4_splat(0), acc01 = wasm_i32x4_splat(0);
    v128_t acc10 = acc00, acc11 = acc00, acc20 = acc00, acc21 = acc00, acc30 = acc00, acc31 = acc00;
    for (std::size_t k = 0; k < kc; k += 8) {
      const v128_t b0 = wasm_v128_load(w);
      const v128_t b1 = wasm_v128_load(w + 8);
      w += 16;
      const v128_t va0 = wasm_v128_load(a0 + k);
      acc00 = wasm_i32x4_add(acc00, wasm_i32x4_dot_i16x8(va0, b0));
      acc01 = wasm_i32x4_add(acc01, wasm_i32x4_dot_i16x8(va0, b1));
      if (MR > 1) {
        const v128_t va1 = wasm_v128_load(a1 + k);
        acc10 = wasm_i32x4_add(acc10, wasm_i32x4_dot_i16x8(va1, b0));
        acc11 = wasm_i32x4_add(acc11, wasm_i32x4_dot_i16x8(va1, b1));
      }
      if (MR > 2) {
        const v128_t va2 = wasm_v128_load(a2 + k);
        acc20 = wasm_i32x4_add(acc20, wasm_i32x4_dot_i16x8(va2, b0));
        acc21 = wasm_i32x4_add(acc21, wasm_i32x4_dot_i16x8(va2, b1));
      }
      if (MR > 3) {
        const v128_t va3 = wasm_v128_load(a3 + k);
        acc30 = wasm_i32x4_add(acc30, wasm_i32x4_dot_i16x8(va3, b0));
        acc31 = wasm_i32x4_add(acc31, wasm_i32x4_dot_i16x8(va3, b1));
      }
    }
    const v128_t vbias = wasm_v128_load(bias_pairs + 2 * n);
    const v128_t vscale = wasm_v128_load(scale_pairs + 2 * n);
    // Rows 0-1 and 2-3 as [r c0, r c1, r+1 c0, r+1 c1].
    const v128_t top = qu8_requantize_i32x4(wasm_i32x4_add(reduce4(acc00, acc01, acc10, acc11), vbias), vscale, rq);
    v128_t bottom = top;
    if (MR > 2) {
      bottom = qu8_requantize_i32x4(wasm_i32x4_add(reduce4(acc20, acc21, acc30, acc31), vbias), vscale, rq);
    }
    // Bytes [r0c0 r0c1 r1c0 r1c1 r2c0 r2c1 r3c0 r3c1]: 16-bit lane r is row r's pair.
    const v128_t bytes = qu8_pack_i32x4x2(top, bottom);
    uint8_t* c_n = c + n;
    if (n + 1 < nc) {
      wasm_v128_store16_lane(c_n, bytes, 0);
      if (MR > 1) wasm_v128_store16_lane(c_n + c_stride, bytes, 1);
      if (MR > 2) wasm_v128_store16_lane(c_n + 2 * c_stride, bytes, 2);
      if (MR > 3) wasm_v128_store16_lane(c_n + 3 * c_stride, bytes, 3);
    } else {
      wasm_v128_store8_lane(c_n, bytes, 0);
      if (MR > 1) wasm_v128_store8_lane(c_n + c_stride, bytes, 2);
      if (MR > 2) wasm_v128_store8_lane(c_n + 2 * c_stride, bytes, 4);
      if (MR > 3) wasm_v128_store8_lane(c_n + 3 * c_stride, bytes, 6);
    }
  }
}

}  // namespace

void qu8_gemm_4x2c8(std::size_t m, std::size_t nc, std::size_t kc, const int16_t* a, std::size_t a_stride,
                    const int16_t* packed_w, const int32_t* bias_pairs, const float* scale_pairs,
                    const Qu8Requantization& rq, uint8_t* c, std::size_t c_stride) {
  // Whole tiles first (a parallel task passes all its rows in one call), then a short last tile.
  for (; m >= 4; m -= 4, a += 4 * a_stride, c += 4 * c_stride) {
    gemm_rows<4>(nc, kc, a, a_stride, packed_w, bias_pairs, scale_pairs, rq, c, c_stride);
  }
  switch (m) {
    case 3: gemm_rows<3>(nc, kc, a, a_stride, packed_w, bias_pairs, scale_pairs, rq, c, c_stride); break;
    case 2: gemm_rows<2>(nc, kc, a, a_stride, packed_w, bias_pairs, scale_pairs, rq, c, c_stride); break;
    case 1: gemm_rows<1>(nc, kc, a, a_stride, packed_w, bias_pairs, scale_pairs, rq, c, c_stride); break;
    default: break;
  }
}

}  // namespace qwasm
