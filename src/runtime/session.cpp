#include "runtime/session.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "core/error.h"
#include "graph/passes/fold_batch_norm.h"
#include "graph/passes/fuse_hardswish.h"
#include "graph/passes/fuse_activations.h"
#include "graph/passes/remove_dead_nodes.h"
#include "runtime/describe.h"
#include "runtime/fold_constants.h"
#include "runtime/json_text.h"
#include "runtime/lowering/expand_qoperator.h"
#include "runtime/lowering/lower_qdq.h"
#include "runtime/plan.h"
#include "runtime/step_factory.h"

namespace qwasm::runtime {
namespace {

using graph::ElementType;

// The load-time passes, in order (see session.h).
void prepare_graph(graph::Model& model, const SessionOptions& options) {
  FoldOptions fold;
  fold.max_tensor_elements = options.limits.max_tensor_elements;
  FoldOptions keep_dequantize = fold;
  keep_dequantize.fold_dequantize = false;
  expand_qoperator(model);
  fold_constants(model, keep_dequantize);
  graph::remove_dead_nodes(model.graph);
  graph::fold_batch_norm(model.graph);
  graph::fuse_hardswish(model.graph);
  lower_qdq(model);
  lower_uint8_max_pool(model);
  graph::remove_dead_nodes(model.graph);
  fold_constants(model, fold);  // what lowering left: e.g. DequantizeLinear of weights feeding float ops
  if (options.fuse_activations) graph::fuse_activations(model.graph);
  graph::remove_dead_nodes(model.graph);
  model.graph.validate();
}

class SessionImpl : public Session {
 public:
  SessionImpl(graph::Model model, const SessionOptions& options) : model_(std::move(model)), options_(options) {
    prepare_graph(model_, options_);
    create_steps();
    order_ = model_.graph.topological_order();
    for (const std::string& name : model_.graph.inputs) inputs_.push_back(io_info(name));
    for (const std::string& name : model_.graph.outputs) outputs_.push_back(io_info(name));
    // Static inputs: plan now, so describe() has shapes and planning errors surface at create.
    std::vector<ValueInfo> feeds;
    for (const IOInfo& input : inputs_) {
      if (!input.shape.is_static() || input.type == ElementType::Undefined) return;
      ValueInfo info;
      info.type = input.type;
      info.shape = input.shape.static_shape();
      feeds.push_back(std::move(info));
    }
    plan_for(feeds);
  }

  const std::vector<IOInfo>& inputs() const override { return inputs_; }
  const std::vector<IOInfo>& outputs() const override { return outputs_; }

  std::vector<OutputTensor> run(const std::vector<std::pair<std::string, TensorView>>& feeds) override {
    return run(feeds, {}, nullptr);
  }

  const graph::Graph& graph() const override { return model_.graph; }

  std::vector<OutputTensor> run(const std::vector<std::pair<std::string, TensorView>>& feeds,
                                const std::vector<std::string>& taps, const TapCallback& tap) override {
    // One try block per run, not one per op (with_node_context): the pthreads build's JS-based exceptions send
    // every call made inside a try block through a JS trampoline, about a microsecond each. running_node_ names
    // the op that threw.
    running_node_ = SIZE_MAX;
    try {
      return run_ops(feeds, taps, tap);
    } catch (const Error& e) {
      if (running_node_ == SIZE_MAX) throw;
      throw node_error(model_.graph, running_node_, e);
    }
  }

