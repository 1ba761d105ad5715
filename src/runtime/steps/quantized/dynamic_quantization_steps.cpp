// onnxruntime's dynamic quantization ops (ONNX default domain): DynamicQuantizeLinear, MatMulInteger, ConvInteger.
// quantize_dynamic writes x -> DynamicQuantizeLinear -> MatMulInteger / ConvInteger -> Cast -> Mul(scales) -> Add.
// Plain reference loops with exact integer accumulation (int64, stored as int32 as ONNX does), Logical layout.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "runtime/steps/quantized/factories.h"

namespace qwasm::runtime {
namespace {

using graph::ElementType;

bool is_8bit(ElementType t) { return t == ElementType::UInt8 || t == ElementType::Int8; }

int32_t load_8bit(const void* p, ElementType t, int64_t i) {
  return t == ElementType::UInt8 ? static_cast<const uint8_t*>(p)[i] : static_cast<const int8_t*>(p)[i];
}

class DynamicQuantizeLinearStep : public Step {
 public:
  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& inputs) override {
    check(inputs[0].type == ElementType::Float32, "input 0 must be float32, got ",
          graph::element_type_name(inputs[0].type));
    count_ = inputs[0].count();
    ValueInfo y{ElementType::UInt8, inputs[0].shape, Layout::Logical, nullptr};
    ValueInfo scale{ElementType::Float32, {}, Layout::Logical, nullptr};
    ValueInfo zero_point{ElementType::UInt8, {}, Layout::Logical, nullptr};
    return {y, scale, zero_point};
  }

  // ONNX: range widened to include 0, scale = range / 255, zero point = saturate(round(-min / scale)),
  // y = saturate(round(x / scale) + zero point), rounding half to even. An all-zero input (range 0) gets
  // scale 1 and zero point 0 instead of dividing by zero.
  void run(const std::vector<const void*>& inputs, const std::vector<void*>& outputs) override {
    const auto* x = static_cast<const float*>(inputs[0]);
    float lo = 0.0f, hi = 0.0f;
    for (int64_t i = 0; i < count_; ++i) {
      check(!std::isnan(x[i]), "input 0 contains NaN");
      lo = std::min(lo, x[i]);
      hi = std::max(hi, x[i]);
    }
    check(std::isfinite(lo) && std::isfinite(hi), "input 0 contains an infinity");
    float scale = (hi - lo) / 255.0f;
    float zero_point = 0.0f;
    if (scale == 0.0f) {
      scale = 1.0f;
    } else {
      zero_point = std::nearbyint(std::min(255.0f, std::max(0.0f, 0.0f - lo / scale)));
    }
    auto* y = static_cast<uint8_t*>(outputs[0]);
    for (int64_t i = 0; i < count_; ++i) {
      const float v = std::nearbyint(x[i] / scale) + zero_point;
      y[i] = static_cast<uint8_t>(std::min(255.0f, std::max(0.0f, v)));
    }
    if (outputs[1]) std::memcpy(outputs[1], &scale, 4);
    if (outputs[2]) *static_cast<uint8_t*>(outputs[2]) = static_cast<uint8_t>(zero_point);
  }

