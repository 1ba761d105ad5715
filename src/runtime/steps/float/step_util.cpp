#include "runtime/steps/float/step_util.h"

#include <algorithm>
#include <limits>

#include "core/error.h"

namespace qwasm::runtime::float_steps {

void expect_input_count(const std::vector<ValueInfo>& inputs, std::size_t min, std::size_t max) {
  runtime::expect_input_count(inputs.size(), min, max);
}

bool present(const std::vector<ValueInfo>& inputs, std::size_t index) {
  return index < inputs.size() && inputs[index].type != ElementType::Undefined;
}

void expect_present(const std::vector<ValueInfo>& inputs, std::size_t index, const char* name) {
  check(present(inputs, index), "input ", index, " '", name, "' is required");
}

void expect_type(const std::vector<ValueInfo>& inputs, std::size_t index, const char* name, ElementType type) {
  expect_present(inputs, index, name);
  check(inputs[index].type == type, "input ", index, " '", name, "' must be ", graph::element_type_name(type),
        ", got ", graph::element_type_name(inputs[index].type));
}

ValueInfo logical(ElementType type, Shape shape) {
  ValueInfo v;
  v.type = type;
  v.shape = std::move(shape);
  return v;
}

int64_t normalize_axis(int64_t axis, int64_t rank, const char* what) {
  check(axis >= -rank && axis < rank, what, " ", axis, " is out of range for rank ", rank);
  return axis < 0 ? axis + rank : axis;
}

std::vector<int64_t> constant_ints(const ValueInfo& value, std::size_t index, const char* name) {
  check(value.constant != nullptr, "input ", index, " '", name, "' must be a constant (shape inputs computed at run ",
        "time are not supported)");
  check(value.type == ElementType::Int64 || value.type == ElementType::Int32, "input ", index, " '", name,
        "' must be int64, got ", graph::element_type_name(value.type));
  std::vector<int64_t> out(static_cast<std::size_t>(value.constant->count()));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = value.constant->int_value(static_cast<int64_t>(i));
  return out;
}

float constant_float(const graph::TensorData& data, int64_t i) { return static_cast<float>(data.float_value(i)); }

WindowAttributes read_window_attributes(const graph::Node& node, const char* op, bool allow_dilations) {
  WindowAttributes a;
  a.kernel_shape = node.attribute_ints("kernel_shape", {});
  a.strides = node.attribute_ints("strides", {});
  a.dilations = node.attribute_ints("dilations", {});
  a.pads = node.attribute_ints("pads", {});
  a.auto_pad = node.attribute_string("auto_pad", "NOTSET");
  a.ceil_mode = node.attribute_int("ceil_mode", 0) != 0;
  check(a.auto_pad == "NOTSET" || a.auto_pad == "VALID" || a.auto_pad == "SAME_UPPER" || a.auto_pad == "SAME_LOWER",
        op, ": unknown auto_pad '", a.auto_pad, "'");
  if (!allow_dilations) {
    for (int64_t d : a.dilations) check(d == 1, op, ": dilations other than 1 are not supported");
  }
  for (int64_t v : a.kernel_shape) check(v >= 1, op, ": kernel_shape values must be >= 1");
  for (int64_t v : a.strides) check(v >= 1, op, ": strides must be >= 1");
  for (int64_t v : a.dilations) check(v >= 1, op, ": dilations must be >= 1");
  for (int64_t v : a.pads) check(v >= 0, op, ": pads must be >= 0");
  return a;
}

F32Window2d resolve_window(const WindowAttributes& a, const Shape& spatial, const std::vector<int64_t>& kernel,
                           const char* op, int64_t* out_h, int64_t* out_w) {
  const std::size_t r = spatial.size();
  check(r == 1 || r == 2, op, ": only 1-D and 2-D inputs are supported, got ", r, " spatial dims");
  check(kernel.size() == r, op, ": kernel_shape has ", kernel.size(), " values for ", r, " spatial dims");
  check(a.strides.empty() || a.strides.size() == r, op, ": strides has ", a.strides.size(), " values for ", r,
        " spatial dims");
  check(a.dilations.empty() || a.dilations.size() == r, op, ": dilations has ", a.dilations.size(), " values for ",
        r, " spatial dims");
  check(a.pads.empty() || a.pads.size() == 2 * r, op, ": pads has ", a.pads.size(), " values for ", r,
        " spatial dims (needs ", 2 * r, ")");
  // Per spatial dim (index 0 = H, 1 = W after 1-D inputs are given H = 1).
  int64_t in[2] = {1, 1}, k[2] = {1, 1}, s[2] = {1, 1}, d[2] = {1, 1}, pb[2] = {0, 0}, pe[2] = {0, 0}, out[2] = {1, 1};
  for (std::size_t i = 0; i < r; ++i) {
    const std::size_t j = i + (2 - r);
    in[j] = spatial[i];
    k[j] = kernel[i];
    if (!a.strides.empty()) s[j] = a.strides[i];
    if (!a.dilations.empty()) d[j] = a.dilations[i];
    if (a.auto_pad == "NOTSET" && !a.pads.empty()) {
      pb[j] = a.pads[i];
      pe[j] = a.pads[i + r];
    }
  }
  for (std::size_t j = 2 - r; j < 2; ++j) {
    if (a.auto_pad == "SAME_UPPER" || a.auto_pad == "SAME_LOWER") {
      out[j] = (in[j] + s[j] - 1) / s[j];
      const int64_t total = std::max<int64_t>(0, (out[j] - 1) * s[j] + d[j] * (k[j] - 1) + 1 - in[j]);
      pb[j] = a.auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pe[j] = total - pb[j];
    }
    out[j] = f32_window_output_size(in[j], k[j], s[j], d[j], pb[j], pe[j], a.ceil_mode, op);
  }
  F32Window2d g;
  g.kernel_h = k[0];
  g.kernel_w = k[1];
  g.stride_h = s[0];
  g.stride_w = s[1];
  g.dilation_h = d[0];
  g.dilation_w = d[1];
  g.pad_top = pb[0];
  g.pad_left = pb[1];
  g.pad_bottom = pe[0];
  g.pad_right = pe[1];
  *out_h = out[0];
  *out_w = out[1];
  return g;
}

void read_fused_activation(const graph::Node& node, float* min, float* max) {
  *min = -std::numeric_limits<float>::infinity();
  *max = std::numeric_limits<float>::infinity();
  if (node.domain != "qwasm") return;
  const std::string activation = node.attribute_string("activation", "");
  if (activation == "Relu") {
    *min = 0.0f;
  } else if (activation == "Clip") {
    const std::vector<float> params = node.attribute_floats("activation_params", {});
    check(params.size() == 2, node.op_type, ": activation Clip needs activation_params [min, max], got ",
          params.size(), " values");
    *min = params[0];
    *max = params[1];
  } else {
    fail(node.op_type, ": unsupported activation '", activation, "' (expected Relu or Clip)");
  }
}

}  // namespace qwasm::runtime::float_steps
