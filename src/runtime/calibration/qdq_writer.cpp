#include "runtime/calibration/qdq_writer.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "core/error.h"
#include "core/quantize.h"
#include "graph/passes/remove_dead_nodes.h"
#include "kernels/reference/conv_quantization.h"

namespace qwasm::runtime {
namespace {

using graph::ElementType;
using graph::Node;
using graph::TensorData;

template <class T>
std::shared_ptr<TensorData> make_data(ElementType type, Shape dims, const std::vector<T>& values) {
  auto d = std::make_shared<TensorData>();
  d->type = type;
  d->dims = std::move(dims);
  d->bytes.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(d->bytes.data(), values.data(), d->bytes.size());
  return d;
}

class Writer {
 public:
  Writer(const graph::Model& source, const QuantizationPlan& plan, const std::map<std::string, QParams>& qparams,
         const QConfig& config, std::map<std::string, QParams>* weights)
      : src_(source), g_(source.graph), plan_(plan), qparams_(qparams), config_(config), weights_(weights) {}

  graph::Model run() {
    out_.ir_version = std::max<int64_t>(src_.ir_version, 7);
    out_.producer_name = "qwasm";
    graph::Graph& o = out_.graph;
    o.name = g_.name;
    o.inputs = g_.inputs;
    o.outputs = g_.outputs;
    for (const std::string& name : g_.inputs) o.tensors[name] = *g_.find_tensor(name);
    for (const std::string& name : g_.outputs)
      if (const graph::Tensor* t = g_.find_tensor(name)) o.tensors[name] = graph::Tensor{name, t->type, t->shape, nullptr};
    for (const std::string& name : g_.constants) o.add_constant(name, g_.find_tensor(name)->constant);
    for (const std::string& input : g_.inputs)
      if (plan_.tensors.count(input)) quantize(input, input);
    for (std::size_t index : g_.topological_order()) {
      if (plan_.absorbed.count(index)) continue;
      if (plan_.int8_nodes.count(index)) {
        emit_int8(index);
      } else {
        emit_float(index);
      }
    }
    for (const std::string& output : g_.outputs) {
      if (!plan_.tensors.count(output)) continue;
      Node dq;
      dq.name = output + "/dequantize_output";
      dq.op_type = "DequantizeLinear";
      dq.inputs = {quantized_name(output), scale_of(output), zero_point_of(output)};
      dq.outputs = {output};
      o.nodes.push_back(std::move(dq));
    }
    int64_t opset = std::max<int64_t>(src_.opset_version(""), 13);
    if (uses_hardswish_) opset = std::max<int64_t>(opset, 14);
    out_.opset_imports = {{"", opset}};
    graph::remove_dead_nodes(out_.graph);  // drops the float weights the int8 ones replaced
    return std::move(out_);
  }

 private:
  static std::string quantized_name(const std::string& t) { return t + "/quantized"; }
  // The float name an op writes: a graph output that gets quantized is written under another name, since the
  // DequantizeLinear at the end produces the output itself.
  std::string float_name(const std::string& t) const {
    return plan_.tensors.count(t) && std::find(g_.outputs.begin(), g_.outputs.end(), t) != g_.outputs.end()
               ? t + "/float"
               : t;
  }

  const QParams& qparams(const std::string& t) const {
    const auto it = qparams_.find(t);
    check(it != qparams_.end(), "convert: no qparams for tensor '", t, "'");
    return it->second;
  }

  std::string constant(const std::string& name, std::shared_ptr<TensorData> data) {
    std::string unique = name;
    for (int i = 1; out_.graph.find_tensor(unique); ++i) unique = name + "_" + std::to_string(i);
    out_.graph.add_constant(unique, std::move(data));
    return unique;
  }

  std::string scale_of(const std::string& t) {
    if (const auto it = scale_names_.find(t); it != scale_names_.end()) return it->second;
    const QParams& q = qparams(t);
    const std::string name = constant(t + "/scale", make_data<float>(ElementType::Float32, {}, {q.scales[0]}));
    scale_names_[t] = name;
    return name;
  }
  std::string zero_point_of(const std::string& t) {
    if (const auto it = zero_point_names_.find(t); it != zero_point_names_.end()) return it->second;
    const QParams& q = qparams(t);
    const std::string name = constant(t + "/zero_point", make_data<uint8_t>(ElementType::UInt8, {},
                                                                           {static_cast<uint8_t>(q.zero_points[0])}));
    zero_point_names_[t] = name;
    return name;
  }

