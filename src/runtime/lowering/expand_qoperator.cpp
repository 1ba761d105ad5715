#include "runtime/lowering/expand_qoperator.h"

#include <cstring>
#include <set>

#include "core/error.h"

namespace qwasm::runtime {
namespace {

using graph::Attribute;
using graph::ElementType;
using graph::Node;
using graph::TensorData;

class Expander {
 public:
  explicit Expander(graph::Model& model) : graph_(model.graph) {}

  std::size_t run() {
    std::vector<Node> nodes;
    std::size_t expanded = 0;
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
      Node node = graph_.nodes[i];
      current_ = i;
      out_.clear();
      bool done = false;
      try {
        done = expand(node);
      } catch (const Error& e) {
        throw Error(graph_.describe_node(i) + ": " + e.what());
      }
      if (done) {
        ++expanded;
        for (Node& n : out_) nodes.push_back(std::move(n));
      } else {
        nodes.push_back(std::move(node));
      }
    }
    graph_.nodes = std::move(nodes);
    return expanded;
  }

 private:
  bool expand(const Node& node) {
    const std::string& op = node.op_type;
    if (node.domain.empty()) {
      if (op == "QLinearConv") return expand_conv(node);
      if (op == "QLinearMatMul") return expand_matmul(node);
      return false;
    }
    if (node.domain != "com.microsoft") return false;
    if (op == "QGemm") return expand_gemm(node);
    if (op == "QLinearAdd" || op == "QLinearMul") return expand_binary(node, op == "QLinearAdd" ? "Add" : "Mul");
    if (op == "QLinearConcat") return expand_concat(node);
    if (op == "QLinearAveragePool" || op == "QLinearGlobalAveragePool") return expand_pool(node);
    if (op == "QLinearSigmoid" || op == "QLinearLeakyRelu") return expand_unary(node);
    return false;
  }

  const std::string& input(const Node& node, std::size_t index, const char* what) const {
    check(index < node.inputs.size() && !node.inputs[index].empty(), node.op_type, ": missing input ", index,
          " (", what, ")");
    return node.inputs[index];
  }
  // The node's quantized output (a malformed file may have none).
  const std::string& output(const Node& node) const {
    check(!node.outputs.empty() && !node.outputs[0].empty(), node.op_type, ": missing output 0");
    return node.outputs[0];
  }
  std::string optional_input(const Node& node, std::size_t index) const {
    return index < node.inputs.size() ? node.inputs[index] : std::string();
  }

  std::shared_ptr<const TensorData> constant(const std::string& name) const {
    const graph::Tensor* t = name.empty() ? nullptr : graph_.find_tensor(name);
    return t ? t->constant : nullptr;
  }

  std::string fresh(const Node& node, const std::string& what) {
    const std::string base = (node.name.empty() ? node.op_type : node.name) + "/qdq_" + what;
    std::string name = base;
    for (int i = 1; graph_.find_tensor(name) || names_.count(name); ++i) name = base + "_" + std::to_string(i);
    names_.insert(name);
    return name;
  }

  std::string add_constant(const Node& node, const std::string& what, std::shared_ptr<TensorData> data) {
    const std::string name = fresh(node, what);
    graph_.add_constant(name, std::move(data));
    return name;
  }

  Node make(const Node& from, const std::string& op, std::vector<std::string> inputs, std::string output) {
    Node n;
    n.name = from.name;
    n.op_type = op;
    n.inputs = std::move(inputs);
    n.outputs = {std::move(output)};
    return n;
  }

  static Attribute int_attribute(const std::string& name, int64_t v) {
    Attribute a;
    a.name = name;
    a.type = graph::AttributeType::Int;
    a.i = v;
    return a;
  }

  // DequantizeLinear of `x` into a fresh float tensor; `axis` for per-axis (1-D) scales.
  std::string dequantize(const Node& from, const std::string& x, const std::string& scale, const std::string& zp,
                         int64_t axis, const std::string& what) {
    const std::string out = fresh(from, what);
    Node n = make(from, "DequantizeLinear", {x, scale, zp}, out);
    n.name = from.name + "/dequantize_" + what;
    const auto s = constant(scale);
    if (s && s->count() > 1) n.attributes.push_back(int_attribute("axis", axis));
    out_.push_back(std::move(n));
    return out;
  }

  void quantize(const Node& from, const std::string& y, const std::string& scale, const std::string& zp,
                const std::string& output) {
    Node n = make(from, "QuantizeLinear", {y, scale, zp}, output);
    n.name = from.name + "/quantize";
    out_.push_back(std::move(n));
  }