  // Not inlined into run(): inside its try block every call would take the trampoline again.
  __attribute__((noinline)) std::vector<OutputTensor> run_ops(
      const std::vector<std::pair<std::string, TensorView>>& feeds, const std::vector<std::string>& taps,
      const TapCallback& tap) {
    const std::vector<const TensorView*> ordered = order_feeds(feeds);
    std::vector<ValueInfo> infos;
    for (const TensorView* view : ordered) {
      ValueInfo info;
      info.type = view->type;
      info.shape = view->shape;
      infos.push_back(std::move(info));
    }
    if (!plan_ || plan_->input_shapes != shapes_of(infos)) plan_for(infos);
    Plan& plan = *plan_;
    uint8_t* arena = arena_base();
    const auto pointer = [&](int id) -> const void* {
      if (id < 0) return nullptr;
      const PlannedValue& v = plan.values[static_cast<std::size_t>(id)];
      switch (v.storage) {
        case PlannedValue::Storage::constant: return v.info.constant->bytes.data();
        case PlannedValue::Storage::feed: return ordered[static_cast<std::size_t>(v.feed_index)]->data;
        default: return arena + v.offset;
      }
    };
    // Taps: values known before any op runs are reported now, the others right after the op that writes them.
    std::map<int, std::vector<const std::string*>> tapped;
    for (const std::string& name : taps) {
      const auto it = plan.tensor_values.find(name);
      if (it != plan.tensor_values.end() && tap) tapped[it->second].push_back(&name);
    }
    const auto report = [&](int id) {
      const auto it = tapped.find(id);
      if (it == tapped.end()) return;
      for (const std::string* name : it->second)
        tap(*name, plan.values[static_cast<std::size_t>(id)].info, pointer(id));
    };
    for (const auto& [id, names] : tapped)
      if (plan.values[static_cast<std::size_t>(id)].storage != PlannedValue::Storage::arena) report(id);
    std::vector<const void*> in;
    std::vector<void*> out;
    for (const PlannedOp& op : plan.ops) {
      in.clear();
      out.clear();
      for (int id : op.inputs) in.push_back(pointer(id));
      for (int id : op.outputs) out.push_back(id < 0 ? nullptr : arena + plan.values[static_cast<std::size_t>(id)].offset);
      const auto start = profiling_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
      running_node_ = op.node;
      op.step->run(in, out);
      running_node_ = SIZE_MAX;
      if (profiling_) {
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        const std::string key = op.node == SIZE_MAX ? "LayoutConversion " + op.step->kernel()
                                                    : std::to_string(op.node);
        ProfileEntry& e = profile_[key];
        e.ms += ms;
        if (e.op.empty()) {
          e.op = op.node == SIZE_MAX ? "LayoutConversion" : model_.graph.nodes[op.node].op_type;
          e.node = op.node == SIZE_MAX ? op.step->kernel() : model_.graph.nodes[op.node].name;
          e.kernel = op.step->kernel();
        }
      }
      if (!tapped.empty())
        for (int id : op.outputs)
          if (id >= 0) report(id);
    }
    if (profiling_) ++profiled_runs_;
    std::vector<OutputTensor> results;
    for (std::size_t i = 0; i < plan.outputs.size(); ++i) {
      const PlannedValue& v = plan.values[static_cast<std::size_t>(plan.outputs[i])];
      OutputTensor t;
      t.name = model_.graph.outputs[i];
      t.type = v.info.type;
      t.shape = v.info.shape;
      t.bytes.resize(static_cast<std::size_t>(v.info.bytes()));
      if (!t.bytes.empty()) std::memcpy(t.bytes.data(), pointer(plan.outputs[i]), t.bytes.size());
      results.push_back(std::move(t));
    }
    return results;
  }

  std::string describe_json() const override {
    return describe_session_json(model_.graph, inputs_, outputs_, steps_, plan_ ? &*plan_ : nullptr);
  }

  int64_t peak_activation_bytes() const override { return plan_ ? plan_->arena_bytes : 0; }

  void enable_profiling(bool on) override {
    profiling_ = on;
    if (on) {
      profile_.clear();
      profiled_runs_ = 0;
    }
  }

