// Shared by the test_float_*.cpp files: seeded random floats, a tolerance check with a stated bound, and a
// driver that builds a one-node graph, creates its step with make_float_step, plans and runs it.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "graph/ir.h"
#include "runtime/steps/float_steps.h"

namespace float_test {

using qwasm::Shape;
using qwasm::graph::ElementType;

inline std::vector<float> random_floats(std::mt19937& rng, std::size_t n, float lo = -1.0f, float hi = 1.0f) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

inline int64_t uniform_int(std::mt19937& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

// |got - want| <= bound[i] for every element (bound: per-element error budget); reports the first failure.
inline void check_close(const std::vector<float>& got, const std::vector<float>& want, const std::vector<float>& bound,
                        const std::string& what) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!(std::fabs(got[i] - want[i]) <= bound[i])) {
      INFO(what << ": element " << i << " got " << got[i] << " want " << want[i] << " bound " << bound[i]);
      CHECK(false);
      return;
    }
  }
}

template <class T>
std::shared_ptr<const qwasm::graph::TensorData> tensor_data(ElementType type, Shape dims, const std::vector<T>& values) {
  auto d = std::make_shared<qwasm::graph::TensorData>();
  d->type = type;
  d->dims = std::move(dims);
  d->bytes.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(d->bytes.data(), values.data(), d->bytes.size());
  return d;
}

// One input of a test node: type, shape, bytes, and whether the graph holds it as a constant.
struct In {
  ElementType type = ElementType::Undefined;  // Undefined: an omitted optional input
  Shape shape;
  std::vector<uint8_t> bytes;
  bool constant = false;
};

template <class T>
In input(ElementType type, Shape shape, const std::vector<T>& values, bool constant = false) {
  In in{type, std::move(shape), {}, constant};
  in.bytes.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(in.bytes.data(), values.data(), in.bytes.size());
  return in;
}
inline In f32(Shape shape, const std::vector<float>& v, bool constant = false) {
  return input(ElementType::Float32, std::move(shape), v, constant);
}
inline In i64(Shape shape, const std::vector<int64_t>& v, bool constant = true) {
  return input(ElementType::Int64, std::move(shape), v, constant);
}
inline In omitted() { return In{}; }

struct Output {
  qwasm::runtime::ValueInfo info;
  std::vector<uint8_t> bytes;
  std::vector<float> floats() const {
    std::vector<float> v(bytes.size() / 4);
    if (!v.empty()) std::memcpy(v.data(), bytes.data(), bytes.size());
    return v;
  }
  std::vector<int64_t> ints() const {
    std::vector<int64_t> v(bytes.size() / 8);
    if (!v.empty()) std::memcpy(v.data(), bytes.data(), bytes.size());
    return v;
  }
};

// A one-node graph: inputs named in0, in1, ... (constants registered), output "out".
struct OneNode {
  qwasm::graph::Graph graph;
  qwasm::graph::Node node;
  std::vector<In> inputs;
  int64_t opset = 13;

  OneNode(std::string op_type, std::vector<In> ins, std::vector<qwasm::graph::Attribute> attributes = {},
          std::string domain = "")
      : inputs(std::move(ins)) {
    node.op_type = std::move(op_type);
    node.domain = std::move(domain);
    node.attributes = std::move(attributes);
    node.outputs = {"out"};
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].type == ElementType::Undefined) {
        node.inputs.push_back("");
        continue;
      }
      const std::string name = "in" + std::to_string(i);
      node.inputs.push_back(name);
      if (inputs[i].constant) {
        auto d = std::make_shared<qwasm::graph::TensorData>();
        d->type = inputs[i].type;
        d->dims = inputs[i].shape;
        d->bytes = inputs[i].bytes;
        graph.add_constant(name, d);
      } else {
        graph.inputs.push_back(name);
        graph.tensor(name).type = inputs[i].type;
      }
    }
  }

  qwasm::runtime::StepPtr make() const {
    const qwasm::runtime::StepContext ctx{node, graph, opset};
    return qwasm::runtime::make_float_step(ctx);
  }

  std::vector<qwasm::runtime::ValueInfo> infos() const {
    std::vector<qwasm::runtime::ValueInfo> v;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      qwasm::runtime::ValueInfo info;
      info.type = inputs[i].type;
      info.shape = inputs[i].shape;
      if (inputs[i].constant) info.constant = graph.find_tensor(node.inputs[i])->constant;
      v.push_back(info);
    }
    return v;
  }

  // create -> plan -> run; the output buffer has exactly the planned size.
  Output run() const {
    qwasm::runtime::StepPtr step = make();
    REQUIRE(step != nullptr);
    std::vector<qwasm::runtime::ValueInfo> outs = step->plan(infos());
    REQUIRE(outs.size() == 1);
    Output out{outs[0], std::vector<uint8_t>(static_cast<std::size_t>(outs[0].bytes()))};
    std::vector<const void*> in_ptrs;
    for (const In& in : inputs) in_ptrs.push_back(in.type == ElementType::Undefined ? nullptr : in.bytes.data());
    step->run(in_ptrs, {out.bytes.data()});
    return out;
  }

  // plan() only (for error tests and shapes).
  std::vector<qwasm::runtime::ValueInfo> plan() const { return make()->plan(infos()); }
};

