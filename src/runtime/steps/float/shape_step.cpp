// Shape: the input's dims as int64 (any input type); from opset 15 the slice [start, end) of them (negative
// values count from the end, clamped to [0, rank]).
#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "runtime/steps/float/factories.h"
#include "runtime/steps/float/step_util.h"

namespace qwasm::runtime::float_steps {
namespace {

class ShapeStep : public Step {
 public:
  explicit ShapeStep(const StepContext& ctx) {
    start_ = ctx.node.attribute_int("start", 0);
    has_end_ = ctx.node.find_attribute("end") != nullptr;
    end_ = ctx.node.attribute_int("end", 0);
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& in) override {
    expect_input_count(in, 1, 1);
    expect_present(in, 0, "data");
    const Shape& x = in[0].shape;
    const auto rank = static_cast<int64_t>(x.size());
    auto clamp = [rank](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
    const int64_t b = clamp(start_), e = has_end_ ? clamp(end_) : rank;
    dims_.assign(x.begin() + b, x.begin() + std::max(b, e));
    return {logical(ElementType::Int64, {static_cast<int64_t>(dims_.size())})};
  }

  void run(const std::vector<const void*>&, const std::vector<void*>& out) override {
    if (!dims_.empty()) std::memcpy(out[0], dims_.data(), dims_.size() * sizeof(int64_t));
  }

  std::string kernel() const override { return "shape"; }

 private:
  int64_t start_ = 0, end_ = 0;
  bool has_end_ = false;
  Shape dims_;
};

}  // namespace

StepPtr make_shape_step(const StepContext& ctx) { return std::make_unique<ShapeStep>(ctx); }

}  // namespace qwasm::runtime::float_steps
