// qwasm.QAdd / qwasm.QMul (attribute `relu` for add_relu / mul_relu) over two quint8 values with numpy
// broadcasting. Rank-4 operands are taken in NHWC (what convs produce), their shapes permuted alike, which keeps
// broadcasting valid; anything else is Logical.
#include <optional>

#include "core/error.h"
#include "ops/add.h"
#include "ops/mul.h"
#include "runtime/steps/quantized/factories.h"
#include "runtime/steps/quantized/node_qparams.h"

namespace qwasm::runtime {
namespace {

using graph::ElementType;

Shape to_physical(const Shape& logical, Layout layout) {
  if (layout != Layout::NHWC) return logical;
  return {logical[0], logical[2], logical[3], logical[1]};
}
Shape to_logical(const Shape& physical, Layout layout) {
  if (layout != Layout::NHWC) return physical;
  return {physical[0], physical[3], physical[1], physical[2]};
}

template <class Operator>
class QBinaryStep : public Step {
 public:
  explicit QBinaryStep(const StepContext& ctx)
      : a_(node_qu8_params(ctx.node, "a")),
        b_(node_qu8_params(ctx.node, "b")),
        y_(node_qu8_params(ctx.node, "y")),
        relu_(ctx.node.attribute_int("relu", 0) != 0) {}

  Layout wanted_layout(std::size_t, const std::vector<ValueInfo>& inputs) const override {
    return inputs[0].shape.size() == 4 && inputs[1].shape.size() == 4 ? Layout::NHWC : Layout::Logical;
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& inputs) override {
    check_input_type(inputs[0], ElementType::UInt8, 0);
    check_input_type(inputs[1], ElementType::UInt8, 1);
    const Layout layout = inputs[0].layout;
    op_.emplace(Operator::create(to_physical(inputs[0].shape, layout), a_, to_physical(inputs[1].shape, layout),
                                 b_, y_, relu_));
    ValueInfo out;
    out.type = ElementType::UInt8;
    out.shape = to_logical(op_->output_shape(), layout);
    out.layout = layout;
    return {out};
  }

  void run(const std::vector<const void*>& inputs, const std::vector<void*>& outputs) override {
    op_->run(static_cast<const uint8_t*>(inputs[0]), static_cast<const uint8_t*>(inputs[1]),
             static_cast<uint8_t*>(outputs[0]));
  }

  std::string kernel() const override { return op_ ? op_->kernel_name() : "unplanned"; }

 private:
  Qu8Params a_, b_, y_;
  bool relu_ = false;
  std::optional<Operator> op_;
};

}  // namespace

StepPtr make_qadd_step(const StepContext& ctx) { return std::make_unique<QBinaryStep<AddOperator>>(ctx); }
StepPtr make_qmul_step(const StepContext& ctx) { return std::make_unique<QBinaryStep<MulOperator>>(ctx); }

}  // namespace qwasm::runtime
