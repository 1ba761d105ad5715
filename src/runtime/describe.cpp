#include "runtime/describe.h"

#include "runtime/json_text.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace qwasm::runtime {
namespace {

std::string declared_shape_json(const graph::DeclaredShape& shape) {
  if (!shape.rank_known) return "null";
  std::string out = "[";
  for (std::size_t i = 0; i < shape.dims.size(); ++i) {
    const graph::Dim& d = shape.dims[i];
    out += (i ? "," : "") + (d.is_static() ? std::to_string(d.value) : d.param.empty() ? "null" : json_quote(d.param));
  }
  return out + "]";
}

std::string shape_json(const Shape& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? "," : "") + std::to_string(shape[i]);
  return out + "]";
}

std::string io_json(const std::vector<IOInfo>& list) {
  std::string out = "[";
  for (std::size_t i = 0; i < list.size(); ++i)
    out += std::string(i ? "," : "") + "{\"name\":" + json_quote(list[i].name) + ",\"type\":" +
           json_quote(graph::element_type_name(list[i].type)) + ",\"shape\":" + declared_shape_json(list[i].shape) + "}";
  return out + "]";
}

std::string qparams_json(const std::string& tensor, const char* dtype, const std::vector<float>& scales,
                         const std::vector<int64_t>& zero_points, int64_t axis, int64_t quant_min, int64_t quant_max) {
  std::string out = "{\"tensor\":" + json_quote(tensor) + ",\"dtype\":" + json_quote(dtype) + ",\"scale\":[";
  for (std::size_t i = 0; i < scales.size(); ++i) out += (i ? "," : "") + json_float(scales[i]);
  out += "],\"zero_point\":[";
  for (std::size_t i = 0; i < zero_points.size(); ++i) out += (i ? "," : "") + std::to_string(zero_points[i]);
  out += "],\"axis\":" + (scales.size() > 1 ? std::to_string(axis) : std::string("null"));
  return out + ",\"quant_min\":" + std::to_string(quant_min) + ",\"quant_max\":" + std::to_string(quant_max) + "}";
}

const char* dtype_of(graph::ElementType type) {
  return type == graph::ElementType::Int8 ? "qint8" : type == graph::ElementType::Int32 ? "qint32" : "quint8";
}
int64_t min_of(graph::ElementType type) {
  return type == graph::ElementType::Int8 ? -128 : type == graph::ElementType::Int32 ? -2147483648LL : 0;
}
int64_t max_of(graph::ElementType type) {
  return type == graph::ElementType::Int8 ? 127 : type == graph::ElementType::Int32 ? 2147483647LL : 255;
}

// The qparams a node computes with: qwasm nodes' attributes, or QuantizeLinear/DequantizeLinear constants.
std::vector<std::string> node_qparams(const graph::Graph& graph, const graph::Node& node) {
  std::vector<std::string> list;
  const auto role = [&](const std::string& r, const std::string& tensor) {
    if (!node.find_attribute(r + "_scale")) return;
    list.push_back(qparams_json(tensor, "quint8", {node.attribute_float(r + "_scale", 0)},
                                {node.attribute_int(r + "_zero_point", 0)}, 0, 0, 255));
  };
  if (node.domain == "qwasm") {
    const std::string in0 = node.inputs.empty() ? "" : node.inputs[0];
    role("x", in0);
    role("a", in0);
    role("b", node.inputs.size() > 1 ? node.inputs[1] : "");
    if (node.find_attribute("w_scales") && node.inputs.size() > 1) {
      const auto scales = node.attribute_floats("w_scales", {});
      list.push_back(qparams_json(node.inputs[1], "qint8", scales, node.attribute_ints("w_zero_points", {}), 0,
                                  -128, 127));
    }
    if (node.find_attribute("scales")) {
      const auto scales = node.attribute_floats("scales", {});
      const auto zps = node.attribute_ints("zero_points", {});
      for (std::size_t i = 0; i < scales.size() && i < node.inputs.size() && i < zps.size(); ++i)
        list.push_back(qparams_json(node.inputs[i], "quint8", {scales[i]}, {zps[i]}, 0, 0, 255));
    }
    role("y", node.outputs.empty() ? "" : node.outputs[0]);
  } else if (node.domain.empty() && (node.op_type == "QuantizeLinear" || node.op_type == "DequantizeLinear") &&
             node.inputs.size() >= 2) {
    const graph::Tensor* scale = graph.find_tensor(node.inputs[1]);
    const graph::Tensor* zp = node.inputs.size() > 2 ? graph.find_tensor(node.inputs[2]) : nullptr;
    if (scale && scale->constant) {
      std::vector<float> scales;
      std::vector<int64_t> zps;
      for (int64_t i = 0; i < scale->constant->count(); ++i) {
        scales.push_back(scale->constant->at<float>(i));
        zps.push_back(zp && zp->constant && i < zp->constant->count() ? zp->constant->int_value(i) : 0);
      }
      const auto type = zp && zp->constant ? zp->constant->type : graph::ElementType::UInt8;
      const std::string& tensor = node.op_type == "QuantizeLinear" ? node.outputs[0] : node.inputs[0];
      list.push_back(qparams_json(tensor, dtype_of(type), scales, zps, node.attribute_int("axis", 1), min_of(type),
                                  max_of(type)));
    }
  }
  return list;
}

}  // namespace

