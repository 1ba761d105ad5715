#include "runtime/calibration/calibrator.h"

#include <cmath>
#include <cstring>
#include <map>
#include <sstream>

#include "core/error.h"
#include "core/quantize.h"
#include "graph/onnx/decode.h"
#include "graph/onnx/encode.h"
#include "graph/passes/fold_batch_norm.h"
#include "graph/passes/fuse_hardswish.h"
#include "graph/passes/remove_dead_nodes.h"
#include "kernels/reference/scalar_ops.h"
#include "runtime/calibration/qdq_writer.h"
#include "runtime/calibration/quantization_plan.h"
#include "runtime/fold_constants.h"
#include "runtime/json_text.h"

namespace qwasm::runtime {
namespace {

using graph::ElementType;

std::string number(double v) {
  if (!std::isfinite(v)) return v > 0 ? "1e999" : v < 0 ? "-1e999" : "null";
  char buffer[40];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, v);
    if (std::strtod(buffer, nullptr) == v) break;
  }
  return buffer;
}
template <class T, class F>
std::string list(const std::vector<T>& values, F&& format) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + format(values[i]);
  return out + "]";
}

// Squared signal and squared error sums for one tensor.
struct NoiseSums {
  double signal = 0, noise = 0;
  double sqnr_db() const {
    if (noise == 0) return signal == 0 ? 0 : INFINITY;
    return 10.0 * std::log10(signal / noise);
  }
};

// Adds the noise of int8 codes (stored in `layout`) against the float reference (logical order) to `sums`.
// Codes go through a 256-entry table of their dequantized values: one table per tensor, not one call per element.
void add_noise(const std::vector<float>& reference, const uint8_t* codes, const Shape& shape, Layout layout,
               const QParams& q, NoiseSums& sums) {
  float table[256];
  for (int code = 0; code < 256; ++code) table[code] = dequantize_value(code, q.scales[0], q.zero_points[0]);
  double signal = 0, noise = 0;
  const auto add = [&](float x, uint8_t code) {
    const double e = double{x} - table[code];
    signal += double{x} * x;
    noise += e * e;
  };
  if (layout == Layout::NHWC) {
    // Walk the codes in storage order (n, h, w, c); the reference is [N, C, H, W].
    const int64_t n_count = shape[0], c_count = shape[1], h_count = shape[2], w_count = shape[3];
    const int64_t plane = h_count * w_count;
    const uint8_t* code = codes;
    for (int64_t n = 0; n < n_count; ++n)
      for (int64_t p = 0; p < plane; ++p) {
        const float* x = reference.data() + n * c_count * plane + p;
        for (int64_t c = 0; c < c_count; ++c) add(x[c * plane], *code++);
      }
  } else {
    for (std::size_t i = 0; i < reference.size(); ++i) add(reference[i], codes[i]);
  }
  sums.signal += signal;
  sums.noise += noise;
}

class CalibratorImpl : public Calibrator {
 public:
  CalibratorImpl(graph::Model model, const QConfig& config, const SessionOptions& options)
      : config_(config), options_(options) {
    validate_qconfig(config);
    FoldOptions fold;
    fold.max_tensor_elements = options.limits.max_tensor_elements;
    fold_constants(model, fold);
    graph::remove_dead_nodes(model.graph);
    graph::fold_batch_norm(model.graph);
    graph::fuse_hardswish(model.graph);
    graph::remove_dead_nodes(model.graph);
    float_model_ = model;
    plan_ = plan_quantization(float_model_.graph, config_);
    SessionOptions float_options = options;
    float_options.fuse_activations = false;  // keeps every observed tensor (a fused Clip would hide a conv output)
    float_session_ = Session::create_from_model(std::move(model), float_options);
    for (const auto& [name, override_config] : config_.node_overrides) {
      bool known = false;
      for (const graph::Node& n : float_model_.graph.nodes) known = known || n.name == name;
      check(known, "qconfig: overrides name node '", name,
            "', which the model does not have (after Conv+BatchNormalization folding)");
      validate_qconfig(override_config);
    }
    for (const std::string& t : plan_.observed) {
      if (is_input(t) && config_.input_scale) continue;  // fixed input qparams
      const QConfig& config = config_.for_node(observing_node(t));
      ObserverOptions o = config.activation_options;
      if (!o.dtype) o.dtype = DType::QUInt8;
      observers_[t] = make_observer(config.activation, o);
    }
  }

