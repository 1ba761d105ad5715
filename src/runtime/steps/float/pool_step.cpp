// MaxPool, AveragePool (1-D / 2-D, NCHW, float32) and GlobalAveragePool / GlobalMaxPool (any spatial rank).
// MaxPool's optional second output (Indices) and storage_order are not supported.
#include <limits>

#include "core/error.h"
#include "kernels/float/f32_pooling.h"
#include "runtime/steps/float/factories.h"
#include "runtime/steps/float/step_util.h"

namespace qwasm::runtime::float_steps {
namespace {

enum class PoolKind { Max, Average, GlobalAverage, GlobalMax };

class PoolStep : public Step {
 public:
  PoolStep(const StepContext& ctx, PoolKind kind) : kind_(kind), name_(ctx.node.op_type) {
    if (kind == PoolKind::Max || kind == PoolKind::Average) {
      // AveragePool has dilations only from opset 19, and avg_pool2d_f32 does not implement them.
      window_ = read_window_attributes(ctx.node, name_.c_str(), kind == PoolKind::Max);
      check(!window_.kernel_shape.empty(), name_, ": attribute 'kernel_shape' is required");
      count_include_pad_ = ctx.node.attribute_int("count_include_pad", 0) != 0;
      check(ctx.node.attribute_int("storage_order", 0) == 0, name_, ": storage_order 1 is not supported");
    }
    check(ctx.node.outputs.size() < 2 || ctx.node.outputs[1].empty(), name_,
          ": the Indices output is not supported");
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& in) override {
    expect_input_count(in, 1, 1);
    expect_type(in, 0, "X", ElementType::Float32);
    const Shape& x = in[0].shape;
    check(x.size() >= 3, name_, ": input X must be [N, C, spatial...], got ", shape_string(x));
    if (kind_ == PoolKind::GlobalAverage || kind_ == PoolKind::GlobalMax) {
      planes_ = x[0] * x[1];
      plane_size_ = 1;
      for (std::size_t d = 2; d < x.size(); ++d) plane_size_ *= x[d];
      check(plane_size_ > 0, name_, ": empty spatial dims in ", shape_string(x));
      Shape out = x;
      for (std::size_t d = 2; d < out.size(); ++d) out[d] = 1;
      return {logical(ElementType::Float32, out)};
    }
    check(x.size() <= 4, name_, ": only 1-D and 2-D pooling is supported, got ", shape_string(x));
    const Shape spatial(x.begin() + 2, x.end());
    geometry_ = resolve_window(window_, spatial, window_.kernel_shape, name_.c_str(), &out_h_, &out_w_);
    in_ = F32Nchw{x[0], x[1], x.size() == 4 ? x[2] : 1, x.back()};
    Shape out{x[0], x[1]};
    if (x.size() == 4) out.push_back(out_h_);
    out.push_back(out_w_);
    return {logical(ElementType::Float32, out)};
  }

  void run(const std::vector<const void*>& in, const std::vector<void*>& out) override {
    const auto* x = static_cast<const float*>(in[0]);
    auto* y = static_cast<float*>(out[0]);
    switch (kind_) {
      case PoolKind::Max: return max_pool2d_f32(in_, x, geometry_, out_h_, out_w_, y);
      case PoolKind::Average: return avg_pool2d_f32(in_, x, geometry_, out_h_, out_w_, count_include_pad_, y);
      case PoolKind::GlobalAverage: return global_avg_pool_f32(planes_, plane_size_, x, y);
      case PoolKind::GlobalMax: {
        const F32Nchw flat{1, planes_, 1, plane_size_};
        F32Window2d g;
        g.kernel_w = plane_size_;
        return max_pool2d_f32(flat, x, g, 1, 1, y);
      }
    }
  }

 private:
  PoolKind kind_;
  std::string name_;
  WindowAttributes window_;
  bool count_include_pad_ = false;
  F32Window2d geometry_;
  F32Nchw in_;
  int64_t out_h_ = 1, out_w_ = 1, planes_ = 0, plane_size_ = 0;
};

}  // namespace

StepPtr make_pool_step(const StepContext& ctx) {
  const std::string& t = ctx.node.op_type;
  const PoolKind kind = t == "MaxPool"             ? PoolKind::Max
                        : t == "AveragePool"       ? PoolKind::Average
                        : t == "GlobalAveragePool" ? PoolKind::GlobalAverage
                                                   : PoolKind::GlobalMax;
  return std::make_unique<PoolStep>(ctx, kind);
}

}  // namespace qwasm::runtime::float_steps