 private:
  int64_t count_ = 0;
};

// A zero point input: scalar (one value) or per-row / per-column (1-D); absent = 0.
struct ZeroPoints {
  std::vector<int32_t> values{0};
  int32_t at(int64_t i) const { return values.size() == 1 ? values[0] : values[static_cast<std::size_t>(i)]; }
};

ZeroPoints read_zero_points(const ValueInfo& info, const void* data, ElementType expected, const char* what) {
  ZeroPoints z;
  if (info.type == ElementType::Undefined) return z;
  check(info.type == expected, what, " zero point must be ", graph::element_type_name(expected), " like its tensor");
  check(data != nullptr, what, " zero point must be known");
  z.values.clear();
  for (int64_t i = 0; i < info.count(); ++i) z.values.push_back(load_8bit(data, info.type, i));
  check(!z.values.empty(), what, " zero point is empty");
  return z;
}

class MatMulIntegerStep : public Step {
 public:
  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& inputs) override {
    a_ = inputs[0], b_ = inputs[1];
    a_zp_ = inputs.size() > 2 ? inputs[2] : ValueInfo{};
    b_zp_ = inputs.size() > 3 ? inputs[3] : ValueInfo{};
    check(is_8bit(a_.type) && is_8bit(b_.type), "A and B must be uint8 or int8");
    check(a_.shape.size() >= 2 && b_.shape.size() == 2, "supported: A of rank >= 2 and a 2-D B, got ",
          shape_string(a_.shape), " and ", shape_string(b_.shape));
    k_ = a_.shape.back();
    m_ = a_.shape[a_.shape.size() - 2];
    n_ = b_.shape[1];
    check(b_.shape[0] == k_, "A has ", k_, " columns but B has ", b_.shape[0], " rows");
    check(a_zp_.type == ElementType::Undefined || a_zp_.count() == 1 || a_zp_.count() == m_,
          "a_zero_point must be a scalar or have one value per row");
    check(b_zp_.type == ElementType::Undefined || b_zp_.count() == 1 || b_zp_.count() == n_,
          "b_zero_point must be a scalar or have one value per column");
    batch_ = a_.count() / std::max<int64_t>(1, m_ * k_);
    Shape out = a_.shape;
    out.back() = n_;
    return {ValueInfo{ElementType::Int32, out, Layout::Logical, nullptr}};
  }

  void run(const std::vector<const void*>& inputs, const std::vector<void*>& outputs) override {
    const ZeroPoints az = read_zero_points(a_zp_, inputs.size() > 2 ? inputs[2] : nullptr, a_.type, "a");
    const ZeroPoints bz = read_zero_points(b_zp_, inputs.size() > 3 ? inputs[3] : nullptr, b_.type, "b");
    auto* y = static_cast<int32_t*>(outputs[0]);
    for (int64_t batch = 0; batch < batch_; ++batch)
      for (int64_t i = 0; i < m_; ++i)
        for (int64_t j = 0; j < n_; ++j) {
          int64_t acc = 0;
          for (int64_t p = 0; p < k_; ++p)
            acc += int64_t{load_8bit(inputs[0], a_.type, (batch * m_ + i) * k_ + p) - az.at(i)} *
                   (load_8bit(inputs[1], b_.type, p * n_ + j) - bz.at(j));
          y[(batch * m_ + i) * n_ + j] = static_cast<int32_t>(static_cast<uint32_t>(acc));
        }
  }

 private:
  ValueInfo a_, b_, a_zp_, b_zp_;
  int64_t m_ = 0, n_ = 0, k_ = 0, batch_ = 0;
};