  std::string profile_json() const override {
    std::vector<const std::pair<const std::string, ProfileEntry>*> entries;
    double total = 0;
    for (const auto& entry : profile_) {
      entries.push_back(&entry);
      total += entry.second.ms;
    }
    std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->second.ms > b->second.ms; });
    std::ostringstream out;
    out << "{\"runs\":" << profiled_runs_ << ",\"totalMs\":" << total << ",\"ops\":[";
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const ProfileEntry& e = entries[i]->second;
      out << (i ? "," : "") << "{\"node\":" << json_quote(e.node) << ",\"op\":" << json_quote(e.op)
          << ",\"kernel\":" << json_quote(e.kernel) << ",\"ms\":" << e.ms
          << ",\"share\":" << (total > 0 ? e.ms / total : 0) << "}";
    }
    out << "]}";
    return out.str();
  }

 private:
  void create_steps() {
    std::set<std::string> unsupported;
    std::vector<std::string> where;
    const graph::Graph& g = model_.graph;
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      const graph::Node& node = g.nodes[i];
      StepPtr step = with_node_context(g, i, [&] {
        return make_step(StepContext{node, g, node_opset(model_, node)});
      });
      if (!step) {
        const std::string op = node.domain.empty() ? node.op_type : node.domain + "." + node.op_type;
        if (unsupported.insert(op).second) where.push_back(op + " (first at " + g.describe_node(i) + ")");
      }
      steps_.push_back(std::move(step));
    }
    if (!unsupported.empty()) {
      std::string message = "unsupported operator" + std::string(unsupported.size() > 1 ? "s" : "") + ": ";
      for (std::size_t i = 0; i < where.size(); ++i) message += (i ? ", " : "") + where[i];
      fail(message);
    }
  }

  IOInfo io_info(const std::string& name) const {
    IOInfo info;
    info.name = name;
    if (const graph::Tensor* t = model_.graph.find_tensor(name)) {
      info.type = t->type;
      info.shape = t->shape;
    }
    return info;
  }

  static std::vector<Shape> shapes_of(const std::vector<ValueInfo>& infos) {
    std::vector<Shape> shapes;
    for (const ValueInfo& v : infos) shapes.push_back(v.shape);
    return shapes;
  }

  // Checks the feeds against the model's inputs; returns them in graph input order.
  std::vector<const TensorView*> order_feeds(const std::vector<std::pair<std::string, TensorView>>& feeds) const {
    std::vector<const TensorView*> ordered(inputs_.size(), nullptr);
    for (const auto& [name, view] : feeds) {
      std::size_t index = 0;
      while (index < inputs_.size() && inputs_[index].name != name) ++index;
      check(index < inputs_.size(), "run: '", name, "' is not an input of the model (inputs: ", input_names(), ")");
      check(ordered[index] == nullptr, "run: input '", name, "' is fed twice");
      const IOInfo& input = inputs_[index];
      check(input.type == ElementType::Undefined || view.type == input.type, "run: input '", name, "' must be ",
            graph::element_type_name(input.type), ", got ", graph::element_type_name(view.type));
      if (input.shape.rank_known) {
        bool match = input.shape.dims.size() == view.shape.size();
        for (std::size_t d = 0; match && d < view.shape.size(); ++d)
          match = !input.shape.dims[d].is_static() || input.shape.dims[d].value == view.shape[d];
        check(match, "run: input '", name, "' must have shape ", input.shape.to_string(), ", got ",
              shape_string(view.shape));
      }
      const int64_t count = element_count(view.shape, name.c_str());
      const auto size = graph::element_size(view.type);
      check(size > 0, "run: input '", name, "' has no element type");
      check(view.bytes == static_cast<std::size_t>(count) * size, "run: input '", name, "' of shape ",
            shape_string(view.shape), " needs ", static_cast<std::size_t>(count) * size, " bytes, got ", view.bytes);
      check(view.data != nullptr || view.bytes == 0, "run: input '", name, "' has no data");
      ordered[index] = &view;
    }
    for (std::size_t i = 0; i < inputs_.size(); ++i)
      check(ordered[i] != nullptr, "run: missing input '", inputs_[i].name, "'");
    return ordered;
  }

  std::string input_names() const {
    std::string names;
    for (const IOInfo& input : inputs_) names += (names.empty() ? "'" : ", '") + input.name + "'";
    return names;
  }

  void plan_for(const std::vector<ValueInfo>& feeds) {
    // Planning re-plans the steps, so after a failure the old plan no longer matches them: drop it.
    std::optional<Plan> planned;
    try {
      planned.emplace(make_plan(model_.graph, order_, steps_, feeds, options_.max_activation_bytes));
    } catch (...) {
      plan_.reset();
      throw;
    }
    Plan plan = std::move(*planned);
    plan_.reset();  // frees the old plan's conversions before the arena grows
    const auto needed = static_cast<std::size_t>(plan.arena_bytes) + 64;
    if (arena_.size() < needed || arena_.size() > 2 * needed) {
      arena_.clear();
      arena_.shrink_to_fit();
      arena_.resize(needed);
    }
    plan_.emplace(std::move(plan));
  }

  uint8_t* arena_base() {
    const auto address = reinterpret_cast<std::uintptr_t>(arena_.data());
    return arena_.data() + ((64 - address % 64) % 64);
  }

  graph::Model model_;
  SessionOptions options_;
  std::vector<StepPtr> steps_;
  std::vector<std::size_t> order_;
  std::vector<IOInfo> inputs_, outputs_;
  std::optional<Plan> plan_;
  std::vector<uint8_t> arena_;
  struct ProfileEntry {
    std::string node, op, kernel;
    double ms = 0;
  };
  bool profiling_ = false;
  int64_t profiled_runs_ = 0;
  std::map<std::string, ProfileEntry> profile_;
  std::size_t running_node_ = SIZE_MAX;  // graph node of the op run() is in (SIZE_MAX: none, or a layout step)
};

}  // namespace

std::unique_ptr<Session> Session::create(const void* bytes, std::size_t size, const SessionOptions& options) {
  graph::Model model = graph::onnx::decode_model(bytes, size, options.limits);
  return std::make_unique<SessionImpl>(std::move(model), options);
}

std::unique_ptr<Session> Session::create_from_model(graph::Model model, const SessionOptions& options) {
  return std::make_unique<SessionImpl>(std::move(model), options);
}

}  // namespace qwasm::runtime