  const std::vector<IOInfo>& inputs() const override { return float_session_->inputs(); }
  const std::vector<IOInfo>& outputs() const override { return float_session_->outputs(); }

  void observe(const std::vector<std::pair<std::string, TensorView>>& feeds) override {
    float_session_->run(feeds, plan_.observed, [&](const std::string& name, const ValueInfo& info, const void* data) {
      const auto it = observers_.find(name);
      if (it == observers_.end()) return;
      check(info.type == ElementType::Float32, "calibration: tensor '", name, "' is not float32");
      it->second->observe(static_cast<const float*>(data), static_cast<std::size_t>(info.count()), info.shape);
    });
    ++batches_;
    keep(feeds);
  }

  int64_t batches_observed() const override { return batches_; }

  std::vector<uint8_t> convert() override {
    check(batches_ > 0, "calibration: convert() before any observe()");
    qparams_.clear();
    // Topological order guarantees an inherited / derived tensor's source is resolved first.
    for (const std::string& t : tensor_order()) {
      const QuantizedTensorPlan& p = plan_.tensors.at(t);
      QParams q;
      switch (p.how) {
        case TensorQuantization::observed:
          if (is_input(t) && config_.input_scale) {
            q = QParams::per_tensor(DType::QUInt8, *config_.input_scale, config_.input_zero_point.value_or(0));
          } else {
            q = observers_.at(t)->calculate_qparams();
          }
          break;
        case TensorQuantization::fixed: q = QParams::per_tensor(DType::QUInt8, 1.0f / 256.0f, 0); break;
        case TensorQuantization::inherited: q = qparams_.at(p.source); break;
        case TensorQuantization::derived: q = derived_qparams(t, p); break;
      }
      check(q.scales.size() == 1, "calibration: tensor '", t, "' needs per-tensor qparams");
      qparams_[t] = q;
    }
    weight_qparams_.clear();
    qdq_model_ = write_qdq_model(float_model_, plan_, qparams_, config_, &weight_qparams_);
    qdq_bytes_ = graph::onnx::encode_model(qdq_model_);
    int8_session_ = Session::create(qdq_bytes_.data(), qdq_bytes_.size(), options_);
    return qdq_bytes_;
  }

  std::string report_json() override {
    check(int8_session_ != nullptr, "calibration: report() before convert()");
    std::map<std::string, NoiseSums> sums;
    std::map<std::string, NoiseSums> output_sums;
    for (const auto& batch : kept_) measure(batch, sums, output_sums);
    std::ostringstream out;
    out << "{\"batches\":" << batches_ << ",\"keptBatches\":" << kept_.size() << ",\"tensors\":[";
    bool first = true;
    for (const std::string& t : tensor_order()) {
      const QuantizedTensorPlan& p = plan_.tensors.at(t);
      const QParams& q = qparams_.at(t);
      out << (first ? "" : ",") << "{\"name\":" << json_quote(t) << ",\"op\":" << json_quote(p.op)
          << ",\"quantization\":" << json_quote(tensor_quantization_name(p.how));
      first = false;
      if (!p.source.empty()) out << ",\"source\":" << json_quote(p.source);
      if (const auto it = observers_.find(t); it != observers_.end()) {
        const ObserverStats stats = it->second->stats();
        out << ",\"observer\":" << json_quote(it->second->torch_name());
        if (!stats.min_val.empty()) out << ",\"min\":" << json_float(stats.min_val[0]) << ",\"max\":" << json_float(stats.max_val[0]);
        if (!stats.histogram.empty()) out << ",\"histogram\":" << list(stats.histogram, json_float);
      }
      out << ",\"scale\":" << json_float(q.scales[0]) << ",\"zero_point\":" << q.zero_points[0]
          << ",\"quant_min\":" << q.quant_min << ",\"quant_max\":" << q.quant_max << ",\"dtype\":\"quint8\"";
      if (const auto it = sums.find(t); it != sums.end()) out << ",\"sqnr\":" << number(it->second.sqnr_db());
      out << "}";
    }
    out << "],\"weights\":[";
    first = true;
    for (const auto& [name, q] : weight_qparams_) {
      out << (first ? "" : ",") << "{\"name\":" << json_quote(name) << ",\"dtype\":" << json_quote(dtype_name(q.dtype))
          << ",\"qscheme\":" << json_quote(qscheme_name(q.qscheme)) << ",\"scale\":" << list(q.scales, json_float)
          << ",\"zero_point\":" << list(q.zero_points, [](int32_t z) { return std::to_string(z); })
          << ",\"axis\":" << (q.scales.size() > 1 ? std::to_string(q.axis) : "null") << "}";
      first = false;
    }
    out << "],\"outputs\":[";
    first = true;
    for (const IOInfo& o : outputs()) {
      out << (first ? "" : ",") << "{\"name\":" << json_quote(o.name);
      if (const auto it = output_sums.find(o.name); it != output_sums.end())
        out << ",\"sqnr\":" << number(it->second.sqnr_db());
      out << "}";
      first = false;
    }
    out << "]}";
    return out.str();
  }