  // A uint8 constant weight and zero point as int8 (w - 128, zp - 128); other weights unchanged.
  void signed_weight(const Node& from, std::string& w, std::string& zp) {
    const auto data = constant(w);
    const auto zero = constant(zp);
    if (!data || data->type != ElementType::UInt8) return;
    check(zp.empty() || (zero && zero->type == ElementType::UInt8), from.op_type,
          ": uint8 weights need a constant uint8 zero point");
    auto shifted = std::make_shared<TensorData>(*data);
    shifted->type = ElementType::Int8;
    for (uint8_t& b : shifted->bytes) b = static_cast<uint8_t>(static_cast<int8_t>(static_cast<int>(b) - 128));
    w = add_constant(from, "weight_int8", shifted);
    auto z = std::make_shared<TensorData>();
    z->type = ElementType::Int8;
    z->dims = zero ? zero->dims : Shape{};
    const int64_t count = zero ? zero->count() : 1;
    for (int64_t i = 0; i < count; ++i)
      z->bytes.push_back(static_cast<uint8_t>(static_cast<int8_t>((zero ? zero->int_value(i) : 0) - 128)));
    zp = add_constant(from, "weight_zero_point_int8", z);
  }

  // The int32 bias' DequantizeLinear with scale f32(x_scale * w_scale[c]) and zero point 0, as ONNX defines it.
  std::string dequantize_bias(const Node& from, const std::string& bias, const std::string& x_scale,
                              const std::string& w_scale) {
    const auto xs = constant(x_scale), ws = constant(w_scale);
    check(xs && ws && xs->type == ElementType::Float32 && ws->type == ElementType::Float32 && xs->count() == 1,
          from.op_type, ": the bias needs constant float32 input and weight scales");
    auto scale = std::make_shared<TensorData>();
    scale->type = ElementType::Float32;
    scale->dims = ws->count() > 1 ? Shape{ws->count()} : Shape{};
    auto zero = std::make_shared<TensorData>();
    zero->type = ElementType::Int32;
    zero->dims = scale->dims;
    for (int64_t c = 0; c < ws->count(); ++c) {
      const float s = ws->at<float>(c) * xs->at<float>(0);
      const int32_t z = 0;
      scale->bytes.insert(scale->bytes.end(), reinterpret_cast<const uint8_t*>(&s),
                          reinterpret_cast<const uint8_t*>(&s) + 4);
      zero->bytes.insert(zero->bytes.end(), reinterpret_cast<const uint8_t*>(&z),
                         reinterpret_cast<const uint8_t*>(&z) + 4);
    }
    return dequantize(from, bias, add_constant(from, "bias_scale", scale), add_constant(from, "bias_zero_point", zero),
                      0, "bias");
  }

  bool expand_conv(const Node& node) {
    std::string w = input(node, 3, "w"), w_zp = optional_input(node, 5);
    signed_weight(node, w, w_zp);
    const std::string x = dequantize(node, input(node, 0, "x"), input(node, 1, "x_scale"), optional_input(node, 2), 1, "x");
    const std::string wf = dequantize(node, w, input(node, 4, "w_scale"), w_zp, 0, "w");
    std::vector<std::string> inputs{x, wf};
    if (!optional_input(node, 8).empty())
      inputs.push_back(dequantize_bias(node, node.inputs[8], node.inputs[1], node.inputs[4]));
    const std::string y = fresh(node, "y");
    Node conv = make(node, "Conv", inputs, y);
    conv.attributes = node.attributes;
    out_.push_back(std::move(conv));
    quantize(node, y, input(node, 6, "y_scale"), optional_input(node, 7), output(node));
    return true;
  }

  bool expand_matmul(const Node& node) {
    std::string b = input(node, 3, "b"), b_zp = optional_input(node, 5);
    signed_weight(node, b, b_zp);
    const std::string a = dequantize(node, input(node, 0, "a"), input(node, 1, "a_scale"), optional_input(node, 2), 1, "a");
    const std::string bf = dequantize(node, b, input(node, 4, "b_scale"), b_zp, 1, "b");
    const std::string y = fresh(node, "y");
    out_.push_back(make(node, "MatMul", {a, bf}, y));
    quantize(node, y, input(node, 6, "y_scale"), optional_input(node, 7), output(node));
    return true;
  }

  bool expand_gemm(const Node& node) {
    std::string b = input(node, 3, "B"), b_zp = optional_input(node, 5);
    signed_weight(node, b, b_zp);
    const bool trans_b = node.attribute_int("transB", 0) != 0;
    const std::string a = dequantize(node, input(node, 0, "A"), input(node, 1, "a_scale"), optional_input(node, 2), 1, "a");
    const std::string bf = dequantize(node, b, input(node, 4, "b_scale"), b_zp, trans_b ? 0 : 1, "b");
    std::vector<std::string> inputs{a, bf};
    if (!optional_input(node, 6).empty())
      inputs.push_back(dequantize_bias(node, node.inputs[6], node.inputs[1], node.inputs[4]));
    const bool quantized_output = !optional_input(node, 7).empty();
    const std::string y = quantized_output ? fresh(node, "y") : output(node);
    Node gemm = make(node, "Gemm", inputs, y);
    gemm.attributes = node.attributes;
    out_.push_back(std::move(gemm));
    if (quantized_output) quantize(node, y, node.inputs[7], optional_input(node, 8), output(node));
    return true;
  }

