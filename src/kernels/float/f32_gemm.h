// f32 GEMM: C[m][n] = clamp(sum_k A[m][k] * B[k][n] + row_bias[m] + col_bias[n], min, max).
//
// The reference is the triple loop. The fast path is a SIMD128 broadcast-A microkernel (4 rows x 8 columns, 8
// f32x4 accumulators; TOOLCHAIN.md section 9 measured this tile family at ~25-27 GMAC/s in Node) reading B from a
// packed panel: for each block of 8 columns, K rows of 8 floats (zero padded past n). Both sum over k in
// increasing order with separate multiply and add (-ffp-contract=off, no FMA) and add the biases after the sum,
// so in practice they agree bit for bit; tests still compare with a tolerance (see test_float_kernels.cpp).
// Deterministic for any thread count: every output element is computed by one tile, always the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace qwasm {

constexpr std::size_t kF32GemmMr = 4;  // rows per tile
constexpr std::size_t kF32GemmNr = 8;  // columns per tile (two f32x4)

// What is done to each output after the sum: biases (nullable; row_bias indexed by m, col_bias by n) and a clamp
// (a fused Relu is [0, inf], Relu6 / Clip [min, max]).
struct F32GemmEpilogue {
  const float* row_bias = nullptr;
  const float* col_bias = nullptr;
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();
};

inline std::size_t f32_gemm_round_n(std::size_t n) { return (n + kF32GemmNr - 1) / kF32GemmNr * kF32GemmNr; }
inline std::size_t f32_gemm_packed_b_size(std::size_t k, std::size_t n) { return f32_gemm_round_n(n) * k; }

// Packs B, element (kk, j) at b[kk * row_stride + j * col_stride] (a row-major [K][N] matrix: row_stride N,
// col_stride 1; its transpose stored [N][K]: row_stride 1, col_stride K). Block j0/8 starts at (j0/8) * 8 * k.
void f32_gemm_pack_b(std::size_t k, std::size_t n, const float* b, std::ptrdiff_t row_stride,
                     std::ptrdiff_t col_stride, float* packed);

// Rows [0, mr) (mr <= 4) x columns [0, nc) (nc <= 8) of C from one packed 8-column block of B and A's element
// (r, kk) at a[r * a_row_stride + kk * a_k_stride]: a row-major A has strides (lda, 1); a tile of
// f32_gemm_pack_a has (1, 4), so the 4 values of one k step are adjacent. The epilogue's pointers are already
// offset to this tile (row_bias[0] is row 0 of the tile). mr = 1 runs a one-row variant (GEMV shapes).
void f32_gemm_4x8(std::size_t mr, std::size_t nc, std::size_t k, const float* a, std::size_t a_row_stride,
                  std::size_t a_k_stride, const float* packed_b, float* c, std::size_t ldc,
                  const F32GemmEpilogue& epilogue);

// Packs A [M][K] (row stride lda) as tiles of 4 rows, k-major: tile t at t * 4 * k, element (r, kk) at kk * 4 + r;
// rows past m are 0. For constant weights used as A (convolutions: output channels are GEMM rows).
inline std::size_t f32_gemm_round_m(std::size_t m) { return (m + kF32GemmMr - 1) / kF32GemmMr * kF32GemmMr; }
inline std::size_t f32_gemm_packed_a_size(std::size_t m, std::size_t k) { return f32_gemm_round_m(m) * k; }
void f32_gemm_pack_a(std::size_t m, std::size_t k, const float* a, std::size_t lda, float* packed);

// The whole product with the microkernel, tiles spread over the thread pool.
void f32_gemm(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda, const float* packed_b,
              float* c, std::size_t ldc, const F32GemmEpilogue& epilogue);

// The specification: B row-major [K][N] with row stride ldb.
void f32_gemm_reference(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                        const float* b, std::size_t ldb, float* c, std::size_t ldc, const F32GemmEpilogue& epilogue);

// Applies the epilogue to one finished sum (shared by the references and scalar tails).
inline float f32_epilogue(float acc, float row_bias, float col_bias, float min, float max) {
  acc = acc + row_bias + col_bias;
  acc = acc < min ? min : acc;
  return acc > max ? max : acc;
}

}  // namespace qwasm