 private:
  struct KeptFeed {
    std::string name;
    TensorView view;
    std::vector<uint8_t> bytes;
  };

  bool is_input(const std::string& t) const {
    for (const IOInfo& in : inputs())
      if (in.name == t) return true;
    return false;
  }

  // The node whose qconfig observes tensor t: its producer, or for a Relu fused into a Conv/Gemm/MatMul, that op.
  std::string observing_node(const std::string& t) const {
    const graph::Graph& g = float_model_.graph;
    const std::ptrdiff_t producer = g.producer(t);
    if (producer < 0) return {};
    for (const auto& [op, relu] : plan_.fused_relu)
      if (relu == static_cast<std::size_t>(producer)) return g.nodes[op].name;
    return g.nodes[static_cast<std::size_t>(producer)].name;
  }

  std::vector<std::string> tensor_order() const {
    // Model inputs first, then node outputs in topological order (absorbed nodes' outputs included).
    std::vector<std::string> order;
    for (const std::string& in : float_model_.graph.inputs)
      if (plan_.tensors.count(in)) order.push_back(in);
    for (std::size_t index : float_model_.graph.topological_order())
      for (const std::string& out : float_model_.graph.nodes[index].outputs)
        if (plan_.tensors.count(out)) order.push_back(out);
    return order;
  }

  QParams derived_qparams(const std::string& t, const QuantizedTensorPlan& p) {
    const QParams& x = qparams_.at(p.source);
    const graph::Node* node = nullptr;
    for (const graph::Node& n : float_model_.graph.nodes)
      if (!n.outputs.empty() && n.outputs[0] == t) node = &n;
    check(node && node->inputs.size() == 2, "calibration: no scalar op writes '", t, "'");
    const auto c = float_model_.graph.find_tensor(node->inputs[1])->constant;
    const double scalar = c->at<float>(0);
    const Qu8Params xq{x.scales[0], x.zero_points[0]};
    double scale;
    int32_t zero_point;
    if (node->op_type == "Add") {
      const AddScalarPlan plan = plan_add_scalar(xq, scalar);
      scale = plan.output_scale, zero_point = plan.output.zero_point;
    } else {
      const MulScalarPlan plan = plan_mul_scalar(xq, scalar);
      scale = plan.output_scale, zero_point = plan.output.zero_point;
    }
    return QParams::per_tensor(DType::QUInt8, static_cast<float>(scale), zero_point);
  }

  void keep(const std::vector<std::pair<std::string, TensorView>>& feeds) {
    int64_t bytes = 0;
    for (const auto& [name, view] : feeds) bytes += static_cast<int64_t>(view.bytes);
    if (kept_bytes_ + bytes > kept_batch_bytes) return;
    kept_bytes_ += bytes;
    std::vector<KeptFeed> batch;
    for (const auto& [name, view] : feeds) {
      KeptFeed k{name, view, std::vector<uint8_t>(static_cast<const uint8_t*>(view.data),
                                                  static_cast<const uint8_t*>(view.data) + view.bytes)};
      batch.push_back(std::move(k));
    }
    kept_.push_back(std::move(batch));
  }

