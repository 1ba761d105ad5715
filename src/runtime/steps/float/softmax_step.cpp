// Softmax. From opset 13 over one axis (default -1); before 13 the input is seen as 2-D [prod(dims[:axis]),
// prod(dims[axis:])] (default axis 1) and normalized over the second dim.
#include "core/error.h"
#include "kernels/float/f32_elementwise.h"
#include "runtime/steps/float/factories.h"
#include "runtime/steps/float/step_util.h"

namespace qwasm::runtime::float_steps {
namespace {

class SoftmaxStep : public Step {
 public:
  explicit SoftmaxStep(const StepContext& ctx) : flatten_(ctx.opset < 13) {
    axis_ = ctx.node.attribute_int("axis", flatten_ ? 1 : -1);
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& in) override {
    expect_input_count(in, 1, 1);
    expect_type(in, 0, "input", ElementType::Float32);
    const Shape& x = in[0].shape;
    const auto rank = static_cast<int64_t>(x.size());
    if (rank == 0) {
      outer_ = axis_len_ = inner_ = 1;
      return {logical(ElementType::Float32, x)};
    }
    int64_t axis = 0;
    if (flatten_) {  // opset < 13: axis in [-rank, rank]; the input is [prod(dims[:axis]), prod(dims[axis:])]
      check(axis_ >= -rank && axis_ <= rank, "Softmax: axis ", axis_, " is out of range for rank ", rank);
      axis = axis_ < 0 ? axis_ + rank : axis_;
    } else {
      axis = normalize_axis(axis_, rank, "Softmax: axis");
    }
    outer_ = axis_len_ = inner_ = 1;
    for (int64_t d = 0; d < rank; ++d) {
      const int64_t v = x[static_cast<std::size_t>(d)];
      if (d < axis) {
        outer_ *= v;
      } else if (d == axis || flatten_) {
        axis_len_ *= v;
      } else {
        inner_ *= v;
      }
    }
    return {logical(ElementType::Float32, x)};
  }

  void run(const std::vector<const void*>& in, const std::vector<void*>& out) override {
    softmax_f32(outer_, axis_len_, inner_, static_cast<const float*>(in[0]), static_cast<float*>(out[0]));
  }

 private:
  bool flatten_;
  int64_t axis_ = -1, outer_ = 1, axis_len_ = 1, inner_ = 1;
};

}  // namespace

StepPtr make_softmax_step(const StepContext& ctx) { return std::make_unique<SoftmaxStep>(ctx); }

}  // namespace qwasm::runtime::float_steps
