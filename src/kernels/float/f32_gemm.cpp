#include "kernels/float/f32_gemm.h"

#include <algorithm>
#include <cstring>

#include "kernels/simd128/simd.h"
#include "runtime/thread_pool.h"

namespace qwasm {

void f32_gemm_pack_b(std::size_t k, std::size_t n, const float* b, std::ptrdiff_t row_stride,
                     std::ptrdiff_t col_stride, float* packed) {
  for (std::size_t j0 = 0; j0 < n; j0 += kF32GemmNr) {
    const std::size_t nc = std::min(kF32GemmNr, n - j0);
    float* dst = packed + j0 * k;
    for (std::size_t kk = 0; kk < k; ++kk, dst += kF32GemmNr) {
      const float* src = b + static_cast<std::ptrdiff_t>(kk) * row_stride + static_cast<std::ptrdiff_t>(j0) * col_stride;
      std::size_t j = 0;
      for (; j < nc; ++j) dst[j] = src[static_cast<std::ptrdiff_t>(j) * col_stride];
      for (; j < kF32GemmNr; ++j) dst[j] = 0.0f;
    }
  }
}

void f32_gemm_pack_a(std::size_t m, std::size_t k, const float* a, std::size_t lda, float* packed) {
  for (std::size_t i0 = 0; i0 < m; i0 += kF32GemmMr) {
    float* dst = packed + i0 * k;
    for (std::size_t kk = 0; kk < k; ++kk)
      for (std::size_t r = 0; r < kF32GemmMr; ++r) dst[kk * kF32GemmMr + r] = i0 + r < m ? a[(i0 + r) * lda + kk] : 0.0f;
  }
}

namespace {

// Writes rows [0, rows) of a finished tile (acc[r][0..1] = columns 0-3, 4-7 of row r) through the epilogue.
void store_tile(const v128_t (*acc)[2], std::size_t rows, std::size_t nc, float* c, std::size_t ldc,
                const F32GemmEpilogue& ep) {
  v128_t col0 = wasm_f32x4_splat(0.0f), col1 = col0;
  if (ep.col_bias) {
    float cb[kF32GemmNr] = {};
    std::memcpy(cb, ep.col_bias, nc * sizeof(float));
    col0 = wasm_v128_load(cb);
    col1 = wasm_v128_load(cb + 4);
  }
  const v128_t lo = wasm_f32x4_splat(ep.min), hi = wasm_f32x4_splat(ep.max);
  for (std::size_t r = 0; r < rows; ++r) {
    const v128_t rb = wasm_f32x4_splat(ep.row_bias ? ep.row_bias[r] : 0.0f);
    float out[kF32GemmNr];
    for (int h = 0; h < 2; ++h) {
      // Same order as f32_epilogue: (acc + row_bias) + col_bias, then max with min, then min with max.
      v128_t v = wasm_f32x4_add(wasm_f32x4_add(acc[r][h], rb), h ? col1 : col0);
      v = wasm_f32x4_pmax(v, lo);  // pmax(v, lo) = v < lo ? lo : v (NaN stays NaN, as in f32_epilogue)
      v = wasm_f32x4_pmin(v, hi);  // pmin(v, hi) = hi < v ? hi : v
      wasm_v128_store(out + 4 * h, v);
    }
    float* dst = c + r * ldc;
    if (nc == kF32GemmNr) {
      std::memcpy(dst, out, sizeof(out));
    } else {
      std::memcpy(dst, out, nc * sizeof(float));
    }
  }
}

// One row (a GEMV-shaped product, e.g. a batch-1 Linear layer): a quarter of the 4-row kernel's multiplies.
void f32_gemm_1x8(std::size_t nc, std::size_t k, const float* a, std::size_t a_k_stride, const float* packed_b,
                  float* c, const F32GemmEpilogue& ep) {
  v128_t acc[1][2] = {{wasm_f32x4_splat(0.0f), wasm_f32x4_splat(0.0f)}};
  const float* pb = packed_b;
  for (std::size_t kk = 0; kk < k; ++kk, pb += kF32GemmNr, a += a_k_stride) {
    const v128_t v = wasm_v128_load32_splat(a);
    acc[0][0] = wasm_f32x4_add(acc[0][0], wasm_f32x4_mul(v, wasm_v128_load(pb)));
    acc[0][1] = wasm_f32x4_add(acc[0][1], wasm_f32x4_mul(v, wasm_v128_load(pb + 4)));
  }
  store_tile(acc, 1, nc, c, 0, ep);
}

}  // namespace

void f32_gemm_4x8(std::size_t mr, std::size_t nc, std::size_t k, const float* a, std::size_t a_row_stride,
                  std::size_t a_k_stride, const float* packed_b, float* c, std::size_t ldc,
                  const F32GemmEpilogue& ep) {
  if (mr == 1) return f32_gemm_1x8(nc, k, a, a_k_stride, packed_b, c, ep);
  // Rows past mr read row 0 again (computed, never stored) so the loop has no branches.
  const float* a0 = a;
  const float* a1 = mr > 1 ? a + a_row_stride : a;
  const float* a2 = mr > 2 ? a + 2 * a_row_stride : a;
  const float* a3 = mr > 3 ? a + 3 * a_row_stride : a;
  v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const float* pb = packed_b;
  for (std::size_t kk = 0; kk < k; ++kk, pb += kF32GemmNr, a0 += a_k_stride, a1 += a_k_stride, a2 += a_k_stride,
                   a3 += a_k_stride) {
    const v128_t b0 = wasm_v128_load(pb);
    const v128_t b1 = wasm_v128_load(pb + 4);
    const v128_t v0 = wasm_v128_load32_splat(a0);
    const v128_t v1 = wasm_v128_load32_splat(a1);
    const v128_t v2 = wasm_v128_load32_splat(a2);
    const v128_t v3 = wasm_v128_load32_splat(a3);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(v0, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(v0, b1));
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(v1, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(v1, b1));
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(v2, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(v2, b1));
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(v3, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(v3, b1));
  }
  const v128_t acc[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
  store_tile(acc, mr, nc, c, ldc, ep);
}

void f32_gemm(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda, const float* packed_b,
              float* c, std::size_t ldc, const F32GemmEpilogue& ep) {
  const std::size_t row_tiles = (m + kF32GemmMr - 1) / kF32GemmMr;
  const std::size_t col_tiles = (n + kF32GemmNr - 1) / kF32GemmNr;
  const int64_t tiles = static_cast<int64_t>(row_tiles * col_tiles);
  // About 64K multiply-adds per task so that small products stay on one thread.
  const int64_t grain = std::max<int64_t>(1, static_cast<int64_t>(65536 / (kF32GemmMr * kF32GemmNr * std::max<std::size_t>(k, 1))));
  parallel_for(tiles, grain, static_cast<int64_t>(kF32GemmMr * kF32GemmNr * std::max<std::size_t>(k, 1)),
               [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      // Column-block-major order: consecutive tiles reuse one packed B block.
      const std::size_t jb = static_cast<std::size_t>(t) / row_tiles, ib = static_cast<std::size_t>(t) % row_tiles;
      const std::size_t i0 = ib * kF32GemmMr, j0 = jb * kF32GemmNr;
      F32GemmEpilogue tile = ep;
      if (tile.row_bias) tile.row_bias += i0;
      if (tile.col_bias) tile.col_bias += j0;
      f32_gemm_4x8(std::min(kF32GemmMr, m - i0), std::min(kF32GemmNr, n - j0), k, a + i0 * lda, lda, 1,
                   packed_b + j0 * k, c + i0 * ldc + j0, ldc, tile);
    }
  });
}

void f32_gemm_reference(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                        const float* b, std::size_t ldb, float* c, std::size_t ldc, const F32GemmEpilogue& ep) {
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      float acc = 0.0f;
      for (std::size_t kk = 0; kk < k; ++kk) acc += a[i * lda + kk] * b[kk * ldb + j];
      c[i * ldc + j] = f32_epilogue(acc, ep.row_bias ? ep.row_bias[i] : 0.0f, ep.col_bias ? ep.col_bias[j] : 0.0f,
                                    ep.min, ep.max);
    }
  }
}

}  // namespace qwasm
