// Gemm (ONNX: Y = alpha * A' B' + beta * C, A' = transA ? A^T : A, B' likewise, C broadcast to [M, N]) and qwasm
// FusedGemm (the same plus a Relu / Clip clamp). A constant B is packed once at create; otherwise each run packs
// it into the step's scratch. With alpha = 1 and C absent or a [N] / [1, N] row with beta = 1 (what Linear
// layers export), C and the clamp are the GEMM epilogue; otherwise they are applied afterwards.
#include <vector>

#include "core/error.h"
#include "kernels/float/f32_elementwise.h"
#include "kernels/float/f32_gemm.h"
#include "runtime/steps/float/factories.h"
#include "runtime/steps/float/step_util.h"

namespace qwasm::runtime::float_steps {
namespace {

class GemmStep : public Step {
 public:
  explicit GemmStep(const StepContext& ctx) {
    alpha_ = ctx.node.attribute_float("alpha", 1.0f);
    beta_ = ctx.node.attribute_float("beta", 1.0f);
    trans_a_ = ctx.node.attribute_int("transA", 0) != 0;
    trans_b_ = ctx.node.attribute_int("transB", 0) != 0;
    read_fused_activation(ctx.node, &min_, &max_);
    if (auto b = ctx.constant_input(1)) {
      check(b->type == ElementType::Float32, "input 1 'B' must be float32, got ", graph::element_type_name(b->type));
      check(b->dims.size() == 2, "Gemm: B must have rank 2, got ", shape_string(b->dims));
      packed_from_ = b->dims;
      pack(reinterpret_cast<const float*>(b->bytes.data()), b->dims, packed_);
    }
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& in) override {
    expect_input_count(in, 2, 3);
    expect_type(in, 0, "A", ElementType::Float32);
    expect_type(in, 1, "B", ElementType::Float32);
    const Shape& a = in[0].shape;
    const Shape& b = in[1].shape;
    check(a.size() == 2, "Gemm: A must have rank 2, got ", shape_string(a));
    check(b.size() == 2, "Gemm: B must have rank 2, got ", shape_string(b));
    m_ = trans_a_ ? a[1] : a[0];
    k_ = trans_a_ ? a[0] : a[1];
    const int64_t kb = trans_b_ ? b[1] : b[0];
    n_ = trans_b_ ? b[0] : b[1];
    check(k_ == kb, "Gemm: A ", shape_string(a), (trans_a_ ? " (transposed)" : ""), " and B ", shape_string(b),
          (trans_b_ ? " (transposed)" : ""), " have different inner dimensions ", k_, " and ", kb);
    check(packed_.empty() || packed_from_ == b, "Gemm: B shape changed from the constant's");
    has_c_ = present(in, 2);
    bias_row_ = false;
    if (has_c_) {
      expect_type(in, 2, "C", ElementType::Float32);
      const Shape& c = in[2].shape;
      check(c.size() <= 2, "Gemm: C must have rank <= 2, got ", shape_string(c));
      c_strides_ = broadcast_strides(c, {m_, n_}, "Gemm (C)");
      check(c_strides_.out == Shape({m_, n_}), "Gemm: C ", shape_string(c), " does not broadcast to [", m_, ", ", n_,
            "]");
      bias_row_ = alpha_ == 1.0f && beta_ == 1.0f && c_strides_.a[0] == 0 && (n_ == 1 || c_strides_.a[1] == 1);
    }
    a_scratch_.resize(trans_a_ ? static_cast<std::size_t>(m_ * k_) : 0);
    if (packed_from_.empty())
      b_scratch_.resize(f32_gemm_packed_b_size(static_cast<std::size_t>(k_), static_cast<std::size_t>(n_)));
    return {logical(ElementType::Float32, {m_, n_})};
  }

  void run(const std::vector<const void*>& in, const std::vector<void*>& out) override {
    const auto* a = static_cast<const float*>(in[0]);
    if (trans_a_) {
      transpose_bytes({k_, m_}, sizeof(float), {1, 0}, a, a_scratch_.data());
      a = a_scratch_.data();
    }
    const float* packed = packed_.data();
    if (packed_from_.empty()) {
      const Shape b_shape = trans_b_ ? Shape{n_, k_} : Shape{k_, n_};
      pack(static_cast<const float*>(in[1]), b_shape, b_scratch_);
      packed = b_scratch_.data();
    }
    auto* y = static_cast<float*>(out[0]);
    const auto* c = has_c_ ? static_cast<const float*>(in[2]) : nullptr;
    const bool fast = alpha_ == 1.0f && (!has_c_ || bias_row_);
    F32GemmEpilogue ep;
    if (fast) {
      ep.col_bias = c;
      ep.min = min_;
      ep.max = max_;
    }
    const auto m = static_cast<std::size_t>(m_), n = static_cast<std::size_t>(n_), k = static_cast<std::size_t>(k_);
    f32_gemm(m, n, k, a, k, packed, y, n, ep);
    if (fast) return;
    for (int64_t i = 0; i < m_; ++i) {
      for (int64_t j = 0; j < n_; ++j) {
        float v = alpha_ * y[i * n_ + j];
        if (c) v += beta_ * c[i * c_strides_.a[0] + j * c_strides_.a[1]];
        y[i * n_ + j] = f32_epilogue(v, 0.0f, 0.0f, min_, max_);
      }
    }
  }

  std::string kernel() const override { return "f32_gemm_4x8_simd128"; }

 private:
  // Packs B (stored as `shape`, transposed when transB) into the GEMM's [K][N] panels.
  void pack(const float* b, const Shape& shape, std::vector<float>& packed) const {
    const auto k = static_cast<std::size_t>(trans_b_ ? shape[1] : shape[0]);
    const auto n = static_cast<std::size_t>(trans_b_ ? shape[0] : shape[1]);
    packed.resize(f32_gemm_packed_b_size(k, n));
    if (trans_b_) {
      f32_gemm_pack_b(k, n, b, 1, static_cast<std::ptrdiff_t>(k), packed.data());
    } else {
      f32_gemm_pack_b(k, n, b, static_cast<std::ptrdiff_t>(n), 1, packed.data());
    }
  }

  float alpha_ = 1.0f, beta_ = 1.0f, min_ = 0.0f, max_ = 0.0f;
  bool trans_a_ = false, trans_b_ = false, has_c_ = false, bias_row_ = false;
  int64_t m_ = 0, n_ = 0, k_ = 0;
  BroadcastStrides c_strides_;
  Shape packed_from_;  // B's shape when packed_ holds the constant
  std::vector<float> packed_, a_scratch_, b_scratch_;
};

}  // namespace

StepPtr make_gemm_step(const StepContext& ctx) { return std::make_unique<GemmStep>(ctx); }

}  // namespace qwasm::runtime::float_steps
