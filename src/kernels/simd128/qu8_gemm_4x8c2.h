// qu8_gemm_4x8c2: a broadcast-A int8 GEMM microkernel for convolutions / linear layers of small depth K.
//   C[m][n] = requantize(bias[n] + sum_k A[m][k] * B[n][k], scale[n])
// Same operands as qu8_gemm_4x2c8 (A: the int16 (x - x_zp) panel of qu8_im2col, B: int16 (w - w_zp[n])), but a
// different inner product shape. Per 2-deep k step, a pair (A[m][k], A[m][k+1]) is broadcast to all lanes
// (v128.load32_splat) and i32x4.dot_i16x8 multiplies it with packed B vectors holding [B[j][k] B[j][k+1]] for 4
// columns j: each i32 lane accumulates one output column directly. A tile of 4 rows x 8 columns keeps 8
// accumulators, loads 4 A pairs + 2 B vectors and issues 8 dots per k step.
//
// Why a second kernel: 4x2c8's accumulators hold four partial sums each, so every tile of 8 outputs ends with a
// horizontal reduction (12 shuffles + 6 adds). With K <= ~64 that epilogue is a large share of the work (K = 24:
// three 8-deep steps per tile). Here the accumulators already are the outputs and start at the bias, so the
// epilogue is only requantization and one 8-byte store per row. For large K the c8 kernel stays faster
// (TOOLCHAIN.md §9: 35 vs 29 GMAC/s), so Conv2dOperator chooses by K.
//
// K is padded to a multiple of 2 only (qu8_gemm_c2_round_k): K = 24 does no wasted multiply.
// Overflow: as qu8_gemm_4x2c8.h (exact in int32 for K <= 33025, wraps modulo 2^32 like the reference beyond).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/simd128/qu8_requantize.h"

namespace qwasm {

constexpr std::size_t kQu8GemmC2Mr = 4;  // rows per tile
constexpr std::size_t kQu8GemmC2Nr = 8;  // columns per tile
constexpr std::size_t kQu8GemmC2Kr = 2;  // k step (one broadcast int16 pair)

inline std::size_t qu8_gemm_c2_round_k(std::size_t k) { return (k + kQu8GemmC2Kr - 1) / kQu8GemmC2Kr * kQu8GemmC2Kr; }
inline std::size_t qu8_gemm_c2_round_n(std::size_t n) { return (n + kQu8GemmC2Nr - 1) / kQu8GemmC2Nr * kQu8GemmC2Nr; }

// Number of int16 values qu8_gemm_4x8c2_pack_weights writes for n columns of depth k.
inline std::size_t qu8_gemm_4x8c2_packed_size(std::size_t n, std::size_t k) {
  return qu8_gemm_c2_round_n(n) * qu8_gemm_c2_round_k(k);
}

// Packs w[n][k] (int8, row stride k) as (w - zero_point[n]) int16: for each block of 8 columns, for each k pair
// (k, k+1), 16 values [B[j][k] B[j][k+1]] for j = 0..7 of the block (two vectors: columns 0-3, 4-7). Column
// block b starts at b * 8 * kc. Padding columns and an odd k tail are 0.
void qu8_gemm_4x8c2_pack_weights(std::size_t n, std::size_t k, const int8_t* w, const int32_t* zero_point,
                                 int16_t* packed);

// bias[n] / scale[n] padded with zeros to a multiple of 8 columns (the kernel loads them 4 at a time).
inline std::size_t qu8_gemm_4x8c2_epilogue_size(std::size_t n) { return qu8_gemm_c2_round_n(n); }
void qu8_gemm_4x8c2_pack_epilogue(std::size_t n, const int32_t* bias, const float* scale, int32_t* bias_padded,
                                  float* scale_padded);

// Computes rows [0, m) (in tiles of 4) and columns [0, nc) of C. kc is the padded depth (multiple of 2) of the A rows
// (stride a_stride int16 values) and of the packed weights. Row r of C starts at c + r * c_stride.
void qu8_gemm_4x8c2(std::size_t m, std::size_t nc, std::size_t kc, const int16_t* a, std::size_t a_stride,
                    const int16_t* packed_w, const int32_t* bias, const float* scale, const Qu8Requantization& rq,
                    uint8_t* c, std::size_t c_stride);

}  // namespace qwasm
