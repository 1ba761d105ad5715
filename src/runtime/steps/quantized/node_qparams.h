// Reading the qparams attributes of qwasm-domain nodes (see quantized_steps.h) and the checks every int8 step
// repeats on its inputs.
#pragma once

#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"
#include "graph/ir.h"
#include "kernels/reference/pooling.h"
#include "kernels/reference/qu8_params.h"
#include "runtime/value.h"

namespace qwasm::runtime {

// {<role>_scale, <role>_zero_point}; both attributes are required.
inline Qu8Params node_qu8_params(const graph::Node& node, const std::string& role) {
  const std::string scale = role + "_scale", zero_point = role + "_zero_point";
  check(node.find_attribute(scale) && node.find_attribute(zero_point), "missing attribute '", scale, "' or '",
        zero_point, "'");
  Qu8Params p{node.attribute_float(scale, 1.0f), static_cast<int32_t>(node.attribute_int(zero_point, 0))};
  validate_qu8(p, node.op_type.c_str(), role.c_str());
  return p;
}

inline void check_input_type(const ValueInfo& info, graph::ElementType type, std::size_t index) {
  check(info.type == type, "input ", index, " must be ", graph::element_type_name(type), ", got ",
        graph::element_type_name(info.type));
}

// The elements of constant data as a vector of T (T must be the data's C++ type).
template <class T>
std::vector<T> constant_values(const graph::TensorData& data) {
  std::vector<T> values(static_cast<std::size_t>(data.count()));
  if (!values.empty()) std::memcpy(values.data(), data.bytes.data(), values.size() * sizeof(T));
  return values;
}

// A rank-4 logical [N, C, H, W] as the kernels' NHWC dims.
inline NhwcDims nhwc_dims(const Shape& nchw) { return NhwcDims{nchw[0], nchw[2], nchw[3], nchw[1]}; }
inline Shape nchw_shape(const NhwcDims& d) { return Shape{d.n, d.c, d.h, d.w}; }

}  // namespace qwasm::runtime
