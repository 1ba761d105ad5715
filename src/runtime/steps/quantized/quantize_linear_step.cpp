// ONNX QuantizeLinear / DequantizeLinear (per-tensor or per-axis) with PyTorch's arithmetic (core/quantize.h):
// quantize multiplies by the reciprocal scale and rounds half to even, as torch.quantize_per_tensor does, so a
// QuantStub exported as QuantizeLinear gives PyTorch's codes (ONNX's reference divides; the two differ only on
// exact ties of x / scale).
#include <cstring>

#include "core/error.h"
#include "core/quantize.h"
#include "kernels/simd128/q8_quantize.h"
#include "runtime/steps/quantized/factories.h"
#include "runtime/steps/quantized/linear_qparams.h"

namespace qwasm::runtime {
namespace {

using graph::ElementType;

// Channel of flat element i for per-axis qparams along `axis` of `dims`.
struct AxisIndexer {
  int64_t inner = 1, channels = 1;
  AxisIndexer(const Shape& dims, int64_t axis, bool per_axis) {
    if (!per_axis) return;
    channels = dims[static_cast<std::size_t>(axis)];
    for (std::size_t d = static_cast<std::size_t>(axis) + 1; d < dims.size(); ++d) inner *= dims[d];
  }
  std::size_t operator()(int64_t i) const { return static_cast<std::size_t>((i / inner) % channels); }
};

class QuantizeLinearStep : public Step {
 public:
  explicit QuantizeLinearStep(LinearQParams q) : q_(std::move(q)) {}

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& inputs) override {
    check(inputs[0].type == ElementType::Float32, "input 0 must be float32, got ",
          graph::element_type_name(inputs[0].type));
    axis_ = resolve_qparams_axis(q_, inputs[0].shape);
    dims_ = inputs[0].shape;
    count_ = inputs[0].count();
    ValueInfo out;
    out.type = q_.quantized_type;
    out.shape = inputs[0].shape;
    return {out};
  }

  void run(const std::vector<const void*>& inputs, const std::vector<void*>& outputs) override {
    const auto* x = static_cast<const float*>(inputs[0]);
    if (simd_kernel()) {
      if (q_.quantized_type == ElementType::UInt8) {
        q8_quantize_to_u8(x, count_, q_.scales[0], q_.zero_points[0], static_cast<uint8_t*>(outputs[0]));
      } else {
        q8_quantize_to_s8(x, count_, q_.scales[0], q_.zero_points[0], static_cast<int8_t*>(outputs[0]));
      }
      return;
    }
    const AxisIndexer channel(dims_, axis_, q_.per_axis());
    const int64_t lo = quantized_type_min(q_.quantized_type), hi = quantized_type_max(q_.quantized_type);
    for (int64_t i = 0; i < count_; ++i) {
      const std::size_t c = channel(i);
      const int64_t v = quantize_value(x[i], q_.scales[c], q_.zero_points[c], lo, hi);
      store(outputs[0], i, v);
    }
  }

  std::string kernel() const override { return simd_kernel() ? "q8_quantize_simd128" : "quantize_reference"; }

 private:
  // Per-tensor to 8 bits: the SIMD128 kernel (bit-identical to quantize_value); otherwise the scalar loop.
  bool simd_kernel() const {
    return !q_.per_axis() && (q_.quantized_type == ElementType::UInt8 || q_.quantized_type == ElementType::Int8);
  }

  void store(void* out, int64_t i, int64_t v) const {
    switch (q_.quantized_type) {
      case ElementType::UInt8: static_cast<uint8_t*>(out)[i] = static_cast<uint8_t>(v); break;
      case ElementType::Int8: static_cast<int8_t*>(out)[i] = static_cast<int8_t>(v); break;
      default: static_cast<int32_t*>(out)[i] = static_cast<int32_t>(v); break;
    }
  }

  LinearQParams q_;
  int64_t axis_ = 0, count_ = 0;
  Shape dims_;
};

class DequantizeLinearStep : public Step {
 public:
  explicit DequantizeLinearStep(LinearQParams q) : q_(std::move(q)) {}

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& inputs) override {
    type_ = inputs[0].type;
    check(type_ == ElementType::UInt8 || type_ == ElementType::Int8 || type_ == ElementType::Int32,
          "input 0 must be uint8, int8 or int32, got ", graph::element_type_name(type_));
    check(!q_.zero_point_given || type_ == q_.quantized_type, "input 0 is ", graph::element_type_name(type_),
          " but its zero point is ", graph::element_type_name(q_.quantized_type));
    axis_ = resolve_qparams_axis(q_, inputs[0].shape);
    dims_ = inputs[0].shape;
    count_ = inputs[0].count();
    ValueInfo out;
    out.type = ElementType::Float32;
    out.shape = inputs[0].shape;
    return {out};
  }

  void run(const std::vector<const void*>& inputs, const std::vector<void*>& outputs) override {
    auto* y = static_cast<float*>(outputs[0]);
    const AxisIndexer channel(dims_, axis_, q_.per_axis());
    for (int64_t i = 0; i < count_; ++i) {
      const std::size_t c = channel(i);
      const int64_t q = load(inputs[0], i);
      y[i] = q_.per_axis() ? dequantize_value_per_channel(q, q_.scales[c], q_.zero_points[c])
                           : dequantize_value(q, q_.scales[0], q_.zero_points[0]);
    }
  }

  std::string kernel() const override { return "dequantize_reference"; }

 private:
  int64_t load(const void* in, int64_t i) const {
    switch (type_) {
      case ElementType::UInt8: return static_cast<const uint8_t*>(in)[i];
      case ElementType::Int8: return static_cast<const int8_t*>(in)[i];
      default: return static_cast<const int32_t*>(in)[i];
    }
  }

  LinearQParams q_;
  ElementType type_ = ElementType::UInt8;
  int64_t axis_ = 0, count_ = 0;
  Shape dims_;
};

}  // namespace

StepPtr make_quantize_linear_step(const StepContext& ctx) {
  return std::make_unique<QuantizeLinearStep>(read_linear_qparams(ctx));
}
StepPtr make_dequantize_linear_step(const StepContext& ctx) {
  return std::make_unique<DequantizeLinearStep>(read_linear_qparams(ctx));
}

}  // namespace qwasm::runtime
