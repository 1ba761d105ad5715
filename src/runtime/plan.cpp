#include "runtime/plan.h"

#include <algorithm>
#include <map>

#include "core/error.h"
#include "runtime/step_factory.h"
#include "runtime/steps/quantized_steps.h"

namespace qwasm::runtime {
namespace {

constexpr int64_t kAlignment = 64;
// Every arena value gets this much slack after it, so a SIMD kernel's tail may read a whole vector.
constexpr int64_t kSlack = 16;

int64_t align_up(int64_t v) { return (v + kAlignment - 1) / kAlignment * kAlignment; }

class Planner {
 public:
  Planner(const graph::Graph& graph, std::vector<StepPtr>& steps) : graph_(graph), steps_(steps) {}

  Plan build(const std::vector<std::size_t>& order, const std::vector<ValueInfo>& feeds, int64_t max_bytes) {
    for (std::size_t i = 0; i < graph_.inputs.size(); ++i) {
      PlannedValue v{graph_.inputs[i], feeds[i], PlannedValue::Storage::feed, 0, static_cast<int>(i)};
      const int id = add_value(std::move(v));
      ids_[graph_.inputs[i]] = id;
      plan_.input_shapes.push_back(feeds[i].shape);
    }
    for (const std::string& name : graph_.constants) {
      const graph::Tensor* t = graph_.find_tensor(name);
      if (!t || !t->constant) continue;
      const int id = add_constant(name, t->constant);
      ids_[name] = id;
    }
    plan_.node_values.resize(graph_.nodes.size());
    for (std::size_t index : order) {
      with_node_context(graph_, index, [&] { plan_node(index); });
    }
    for (const std::string& name : graph_.outputs) {
      const int id = value_id(name);
      plan_.outputs.push_back(converted(id, Layout::Logical));
    }
    allocate(max_bytes);
    plan_.tensor_values = ids_;
    return std::move(plan_);
  }

 private:
  int add_value(PlannedValue v) {
    plan_.values.push_back(std::move(v));
    return static_cast<int>(plan_.values.size() - 1);
  }

  int add_constant(const std::string& name, std::shared_ptr<const graph::TensorData> data) {
    PlannedValue v;
    v.name = name;
    v.info.type = data->type;
    v.info.shape = data->dims;
    v.info.constant = std::move(data);
    v.storage = PlannedValue::Storage::constant;
    return add_value(std::move(v));
  }

  int value_id(const std::string& name) const {
    const auto it = ids_.find(name);
    check(it != ids_.end(), "tensor '", name, "' has no value (its producer was not planned)");
    return it->second;
  }

  // Runs `step` now on constant inputs; returns the constant output infos.
  std::vector<std::shared_ptr<graph::TensorData>> evaluate_now(Step& step, const std::vector<int>& inputs,
                                                                const std::vector<ValueInfo>& out_infos) {
    std::vector<const void*> in;
    for (int id : inputs) {
      const PlannedValue* v = id < 0 ? nullptr : &plan_.values[static_cast<std::size_t>(id)];
      in.push_back(v && v->info.constant ? v->info.constant->bytes.data() : nullptr);
    }
    std::vector<std::shared_ptr<graph::TensorData>> outputs;
    std::vector<void*> out;
    for (const ValueInfo& info : out_infos) {
      auto data = std::make_shared<graph::TensorData>();
      data->type = info.type;
      data->dims = info.shape;
      data->bytes.resize(static_cast<std::size_t>(info.bytes()));
      out.push_back(data->bytes.data());
      outputs.push_back(std::move(data));
    }
    step.run(in, out);
    return outputs;
  }

  // The id of `id`'s value in `layout`, adding (or reusing) a conversion.
  int converted(int id, Layout layout) {
    if (plan_.values[static_cast<std::size_t>(id)].info.layout == layout) return id;
    const auto key = std::make_pair(id, layout);
    if (const auto it = conversions_.find(key); it != conversions_.end()) return it->second;
    const PlannedValue& source = plan_.values[static_cast<std::size_t>(id)];
    StepPtr step = make_layout_conversion_step(source.info.layout, layout);
    ValueInfo out = step->plan({source.info})[0];
    PlannedValue v;
    v.name = source.name + "@" + layout_name(layout);
    v.info = out;
    int result;
    if (source.info.constant) {
      auto data = evaluate_now(*step, {id}, {out});
      v.info.constant = data[0];
      v.storage = PlannedValue::Storage::constant;
      result = add_value(std::move(v));
    } else {
      result = add_value(std::move(v));
      plan_.ops.push_back(PlannedOp{step.get(), SIZE_MAX, {id}, {result}});
      plan_.conversions.push_back(std::move(step));
    }
    conversions_[key] = result;
    return result;
  }

