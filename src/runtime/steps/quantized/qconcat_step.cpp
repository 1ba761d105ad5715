// qwasm.QConcat: torch.cat / QLinearConcat over quint8 inputs (attributes `axis`, `scales` / `zero_points` per
// input, y_scale / y_zero_point). All-rank-4 inputs are concatenated in NHWC, the axis mapped accordingly.
#include <optional>

#include "core/error.h"
#include "ops/cat.h"
#include "runtime/steps/quantized/factories.h"
#include "runtime/steps/quantized/node_qparams.h"

namespace qwasm::runtime {
namespace {

using graph::ElementType;

class QConcatStep : public Step {
 public:
  explicit QConcatStep(const StepContext& ctx) : axis_(ctx.node.attribute_int("axis", 1)), y_(node_qu8_params(ctx.node, "y")) {
    const auto scales = ctx.node.attribute_floats("scales", {});
    const auto zero_points = ctx.node.attribute_ints("zero_points", {});
    check(scales.size() == ctx.node.inputs.size() && zero_points.size() == scales.size(),
          "needs one scale and zero point per input");
    for (std::size_t i = 0; i < scales.size(); ++i) {
      inputs_.push_back(Qu8Params{scales[i], static_cast<int32_t>(zero_points[i])});
      validate_qu8(inputs_.back(), "QConcat", "input");
    }
  }

  Layout wanted_layout(std::size_t, const std::vector<ValueInfo>& inputs) const override {
    for (const ValueInfo& v : inputs)
      if (v.shape.size() != 4) return Layout::Logical;
    return Layout::NHWC;
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& inputs) override {
    const Layout layout = inputs[0].layout;
    const auto rank = static_cast<int64_t>(inputs[0].shape.size());
    int64_t axis = axis_ < 0 ? axis_ + rank : axis_;
    check(axis >= 0 && axis < rank, "axis ", axis_, " is out of range for rank ", rank);
    std::vector<Shape> shapes;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      check_input_type(inputs[i], ElementType::UInt8, i);
      const Shape& s = inputs[i].shape;
      shapes.push_back(layout == Layout::NHWC ? Shape{s[0], s[2], s[3], s[1]} : s);
    }
    if (layout == Layout::NHWC) axis = axis == 0 ? 0 : axis == 1 ? 3 : axis - 1;
    op_.emplace(CatOperator::create(shapes, inputs_, axis, y_));
    const Shape& p = op_->output_shape();
    ValueInfo out;
    out.type = ElementType::UInt8;
    out.shape = layout == Layout::NHWC ? Shape{p[0], p[3], p[1], p[2]} : p;
    out.layout = layout;
    return {out};
  }

  void run(const std::vector<const void*>& inputs, const std::vector<void*>& outputs) override {
    std::vector<const uint8_t*> parts;
    for (const void* p : inputs) parts.push_back(static_cast<const uint8_t*>(p));
    op_->run(parts.data(), static_cast<uint8_t*>(outputs[0]));
  }

  std::string kernel() const override { return "cat_qu8"; }

 private:
  int64_t axis_;
  Qu8Params y_;
  std::vector<Qu8Params> inputs_;
  std::optional<CatOperator> op_;
};

}  // namespace

StepPtr make_qconcat_step(const StepContext& ctx) { return std::make_unique<QConcatStep>(ctx); }

}  // namespace qwasm::runtime