  bool expand_binary(const Node& node, const std::string& op) {
    const std::string a = dequantize(node, input(node, 0, "A"), input(node, 1, "A_scale"), optional_input(node, 2), 1, "a");
    const std::string b = dequantize(node, input(node, 3, "B"), input(node, 4, "B_scale"), optional_input(node, 5), 1, "b");
    const std::string y = fresh(node, "y");
    out_.push_back(make(node, op, {a, b}, y));
    quantize(node, y, input(node, 6, "C_scale"), optional_input(node, 7), output(node));
    return true;
  }

  bool expand_concat(const Node& node) {
    check(node.inputs.size() >= 5 && (node.inputs.size() - 2) % 3 == 0, node.op_type,
          ": needs Y_scale, Y_zero_point, then (tensor, scale, zero point) triples");
    std::vector<std::string> parts;
    for (std::size_t i = 2; i < node.inputs.size(); i += 3)
      parts.push_back(dequantize(node, input(node, i, "tensor"), input(node, i + 1, "scale"), node.inputs[i + 2], 1,
                                 "x" + std::to_string(parts.size())));
    const std::string y = fresh(node, "y");
    Node concat = make(node, "Concat", parts, y);
    concat.attributes = node.attributes;
    out_.push_back(std::move(concat));
    quantize(node, y, input(node, 0, "Y_scale"), node.inputs[1], output(node));
    return true;
  }

  bool expand_pool(const Node& node) {
    check(node.attribute_int("channels_last", 0) == 0, node.op_type, ": channels_last=1 is not supported");
    const std::string x = dequantize(node, input(node, 0, "X"), input(node, 1, "X_scale"), optional_input(node, 2), 1, "x");
    const std::string y = fresh(node, "y");
    const bool global = node.op_type == "QLinearGlobalAveragePool";
    Node pool = make(node, global ? "GlobalAveragePool" : "AveragePool", {x}, y);
    for (const Attribute& a : node.attributes)
      if (a.name != "channels_last") pool.attributes.push_back(a);
    out_.push_back(std::move(pool));
    quantize(node, y, input(node, 3, "Y_scale"), optional_input(node, 4), output(node));
    return true;
  }

  bool expand_unary(const Node& node) {
    const std::string x = dequantize(node, input(node, 0, "X"), input(node, 1, "X_scale"), optional_input(node, 2), 1, "x");
    const std::string y = fresh(node, "y");
    Node op = make(node, node.op_type == "QLinearSigmoid" ? "Sigmoid" : "LeakyRelu", {x}, y);
    op.attributes = node.attributes;
    out_.push_back(std::move(op));
    quantize(node, y, input(node, 3, "Y_scale"), optional_input(node, 4), output(node));
    return true;
  }

  graph::Graph& graph_;
  std::size_t current_ = 0;
  std::vector<Node> out_;
  std::set<std::string> names_;
};

}  // namespace

std::size_t expand_qoperator(graph::Model& model) { return Expander(model).run(); }

std::size_t lower_uint8_max_pool(graph::Model& model) {
  graph::Graph& g = model.graph;
  std::size_t lowered = 0;
  for (Node& node : g.nodes) {
    if (!node.domain.empty() || node.op_type != "MaxPool" || node.inputs.size() != 1 || node.outputs.size() != 1)
      continue;
    bool uint8 = false;
    if (const graph::Tensor* t = g.find_tensor(node.inputs[0])) uint8 = t->type == ElementType::UInt8;
    const std::ptrdiff_t p = g.producer(node.inputs[0]);
    if (p >= 0) {
      const Node& producer = g.nodes[static_cast<std::size_t>(p)];
      uint8 = uint8 || (producer.domain == "qwasm");
    }
    const auto pads = node.attribute_ints("pads", {0, 0, 0, 0});
    if (!uint8 || node.attribute_string("auto_pad", "NOTSET") != "NOTSET" || pads.size() != 4 || pads[0] != pads[2] ||
        pads[1] != pads[3] || node.attribute_int("storage_order", 0) != 0)
      continue;
    node.domain = "qwasm";
    node.op_type = "QMaxPool";
    std::vector<Attribute> kept;
    for (const Attribute& a : node.attributes)
      if (a.name == "kernel_shape" || a.name == "strides" || a.name == "pads" || a.name == "dilations" ||
          a.name == "ceil_mode")
        kept.push_back(a);
    node.attributes = std::move(kept);
    g.tensor(node.outputs[0]).type = ElementType::UInt8;
    ++lowered;
  }
  return lowered;
}

}  // namespace qwasm::runtime
