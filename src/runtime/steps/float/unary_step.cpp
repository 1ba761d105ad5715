// The float32 activations: Relu, Clip, Sigmoid, HardSigmoid, HardSwish, LeakyRelu, Tanh (ONNX definitions, see
// unary_f32_value). Clip's bounds are attributes min / max before opset 11 and optional scalar inputs 1 / 2
// from opset 11 (read at run time, so they need not be constants); an absent bound is -inf / +inf.
#include <limits>

#include "core/error.h"
#include "kernels/float/f32_elementwise.h"
#include "runtime/steps/float/factories.h"
#include "runtime/steps/float/step_util.h"

namespace qwasm::runtime::float_steps {
namespace {

class UnaryStep : public Step {
 public:
  UnaryStep(const StepContext& ctx, F32UnaryOp op) : op_(op), name_(ctx.node.op_type) {
    clip_inputs_ = op.kind == F32Unary::Clip && ctx.opset >= 11;
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& in) override {
    expect_input_count(in, 1, clip_inputs_ ? 3 : 1);
    expect_type(in, 0, "X", ElementType::Float32);
    for (std::size_t i = 1; i < in.size(); ++i) {
      if (!present(in, i)) continue;
      expect_type(in, i, i == 1 ? "min" : "max", ElementType::Float32);
      check(in[i].count() == 1, name_, ": input ", i, (i == 1 ? " 'min'" : " 'max'"), " must be a scalar, got shape ",
            shape_string(in[i].shape));
    }
    count_ = in[0].count();
    return {logical(ElementType::Float32, in[0].shape)};
  }

  void run(const std::vector<const void*>& in, const std::vector<void*>& out) override {
    F32UnaryOp op = op_;
    if (clip_inputs_) {
      op.alpha = in.size() > 1 && in[1] ? *static_cast<const float*>(in[1]) : -std::numeric_limits<float>::infinity();
      op.beta = in.size() > 2 && in[2] ? *static_cast<const float*>(in[2]) : std::numeric_limits<float>::infinity();
    }
    unary_f32(op, count_, static_cast<const float*>(in[0]), static_cast<float*>(out[0]));
  }

 private:
  F32UnaryOp op_;
  std::string name_;
  bool clip_inputs_ = false;
  int64_t count_ = 0;
};

}  // namespace

StepPtr make_unary_step(const StepContext& ctx) {
  const graph::Node& node = ctx.node;
  const std::string& t = node.op_type;
  F32UnaryOp op;
  if (t == "Relu") {
    op.kind = F32Unary::Relu;
  } else if (t == "Clip") {
    op.kind = F32Unary::Clip;
    op.alpha = node.attribute_float("min", -std::numeric_limits<float>::max());
    op.beta = node.attribute_float("max", std::numeric_limits<float>::max());
  } else if (t == "Sigmoid") {
    op.kind = F32Unary::Sigmoid;
  } else if (t == "HardSigmoid") {
    op.kind = F32Unary::HardSigmoid;
    op.alpha = node.attribute_float("alpha", 0.2f);
    op.beta = node.attribute_float("beta", 0.5f);
  } else if (t == "HardSwish") {
    op.kind = F32Unary::HardSwish;
  } else if (t == "LeakyRelu") {
    op.kind = F32Unary::LeakyRelu;
    op.alpha = node.attribute_float("alpha", 0.01f);
  } else if (t == "Tanh") {
    op.kind = F32Unary::Tanh;
  } else {
    return nullptr;
  }
  return std::make_unique<UnaryStep>(ctx, op);
}

}  // namespace qwasm::runtime::float_steps