  // QuantizeLinear(float `from`) -> "<t>/quantized" with t's qparams.
  void quantize(const std::string& t, const std::string& from) {
    Node q;
    q.name = t + "/quantize";
    q.op_type = "QuantizeLinear";
    q.inputs = {from, scale_of(t), zero_point_of(t)};
    q.outputs = {quantized_name(t)};
    graph::Tensor& info = out_.graph.tensor(quantized_name(t));
    info.type = ElementType::UInt8;
    if (const graph::Tensor* src = g_.find_tensor(t)) info.shape = src->shape;
    out_.graph.nodes.push_back(std::move(q));
  }

  // "<t>/dequantized" (one DequantizeLinear per tensor, shared by its consumers).
  std::string dequantized(const std::string& t) {
    const std::string name = t + "/dequantized";
    if (dequantized_.insert(t).second) {
      Node dq;
      dq.name = t + "/dequantize";
      dq.op_type = "DequantizeLinear";
      dq.inputs = {quantized_name(t), scale_of(t), zero_point_of(t)};
      dq.outputs = {name};
      graph::Tensor& info = out_.graph.tensor(name);
      info.type = ElementType::Float32;
      if (const graph::Tensor* src = g_.find_tensor(t)) info.shape = src->shape;
      out_.graph.nodes.push_back(std::move(dq));
    }
    return name;
  }

  // A float input of a node: the dequantized value when the tensor is quantized (consumers see what the int8
  // model computes), else the tensor itself.
  std::string float_input(const std::string& t) {
    if (t.empty() || !plan_.tensors.count(t)) return t;
    return dequantized(t);
  }

  void emit_float(std::size_t index) {
    Node n = g_.nodes[index];
    for (std::string& in : n.inputs) in = float_input(in);
    for (std::string& out : n.outputs) out = out.empty() ? out : float_name(out);
    out_.graph.nodes.push_back(std::move(n));
    for (const std::string& out : g_.nodes[index].outputs)
      if (plan_.tensors.count(out)) quantize(out, float_name(out));  // (not reached: float nodes' outputs)
  }

  // Quantized weights (+ their DequantizeLinear) for a weighted node; returns the dequantized weight's name and
  // the weight qparams.
  std::string weight(const Node& n, int axis, QParams& wq) {
    const auto w = g_.find_tensor(n.inputs[1])->constant;
    const QConfig& config = config_.for_node(n.name);
    ObserverOptions options = config.weight_options;
    const bool per_channel = config.weight == "per_channel_minmax";
    if (!options.dtype) options.dtype = DType::QInt8;
    if (!options.qscheme) options.qscheme = per_channel ? QScheme::PerChannelSymmetric : QScheme::PerTensorSymmetric;
    options.ch_axis = axis;
    auto observer = make_observer(config.weight, options);
    FloatTensor values;
    values.shape = w->dims;
    values.data.resize(static_cast<std::size_t>(w->count()));
    std::memcpy(values.data.data(), w->bytes.data(), values.data.size() * 4);
    observer->observe(values);
    wq = observer->calculate_qparams();
    const QTensor q = qwasm::quantize(values, wq);
    check(wq.dtype == DType::QInt8, n.label(), ": weights must be quantized to qint8");
    auto data = std::make_shared<TensorData>();
    data->type = ElementType::Int8;
    data->dims = w->dims;
    data->bytes = q.storage;
    const std::string base = n.inputs[1] + "/quantized";
    const std::string wname = constant(base, data);
    const Shape qshape = wq.scales.size() > 1 ? Shape{static_cast<int64_t>(wq.scales.size())} : Shape{};
    std::vector<int8_t> zps;
    for (int32_t z : wq.zero_points) zps.push_back(static_cast<int8_t>(z));
    const std::string s = constant(n.inputs[1] + "/scale", make_data<float>(ElementType::Float32, qshape, wq.scales));
    const std::string z = constant(n.inputs[1] + "/zero_point", make_data<int8_t>(ElementType::Int8, qshape, zps));
    Node dq;
    dq.name = n.inputs[1] + "/dequantize";
    dq.op_type = "DequantizeLinear";
    dq.inputs = {wname, s, z};
    dq.outputs = {n.inputs[1] + "/dequantized"};
    if (wq.scales.size() > 1) {
      graph::Attribute a;
      a.name = "axis";
      a.type = graph::AttributeType::Int;
      a.i = axis;
      dq.attributes.push_back(a);
    }
    out_.graph.nodes.push_back(dq);
    if (weights_) (*weights_)[n.inputs[1]] = wq;
    return dq.outputs[0];
  }