class ConvIntegerStep : public Step {
 public:
  explicit ConvIntegerStep(const graph::Node& node)
      : strides_(node.attribute_ints("strides", {1, 1})),
        dilations_(node.attribute_ints("dilations", {1, 1})),
        pads_(node.attribute_ints("pads", {0, 0, 0, 0})),
        group_(node.attribute_int("group", 1)) {
    check(node.attribute_string("auto_pad", "NOTSET") == "NOTSET", "auto_pad is not supported, use pads");
    check(strides_.size() == 2 && dilations_.size() == 2 && pads_.size() == 4, "2-D convolutions only");
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& inputs) override {
    x_ = inputs[0], w_ = inputs[1];
    x_zp_ = inputs.size() > 2 ? inputs[2] : ValueInfo{};
    w_zp_ = inputs.size() > 3 ? inputs[3] : ValueInfo{};
    check(is_8bit(x_.type) && is_8bit(w_.type), "x and w must be uint8 or int8");
    check(x_.shape.size() == 4 && w_.shape.size() == 4, "x and w must have rank 4");
    check(group_ >= 1 && x_.shape[1] == w_.shape[1] * group_ && w_.shape[0] % group_ == 0,
          "x has ", x_.shape[1], " channels, w expects ", w_.shape[1], " x group ", group_);
    check(x_zp_.type == ElementType::Undefined || x_zp_.count() == 1, "x_zero_point must be a scalar");
    check(w_zp_.type == ElementType::Undefined || w_zp_.count() == 1 || w_zp_.count() == w_.shape[0],
          "w_zero_point must be a scalar or have one value per output channel");
    for (int64_t v : strides_) check(v >= 1, "strides must be >= 1");
    for (int64_t v : dilations_) check(v >= 1, "dilations must be >= 1");
    for (int64_t v : pads_) check(v >= 0, "pads must be >= 0");
    oh_ = (x_.shape[2] + pads_[0] + pads_[2] - dilations_[0] * (w_.shape[2] - 1) - 1) / strides_[0] + 1;
    ow_ = (x_.shape[3] + pads_[1] + pads_[3] - dilations_[1] * (w_.shape[3] - 1) - 1) / strides_[1] + 1;
    check(oh_ >= 1 && ow_ >= 1, "the kernel does not fit the padded input");
    return {ValueInfo{ElementType::Int32, {x_.shape[0], w_.shape[0], oh_, ow_}, Layout::Logical, nullptr}};
  }

  void run(const std::vector<const void*>& inputs, const std::vector<void*>& outputs) override {
    const ZeroPoints xz = read_zero_points(x_zp_, inputs.size() > 2 ? inputs[2] : nullptr, x_.type, "x");
    const ZeroPoints wz = read_zero_points(w_zp_, inputs.size() > 3 ? inputs[3] : nullptr, w_.type, "w");
    const int64_t n = x_.shape[0], c = x_.shape[1], h = x_.shape[2], w = x_.shape[3];
    const int64_t oc = w_.shape[0], icg = w_.shape[1], kh = w_.shape[2], kw = w_.shape[3];
    const int64_t ocg = oc / group_;
    auto* y = static_cast<int32_t*>(outputs[0]);
    for (int64_t b = 0; b < n; ++b)
      for (int64_t o = 0; o < oc; ++o)
        for (int64_t oy = 0; oy < oh_; ++oy)
          for (int64_t ox = 0; ox < ow_; ++ox) {
            int64_t acc = 0;
            const int64_t g = o / ocg;
            for (int64_t ic = 0; ic < icg; ++ic)
              for (int64_t ky = 0; ky < kh; ++ky)
                for (int64_t kx = 0; kx < kw; ++kx) {
                  const int64_t iy = oy * strides_[0] - pads_[0] + ky * dilations_[0];
                  const int64_t ix = ox * strides_[1] - pads_[1] + kx * dilations_[1];
                  if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;  // padding is x's zero point: adds 0
                  const int64_t channel = g * icg + ic;
                  acc += int64_t{load_8bit(inputs[0], x_.type, ((b * c + channel) * h + iy) * w + ix) - xz.at(0)} *
                         (load_8bit(inputs[1], w_.type, ((o * icg + ic) * kh + ky) * kw + kx) - wz.at(o));
                }
            y[((b * oc + o) * oh_ + oy) * ow_ + ox] = static_cast<int32_t>(static_cast<uint32_t>(acc));
          }
  }

 private:
  std::vector<int64_t> strides_, dilations_, pads_;
  int64_t group_;
  ValueInfo x_, w_, x_zp_, w_zp_;
  int64_t oh_ = 0, ow_ = 0;
};

}  // namespace

StepPtr make_dynamic_quantize_linear_step(const StepContext&) { return std::make_unique<DynamicQuantizeLinearStep>(); }
StepPtr make_matmul_integer_step(const StepContext&) { return std::make_unique<MatMulIntegerStep>(); }
StepPtr make_conv_integer_step(const StepContext& ctx) { return std::make_unique<ConvIntegerStep>(ctx.node); }

}  // namespace qwasm::runtime