inline qwasm::graph::Attribute attribute(const std::string& name, qwasm::graph::AttributeType type) {
  qwasm::graph::Attribute a;
  a.name = name;
  a.type = type;
  return a;
}
inline qwasm::graph::Attribute attr_int(const std::string& name, int64_t v) {
  auto a = attribute(name, qwasm::graph::AttributeType::Int);
  a.i = v;
  return a;
}
inline qwasm::graph::Attribute attr_float(const std::string& name, float v) {
  auto a = attribute(name, qwasm::graph::AttributeType::Float);
  a.f = v;
  return a;
}
inline qwasm::graph::Attribute attr_ints(const std::string& name, std::vector<int64_t> v) {
  auto a = attribute(name, qwasm::graph::AttributeType::Ints);
  a.ints = std::move(v);
  return a;
}
inline qwasm::graph::Attribute attr_floats(const std::string& name, std::vector<float> v) {
  auto a = attribute(name, qwasm::graph::AttributeType::Floats);
  a.floats = std::move(v);
  return a;
}
inline qwasm::graph::Attribute attr_string(const std::string& name, std::string v) {
  auto a = attribute(name, qwasm::graph::AttributeType::String);
  a.s = std::move(v);
  return a;
}

// Runs a float graph in topological order with make_float_step (a stand-in for the session's executor: no
// layout conversions, no arena), feeding `input`; returns every graph output's floats.
inline std::map<std::string, std::vector<float>> execute_graph(const qwasm::graph::Graph& g, const std::string& input,
                                                               const Shape& shape, const std::vector<float>& x,
                                                               int64_t opset = 13) {
  using qwasm::runtime::ValueInfo;
  std::map<std::string, ValueInfo> info;
  std::map<std::string, std::vector<uint8_t>> data;
  info[input].type = ElementType::Float32;
  info[input].shape = shape;
  data[input].resize(x.size() * 4);
  std::memcpy(data[input].data(), x.data(), x.size() * 4);
  for (const std::string& c : g.constants) {
    const qwasm::graph::Tensor* t = g.find_tensor(c);
    info[c].type = t->constant->type;
    info[c].shape = t->constant->dims;
    info[c].constant = t->constant;
    data[c] = t->constant->bytes;
  }
  for (std::size_t index : g.topological_order()) {
    const qwasm::graph::Node& node = g.nodes[index];
    INFO("running " << g.describe_node(index));
    qwasm::runtime::StepPtr step = qwasm::runtime::make_float_step(qwasm::runtime::StepContext{node, g, opset});
    REQUIRE(step != nullptr);
    std::vector<ValueInfo> ins;
    std::vector<const void*> ptrs;
    for (const std::string& name : node.inputs) {
      ins.push_back(name.empty() ? ValueInfo{} : info.at(name));
      ptrs.push_back(name.empty() ? nullptr : data.at(name).data());
    }
    const std::vector<ValueInfo> outs = step->plan(ins);
    std::vector<void*> out_ptrs;
    for (std::size_t i = 0; i < outs.size(); ++i) {
      info[node.outputs[i]] = outs[i];
      data[node.outputs[i]].resize(static_cast<std::size_t>(outs[i].bytes()));
      out_ptrs.push_back(data[node.outputs[i]].data());
    }
    step->run(ptrs, out_ptrs);
  }
  std::map<std::string, std::vector<float>> result;
  for (const std::string& o : g.outputs) {
    std::vector<float> v(data.at(o).size() / 4);
    if (!v.empty()) std::memcpy(v.data(), data.at(o).data(), v.size() * 4);
    result[o] = v;
  }
  return result;
}

}  // namespace float_test