std::string describe_session_json(const graph::Graph& graph, const std::vector<IOInfo>& inputs,
                                  const std::vector<IOInfo>& outputs, const std::vector<StepPtr>& steps,
                                  const Plan* plan) {
  std::ostringstream out;
  out << "{\"inputs\":" << io_json(inputs) << ",\"outputs\":" << io_json(outputs) << ",\"nodes\":[";
  // Execution (topological) order, which is what people reading a profile or a plan expect.
  bool first_node = true;
  for (const std::size_t i : graph.topological_order()) {
    const graph::Node& node = graph.nodes[i];
    out << (first_node ? "" : ",") << "{\"name\":" << json_quote(node.name) << ",\"op\":" << json_quote(node.op_type)
        << ",\"domain\":" << json_quote(node.domain) << ",\"kernel\":" << json_quote(steps[i] ? steps[i]->kernel() : "");
    if (node.domain == "qwasm" && node.find_attribute("function"))
      out << ",\"function\":" << json_quote(node.attribute_string("function", ""));
    if (node.find_attribute("y_min"))
      out << ",\"output_min\":" << node.attribute_int("y_min", 0) << ",\"output_max\":" << node.attribute_int("y_max", 255);
    const std::vector<int>* values = plan && i < plan->node_values.size() && !plan->node_values[i].empty()
                                         ? &plan->node_values[i]
                                         : nullptr;
    const auto tensors = [&](const std::vector<std::string>& names, std::size_t first) {
      out << "[";
      for (std::size_t k = 0; k < names.size(); ++k) {
        out << (k ? "," : "") << "{\"name\":" << json_quote(names[k]);
        const int id = values && first + k < values->size() ? (*values)[first + k] : -1;
        if (id >= 0) {
          const ValueInfo& v = plan->values[static_cast<std::size_t>(id)].info;
          out << ",\"type\":" << json_quote(graph::element_type_name(v.type)) << ",\"shape\":" << shape_json(v.shape)
              << ",\"layout\":" << json_quote(layout_name(v.layout));
        } else if (const graph::Tensor* t = names[k].empty() ? nullptr : graph.find_tensor(names[k])) {
          out << ",\"type\":" << json_quote(graph::element_type_name(t->type))
              << ",\"shape\":" << declared_shape_json(t->shape);
        }
        out << "}";
      }
      out << "]";
    };
    out << ",\"inputs\":";
    tensors(node.inputs, 0);
    out << ",\"outputs\":";
    tensors(node.outputs, node.inputs.size());
    out << ",\"qparams\":[";
    const auto q = node_qparams(graph, node);
    for (std::size_t k = 0; k < q.size(); ++k) out << (k ? "," : "") << q[k];
    out << "]}";
    first_node = false;
  }
  out << "],\"peakActivationBytes\":" << (plan ? plan->arena_bytes : 0) << ",\"planned\":" << (plan ? "true" : "false")
      << "}";
  return out.str();
}

}  // namespace qwasm::runtime
