#include "runtime/lowering/lower_qdq.h"

#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "core/error.h"
#include "core/quantize.h"
#include "kernels/reference/conv_quantization.h"
#include "runtime/lowering/lookup_tables.h"

namespace qwasm::runtime {
namespace {

using graph::Attribute;
using graph::AttributeType;
using graph::ElementType;
using graph::Node;
using graph::TensorData;

// The constant qparams of a QuantizeLinear / DequantizeLinear node.
struct QdqParams {
  std::vector<float> scales;
  std::vector<int32_t> zero_points;
  ElementType type = ElementType::UInt8;  // the zero point's type (uint8 when absent, as ONNX defaults)
  bool zero_point_given = false;
  int64_t axis = 1;
  bool per_tensor() const { return scales.size() == 1; }
  Qu8Params qu8() const { return Qu8Params{scales[0], zero_points[0]}; }
};

Attribute make_float(const std::string& name, float v) {
  Attribute a;
  a.name = name, a.type = AttributeType::Float, a.f = v;
  return a;
}
Attribute make_int(const std::string& name, int64_t v) {
  Attribute a;
  a.name = name, a.type = AttributeType::Int, a.i = v;
  return a;
}
Attribute make_floats(const std::string& name, std::vector<float> v) {
  Attribute a;
  a.name = name, a.type = AttributeType::Floats, a.floats = std::move(v);
  return a;
}
Attribute make_ints(const std::string& name, std::vector<int64_t> v) {
  Attribute a;
  a.name = name, a.type = AttributeType::Ints, a.ints = std::move(v);
  return a;
}
Attribute make_string(const std::string& name, std::string v) {
  Attribute a;
  a.name = name, a.type = AttributeType::String, a.s = std::move(v);
  return a;
}
void add_qu8(Node& node, const std::string& role, const Qu8Params& p) {
  node.attributes.push_back(make_float(role + "_scale", p.scale));
  node.attributes.push_back(make_int(role + "_zero_point", p.zero_point));
}

class Lowering {
 public:
  explicit Lowering(graph::Model& model) : model_(model), graph_(model.graph) {}

  std::size_t run() {
    remove_uint8_casts();
    index();
    std::size_t lowered = 0;
    for (std::size_t index : graph_.topological_order()) {
      const Node& node = graph_.nodes[index];
      if (node.domain.empty() && node.op_type == "QuantizeLinear" && !removed_.count(index)) {
        if (lower_from(index)) ++lowered;
      }
    }
    std::vector<Node> nodes;
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i)
      if (!removed_.count(i)) nodes.push_back(std::move(graph_.nodes[i]));
    for (Node& node : added_) nodes.push_back(std::move(node));
    graph_.nodes = std::move(nodes);
    return lowered;
  }

