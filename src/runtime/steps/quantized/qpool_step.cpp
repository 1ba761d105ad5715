// qwasm.QMaxPool / qwasm.QAvgPool / qwasm.QGlobalAvgPool over NHWC quint8. Attributes as ONNX MaxPool /
// AveragePool (kernel_shape, strides, pads with equal begin/end, dilations, ceil_mode, count_include_pad); max
// and global average keep the input's qparams (x), average pooling requantizes to y.
#include <optional>

#include "core/error.h"
#include "ops/adaptive_avg_pool2d.h"
#include "ops/avg_pool2d.h"
#include "ops/max_pool2d.h"
#include "runtime/steps/quantized/factories.h"
#include "runtime/steps/quantized/node_qparams.h"

namespace qwasm::runtime {
namespace {

using graph::ElementType;

Pool2dGeometry read_pool_geometry(const graph::Node& node) {
  const auto kernel = node.attribute_ints("kernel_shape", {});
  check(kernel.size() == 2, "kernel_shape must have 2 values");
  const auto strides = node.attribute_ints("strides", {1, 1});
  const auto pads = node.attribute_ints("pads", {0, 0, 0, 0});
  const auto dilations = node.attribute_ints("dilations", {1, 1});
  check(strides.size() == 2 && pads.size() == 4 && dilations.size() == 2,
        "strides/dilations need 2 values and pads 4");
  check(pads[0] == pads[2] && pads[1] == pads[3], "int8 pooling needs equal begin and end pads");
  Pool2dGeometry g;
  g.kernel_h = kernel[0], g.kernel_w = kernel[1];
  g.stride_h = strides[0], g.stride_w = strides[1];
  g.pad_h = pads[0], g.pad_w = pads[1];
  g.dilation_h = dilations[0], g.dilation_w = dilations[1];
  g.ceil_mode = node.attribute_int("ceil_mode", 0) != 0;
  return g;
}

// The shared part: NHWC uint8 rank-4 input, output dims from the operator.
template <class Operator>
class QPoolStep : public Step {
 public:
  template <class... Args>
  explicit QPoolStep(std::string kernel, Args&&... args)
      : op_(Operator::create(std::forward<Args>(args)...)), kernel_(std::move(kernel)) {}

  Layout wanted_layout(std::size_t, const std::vector<ValueInfo>&) const override { return Layout::NHWC; }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& inputs) override {
    check_input_type(inputs[0], ElementType::UInt8, 0);
    check(inputs[0].shape.size() == 4, "input 0 must have rank 4 (N, C, H, W), got ",
          shape_string(inputs[0].shape));
    dims_ = nhwc_dims(inputs[0].shape);
    ValueInfo out;
    out.type = ElementType::UInt8;
    out.shape = nchw_shape(op_.output_dims(dims_));
    out.layout = Layout::NHWC;
    return {out};
  }

  void run(const std::vector<const void*>& inputs, const std::vector<void*>& outputs) override {
    op_.run(dims_, static_cast<const uint8_t*>(inputs[0]), static_cast<uint8_t*>(outputs[0]));
  }

  std::string kernel() const override { return kernel_; }

 private:
  Operator op_;
  std::string kernel_;
  NhwcDims dims_;
};

}  // namespace

StepPtr make_qmax_pool_step(const StepContext& ctx) {
  return std::make_unique<QPoolStep<MaxPool2dOperator>>("qu8_maxpool", read_pool_geometry(ctx.node));
}

StepPtr make_qavg_pool_step(const StepContext& ctx) {
  AvgPool2dOptions options;
  options.count_include_pad = ctx.node.attribute_int("count_include_pad", 0) != 0;
  Pool2dGeometry g = read_pool_geometry(ctx.node);
  return std::make_unique<QPoolStep<AvgPool2dOperator>>("qu8_avgpool", g, options, node_qu8_params(ctx.node, "x"),
                                                         node_qu8_params(ctx.node, "y"));
}

StepPtr make_qglobal_avg_pool_step(const StepContext& ctx) {
  return std::make_unique<QPoolStep<AdaptiveAvgPool2dOperator>>("qu8_gavgpool", int64_t{1}, int64_t{1},
                                                                 node_qu8_params(ctx.node, "x"));
}

}  // namespace qwasm::runtime
