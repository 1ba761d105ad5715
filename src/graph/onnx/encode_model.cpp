#include <protozero/pbf_writer.hpp>

#include "core/error.h"
#include "graph/onnx/encode.h"
#include "graph/onnx/field_numbers.h"

namespace qwasm::graph::onnx {
namespace {

namespace f = fields;

// Each message is encoded into its own string and added to its parent with add_message (no nested writers
// alive in one function): Debian's binaryen (wasm-emscripten-finalize) asserts on the try/delegate nesting that
// nested protozero writers produce under -fwasm-exceptions.
std::string tensor_message(const std::string& name, const TensorData& data) {
  std::string bytes;
  protozero::pbf_writer out(bytes);
  for (int64_t d : data.dims) out.add_int64(f::tensor::kDims, d);
  out.add_int32(f::tensor::kDataType, element_type_to_onnx(data.type));
  out.add_string(f::tensor::kName, name);
  out.add_bytes(f::tensor::kRawData, reinterpret_cast<const char*>(data.bytes.data()), data.bytes.size());
  return bytes;
}

std::string shape_message(const DeclaredShape& shape) {
  std::string bytes;
  protozero::pbf_writer out(bytes);
  for (const Dim& d : shape.dims) {
    std::string dim;
    protozero::pbf_writer dim_writer(dim);
    if (d.is_static()) {
      dim_writer.add_int64(f::dimension::kDimValue, d.value);
    } else if (!d.param.empty()) {
      dim_writer.add_string(f::dimension::kDimParam, d.param);
    }
    out.add_message(f::shape::kDim, dim);
  }
  return bytes;
}

std::string value_info_message(const Graph& graph, const std::string& name) {
  std::string bytes;
  protozero::pbf_writer out(bytes);
  out.add_string(f::value_info::kName, name);
  const Tensor* t = graph.find_tensor(name);
  if (!t || t->type == ElementType::Undefined) return bytes;
  std::string tensor_type;
  protozero::pbf_writer tt(tensor_type);
  tt.add_int32(f::tensor_type::kElemType, element_type_to_onnx(t->type));
  if (t->shape.rank_known) tt.add_message(f::tensor_type::kShape, shape_message(t->shape));
  std::string type;
  protozero::pbf_writer(type).add_message(f::type_proto::kTensorType, tensor_type);
  out.add_message(f::value_info::kType, type);
  return bytes;
}

std::string attribute_message(const Attribute& a) {
  namespace at = f::attribute;
  std::string bytes;
  protozero::pbf_writer out(bytes);
  out.add_string(at::kName, a.name);
  switch (a.type) {
    case AttributeType::Float:
      out.add_float(at::kF, a.f);
      out.add_int32(at::kType, at::kTypeFloat);
      break;
    case AttributeType::Int:
      out.add_int64(at::kI, a.i);
      out.add_int32(at::kType, at::kTypeInt);
      break;
    case AttributeType::String:
      out.add_string(at::kS, a.s);
      out.add_int32(at::kType, at::kTypeString);
      break;
    case AttributeType::Tensor:
      check(a.t != nullptr, "encode: tensor attribute '", a.name, "' has no data");
      out.add_message(at::kT, tensor_message("", *a.t));
      out.add_int32(at::kType, at::kTypeTensor);
      break;
    case AttributeType::Floats:
      out.add_packed_float(at::kFloats, a.floats.begin(), a.floats.end());
      out.add_int32(at::kType, at::kTypeFloats);
      break;
    case AttributeType::Ints:
      out.add_packed_int64(at::kInts, a.ints.begin(), a.ints.end());
      out.add_int32(at::kType, at::kTypeInts);
      break;
    case AttributeType::Strings:
      for (const std::string& s : a.strings) out.add_string(at::kStrings, s);
      out.add_int32(at::kType, at::kTypeStrings);
      break;
  }
  return bytes;
}

std::string node_message(const Node& node) {
  std::string bytes;
  protozero::pbf_writer out(bytes);
  for (const std::string& input : node.inputs) out.add_string(f::node::kInput, input);
  for (const std::string& output : node.outputs) out.add_string(f::node::kOutput, output);
  if (!node.name.empty()) out.add_string(f::node::kName, node.name);
  out.add_string(f::node::kOpType, node.op_type);
  for (const Attribute& a : node.attributes) out.add_message(f::node::kAttribute, attribute_message(a));
  if (!node.domain.empty()) out.add_string(f::node::kDomain, node.domain);
  return bytes;
}

std::string graph_message(const Graph& g) {
  std::string bytes;
  protozero::pbf_writer graph(bytes);
  for (const Node& node : g.nodes) graph.add_message(f::graph::kNode, node_message(node));
  graph.add_string(f::graph::kName, g.name.empty() ? "qwasm" : g.name);
  for (const std::string& name : g.constants) {
    const Tensor* t = g.find_tensor(name);
    check(t && t->constant, "encode: constant '", name, "' has no data");
    graph.add_message(f::graph::kInitializer, tensor_message(name, *t->constant));
  }
  for (const std::string& name : g.inputs) graph.add_message(f::graph::kInput, value_info_message(g, name));
  for (const std::string& name : g.outputs) graph.add_message(f::graph::kOutput, value_info_message(g, name));
  return bytes;
}

}  // namespace

int32_t element_type_to_onnx(ElementType type) {
  namespace dt = f::data_type;
  switch (type) {
    case ElementType::Float32: return dt::kFloat;
    case ElementType::Float64: return dt::kDouble;
    case ElementType::Float16: return dt::kFloat16;
    case ElementType::BFloat16: return dt::kBFloat16;
    case ElementType::UInt8: return dt::kUint8;
    case ElementType::Int8: return dt::kInt8;
    case ElementType::UInt16: return dt::kUint16;
    case ElementType::Int16: return dt::kInt16;
    case ElementType::Int32: return dt::kInt32;
    case ElementType::Int64: return dt::kInt64;
    case ElementType::UInt32: return dt::kUint32;
    case ElementType::UInt64: return dt::kUint64;
    case ElementType::Bool: return dt::kBool;
    case ElementType::Undefined: break;
  }
  fail("encode: element type ", element_type_name(type), " has no ONNX code");
}

std::vector<uint8_t> encode_model(const Model& model) {
  std::string bytes;
  protozero::pbf_writer out(bytes);
  out.add_int64(f::model::kIrVersion, model.ir_version > 0 ? model.ir_version : 7);
  out.add_string(f::model::kProducerName, model.producer_name.empty() ? "qwasm" : model.producer_name);
  if (!model.producer_version.empty()) out.add_string(f::model::kProducerVersion, model.producer_version);
  out.add_message(f::model::kGraph, graph_message(model.graph));
  for (const OpsetImport& opset : model.opset_imports) {
    std::string import;
    protozero::pbf_writer o(import);
    if (!opset.domain.empty()) o.add_string(f::opset_import::kDomain, opset.domain);
    o.add_int64(f::opset_import::kVersion, opset.version);
    out.add_message(f::model::kOpsetImport, import);
  }
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

}  // namespace qwasm::graph::onnx