  void plan_node(std::size_t index) {
    const graph::Node& node = graph_.nodes[index];
    Step& step = *steps_[index];
    std::vector<int> inputs;
    std::vector<ValueInfo> infos;
    for (const std::string& name : node.inputs) {
      inputs.push_back(name.empty() ? -1 : value_id(name));
      infos.push_back(name.empty() ? ValueInfo{} : plan_.values[static_cast<std::size_t>(inputs.back())].info);
    }
    bool all_constant = !inputs.empty();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i] < 0) continue;
      const Layout wanted = step.wanted_layout(i, infos);
      inputs[i] = converted(inputs[i], wanted);
      infos[i] = plan_.values[static_cast<std::size_t>(inputs[i])].info;
      all_constant = all_constant && infos[i].constant != nullptr;
    }
    std::vector<ValueInfo> out_infos = step.plan(infos);
    check(out_infos.size() == node.outputs.size(), "planned ", out_infos.size(), " outputs, the node has ",
          node.outputs.size());
    // Shape needs only its input's (now known) shape, so it is evaluated here too.
    const bool shape_only = node.op_type == "Shape" && node.domain.empty();
    std::vector<int> outputs;
    if (all_constant || shape_only) {
      auto data = evaluate_now(step, inputs, out_infos);
      for (std::size_t i = 0; i < node.outputs.size(); ++i) {
        outputs.push_back(node.outputs[i].empty() ? -1 : add_constant(node.outputs[i], data[i]));
      }
    } else {
      for (std::size_t i = 0; i < node.outputs.size(); ++i) {
        if (node.outputs[i].empty()) {
          outputs.push_back(-1);
          continue;
        }
        PlannedValue v;
        v.name = node.outputs[i];
        v.info = out_infos[i];
        v.info.bytes();  // overflow-checks the size now, with the node named
        outputs.push_back(add_value(std::move(v)));
      }
      plan_.ops.push_back(PlannedOp{&step, index, inputs, outputs});
    }
    for (std::size_t i = 0; i < node.outputs.size(); ++i)
      if (outputs[i] >= 0) ids_[node.outputs[i]] = outputs[i];
    std::vector<int>& record = plan_.node_values[index];
    record = inputs;
    record.insert(record.end(), outputs.begin(), outputs.end());
  }

  // Greedy by size (largest first): each arena value takes the lowest offset that does not overlap a placed value
  // whose lifetime [first op, last op] intersects its own.
  void allocate(int64_t max_bytes) {
    const auto n = plan_.values.size();
    std::vector<int64_t> first(n, -1), last(n, -1);
    for (std::size_t op = 0; op < plan_.ops.size(); ++op) {
      for (int id : plan_.ops[op].outputs)
        if (id >= 0) first[static_cast<std::size_t>(id)] = static_cast<int64_t>(op);
      for (int id : plan_.ops[op].inputs)
        if (id >= 0) last[static_cast<std::size_t>(id)] = static_cast<int64_t>(op);
    }
    for (int id : plan_.outputs) last[static_cast<std::size_t>(id)] = static_cast<int64_t>(plan_.ops.size());
    std::vector<std::size_t> arena;
    for (std::size_t id = 0; id < n; ++id) {
      if (plan_.values[id].storage != PlannedValue::Storage::arena) continue;
      if (last[id] < first[id]) last[id] = first[id];  // written, never read (an unused output)
      arena.push_back(id);
    }
    std::stable_sort(arena.begin(), arena.end(), [&](std::size_t a, std::size_t b) {
      return plan_.values[a].info.bytes() > plan_.values[b].info.bytes();
    });
    struct Placed {
      int64_t offset, end, first, last;
    };
    std::vector<Placed> placed;
    int64_t total = 0;
    for (std::size_t id : arena) {
      const int64_t size = align_up(plan_.values[id].info.bytes() + kSlack);
      std::vector<std::pair<int64_t, int64_t>> busy;
      for (const Placed& p : placed)
        if (p.first <= last[id] && first[id] <= p.last) busy.emplace_back(p.offset, p.end);
      std::sort(busy.begin(), busy.end());
      int64_t offset = 0;
      for (const auto& [begin, end] : busy) {
        if (offset + size <= begin) break;
        offset = std::max(offset, end);
      }
      plan_.values[id].offset = offset;
      placed.push_back(Placed{offset, offset + size, first[id], last[id]});
      total = std::max(total, offset + size);
      check(total <= max_bytes, "activations need more than the limit of ", max_bytes,
            " bytes (maxActivationBytes); the value '", plan_.values[id].name, "' alone is ",
            plan_.values[id].info.bytes(), " bytes");
    }
    plan_.arena_bytes = total;
  }

  const graph::Graph& graph_;
  std::vector<StepPtr>& steps_;
  Plan plan_;
  std::map<std::string, int> ids_;
  std::map<std::pair<int, Layout>, int> conversions_;
};

}  // namespace

Plan make_plan(const graph::Graph& graph, const std::vector<std::size_t>& order, std::vector<StepPtr>& steps,
               const std::vector<ValueInfo>& feeds, int64_t max_arena_bytes) {
  return Planner(graph, steps).build(order, feeds, max_arena_bytes);
}

}  // namespace qwasm::runtime
