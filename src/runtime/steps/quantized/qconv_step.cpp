// qwasm.QConv (NHWC quint8 2-D convolution, qint8 OIHW weights, int32 bias) and qwasm.QLinear ([batch, in]
// quint8 x [out, in] qint8 weights) on the int8 operators of src/ops.
#include <optional>

#include "core/error.h"
#include "ops/conv2d.h"
#include "ops/linear.h"
#include "runtime/steps/quantized/factories.h"
#include "runtime/steps/quantized/node_qparams.h"

namespace qwasm::runtime {
namespace {

using graph::ElementType;

ConvQuantization read_conv_quantization(const graph::Node& node) {
  ConvQuantization q;
  const Qu8Params x = node_qu8_params(node, "x"), y = node_qu8_params(node, "y");
  q.input_scale = x.scale;
  q.input_zero_point = x.zero_point;
  q.output_scale = y.scale;
  q.output_zero_point = y.zero_point;
  q.weight_scales = node.attribute_floats("w_scales", {});
  for (int64_t z : node.attribute_ints("w_zero_points", {})) q.weight_zero_points.push_back(static_cast<int32_t>(z));
  q.output_min = static_cast<int32_t>(node.attribute_int("y_min", 0));
  q.output_max = static_cast<int32_t>(node.attribute_int("y_max", 255));
  return q;
}

// The int8 weight constant (input 1) and the optional int32 bias constant (input 2).
struct ConvConstants {
  std::shared_ptr<const graph::TensorData> weight, bias;
};

ConvConstants read_conv_constants(const StepContext& ctx, std::size_t weight_rank) {
  ConvConstants c;
  c.weight = ctx.constant_input(1);
  check(c.weight && c.weight->type == ElementType::Int8 && c.weight->dims.size() == weight_rank,
        "weight (input 1) must be a constant int8 tensor of rank ", weight_rank);
  c.bias = ctx.constant_input(2);
  if (ctx.node.inputs.size() > 2 && !ctx.node.inputs[2].empty()) {
    check(c.bias && c.bias->type == ElementType::Int32 && c.bias->dims.size() == 1 &&
              c.bias->count() == c.weight->dims[0],
          "bias (input 2) must be a constant int32 tensor of ", c.weight->dims[0], " values");
  }
  return c;
}

class QConvStep : public Step {
 public:
  explicit QConvStep(const StepContext& ctx) {
    const ConvConstants c = read_conv_constants(ctx, 4);
    const graph::Node& node = ctx.node;
    Conv2dGeometry g;
    g.out_channels = c.weight->dims[0];
    g.groups = node.attribute_int("group", 1);
    g.in_channels = c.weight->dims[1] * g.groups;
    g.kernel_h = c.weight->dims[2];
    g.kernel_w = c.weight->dims[3];
    const auto strides = node.attribute_ints("strides", {1, 1});
    const auto dilations = node.attribute_ints("dilations", {1, 1});
    const auto pads = node.attribute_ints("pads", {0, 0, 0, 0});
    check(strides.size() == 2 && dilations.size() == 2 && pads.size() == 4,
          "strides/dilations need 2 values and pads 4");
    g.stride_h = strides[0], g.stride_w = strides[1];
    g.dilation_h = dilations[0], g.dilation_w = dilations[1];
    g.pad_top = pads[0], g.pad_left = pads[1], g.pad_bottom = pads[2], g.pad_right = pads[3];
    const auto weight = constant_values<int8_t>(*c.weight);
    const auto bias = c.bias ? constant_values<int32_t>(*c.bias) : std::vector<int32_t>{};
    conv_.emplace(Conv2dOperator::create_with_int32_bias(g, read_conv_quantization(node), weight.data(),
                                                         c.bias ? bias.data() : nullptr));
  }

  Layout wanted_layout(std::size_t index, const std::vector<ValueInfo>&) const override {
    return index == 0 ? Layout::NHWC : Layout::Logical;
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& inputs) override {
    check_input_type(inputs[0], ElementType::UInt8, 0);
    const Shape& s = inputs[0].shape;
    check(s.size() == 4, "input 0 must have rank 4 (N, C, H, W), got ", shape_string(s));
    const Conv2dGeometry& g = conv_->geometry();
    check(s[1] == g.in_channels, "input has ", s[1], " channels, the weight expects ", g.in_channels);
    validate_conv2d_input(g, s[0], s[2], s[3], "QConv");
    batch_ = s[0], height_ = s[2], width_ = s[3];
    ValueInfo out;
    out.type = ElementType::UInt8;
    out.shape = {s[0], g.out_channels, conv_->output_height(s[2]), conv_->output_width(s[3])};
    out.layout = Layout::NHWC;
    return {out};
  }

  void run(const std::vector<const void*>& inputs, const std::vector<void*>& outputs) override {
    conv_->run(static_cast<const uint8_t*>(inputs[0]), batch_, height_, width_, static_cast<uint8_t*>(outputs[0]));
  }

  std::string kernel() const override { return conv_->kernel_name(); }

 private:
  std::optional<Conv2dOperator> conv_;
  int64_t batch_ = 0, height_ = 0, width_ = 0;
};

class QLinearStep : public Step {
 public:
  explicit QLinearStep(const StepContext& ctx) {
    const ConvConstants c = read_conv_constants(ctx, 2);
    const auto weight = constant_values<int8_t>(*c.weight);
    const auto bias = c.bias ? constant_values<int32_t>(*c.bias) : std::vector<int32_t>{};
    linear_.emplace(LinearOperator::create_with_int32_bias(c.weight->dims[1], c.weight->dims[0],
                                                           read_conv_quantization(ctx.node), weight.data(),
                                                           c.bias ? bias.data() : nullptr));
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& inputs) override {
    check_input_type(inputs[0], ElementType::UInt8, 0);
    const Shape& s = inputs[0].shape;
    check(s.size() == 2, "input 0 must have rank 2 (batch, features), got ", shape_string(s));
    check(s[1] == linear_->in_features(), "input has ", s[1], " features, the weight expects ",
          linear_->in_features());
    batch_ = s[0];
    ValueInfo out;
    out.type = ElementType::UInt8;
    out.shape = {s[0], linear_->out_features()};
    return {out};
  }

  void run(const std::vector<const void*>& inputs, const std::vector<void*>& outputs) override {
    if (batch_ == 0) return;
    linear_->run(static_cast<const uint8_t*>(inputs[0]), batch_, static_cast<uint8_t*>(outputs[0]));
  }

  std::string kernel() const override { return "qu8_gemm (linear)"; }

 private:
  std::optional<LinearOperator> linear_;
  int64_t batch_ = 0;
};

}  // namespace

StepPtr make_qconv_step(const StepContext& ctx) { return std::make_unique<QConvStep>(ctx); }
StepPtr make_qlinear_step(const StepContext& ctx) { return std::make_unique<QLinearStep>(ctx); }

}  // namespace qwasm::runtime
