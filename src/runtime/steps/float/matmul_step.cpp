// MatMul (numpy matmul: [..., M, K] x [..., K, N] with broadcast batch dims; a 1-D A is [1, K] and a 1-D B is
// [K, 1], their unit dim removed from the result). A constant 2-D B (a Linear layer) is packed once at create and
// multiplied with all of A's rows in one GEMM; otherwise each batch packs its B matrix into scratch.
#include <vector>

#include "core/error.h"
#include "kernels/float/f32_elementwise.h"
#include "kernels/float/f32_gemm.h"
#include "runtime/steps/float/factories.h"
#include "runtime/steps/float/step_util.h"

namespace qwasm::runtime::float_steps {
namespace {

class MatMulStep : public Step {
 public:
  explicit MatMulStep(const StepContext& ctx) {
    if (auto b = ctx.constant_input(1)) {
      if (b->type == ElementType::Float32 && b->dims.size() == 2) {
        constant_b_ = b->dims;
        const auto k = static_cast<std::size_t>(b->dims[0]), n = static_cast<std::size_t>(b->dims[1]);
        packed_.resize(f32_gemm_packed_b_size(k, n));
        f32_gemm_pack_b(k, n, reinterpret_cast<const float*>(b->bytes.data()), static_cast<std::ptrdiff_t>(n), 1,
                        packed_.data());
      }
    }
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& in) override {
    expect_input_count(in, 2, 2);
    expect_type(in, 0, "A", ElementType::Float32);
    expect_type(in, 1, "B", ElementType::Float32);
    Shape a = in[0].shape, b = in[1].shape;
    check(!a.empty() && !b.empty(), "MatMul: inputs must have rank >= 1, got ", shape_string(a), " and ",
          shape_string(b));
    const bool a_vector = a.size() == 1, b_vector = b.size() == 1;
    if (a_vector) a.insert(a.begin(), 1);
    if (b_vector) b.push_back(1);
    m_ = a[a.size() - 2];
    k_ = a.back();
    n_ = b.back();
    check(b[b.size() - 2] == k_, "MatMul: A ", shape_string(in[0].shape), " and B ", shape_string(in[1].shape),
          " have different inner dimensions ", k_, " and ", b[b.size() - 2]);
    const Shape a_batch(a.begin(), a.end() - 2), b_batch(b.begin(), b.end() - 2);
    const BroadcastStrides s = broadcast_strides(a_batch, b_batch, "MatMul (batch dims)");
    // Batch offsets (in matrices) of A and B for every output batch, in row-major order.
    const int64_t batches = element_count(s.out, "MatMul output");
    a_offsets_.assign(static_cast<std::size_t>(batches), 0);
    b_offsets_.assign(static_cast<std::size_t>(batches), 0);
    if (batches > 0 && !s.out.empty()) {
      std::vector<int64_t> index(s.out.size(), 0);
      for (int64_t t = 0; t < batches; ++t) {
        int64_t oa = 0, ob = 0;
        for (std::size_t d = 0; d < s.out.size(); ++d) {
          oa += index[d] * s.a[d];
          ob += index[d] * s.b[d];
        }
        a_offsets_[static_cast<std::size_t>(t)] = oa;
        b_offsets_[static_cast<std::size_t>(t)] = ob;
        for (std::size_t d = s.out.size(); d-- > 0;) {
          if (++index[d] < s.out[d]) break;
          index[d] = 0;
        }
      }
    }
    // One GEMM over all rows when B is one constant matrix and A's batches are consecutive.
    one_gemm_ = !packed_.empty() && b == constant_b_ && b_batch.empty();
    if (packed_.empty() || !one_gemm_)
      b_scratch_.resize(f32_gemm_packed_b_size(static_cast<std::size_t>(k_), static_cast<std::size_t>(n_)));
    Shape out = s.out;
    if (!a_vector) out.push_back(m_);
    if (!b_vector) out.push_back(n_);
    return {logical(ElementType::Float32, out)};
  }

  void run(const std::vector<const void*>& in, const std::vector<void*>& out) override {
    const auto* a = static_cast<const float*>(in[0]);
    const auto* b = static_cast<const float*>(in[1]);
    auto* y = static_cast<float*>(out[0]);
    const auto m = static_cast<std::size_t>(m_), n = static_cast<std::size_t>(n_), k = static_cast<std::size_t>(k_);
    if (one_gemm_) {
      f32_gemm(m * a_offsets_.size(), n, k, a, k, packed_.data(), y, n, F32GemmEpilogue{});
      return;
    }
    int64_t packed_offset = -1;
    for (std::size_t t = 0; t < a_offsets_.size(); ++t) {
      if (b_offsets_[t] != packed_offset) {  // repack only when the B matrix changes
        f32_gemm_pack_b(k, n, b + b_offsets_[t] * k_ * n_, static_cast<std::ptrdiff_t>(n), 1, b_scratch_.data());
        packed_offset = b_offsets_[t];
      }
      f32_gemm(m, n, k, a + a_offsets_[t] * m_ * k_, k, b_scratch_.data(), y + t * m * n, n, F32GemmEpilogue{});
    }
  }

  std::string kernel() const override { return "f32_gemm_4x8_simd128"; }

 private:
  int64_t m_ = 0, n_ = 0, k_ = 0;
  bool one_gemm_ = false;
  std::vector<int64_t> a_offsets_, b_offsets_;
  Shape constant_b_;
  std::vector<float> packed_, b_scratch_;
};

}  // namespace

StepPtr make_matmul_step(const StepContext& ctx) { return std::make_unique<MatMulStep>(ctx); }

}  // namespace qwasm::runtime::float_steps