  // The float bias as int32 (PyTorch: rne(bias / f32(w_scale * x_scale))) behind a DequantizeLinear.
  std::string bias(const Node& n, std::size_t input, const QParams& wq, const QParams& xq, int64_t channels) {
    const auto b = g_.find_tensor(n.inputs[input])->constant;
    check(b->type == ElementType::Float32 && b->count() == channels, n.label(), ": bias must have ", channels,
          " float values");
    std::vector<float> values(static_cast<std::size_t>(channels));
    std::memcpy(values.data(), b->bytes.data(), values.size() * 4);
    ConvQuantization cq;
    cq.input_scale = xq.scales[0];
    cq.input_zero_point = xq.zero_points[0];
    cq.weight_scales = wq.scales;
    cq.weight_zero_points = wq.zero_points;
    const std::vector<int32_t> q = quantize_conv_bias(values.data(), cq, channels);
    std::vector<float> scales;
    for (std::size_t c = 0; c < wq.scales.size(); ++c) scales.push_back(wq.scales[c] * xq.scales[0]);
    const Shape qshape = scales.size() > 1 ? Shape{static_cast<int64_t>(scales.size())} : Shape{};
    const std::string name = n.inputs[input];
    Node dq;
    dq.name = name + "/dequantize";
    dq.op_type = "DequantizeLinear";
    dq.inputs = {constant(name + "/quantized", make_data<int32_t>(ElementType::Int32, b->dims, q)),
                 constant(name + "/scale", make_data<float>(ElementType::Float32, qshape, scales)),
                 constant(name + "/zero_point",
                          make_data<int32_t>(ElementType::Int32, qshape, std::vector<int32_t>(scales.size(), 0)))};
    dq.outputs = {name + "/dequantized"};
    if (scales.size() > 1) {
      graph::Attribute a;
      a.name = "axis";
      a.type = graph::AttributeType::Int;
      a.i = 0;
      dq.attributes.push_back(a);
    }
    out_.graph.nodes.push_back(dq);
    return dq.outputs[0];
  }

  void emit_int8(std::size_t index) {
    Node n = g_.nodes[index];
    std::string output = n.outputs[0];
    if (const auto hs = plan_.hardswish.find(index); hs != plan_.hardswish.end()) {
      const std::string x = g_.nodes[hs->second].inputs[0];
      Node h;
      h.name = n.name;
      h.op_type = "HardSwish";
      h.inputs = {dequantized(x)};
      h.outputs = {float_name(output)};
      out_.graph.nodes.push_back(std::move(h));
      uses_hardswish_ = true;
      quantize(output, float_name(output));
      return;
    }
    const bool weighted =
        (n.op_type == "Conv" || n.op_type == "Gemm" || n.op_type == "MatMul") && n.inputs.size() >= 2 &&
        g_.find_tensor(n.inputs[1]) && g_.find_tensor(n.inputs[1])->constant;
    if (weighted) {
      const int axis = n.op_type == "Conv" || (n.op_type == "Gemm" && n.attribute_int("transB", 0) != 0) ? 0 : 1;
      QParams wq;
      const std::string x = n.inputs[0];
      n.inputs[0] = dequantized(x);
      n.inputs[1] = weight(g_.nodes[index], axis, wq);
      const auto w = g_.find_tensor(g_.nodes[index].inputs[1])->constant;
      const int64_t channels = w->dims[static_cast<std::size_t>(axis)];
      if (n.inputs.size() > 2 && !n.inputs[2].empty())
        n.inputs[2] = bias(g_.nodes[index], 2, wq, qparams(x), channels);
    } else {
      for (std::string& in : n.inputs)
        if (!in.empty() && plan_.tensors.count(in)) in = dequantized(in);
    }
    const auto relu = plan_.fused_relu.find(index);
    if (relu != plan_.fused_relu.end()) {
      n.outputs = {output};
      out_.graph.nodes.push_back(std::move(n));
      Node r = g_.nodes[relu->second];
      output = r.outputs[0];
      r.outputs = {float_name(output)};
      out_.graph.nodes.push_back(std::move(r));
    } else {
      n.outputs = {float_name(output)};
      out_.graph.nodes.push_back(std::move(n));
    }
    quantize(output, float_name(output));
  }

  const graph::Model& src_;
  const graph::Graph& g_;
  const QuantizationPlan& plan_;
  const std::map<std::string, QParams>& qparams_;
  const QConfig& config_;
  std::map<std::string, QParams>* weights_;
  graph::Model out_;
  std::map<std::string, std::string> scale_names_, zero_point_names_;
  std::set<std::string> dequantized_;
  bool uses_hardswish_ = false;
};

}  // namespace

graph::Model write_qdq_model(const graph::Model& float_model, const QuantizationPlan& plan,
                             const std::map<std::string, QParams>& activations, const QConfig& config,
                             std::map<std::string, QParams>* weights) {
  return Writer(float_model, plan, activations, config, weights).run();
}

}  // namespace qwasm::runtime
