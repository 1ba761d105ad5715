// ConstantOfShape: a tensor of the (constant) shape input filled with the one-element `value` attribute (default
// float32 0), whose type is the output's.
#include <cstring>

#include "core/error.h"
#include "runtime/steps/float/factories.h"
#include "runtime/steps/float/step_util.h"

namespace qwasm::runtime::float_steps {
namespace {

class ConstantOfShapeStep : public Step {
 public:
  explicit ConstantOfShapeStep(const StepContext& ctx) {
    const graph::Attribute* value = ctx.node.find_attribute("value");
    if (value) {
      check(value->type == graph::AttributeType::Tensor && value->t, "ConstantOfShape: attribute 'value' must be a ",
            "tensor");
      check(value->t->count() == 1, "ConstantOfShape: attribute 'value' must have one element, got ",
            value->t->count());
      type_ = value->t->type;
      value_ = value->t->bytes;
    } else {
      value_.assign(4, 0);  // float32 0
    }
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& in) override {
    expect_input_count(in, 1, 1);
    expect_type(in, 0, "input", ElementType::Int64);
    check(in[0].shape.size() == 1, "ConstantOfShape: the shape input must be 1-D, got ", shape_string(in[0].shape));
    Shape out = constant_ints(in[0], 0, "input");
    count_ = element_count(out, "ConstantOfShape output");
    return {logical(type_, out)};
  }

  void run(const std::vector<const void*>&, const std::vector<void*>& out) override {
    auto* dst = static_cast<uint8_t*>(out[0]);
    for (int64_t i = 0; i < count_; ++i) std::memcpy(dst + i * value_.size(), value_.data(), value_.size());
  }

  std::string kernel() const override { return "fill"; }

 private:
  ElementType type_ = ElementType::Float32;
  std::vector<uint8_t> value_;
  int64_t count_ = 0;
};

}  // namespace

StepPtr make_constant_of_shape_step(const StepContext& ctx) { return std::make_unique<ConstantOfShapeStep>(ctx); }

}  // namespace qwasm::runtime::float_steps
