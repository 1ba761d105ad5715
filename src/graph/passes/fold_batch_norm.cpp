#include "graph/passes/fold_batch_norm.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace qwasm::graph {

namespace {

bool float_constant(const Graph& g, const std::string& name, int64_t count) {
  const Tensor* t = g.find_tensor(name);
  return t && t->constant && t->constant->type == ElementType::Float32 && t->constant->count() == count;
}

std::shared_ptr<const TensorData> float_data(Shape dims, const std::vector<double>& values) {
  auto data = std::make_shared<TensorData>();
  data->type = ElementType::Float32;
  data->dims = std::move(dims);
  data->bytes.resize(values.size() * sizeof(float));
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto v = static_cast<float>(values[i]);
    std::memcpy(data->bytes.data() + i * sizeof(float), &v, sizeof(float));
  }
  return data;
}

// A tensor name starting with `base` that no tensor of the graph has yet.
std::string fresh_tensor_name(const Graph& graph, const std::string& base) {
  if (!graph.find_tensor(base)) return base;
  for (int i = 1;; ++i) {
    const std::string name = base + "_" + std::to_string(i);
    if (!graph.find_tensor(name)) return name;
  }
}

bool is_graph_output(const Graph& g, const std::string& name) {
  return std::find(g.outputs.begin(), g.outputs.end(), name) != g.outputs.end();
}

// Folds nodes[bn_index] into nodes[conv_index] when every condition holds; true when it did.
bool try_fold(Graph& g, std::size_t conv_index, std::size_t bn_index) {
  const Node& conv = g.nodes[conv_index];
  const Node& bn = g.nodes[bn_index];
  if (bn.op_type != "BatchNormalization" || !bn.domain.empty() || bn.inputs.size() != 5) return false;
  if (bn.attribute_int("training_mode", 0) != 0) return false;
  for (std::size_t i = 1; i < bn.outputs.size(); ++i)
    if (!bn.outputs[i].empty()) return false;
  if (conv.inputs.size() < 2 || bn.inputs[0] != conv.outputs[0]) return false;
  const Tensor* w = g.find_tensor(conv.inputs[1]);
  if (!w || !w->constant || w->constant->type != ElementType::Float32 || w->constant->dims.size() < 3) return false;
  const TensorData& wd = *w->constant;
  const int64_t out_channels = wd.dims[0];
  const bool has_bias = conv.inputs.size() > 2 && !conv.inputs[2].empty();
  if (has_bias && !float_constant(g, conv.inputs[2], out_channels)) return false;
  for (std::size_t i = 1; i < 5; ++i)
    if (!float_constant(g, bn.inputs[i], out_channels)) return false;

  const double epsilon = bn.attribute_float("epsilon", 1e-5f);
  const TensorData& gamma = *g.find_tensor(bn.inputs[1])->constant;
  const TensorData& beta = *g.find_tensor(bn.inputs[2])->constant;
  const TensorData& mean = *g.find_tensor(bn.inputs[3])->constant;
  const TensorData& var = *g.find_tensor(bn.inputs[4])->constant;
  const int64_t per_channel = out_channels > 0 ? wd.count() / out_channels : 0;
  std::vector<double> new_w(static_cast<std::size_t>(wd.count())), new_b(static_cast<std::size_t>(out_channels));
  for (int64_t oc = 0; oc < out_channels; ++oc) {
    const double s = static_cast<double>(gamma.at<float>(oc)) / std::sqrt(static_cast<double>(var.at<float>(oc)) + epsilon);
    for (int64_t j = 0; j < per_channel; ++j)
      new_w[static_cast<std::size_t>(oc * per_channel + j)] = static_cast<double>(wd.at<float>(oc * per_channel + j)) * s;
    const double b = has_bias ? static_cast<double>(g.find_tensor(conv.inputs[2])->constant->at<float>(oc)) : 0.0;
    new_b[static_cast<std::size_t>(oc)] = (b - static_cast<double>(mean.at<float>(oc))) * s + static_cast<double>(beta.at<float>(oc));
  }
  const std::string w_name = fresh_tensor_name(g, conv.inputs[1] + "_bn_folded");
  g.add_constant(w_name, float_data(wd.dims, new_w));
  const std::string b_name = fresh_tensor_name(g, (has_bias ? conv.inputs[2] : conv.inputs[1]) + "_bias_bn_folded");
  g.add_constant(b_name, float_data({out_channels}, new_b));

  const std::string old_output = conv.outputs[0];
  Node folded = conv;
  folded.inputs.resize(3);
  folded.inputs[1] = w_name;
  folded.inputs[2] = b_name;
  folded.outputs[0] = bn.outputs[0];
  g.nodes[conv_index] = std::move(folded);
  g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(bn_index));
  g.tensors.erase(old_output);
  return true;
}

}  // namespace

std::size_t fold_batch_norm(Graph& graph) {
  std::size_t folded = 0;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& conv = graph.nodes[i];
    if (conv.op_type != "Conv" || !conv.domain.empty() || conv.outputs.size() != 1) continue;
    const std::string& out = conv.outputs[0];
    if (out.empty() || is_graph_output(graph, out)) continue;
    const std::vector<std::size_t> readers = graph.consumers(out);
    if (readers.size() != 1) continue;
    // The single reader must read the tensor once (as X), which try_fold checks through inputs[0].
    const Node& bn = graph.nodes[readers[0]];
    if (std::count(bn.inputs.begin(), bn.inputs.end(), out) != 1) continue;
    if (try_fold(graph, i, readers[0])) {
      ++folded;
      if (readers[0] < i) --i;  // the erased node came before: stay on the rewritten conv's new index
    }
  }
  return folded;
}

}  // namespace qwasm::graph
