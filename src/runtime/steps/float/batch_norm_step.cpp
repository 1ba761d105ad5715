// BatchNormalization in inference mode: y = (x - mean) / sqrt(var + epsilon) * scale + B per channel (dim 1),
// computed as y = x * s + t with s = scale / sqrt(var + epsilon) and t = B - mean * s (in double, stored float),
// precomputed at create when the four parameters are constants. training_mode = 1 and the optional
// running-statistics outputs are refused.
#include <cmath>

#include "core/error.h"
#include "kernels/float/f32_elementwise.h"
#include "runtime/steps/float/factories.h"
#include "runtime/steps/float/step_util.h"

namespace qwasm::runtime::float_steps {
namespace {

constexpr const char* kParamNames[] = {"X", "scale", "B", "input_mean", "input_var"};

class BatchNormStep : public Step {
 public:
  explicit BatchNormStep(const StepContext& ctx) {
    epsilon_ = ctx.node.attribute_float("epsilon", 1e-5f);
    check(ctx.node.attribute_int("training_mode", 0) == 0, "BatchNormalization: training_mode is not supported");
    for (std::size_t i = 1; i < ctx.node.outputs.size(); ++i)
      check(ctx.node.outputs[i].empty(), "BatchNormalization: only the Y output is supported (inference mode)");
    std::shared_ptr<const graph::TensorData> p[4];
    bool constant = true;
    for (std::size_t i = 0; i < 4; ++i) {
      p[i] = ctx.constant_input(i + 1);
      constant = constant && p[i] && (p[i]->type == ElementType::Float32 || p[i]->type == ElementType::Float64);
    }
    if (constant) {
      const int64_t c = p[0]->count();
      for (std::size_t i = 1; i < 4; ++i)
        check(p[i]->count() == c, "BatchNormalization: input ", i + 1, " '", kParamNames[i + 1], "' has ",
              p[i]->count(), " values, scale has ", c);
      std::vector<float> gamma(static_cast<std::size_t>(c)), beta(gamma), mean(gamma), var(gamma);
      for (int64_t j = 0; j < c; ++j) {
        gamma[j] = constant_float(*p[0], j);
        beta[j] = constant_float(*p[1], j);
        mean[j] = constant_float(*p[2], j);
        var[j] = constant_float(*p[3], j);
      }
      fold(gamma.data(), beta.data(), mean.data(), var.data(), c);
      constant_ = true;
    }
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& in) override {
    expect_input_count(in, 5, 5);
    for (std::size_t i = 0; i < 5; ++i) expect_type(in, i, kParamNames[i], ElementType::Float32);
    const Shape& x = in[0].shape;
    check(x.size() >= 2, "BatchNormalization: input X must have rank >= 2, got ", shape_string(x));
    channels_ = x[1];
    for (std::size_t i = 1; i < 5; ++i)
      check(in[i].shape == Shape{channels_}, "BatchNormalization: input ", i, " '", kParamNames[i],
            "' must have shape [", channels_, "], got ", shape_string(in[i].shape));
    batch_ = x[0];
    inner_ = 1;
    for (std::size_t d = 2; d < x.size(); ++d) inner_ *= x[d];
    return {logical(ElementType::Float32, x)};
  }

  void run(const std::vector<const void*>& in, const std::vector<void*>& out) override {
    if (!constant_)
      fold(static_cast<const float*>(in[1]), static_cast<const float*>(in[2]), static_cast<const float*>(in[3]),
           static_cast<const float*>(in[4]), channels_);
    channel_affine_f32(batch_, channels_, inner_, static_cast<const float*>(in[0]), scale_.data(), shift_.data(),
                       static_cast<float*>(out[0]));
  }

 private:
  void fold(const float* gamma, const float* beta, const float* mean, const float* var, int64_t c) {
    scale_.resize(static_cast<std::size_t>(c));
    shift_.resize(static_cast<std::size_t>(c));
    for (int64_t j = 0; j < c; ++j) {
      const double s = static_cast<double>(gamma[j]) / std::sqrt(static_cast<double>(var[j]) + epsilon_);
      scale_[j] = static_cast<float>(s);
      shift_[j] = static_cast<float>(static_cast<double>(beta[j]) - static_cast<double>(mean[j]) * s);
    }
  }

  float epsilon_ = 1e-5f;
  bool constant_ = false;
  int64_t batch_ = 0, channels_ = 0, inner_ = 0;
  std::vector<float> scale_, shift_;
};

}  // namespace

StepPtr make_batch_norm_step(const StepContext& ctx) { return std::make_unique<BatchNormStep>(ctx); }

}  // namespace qwasm::runtime::float_steps