  // Float and int8 runs of one kept batch, accumulating per-tensor and per-output noise.
  void measure(const std::vector<KeptFeed>& batch, std::map<std::string, NoiseSums>& sums,
               std::map<std::string, NoiseSums>& output_sums) {
    std::vector<std::pair<std::string, TensorView>> feeds;
    for (const KeptFeed& k : batch) {
      TensorView v = k.view;
      v.data = k.bytes.data();
      feeds.emplace_back(k.name, v);
    }
    std::vector<std::string> names;
    for (const auto& [t, p] : plan_.tensors) names.push_back(t);
    std::map<std::string, std::vector<float>> reference;
    const auto float_outputs =
        float_session_->run(feeds, names, [&](const std::string& name, const ValueInfo& info, const void* data) {
          if (info.type != ElementType::Float32) return;
          const auto* f = static_cast<const float*>(data);
          reference[name].assign(f, f + info.count());
        });
    std::vector<std::string> quantized;
    for (const std::string& t : names) quantized.push_back(t + "/quantized");
    const auto int8_outputs =
        int8_session_->run(feeds, quantized, [&](const std::string& name, const ValueInfo& info, const void* data) {
          const std::string t = name.substr(0, name.size() - std::string("/quantized").size());
          const auto ref = reference.find(t);
          if (ref == reference.end() || info.type != ElementType::UInt8 ||
              static_cast<int64_t>(ref->second.size()) != info.count())
            return;
          add_noise(ref->second, static_cast<const uint8_t*>(data), info.shape, info.layout, qparams_.at(t), sums[t]);
        });
    for (std::size_t i = 0; i < float_outputs.size() && i < int8_outputs.size(); ++i) {
      if (float_outputs[i].type != ElementType::Float32 || int8_outputs[i].type != ElementType::Float32 ||
          float_outputs[i].bytes.size() != int8_outputs[i].bytes.size())
        continue;
      NoiseSums& s = output_sums[float_outputs[i].name];
      const std::size_t n = float_outputs[i].bytes.size() / 4;
      for (std::size_t k = 0; k < n; ++k) {
        float x, y;
        std::memcpy(&x, float_outputs[i].bytes.data() + k * 4, 4);
        std::memcpy(&y, int8_outputs[i].bytes.data() + k * 4, 4);
        s.signal += double{x} * x;
        s.noise += (double{x} - y) * (double{x} - y);
      }
    }
  }

  QConfig config_;
  SessionOptions options_;
  graph::Model float_model_;
  QuantizationPlan plan_;
  std::unique_ptr<Session> float_session_;
  std::map<std::string, std::unique_ptr<Observer>> observers_;
  int64_t batches_ = 0;
  std::vector<std::vector<KeptFeed>> kept_;
  int64_t kept_bytes_ = 0;
  std::map<std::string, QParams> qparams_;
  std::map<std::string, QParams> weight_qparams_;
  graph::Model qdq_model_;
  std::vector<uint8_t> qdq_bytes_;
  std::unique_ptr<Session> int8_session_;
};

}  // namespace

void validate_qconfig(const QConfig& config) {
  check(config.activation == "histogram" || config.activation == "minmax" || config.activation == "moving_average",
        "qconfig: activation observer must be histogram, minmax or moving_average, got '", config.activation, "'");
  check(config.weight == "minmax" || config.weight == "per_channel_minmax",
        "qconfig: weight observer must be minmax or per_channel_minmax, got '", config.weight, "'");
  check(!config.activation_options.dtype || *config.activation_options.dtype == DType::QUInt8,
        "qconfig: activations must be quint8 (qwasm's int8 kernels take quint8 activations)");
  check(!config.weight_options.dtype || *config.weight_options.dtype == DType::QInt8,
        "qconfig: weights must be qint8");
  if (config.input_scale) {
    check(std::isfinite(*config.input_scale) && *config.input_scale > 0, "qconfig: input scale must be > 0");
    check(config.input_zero_point.value_or(0) >= 0 && config.input_zero_point.value_or(0) <= 255,
          "qconfig: input zero point must be in 0..255");
  }
  ObserverOptions a = config.activation_options;
  if (!a.dtype) a.dtype = DType::QUInt8;
  make_observer(config.activation, a);  // rejects option combinations PyTorch rejects
}

std::unique_ptr<Calibrator> Calibrator::create(const void* bytes, std::size_t size, const QConfig& config,
                                               const SessionOptions& options) {
  return std::make_unique<CalibratorImpl>(graph::onnx::decode_model(bytes, size, options.limits), config, options);
}

}  // namespace qwasm::runtime
