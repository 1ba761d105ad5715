// f32 elementwise kernels: activations (ONNX definitions), per-channel affine (BatchNormalization in inference
// mode), softmax, and numpy-broadcasting binary arithmetic for any element type (float32, int64, int32: ONNX
// shape arithmetic runs on int64).
#pragma once

#include <cstdint>
#include <vector>

#include "core/shape.h"

namespace qwasm {

enum class F32Unary { Relu, Clip, Sigmoid, HardSigmoid, HardSwish, LeakyRelu, Tanh };

struct F32UnaryOp {
  F32Unary kind = F32Unary::Relu;
  float alpha = 0.0f;  // LeakyRelu slope; HardSigmoid alpha; Clip min
  float beta = 0.0f;   // HardSigmoid beta; Clip max
};

float unary_f32_value(const F32UnaryOp& op, float x);  // the specification of one element
void unary_f32(const F32UnaryOp& op, int64_t n, const float* x, float* y);  // y may equal x

// y[n][c][i] = x[n][c][i] * scale[c] + shift[c]
void channel_affine_f32(int64_t batch, int64_t channels, int64_t inner, const float* x, const float* scale,
                        const float* shift, float* y);

// Softmax over the middle axis of [outer][axis][inner]: exp(x - max) / sum.
void softmax_f32(int64_t outer, int64_t axis, int64_t inner, const float* x, float* y);

// Numpy broadcasting: per output dim, the element stride of each input (0 where the input's dim is 1 or absent).
struct BroadcastStrides {
  Shape out;
  std::vector<int64_t> a, b;
};
// Throws qwasm::Error naming `op` when the shapes do not broadcast.
BroadcastStrides broadcast_strides(const Shape& a, const Shape& b, const char* op);

// z = f(x, y) over the broadcast shape; the innermost dimension is a plain loop.
template <class T, class F>
void broadcast_binary(const BroadcastStrides& s, const T* x, const T* y, T* z, F f) {
  const std::size_t rank = s.out.size();
  int64_t total = 1;
  for (int64_t d : s.out) total *= d;
  if (total == 0) return;
  if (rank == 0) {
    z[0] = f(x[0], y[0]);
    return;
  }
  const int64_t inner = s.out[rank - 1], sa = s.a[rank - 1], sb = s.b[rank - 1];
  std::vector<int64_t> index(rank, 0);
  int64_t oa = 0, ob = 0;
  for (int64_t row = 0; row < total / inner; ++row) {
    const T* xa = x + oa;
    const T* yb = y + ob;
    T* out = z + row * inner;
    for (int64_t i = 0; i < inner; ++i) out[i] = f(xa[i * sa], yb[i * sb]);
    // Odometer over the outer dims.
    for (std::size_t d = rank - 1; d-- > 0;) {
      oa += s.a[d];
      ob += s.b[d];
      if (++index[d] < s.out[d]) break;
      oa -= s.a[d] * s.out[d];
      ob -= s.b[d] * s.out[d];
      index[d] = 0;
    }
  }
}

// Permutes a row-major tensor of `element_size`-byte elements: y's dim i is x's dim perm[i].
void transpose_bytes(const Shape& in, std::size_t element_size, const std::vector<int64_t>& perm, const void* x,
                     void* y);

}  // namespace qwasm
