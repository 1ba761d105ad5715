// qu8_gemm_4x2c8: the int8 GEMM microkernel behind 1x1/general convolutions and linear layers.
//   C[m][n] = requantize(bias[n] + sum_k A[m][k] * B[n][k], scale[n])
// A is an int16 panel holding (x - x_zp) (written by qu8_im2col), B the packed int16 weights (w - w_zp[n]).
// Both operands are pre-widened and zero-point-free, so the inner loop is only loads, i32x4.dot_i16x8 and
// adds: per 8-deep k step a tile of 4 rows x 2 columns loads 4 A vectors + 2 B vectors and issues 8 dots
// (TOOLCHAIN.md §9 measured this 4x2 "c8" shape as the fastest in Node 20 and Chromium). Each accumulator
// holds four partial sums; they are reduced once per tile.
// Overflow: |A| <= 255 and |B| <= 255, so a dot lane adds two products <= 130050; all partial sums are bounded
// by the total sum of |products|, exact in int32 for K <= 33025; beyond that every add wraps modulo 2^32, as
// the reference's does, so results stay bit-identical to it (see reference/conv2d.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/simd128/qu8_requantize.h"

namespace qwasm {

constexpr std::size_t kQu8GemmMr = 4;  // rows per tile
constexpr std::size_t kQu8GemmNr = 2;  // columns per tile
constexpr std::size_t kQu8GemmKr = 8;  // k step (one v128 of int16)

inline std::size_t qu8_gemm_round_k(std::size_t k) { return (k + kQu8GemmKr - 1) / kQu8GemmKr * kQu8GemmKr; }

// Number of int16 values qu8_gemm_4x2c8_pack_weights writes for n columns of depth k.
inline std::size_t qu8_gemm_4x2c8_packed_size(std::size_t n, std::size_t k) {
  return (n + kQu8GemmNr - 1) / kQu8GemmNr * kQu8GemmNr * qu8_gemm_round_k(k);
}

// Packs w[n][k] (int8, row stride k) as (w - zero_point[n]) int16: for each column pair, kc/8 blocks of
// [8 values of column 2j][8 values of column 2j+1]; padding columns and the k tail are 0.
void qu8_gemm_4x2c8_pack_weights(std::size_t n, std::size_t k, const int8_t* w, const int32_t* zero_point,
                                 int16_t* packed);

// Number of values qu8_gemm_4x2c8_pack_epilogue writes to each of its outputs.
inline std::size_t qu8_gemm_4x2c8_epilogue_size(std::size_t n) { return (n + 1) / 2 * 4; }

// Lays out bias[n] and scale[n] per column pair as [b(2j), b(2j+1), b(2j), b(2j+1)] (likewise the scales) so
// the kernel adds them to a reduced tile (rows r, r+1 x columns 2j, 2j+1) with one vector load each. A missing
// odd last column gets bias 0 and scale 0.
void qu8_gemm_4x2c8_pack_epilogue(std::size_t n, const int32_t* bias, const float* scale, int32_t* bias_pairs,
                                  float* scale_pairs);

// Computes rows [0, m) (in tiles of 4) and columns [0, nc) of C. kc is the padded depth (multiple of 8) of the A
// rows (stride a_stride int16 values) and of the packed weights; bias_pairs / scale_pairs come from
// qu8_gemm_4x2c8_pack_epilogue. Row r of C starts at c + r * c_stride.
void qu8_gemm_4x2c8(std::size_t m, std::size_t nc, std::size_t kc, const int16_t* a, std::size_t a_stride,
                    const int16_t* packed_w, const int32_t* bias_pairs, const float* scale_pairs,
                    const Qu8Requantization& rq, uint8_t* c, std::size_t c_stride);

}  // namespace qwasm
