// Transpose, any element type; perm defaults to the reversed dims.
#include <algorithm>

#include "core/error.h"
#include "kernels/float/f32_elementwise.h"
#include "runtime/steps/float/factories.h"
#include "runtime/steps/float/step_util.h"

namespace qwasm::runtime::float_steps {
namespace {

class TransposeStep : public Step {
 public:
  explicit TransposeStep(const StepContext& ctx) {
    has_perm_ = ctx.node.find_attribute("perm") != nullptr;
    perm_attr_ = ctx.node.attribute_ints("perm", {});
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& in) override {
    expect_input_count(in, 1, 1);
    expect_present(in, 0, "data");
    in_shape_ = in[0].shape;
    const std::size_t rank = in_shape_.size();
    perm_ = perm_attr_;
    if (!has_perm_) {
      perm_.resize(rank);
      for (std::size_t i = 0; i < rank; ++i) perm_[i] = static_cast<int64_t>(rank - 1 - i);
    }
    check(perm_.size() == rank, "Transpose: perm ", shape_string(perm_), " does not match rank ", rank);
    std::vector<bool> seen(rank, false);
    Shape out(rank);
    for (std::size_t i = 0; i < rank; ++i) {
      const int64_t p = perm_[i];
      check(p >= 0 && p < static_cast<int64_t>(rank) && !seen[static_cast<std::size_t>(p)], "Transpose: perm ",
            shape_string(perm_), " is not a permutation of 0..", rank - 1);
      seen[static_cast<std::size_t>(p)] = true;
      out[i] = in_shape_[static_cast<std::size_t>(p)];
    }
    element_size_ = graph::element_size(in[0].type);
    return {logical(in[0].type, out)};
  }

  void run(const std::vector<const void*>& in, const std::vector<void*>& out) override {
    transpose_bytes(in_shape_, element_size_, perm_, in[0], out[0]);
  }

  std::string kernel() const override { return "copy"; }

 private:
  bool has_perm_ = false;
  std::vector<int64_t> perm_attr_, perm_;
  Shape in_shape_;
  std::size_t element_size_ = 4;
};

}  // namespace

StepPtr make_transpose_step(const StepContext& ctx) { return std::make_unique<TransposeStep>(ctx); }

}  // namespace qwasm::runtime::float_steps
