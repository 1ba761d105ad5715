// Small helpers shared by the float steps: input checks with uniform messages, axis normalization, reading shape
// inputs from plan-time constants, and the 1-D/2-D window attributes of Conv and the pooling ops.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/float/f32_conv2d.h"
#include "runtime/step.h"

namespace qwasm::runtime::float_steps {

using graph::ElementType;

// Error unless inputs.size() is in [min, max] ("expects 2 to 3 inputs, got 4").
void expect_input_count(const std::vector<ValueInfo>& inputs, std::size_t min, std::size_t max);
// "input 1 'W' is required" unless present (type not Undefined).
void expect_present(const std::vector<ValueInfo>& inputs, std::size_t index, const char* name);
// "input 1 'W' must be float32, got int64" (also when absent).
void expect_type(const std::vector<ValueInfo>& inputs, std::size_t index, const char* name, ElementType type);
bool present(const std::vector<ValueInfo>& inputs, std::size_t index);

ValueInfo logical(ElementType type, Shape shape);

// axis in [-rank, rank) -> [0, rank); error names `what`.
int64_t normalize_axis(int64_t axis, int64_t rank, const char* what);

// The int64 (or int32) values of a plan-time constant input ("input 1 'shape' must be a constant").
std::vector<int64_t> constant_ints(const ValueInfo& value, std::size_t index, const char* name);

// The float element of a constant tensor (float32 / float64).
float constant_float(const graph::TensorData& data, int64_t i);

// Spatial-window attributes as written in the node (kernel_shape may be empty for Conv: taken from W).
struct WindowAttributes {
  std::vector<int64_t> kernel_shape, strides, dilations, pads;
  std::string auto_pad = "NOTSET";
  bool ceil_mode = false;
};
WindowAttributes read_window_attributes(const graph::Node& node, const char* op, bool allow_dilations);

// Resolves the window for an input of spatial dims `spatial` (1 or 2 of them: 1-D ops run as H = 1) and the given
// kernel (from kernel_shape or W), computing out_h/out_w.
F32Window2d resolve_window(const WindowAttributes& a, const Shape& spatial, const std::vector<int64_t>& kernel,
                           const char* op, int64_t* out_h, int64_t* out_w);

// The clamp of a fused activation (FusedConv / FusedGemm: attribute activation "Relu" / "Clip" with
// activation_params [min, max]); [-inf, inf] for a plain Conv / Gemm.
void read_fused_activation(const graph::Node& node, float* min, float* max);

}  // namespace qwasm::runtime::float_steps
