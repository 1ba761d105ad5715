// Conv (ONNX, float32, 1-D and 2-D) and qwasm FusedConv (the same plus a Relu / Clip clamp, made by
// graph::fuse_activations). Depthwise convolutions run dwconv2d_f32, every other one the im2col + GEMM kernel.
// A constant W is packed for the GEMM once at create (tiles of 4 output channels, f32_conv_pack_weights); a W
// computed at run time is packed by every run into the step's scratch. Depthwise reads W as stored.
#include <cstring>
#include <vector>

#include "core/error.h"
#include "kernels/float/f32_conv2d.h"
#include "runtime/steps/float/factories.h"
#include "runtime/steps/float/step_util.h"

namespace qwasm::runtime::float_steps {
namespace {

class ConvStep : public Step {
 public:
  explicit ConvStep(const StepContext& ctx) : window_(read_window_attributes(ctx.node, "Conv", true)) {
    groups_ = ctx.node.attribute_int("group", 1);
    check(groups_ >= 1, "Conv: group must be >= 1, got ", groups_);
    check(!window_.ceil_mode, "Conv: has no ceil_mode");
    read_fused_activation(ctx.node, &params_.min, &params_.max);
    if (auto w = ctx.constant_input(1)) {
      if (w->type == ElementType::Float32 && (w->dims.size() == 3 || w->dims.size() == 4) && w->dims[0] % groups_ == 0) {
        packed_from_ = w->dims;
        packed_ = pack(w->dims, reinterpret_cast<const float*>(w->bytes.data()));
      }
    }
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& in) override {
    expect_input_count(in, 2, 3);
    expect_type(in, 0, "X", ElementType::Float32);
    expect_type(in, 1, "W", ElementType::Float32);
    const Shape& x = in[0].shape;
    const Shape& w = in[1].shape;
    check(x.size() == 3 || x.size() == 4, "Conv: input X must have rank 3 or 4 (1-D / 2-D convolution), got ",
          shape_string(x));
    check(w.size() == x.size(), "Conv: weight W ", shape_string(w), " must have the rank of X ", shape_string(x));
    const int64_t channels = x[1], out_channels = w[0];
    check(channels % groups_ == 0, "Conv: input has ", channels, " channels, not divisible by group ", groups_);
    check(w[1] * groups_ == channels, "Conv: input has ", channels, " channels, weight expects ", w[1] * groups_,
          " (group ", groups_, ")");
    check(out_channels % groups_ == 0, "Conv: weight has ", out_channels, " output channels, not divisible by group ",
          groups_);
    has_bias_ = present(in, 2);
    if (has_bias_) {
      expect_type(in, 2, "B", ElementType::Float32);
      check(in[2].shape == Shape{out_channels}, "Conv: bias B must have shape [", out_channels, "], got ",
            shape_string(in[2].shape));
    }
    const Shape spatial(x.begin() + 2, x.end());
    const std::vector<int64_t> kernel(w.begin() + 2, w.end());
    if (!window_.kernel_shape.empty()) {
      check(window_.kernel_shape == kernel, "Conv: kernel_shape ", shape_string(window_.kernel_shape),
            " does not match the weight's ", shape_string(kernel));
    }
    params_.window = resolve_window(window_, spatial, kernel, "Conv", &params_.out_h, &params_.out_w);
    params_.in = F32Nchw{x[0], channels, x.size() == 4 ? x[2] : 1, x.back()};
    params_.out_channels = out_channels;
    params_.groups = groups_;
    if (packed_from_ != w) {  // not the constant W: pack at run
      packed_.clear();
      packed_from_.clear();
    }
    Shape out{x[0], out_channels};
    if (x.size() == 4) out.push_back(params_.out_h);
    out.push_back(params_.out_w);
    return {logical(ElementType::Float32, out)};
  }

  void run(const std::vector<const void*>& in, const std::vector<void*>& out) override {
    const auto* x = static_cast<const float*>(in[0]);
    const auto* w = static_cast<const float*>(in[1]);
    const auto* b = has_bias_ ? static_cast<const float*>(in[2]) : nullptr;
    auto* y = static_cast<float*>(out[0]);
    if (f32_conv_is_depthwise(params_)) {
      dwconv2d_f32(params_, x, w, b, y);
    } else if (!packed_.empty()) {
      conv2d_f32_gemm(params_, x, packed_.data(), b, y);
    } else {
      Shape w_shape{params_.out_channels, params_.in.c / groups_, params_.window.kernel_h, params_.window.kernel_w};
      scratch_ = pack(w_shape, w);
      conv2d_f32_gemm(params_, x, scratch_.data(), b, y);
    }
  }

  std::string kernel() const override {
    return f32_conv_is_depthwise(params_) ? "f32_dwconv_simd128" : "f32_im2col_gemm_4x8_simd128";
  }

 private:
  // W [M][C/group][kH][kW] (or [M][C/group][kW]) packed for conv2d_f32_gemm.
  std::vector<float> pack(const Shape& w_dims, const float* w) const {
    F32Conv2dParams p;
    p.groups = groups_;
    p.out_channels = w_dims[0];
    p.in.c = w_dims[1] * groups_;
    p.window.kernel_h = w_dims.size() == 4 ? w_dims[2] : 1;
    p.window.kernel_w = w_dims.back();
    std::vector<float> packed(f32_conv_packed_weights_size(p));
    f32_conv_pack_weights(p, w, packed.data());
    return packed;
  }

  WindowAttributes window_;
  Shape packed_from_;
  std::vector<float> packed_, scratch_;
  int64_t groups_ = 1;
  bool has_bias_ = false;
  F32Conv2dParams params_;
};

}  // namespace

StepPtr make_conv_step(const StepContext& ctx) { return std::make_unique<ConvStep>(ctx); }

}  // namespace qwasm::runtime::float_steps
