#include "kernels/float/f32_elementwise.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "runtime/thread_pool.h"

namespace qwasm {

float unary_f32_value(const F32UnaryOp& op, float x) {
  switch (op.kind) {
    case F32Unary::Relu: return x < 0.0f ? 0.0f : x;
    case F32Unary::Clip: {
      const float lo = x < op.alpha ? op.alpha : x;
      return lo > op.beta ? op.beta : lo;
    }
    case F32Unary::Sigmoid: return 1.0f / (1.0f + std::exp(-x));
    case F32Unary::HardSigmoid: return std::max(0.0f, std::min(1.0f, op.alpha * x + op.beta));
    // PyTorch's order, f32(f32(x * min(max(f32(x + 3), 0), 6)) / 6), not ONNX's x * clip(x / 6 + 0.5): the two
    // differ by an ulp on ~30% of inputs, and calibration must see PyTorch's activations (ORT agrees within
    // float tolerance).
    case F32Unary::HardSwish: return x * std::min(std::max(x + 3.0f, 0.0f), 6.0f) / 6.0f;
    case F32Unary::LeakyRelu: return x < 0.0f ? op.alpha * x : x;
    case F32Unary::Tanh: return std::tanh(x);
  }
  return x;
}

void unary_f32(const F32UnaryOp& op, int64_t n, const float* x, float* y) {
  parallel_for(n, 16384, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) y[i] = unary_f32_value(op, x[i]);
  });
}

void channel_affine_f32(int64_t batch, int64_t channels, int64_t inner, const float* x, const float* scale,
                        const float* shift, float* y) {
  parallel_for(batch * channels, std::max<int64_t>(1, 16384 / std::max<int64_t>(inner, 1)),
               [&](int64_t begin, int64_t end) {
                 for (int64_t p = begin; p < end; ++p) {
                   const float s = scale[p % channels], t = shift[p % channels];
                   for (int64_t i = 0; i < inner; ++i) y[p * inner + i] = x[p * inner + i] * s + t;
                 }
               });
}

void softmax_f32(int64_t outer, int64_t axis, int64_t inner, const float* x, float* y) {
  parallel_for(outer * inner, std::max<int64_t>(1, 4096 / std::max<int64_t>(axis, 1)), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t o = r / inner, i = r % inner;
      const float* src = x + o * axis * inner + i;
      float* dst = y + o * axis * inner + i;
      float m = -INFINITY;
      for (int64_t a = 0; a < axis; ++a) m = std::max(m, src[a * inner]);
      float sum = 0.0f;
      for (int64_t a = 0; a < axis; ++a) {
        const float e = std::exp(src[a * inner] - m);
        dst[a * inner] = e;
        sum += e;
      }
      for (int64_t a = 0; a < axis; ++a) dst[a * inner] = dst[a * inner] / sum;
    }
  });
}

BroadcastStrides broadcast_strides(const Shape& a, const Shape& b, const char* op) {
  const std::size_t rank = std::max(a.size(), b.size());
  BroadcastStrides s;
  s.out.assign(rank, 1);
  s.a.assign(rank, 0);
  s.b.assign(rank, 0);
  int64_t stride_a = 1, stride_b = 1;
  for (std::size_t i = 0; i < rank; ++i) {
    const std::size_t d = rank - 1 - i;
    const int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    const int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    check(da == db || da == 1 || db == 1, op, ": shapes ", shape_string(a), " and ", shape_string(b),
          " do not broadcast");
    s.out[d] = da == 1 ? db : da;
    s.a[d] = da == 1 ? 0 : stride_a;
    s.b[d] = db == 1 ? 0 : stride_b;
    stride_a *= da;
    stride_b *= db;
  }
  return s;
}

namespace {

template <class T>
void transpose_typed(const Shape& in, const std::vector<int64_t>& perm, const T* x, T* y) {
  const std::size_t rank = in.size();
  std::vector<int64_t> in_strides(rank, 1);
  for (std::size_t d = rank; d-- > 1;) in_strides[d - 1] = in_strides[d] * in[d];
  Shape out(rank);
  std::vector<int64_t> strides(rank);  // input stride of each output dim
  for (std::size_t d = 0; d < rank; ++d) {
    out[d] = in[static_cast<std::size_t>(perm[d])];
    strides[d] = in_strides[static_cast<std::size_t>(perm[d])];
  }
  const int64_t total = element_count(out);
  if (total == 0) return;
  if (rank == 0) {
    y[0] = x[0];
    return;
  }
  const int64_t inner = out[rank - 1], step = strides[rank - 1];
  std::vector<int64_t> index(rank, 0);
  int64_t offset = 0;
  for (int64_t row = 0; row < total / inner; ++row) {
    T* dst = y + row * inner;
    for (int64_t i = 0; i < inner; ++i) dst[i] = x[offset + i * step];
    for (std::size_t d = rank - 1; d-- > 0;) {
      offset += strides[d];
      if (++index[d] < out[d]) break;
      offset -= strides[d] * out[d];
      index[d] = 0;
    }
  }
}


}  // namespace

void transpose_bytes(const Shape& in, std::size_t element_size, const std::vector<int64_t>& perm, const void* x,
                     void* y) {
  check(perm.size() == in.size(), "Transpose: perm has ", perm.size(), " entries for a rank-", in.size(), " input");
  switch (element_size) {
    case 1: return transpose_typed(in, perm, static_cast<const uint8_t*>(x), static_cast<uint8_t*>(y));
    case 2: return transpose_typed(in, perm, static_cast<const uint16_t*>(x), static_cast<uint16_t*>(y));
    case 4: return transpose_typed(in, perm, static_cast<const uint32_t*>(x), static_cast<uint32_t*>(y));
    case 8: return transpose_typed(in, perm, static_cast<const uint64_t*>(x), static_cast<uint64_t*>(y));
    default: fail("Transpose: unsupported element size ", element_size);
  }
}

}  // namespace qwasm