 private:
  // torch.onnx.export puts Cast(to=UINT8) after every QuantizeLinear: an identity on uint8 codes.
  void remove_uint8_casts() {
    std::map<std::string, std::string> rename;
    std::set<std::size_t> casts;
    const std::set<std::string> outputs(graph_.outputs.begin(), graph_.outputs.end());
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
      const Node& node = graph_.nodes[i];
      if (!node.domain.empty() || node.op_type != "Cast" || node.attribute_int("to", 0) != 2 ||
          node.inputs.size() != 1 || node.outputs.size() != 1 || outputs.count(node.outputs[0]))
        continue;
      const std::ptrdiff_t p = graph_.producer(node.inputs[0]);
      if (p < 0) continue;
      const Node& q = graph_.nodes[static_cast<std::size_t>(p)];
      const auto params = qdq_params(q);
      if (q.domain.empty() && q.op_type == "QuantizeLinear" && params && params->type == ElementType::UInt8) {
        rename[node.outputs[0]] = node.inputs[0];
        casts.insert(i);
      }
    }
    std::vector<Node> nodes;
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i)
      if (!casts.count(i)) nodes.push_back(std::move(graph_.nodes[i]));
    for (Node& node : nodes)
      for (std::string& input : node.inputs)
        if (const auto it = rename.find(input); it != rename.end()) input = it->second;
    for (const auto& [from, to] : rename) graph_.tensors.erase(from);
    graph_.nodes = std::move(nodes);
  }

  void index() {
    producer_.clear();
    consumers_.clear();
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
      for (const std::string& out : graph_.nodes[i].outputs)
        if (!out.empty()) producer_[out] = i;
      for (const std::string& in : graph_.nodes[i].inputs)
        if (!in.empty()) consumers_[in].insert(i);
    }
    for (const std::string& out : graph_.outputs) graph_outputs_.insert(out);
  }

  const Node* producer_of(const std::string& tensor) const {
    const auto it = producer_.find(tensor);
    if (it == producer_.end() || removed_.count(it->second)) return nullptr;
    return &graph_.nodes[it->second];
  }
  std::size_t producer_index(const std::string& tensor) const { return producer_.at(tensor); }

  // True when `tensor` is read by exactly one node and is not a graph output.
  bool single_use(const std::string& tensor) const {
    const auto it = consumers_.find(tensor);
    return it != consumers_.end() && it->second.size() == 1 && !graph_outputs_.count(tensor);
  }

  std::shared_ptr<const TensorData> constant(const std::string& tensor) const {
    if (tensor.empty()) return nullptr;
    const graph::Tensor* t = graph_.find_tensor(tensor);
    return t ? t->constant : nullptr;
  }

  std::optional<QdqParams> qdq_params(const Node& node) const {
    if (node.inputs.size() < 2) return std::nullopt;
    const auto scale = constant(node.inputs[1]);
    if (!scale || scale->type != ElementType::Float32 || scale->dims.size() > 1 || scale->count() < 1)
      return std::nullopt;
    QdqParams q;
    for (int64_t i = 0; i < scale->count(); ++i) q.scales.push_back(scale->at<float>(i));
    if (node.inputs.size() > 2 && !node.inputs[2].empty()) {
      const auto zp = constant(node.inputs[2]);
      if (!zp || zp->count() != scale->count()) return std::nullopt;
      q.type = zp->type;
      q.zero_point_given = true;
      for (int64_t i = 0; i < zp->count(); ++i) q.zero_points.push_back(static_cast<int32_t>(zp->int_value(i)));
    } else {
      q.zero_points.assign(q.scales.size(), 0);
    }
    for (float s : q.scales)
      if (!(std::isfinite(s) && s > 0.0f)) return std::nullopt;
    q.axis = node.attribute_int("axis", 1);
    return q;
  }

  // A per-tensor quint8 activation read through DequantizeLinear: the codes' tensor and qparams.
  struct Activation {
    std::string codes;
    Qu8Params qparams;
  };
  std::optional<Activation> dequantized_activation(const std::string& tensor) const {
    const Node* dq = producer_of(tensor);
    if (!dq || !dq->domain.empty() || dq->op_type != "DequantizeLinear") return std::nullopt;
    const auto q = qdq_params(*dq);
    if (!q || !q->per_tensor() || q->type != ElementType::UInt8) return std::nullopt;
    return Activation{dq->inputs[0], q->qu8()};
  }

  // Constant int8 weights read through DequantizeLinear (per-tensor, or per-axis along `axis`).
  struct Weight {
    std::shared_ptr<const TensorData> data;
    QdqParams qparams;
  };
  std::optional<Weight> dequantized_weight(const std::string& tensor, int64_t axis) const {
    const Node* dq = producer_of(tensor);
    if (!dq || !dq->domain.empty() || dq->op_type != "DequantizeLinear") return std::nullopt;
    auto q = qdq_params(*dq);
    const auto data = constant(dq->inputs[0]);
    if (!q || !data || data->type != ElementType::Int8) return std::nullopt;
    if (q->zero_point_given && q->type != ElementType::Int8) return std::nullopt;
    if (!q->per_tensor()) {
      const auto rank = static_cast<int64_t>(data->dims.size());
      if ((q->axis < 0 ? q->axis + rank : q->axis) != axis) return std::nullopt;
    }
    return Weight{data, *q};
  }

  // The int32 bias in the accumulator's scale f32(w_scale[c] * x_scale): as stored when its DequantizeLinear
  // scale is exactly that (the file's own semantics), otherwise the float bias quantized as PyTorch does.
  std::optional<std::vector<int32_t>> conv_bias(const std::string& tensor, const ConvQuantization& q,
                                                int64_t channels) const {
    if (tensor.empty()) return std::vector<int32_t>{};
    if (const auto data = constant(tensor)) {
      if (data->type != ElementType::Float32 || data->count() != channels) return std::nullopt;
      std::vector<float> bias(static_cast<std::size_t>(channels));
      for (int64_t c = 0; c < channels; ++c) bias[static_cast<std::size_t>(c)] = data->at<float>(c);
      return quantize_conv_bias(bias.data(), q, channels);
    }
    const Node* dq = producer_of(tensor);
    if (!dq || !dq->domain.empty() || dq->op_type != "DequantizeLinear") return std::nullopt;
    const auto bq = qdq_params(*dq);
    const auto data = constant(dq->inputs[0]);
    if (!bq || !data || data->type != ElementType::Int32 || data->count() != channels) return std::nullopt;
    if (!bq->per_tensor() && static_cast<int64_t>(bq->scales.size()) != channels) return std::nullopt;
    bool exact = true;
    std::vector<float> bias(static_cast<std::size_t>(channels));
    std::vector<int32_t> stored(static_cast<std::size_t>(channels));
    for (int64_t c = 0; c < channels; ++c) {
      const std::size_t k = bq->per_tensor() ? 0 : static_cast<std::size_t>(c);
      const float expected = weight_scale_of(q, c) * q.input_scale;
      exact = exact && bq->scales[k] == expected && bq->zero_points[k] == 0;
      stored[static_cast<std::size_t>(c)] = data->at<int32_t>(c);
      bias[static_cast<std::size_t>(c)] =
          dequantize_value(data->at<int32_t>(c), bq->scales[k], bq->zero_points[k]);
    }
    if (exact) return stored;
    return quantize_conv_bias(bias.data(), q, channels);
  }

  void remove(std::size_t index) { removed_.insert(index); }

  std::string fresh_name(const std::string& base) {
    std::string name = base;
    for (int i = 0; graph_.find_tensor(name) || used_names_.count(name); ++i) name = base + "_" + std::to_string(i);
    used_names_.insert(name);
    return name;
  }

  // Appends `node`; when y differs from the op's natural output qparams `natural`, the op writes to a fresh
  // tensor and a requantizing QLookup produces `output`.
  void emit(Node node, const std::string& output, const Qu8Params* natural, const Qu8Params& y) {
    if (natural && !(natural->scale == y.scale && natural->zero_point == y.zero_point)) {
      const std::string mid = fresh_name(output + "/qwasm_requantize_input");
      node.outputs = {mid};
      graph_.tensor(mid).type = ElementType::UInt8;
      Node requantize;
      requantize.name = node.name + "/requantize";
      requantize.op_type = "QLookup";
      requantize.domain = "qwasm";
      requantize.inputs = {mid};
      requantize.outputs = {output};
      const CodeTable table = requantize_table(*natural, y);
      requantize.attributes.push_back(make_ints("table", std::vector<int64_t>(table.begin(), table.end())));
      requantize.attributes.push_back(make_string("function", "requantize"));
      add_qu8(requantize, "x", *natural);
      add_qu8(requantize, "y", y);
      added_.push_back(std::move(node));
      added_.push_back(std::move(requantize));
    } else {
      node.outputs = {output};
      added_.push_back(std::move(node));
    }
    graph_.tensor(output).type = ElementType::UInt8;
  }

  static Node qwasm_node(const Node& from, const std::string& op) {
    Node node;
    node.name = from.name;
    node.op_type = op;
    node.domain = "qwasm";
    return node;
  }

  static void copy_attributes(const Node& from, Node& to, std::initializer_list<const char*> names) {
    for (const char* name : names)
      if (const Attribute* a = from.find_attribute(name)) to.attributes.push_back(*a);
  }

  bool lower_from(std::size_t q_index) {
    const Node& q = graph_.nodes[q_index];
    const auto yq = qdq_params(q);
    if (!yq || !yq->per_tensor() || yq->type != ElementType::UInt8 || q.outputs.size() != 1) return false;
    const Qu8Params y = yq->qu8();
    const std::string& output = q.outputs[0];
    const std::string& input = q.inputs[0];
    const Node* p = producer_of(input);
    if (!p || !p->domain.empty()) return false;
    const std::size_t p_index = producer_index(input);
    if (p->op_type == "DequantizeLinear") {  // DQ -> Q: requantize
      const auto x = dequantized_activation(input);
      if (!x) return false;
      Node node = qwasm_node(q, "QLookup");
      node.inputs = {x->codes};
      const CodeTable table = requantize_table(x->qparams, y);
      node.attributes.push_back(make_ints("table", std::vector<int64_t>(table.begin(), table.end())));
      node.attributes.push_back(make_string("function", "requantize"));
      add_qu8(node, "x", x->qparams);
      add_qu8(node, "y", y);
      emit(std::move(node), output, nullptr, y);
      remove(q_index);
      return true;
    }
    if (!single_use(input)) return false;
    // A Relu / Clip between the op and Q fuses into conv, linear, add and mul.
    const Node* op = p;
    std::size_t op_index = p_index;
    const Node* activation = nullptr;
    // Pattern-matched nodes are not validated yet (the planner does that): a Relu/Clip may have no input.
    if ((p->op_type == "Relu" || p->op_type == "Clip") && !p->inputs.empty() && single_use(p->inputs[0])) {
      const Node* inner = producer_of(p->inputs[0]);
      if (inner && inner->domain.empty() &&
          (inner->op_type == "Conv" || inner->op_type == "Gemm" || inner->op_type == "MatMul" ||
           (p->op_type == "Relu" && (inner->op_type == "Add" || inner->op_type == "Mul")))) {
        activation = p;
        op = inner;
        op_index = producer_index(p->inputs[0]);
      }
    }
    bool done = false;
    if (op->op_type == "Conv") done = lower_conv(*op, activation, output, y);
    if (op->op_type == "Gemm" || op->op_type == "MatMul") done = lower_linear(*op, activation, output, y);
    if ((op->op_type == "Add" || op->op_type == "Mul") && !done) done = lower_binary(*op, activation, output, y);
    if (done) {
      remove(q_index);
      remove(op_index);
      if (activation) remove(p_index);
      return true;
    }
    if (activation) return false;
    if (p->op_type == "Concat") done = lower_concat(*p, output, y);
    else if (p->op_type == "MaxPool" || p->op_type == "AveragePool" || p->op_type == "GlobalAveragePool")
      done = lower_pool(*p, output, y);
    else if (p->op_type == "Flatten" || p->op_type == "Reshape" || p->op_type == "Transpose" ||
             p->op_type == "Squeeze" || p->op_type == "Unsqueeze" || p->op_type == "Identity")
      done = lower_plumbing(*p, output, y);
    if (!done) done = lower_pointwise(*p, output, y);
    if (!done) return false;
    remove(q_index);
    remove(p_index);
    return true;
  }

  // Output bounds of a fused activation in y's codes.
  static bool activation_bounds(const graph::Model& model, const Node* activation, const Qu8Params& y,
                                int32_t& lo, int32_t& hi) {
    lo = 0, hi = 255;
    if (!activation) return true;
    if (activation->op_type == "Relu") {
      lo = y.zero_point;
      return true;
    }
    std::optional<float> min, max;
    if (activation->find_attribute("min") || activation->find_attribute("max")) {
      if (activation->find_attribute("min")) min = activation->attribute_float("min", 0.0f);
      if (activation->find_attribute("max")) max = activation->attribute_float("max", 0.0f);
    } else {
      for (std::size_t i = 1; i < activation->inputs.size() && i < 3; ++i) {
        if (activation->inputs[i].empty()) continue;
        const graph::Tensor* t = model.graph.find_tensor(activation->inputs[i]);
        if (!t || !t->constant || t->constant->type != ElementType::Float32 || t->constant->count() != 1)
          return false;
        (i == 1 ? min : max) = t->constant->at<float>(0);
      }
    }
    if (min) lo = static_cast<int32_t>(quantize_value(*min, y.scale, y.zero_point, 0, 255));
    if (max) hi = static_cast<int32_t>(quantize_value(*max, y.scale, y.zero_point, 0, 255));
    return lo <= hi;
  }

  static ConvQuantization conv_quantization(const Qu8Params& x, const QdqParams& w, const Qu8Params& y,
                                            int32_t lo, int32_t hi) {
    ConvQuantization q;
    q.input_scale = x.scale, q.input_zero_point = x.zero_point;
    q.weight_scales = w.scales, q.weight_zero_points = w.zero_points;
    q.output_scale = y.scale, q.output_zero_point = y.zero_point;
    q.output_min = lo, q.output_max = hi;
    return q;
  }

  static void add_conv_quantization(Node& node, const ConvQuantization& q) {
    add_qu8(node, "x", Qu8Params{q.input_scale, q.input_zero_point});
    node.attributes.push_back(make_floats("w_scales", q.weight_scales));
    node.attributes.push_back(
        make_ints("w_zero_points", std::vector<int64_t>(q.weight_zero_points.begin(), q.weight_zero_points.end())));
    add_qu8(node, "y", Qu8Params{q.output_scale, q.output_zero_point});
    node.attributes.push_back(make_int("y_min", q.output_min));
    node.attributes.push_back(make_int("y_max", q.output_max));
  }

  std::string add_constant(const std::string& base, std::shared_ptr<TensorData> data) {
    const std::string name = fresh_name(base);
    graph_.add_constant(name, std::move(data));
    return name;
  }

  std::string int32_constant(const std::string& base, const std::vector<int32_t>& values) {
    auto data = std::make_shared<TensorData>();
    data->type = ElementType::Int32;
    data->dims = {static_cast<int64_t>(values.size())};
    data->bytes.resize(values.size() * 4);
    if (!values.empty()) std::memcpy(data->bytes.data(), values.data(), values.size() * 4);
    return add_constant(base, std::move(data));
  }

  bool lower_conv(const Node& conv, const Node* activation, const std::string& output, const Qu8Params& y) {
    if (conv.inputs.size() < 2 || conv.attribute_string("auto_pad", "NOTSET") != "NOTSET") return false;
    const auto x = dequantized_activation(conv.inputs[0]);
    const auto w = dequantized_weight(conv.inputs[1], 0);
    if (!x || !w || w->data->dims.size() != 4) return false;
    if (w->qparams.per_tensor() == false && static_cast<int64_t>(w->qparams.scales.size()) != w->data->dims[0])
      return false;
    int32_t lo, hi;
    if (!activation_bounds(model_, activation, y, lo, hi)) return false;
    const ConvQuantization cq = conv_quantization(x->qparams, w->qparams, y, lo, hi);
    const auto bias = conv_bias(conv.inputs.size() > 2 ? conv.inputs[2] : "", cq, w->data->dims[0]);
    if (!bias) return false;
    Node node = qwasm_node(conv, "QConv");
    node.inputs = {x->codes, conv.inputs[1].empty() ? "" : weight_constant(conv.inputs[1])};
    if (!bias->empty()) node.inputs.push_back(int32_constant(conv.name + "/qwasm_bias", *bias));
    const int64_t kh = w->data->dims[2], kw = w->data->dims[3];
    copy_attributes(conv, node, {"strides", "pads", "dilations", "group"});
    if (const Attribute* k = conv.find_attribute("kernel_shape")) {
      if (k->ints.size() != 2 || k->ints[0] != kh || k->ints[1] != kw) return false;
    }
    add_conv_quantization(node, cq);
    emit(std::move(node), output, nullptr, y);
    return true;
  }

  // The int8 tensor behind a weight's DequantizeLinear.
  std::string weight_constant(const std::string& dequantized) const { return producer_of(dequantized)->inputs[0]; }

  bool lower_linear(const Node& op, const Node* activation, const std::string& output, const Qu8Params& y) {
    if (op.inputs.size() < 2) return false;
    const bool gemm = op.op_type == "Gemm";
    if (gemm && (op.attribute_int("transA", 0) != 0 || op.attribute_float("alpha", 1.0f) != 1.0f ||
                 op.attribute_float("beta", 1.0f) != 1.0f))
      return false;
    const bool trans_b = gemm && op.attribute_int("transB", 0) != 0;
    const auto x = dequantized_activation(op.inputs[0]);
    if (!x) return false;
    if (!gemm) {  // MatMul: only a 2-D input is a linear layer
      const graph::Tensor* t = graph_.find_tensor(op.inputs[0]);
      const graph::Tensor* codes = graph_.find_tensor(x->codes);
      const bool rank2 = (t && t->shape.rank_known && t->shape.dims.size() == 2) ||
                         (codes && codes->shape.rank_known && codes->shape.dims.size() == 2);
      if (!rank2) return false;
    }
    const auto w = dequantized_weight(op.inputs[1], trans_b ? 0 : 1);
    if (!w || w->data->dims.size() != 2) return false;
    const int64_t out = trans_b ? w->data->dims[0] : w->data->dims[1];
    const int64_t in = trans_b ? w->data->dims[1] : w->data->dims[0];
    if (!w->qparams.per_tensor() && static_cast<int64_t>(w->qparams.scales.size()) != out) return false;
    int32_t lo, hi;
    if (!activation_bounds(model_, activation, y, lo, hi)) return false;
    const ConvQuantization cq = conv_quantization(x->qparams, w->qparams, y, lo, hi);
    const std::string bias_input = gemm && op.inputs.size() > 2 ? op.inputs[2] : "";
    if (!bias_input.empty()) {  // Gemm's C must be a per-output vector to be a bias
      const graph::Tensor* t = graph_.find_tensor(bias_input);
      const Node* dq = producer_of(bias_input);
      const auto data = t && t->constant ? t->constant : dq ? constant(dq->inputs[0]) : nullptr;
      if (!data || data->dims.size() != 1 || data->dims[0] != out) return false;
    }
    const auto bias = conv_bias(bias_input, cq, out);
    if (!bias) return false;
    // Weights as [out][in].
    auto weight = std::make_shared<TensorData>();
    weight->type = ElementType::Int8;
    weight->dims = {out, in};
    weight->bytes.resize(static_cast<std::size_t>(out * in));
    for (int64_t o = 0; o < out; ++o)
      for (int64_t i = 0; i < in; ++i)
        weight->bytes[static_cast<std::size_t>(o * in + i)] =
            w->data->bytes[static_cast<std::size_t>(trans_b ? o * in + i : i * out + o)];
    Node node = qwasm_node(op, "QLinear");
    node.inputs = {x->codes, add_constant(op.name + "/qwasm_weight", weight)};
    if (!bias->empty()) node.inputs.push_back(int32_constant(op.name + "/qwasm_bias", *bias));
    add_conv_quantization(node, cq);
    emit(std::move(node), output, nullptr, y);
    return true;
  }

  bool lower_binary(const Node& op, const Node* activation, const std::string& output, const Qu8Params& y) {
    if (op.inputs.size() != 2) return false;
    const auto a = dequantized_activation(op.inputs[0]);
    const auto b = dequantized_activation(op.inputs[1]);
    if (!a || !b) return false;
    Node node = qwasm_node(op, op.op_type == "Add" ? "QAdd" : "QMul");
    node.inputs = {a->codes, b->codes};
    add_qu8(node, "a", a->qparams);
    add_qu8(node, "b", b->qparams);
    add_qu8(node, "y", y);
    node.attributes.push_back(make_int("relu", activation ? 1 : 0));
    emit(std::move(node), output, nullptr, y);
    return true;
  }

  bool lower_concat(const Node& op, const std::string& output, const Qu8Params& y) {
    Node node = qwasm_node(op, "QConcat");
    std::vector<float> scales;
    std::vector<int64_t> zero_points;
    for (const std::string& input : op.inputs) {
      const auto x = dequantized_activation(input);
      if (!x) return false;
      node.inputs.push_back(x->codes);
      scales.push_back(x->qparams.scale);
      zero_points.push_back(x->qparams.zero_point);
    }
    node.attributes.push_back(make_int("axis", op.attribute_int("axis", 1)));
    node.attributes.push_back(make_floats("scales", scales));
    node.attributes.push_back(make_ints("zero_points", zero_points));
    add_qu8(node, "y", y);
    emit(std::move(node), output, nullptr, y);
    return true;
  }

  // torch.onnx.export writes a padded avg_pool2d as Pad(constant 0) -> AveragePool without pads: the spatial
  // pads of such a Pad node ([h, w] begin = end), or nothing.
  std::optional<std::pair<int64_t, int64_t>> zero_padding(const Node& pad) const {
    if (!pad.domain.empty() || pad.op_type != "Pad" || pad.attribute_string("mode", "constant") != "constant" ||
        pad.inputs.size() < 2 || !single_use(pad.outputs[0]))
      return std::nullopt;
    const auto pads = constant(pad.inputs[1]);
    if (!pads || pads->type != ElementType::Int64 || pads->count() != 8) return std::nullopt;
    if (pad.inputs.size() > 2 && !pad.inputs[2].empty()) {
      const auto value = constant(pad.inputs[2]);
      if (!value || value->type != ElementType::Float32 || value->count() != 1 || value->at<float>(0) != 0.0f)
        return std::nullopt;
    }
    const auto p = [&](int64_t i) { return pads->int_value(i); };
    if (p(0) || p(1) || p(4) || p(5) || p(2) != p(6) || p(3) != p(7) || p(2) < 0 || p(3) < 0) return std::nullopt;
    return std::make_pair(p(2), p(3));
  }

  bool lower_pool(const Node& op, const std::string& output, const Qu8Params& y) {
    if (op.outputs.size() != 1 || op.inputs.size() != 1) return false;
    const Node* pad = producer_of(op.inputs[0]);
    std::optional<std::pair<int64_t, int64_t>> explicit_pads;
    if (pad && op.op_type == "AveragePool" && op.attribute_ints("pads", {0, 0, 0, 0}) == std::vector<int64_t>{0, 0, 0, 0})
      explicit_pads = zero_padding(*pad);
    const auto x = dequantized_activation(explicit_pads ? pad->inputs[0] : op.inputs[0]);
    if (!x) return false;
    if (explicit_pads) {
      Node node = qwasm_node(op, "QAvgPool");
      node.inputs = {x->codes};
      copy_attributes(op, node, {"kernel_shape", "strides", "ceil_mode"});
      const auto [ph, pw] = *explicit_pads;
      node.attributes.push_back(make_ints("pads", {ph, pw, ph, pw}));
      node.attributes.push_back(make_int("count_include_pad", 1));  // the padded zeros are averaged in
      add_qu8(node, "x", x->qparams);
      add_qu8(node, "y", y);
      emit(std::move(node), output, nullptr, y);
      remove(producer_index(op.inputs[0]));
      return true;
    }
    if (op.op_type == "GlobalAveragePool") {
      Node node = qwasm_node(op, "QGlobalAvgPool");
      node.inputs = {x->codes};
      add_qu8(node, "x", x->qparams);
      emit(std::move(node), output, &x->qparams, y);
      return true;
    }
    if (op.attribute_string("auto_pad", "NOTSET") != "NOTSET") return false;
    const auto kernel = op.attribute_ints("kernel_shape", {});
    const auto pads = op.attribute_ints("pads", {0, 0, 0, 0});
    if (kernel.size() != 2 || pads.size() != 4 || pads[0] != pads[2] || pads[1] != pads[3]) return false;
    if (op.attribute_int("storage_order", 0) != 0) return false;
    const bool max = op.op_type == "MaxPool";
    Node node = qwasm_node(op, max ? "QMaxPool" : "QAvgPool");
    node.inputs = {x->codes};
    copy_attributes(op, node, {"kernel_shape", "strides", "pads", "ceil_mode"});
    if (max) {
      copy_attributes(op, node, {"dilations"});
      add_qu8(node, "x", x->qparams);
      emit(std::move(node), output, &x->qparams, y);
    } else {
      // Without padding count_include_pad changes nothing but PyTorch's rounding path: unpadded pools come from
      // PyTorch's default (count_include_pad=True) and exporters omit the attribute then.
      const bool padded = pads[0] != 0 || pads[1] != 0;
      node.attributes.push_back(make_int("count_include_pad", padded ? op.attribute_int("count_include_pad", 0) : 1));
      add_qu8(node, "x", x->qparams);
      add_qu8(node, "y", y);
      emit(std::move(node), output, nullptr, y);
    }
    return true;
  }

  bool lower_plumbing(const Node& op, const std::string& output, const Qu8Params& y) {
    if (op.outputs.size() != 1 || op.inputs.empty()) return false;
    const auto x = dequantized_activation(op.inputs[0]);
    if (!x) return false;
    Node node = op;  // the same op on the codes; shape inputs stay as they are
    node.inputs[0] = x->codes;
    emit(std::move(node), output, &x->qparams, y);
    return true;
  }

  bool lower_pointwise(const Node& op, const std::string& output, const Qu8Params& y) {
    static const std::set<std::string> pointwise = {"Relu", "Clip",  "Sigmoid", "HardSwish", "HardSigmoid",
                                                    "LeakyRelu", "Tanh", "Add", "Sub", "Mul", "Div", "Identity"};
    if (!pointwise.count(op.op_type) || op.outputs.size() != 1 || op.inputs.empty()) return false;
    for (std::size_t i = 1; i < op.inputs.size(); ++i) {
      if (op.inputs[i].empty()) continue;
      const auto c = constant(op.inputs[i]);
      if (!c || c->count() != 1) return false;  // binary ops only with a scalar constant second operand
    }
    const auto x = dequantized_activation(op.inputs[0]);
    if (!x) return false;
    std::string function;
    const CodeTable table = pointwise_table(model_, op, x->qparams, y, function);
    Node node = qwasm_node(op, "QLookup");
    node.inputs = {x->codes};
    node.attributes.push_back(make_ints("table", std::vector<int64_t>(table.begin(), table.end())));
    node.attributes.push_back(make_string("function", function));
    add_qu8(node, "x", x->qparams);
    add_qu8(node, "y", y);
    emit(std::move(node), output, nullptr, y);
    return true;
  }

  graph::Model& model_;
  graph::Graph& graph_;
  std::map<std::string, std::size_t> producer_;
  std::map<std::string, std::set<std::size_t>> consumers_;
  std::set<std::string> graph_outputs_;
  std::set<std::size_t> removed_;
  std::vector<Node> added_;
  std::set<std::string> used_names_;
};

}  // namespace

std::size_t lower_qdq(graph::Model& model) { return Lowering(model).run(); }

}  // namespace qwasm::runtime
