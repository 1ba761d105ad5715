// graph::fold_batch_norm and graph::fuse_activations on hand-built graphs: which patterns are rewritten and which
// are left alone, the rewritten nodes' inputs and attributes, and numerically: the folded / fused graph computes
// what the original did (run by float_test::execute_graph over make_float_step).
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "core/error.h"
#include "graph/passes/fold_batch_norm.h"
#include "graph/passes/fuse_activations.h"
#include "test_float_util.h"

using namespace qwasm;
using namespace float_test;

namespace {

graph::Node make_node(std::string op, std::vector<std::string> inputs, std::vector<std::string> outputs,
                      std::vector<graph::Attribute> attributes = {}, std::string domain = "") {
  graph::Node n;
  n.op_type = std::move(op);
  n.name = n.op_type + "_" + outputs[0];
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  n.attributes = std::move(attributes);
  n.domain = std::move(domain);
  return n;
}

void add_f32_constant(graph::Graph& g, const std::string& name, Shape dims, const std::vector<float>& v) {
  g.add_constant(name, tensor_data(ElementType::Float32, std::move(dims), v));
}

// x -> Conv(W, B) -> "c" -> BatchNormalization -> "bn" -> Relu -> "y"; BN parameters with varied scales.
graph::Graph conv_bn_relu(std::mt19937& rng, bool conv_bias) {
  graph::Graph g;
  g.inputs = {"x"};
  g.tensor("x").type = ElementType::Float32;
  add_f32_constant(g, "W", {3, 2, 3, 3}, random_floats(rng, 54));
  if (conv_bias) add_f32_constant(g, "B", {3}, random_floats(rng, 3));
  add_f32_constant(g, "gamma", {3}, random_floats(rng, 3, 0.5f, 2.0f));
  add_f32_constant(g, "beta", {3}, random_floats(rng, 3));
  add_f32_constant(g, "mean", {3}, random_floats(rng, 3));
  add_f32_constant(g, "var", {3}, random_floats(rng, 3, 0.1f, 3.0f));
  g.nodes.push_back(make_node("Relu", {"bn"}, {"y"}));  // out of topological file order on purpose
  g.nodes.push_back(make_node("Conv", {"x", "W", conv_bias ? "B" : ""}, {"c"}, {attr_ints("pads", {1, 1, 1, 1})}));
  g.nodes.push_back(make_node("BatchNormalization", {"c", "gamma", "beta", "mean", "var"}, {"bn"},
                              {attr_float("epsilon", 1e-3f)}));
  g.outputs = {"y"};
  g.validate();
  return g;
}

// |a - b| <= 1e-5 * (1 + |b|): the folded weights are rounded to float once (relative 2^-24) and the conv sums
// 18 products of magnitude <= ~2 * 2 * 1, so the outputs differ by a few ulps of values of magnitude <= ~40.
void check_near(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  std::vector<float> bound(b.size());
  for (std::size_t i = 0; i < b.size(); ++i) bound[i] = 1e-5f * (1.0f + std::fabs(b[i]));
  check_close(a, b, bound, "folded vs original");
}

}  // namespace

TEST_CASE("fold_batch_norm: Conv -> BatchNormalization becomes one Conv with the same outputs") {
  std::mt19937 rng(11);
  for (bool bias : {true, false}) {
    graph::Graph g = conv_bn_relu(rng, bias);
    const std::vector<float> x = random_floats(rng, 2 * 2 * 5 * 5);
    const auto before = execute_graph(g, "x", {2, 2, 5, 5}, x);
    CHECK(graph::fold_batch_norm(g) == 1);
    g.validate();
    REQUIRE(g.nodes.size() == 2);
    const graph::Node& conv = g.nodes[g.producer("bn")];
    CHECK(conv.op_type == "Conv");
    CHECK(conv.inputs[0] == "x");
    CHECK(conv.inputs[1] == "W_bn_folded");
    CHECK(g.find_tensor(conv.inputs[2])->constant->dims == Shape{3});
    CHECK(conv.attribute_ints("pads", {}) == std::vector<int64_t>{1, 1, 1, 1});
    CHECK(g.find_tensor("c") == nullptr);
    check_near(execute_graph(g, "x", {2, 2, 5, 5}, x).at("y"), before.at("y"));
  }
}

TEST_CASE("fold_batch_norm leaves Conv alone when the pattern does not hold") {
  std::mt19937 rng(12);
  {  // conv output also read by another node
    graph::Graph g = conv_bn_relu(rng, true);
    g.nodes.push_back(make_node("Relu", {"c"}, {"z"}));
    g.outputs.push_back("z");
    CHECK(graph::fold_batch_norm(g) == 0);
  }
  {  // conv output is a graph output
    graph::Graph g = conv_bn_relu(rng, true);
    g.outputs.push_back("c");
    CHECK(graph::fold_batch_norm(g) == 0);
  }
  {  // BN mean is a graph input, not a constant
    graph::Graph g = conv_bn_relu(rng, true);
    g.inputs.push_back("m2");
    g.tensor("m2").type = ElementType::Float32;
    g.nodes[2].inputs[3] = "m2";
    CHECK(graph::fold_batch_norm(g) == 0);
  }
  {  // training-mode outputs wanted
    graph::Graph g = conv_bn_relu(rng, true);
    g.nodes[2].outputs.push_back("running_mean");
    CHECK(graph::fold_batch_norm(g) == 0);
  }
  {  // weight not constant
    graph::Graph g = conv_bn_relu(rng, true);
    g.inputs.push_back("W2");
    g.tensor("W2").type = ElementType::Float32;
    g.nodes[1].inputs[1] = "W2";
    CHECK(graph::fold_batch_norm(g) == 0);
  }
}

TEST_CASE("fuse_activations: Conv -> Relu and Gemm -> Clip become qwasm FusedConv / FusedGemm") {
  std::mt19937 rng(13);
  graph::Graph g = conv_bn_relu(rng, true);
  CHECK(graph::fold_batch_norm(g) == 1);
  const std::vector<float> x = random_floats(rng, 1 * 2 * 5 * 5);
  const auto before = execute_graph(g, "x", {1, 2, 5, 5}, x);
  CHECK(graph::fuse_activations(g) == 1);
  g.validate();
  REQUIRE(g.nodes.size() == 1);
  const graph::Node& fused = g.nodes[0];
  CHECK(fused.op_type == "FusedConv");
  CHECK(fused.domain == "qwasm");
  CHECK(fused.outputs == std::vector<std::string>{"y"});
  CHECK(fused.attribute_string("activation", "") == "Relu");
  CHECK(fused.attribute_ints("pads", {}) == std::vector<int64_t>{1, 1, 1, 1});
  CHECK(execute_graph(g, "x", {1, 2, 5, 5}, x).at("y") == before.at("y"));

  // Gemm -> Clip(min, max as constant inputs, opset 11+) with a relu6-like range.
  graph::Graph h;
  h.inputs = {"a"};
  h.tensor("a").type = ElementType::Float32;
  add_f32_constant(h, "B", {3, 4}, random_floats(rng, 12, -3.0f, 3.0f));
  add_f32_constant(h, "C", {4}, random_floats(rng, 4));
  add_f32_constant(h, "lo", {}, {0.0f});
  add_f32_constant(h, "hi", {}, {1.0f});
  h.nodes.push_back(make_node("Gemm", {"a", "B", "C"}, {"g"}));
  h.nodes.push_back(make_node("Clip", {"g", "lo", "hi"}, {"y"}));
  h.outputs = {"y"};
  const std::vector<float> a = random_floats(rng, 2 * 3);
  const auto gemm_before = execute_graph(h, "a", {2, 3}, a);
  CHECK(graph::fuse_activations(h) == 1);
  REQUIRE(h.nodes.size() == 1);
  CHECK(h.nodes[0].op_type == "FusedGemm");
  CHECK(h.nodes[0].attribute_string("activation", "") == "Clip");
  CHECK(h.nodes[0].attribute_floats("activation_params", {}) == std::vector<float>{0.0f, 1.0f});
  CHECK(execute_graph(h, "a", {2, 3}, a).at("y") == gemm_before.at("y"));

  // Clip with attributes (opset < 11) and with a missing max.
  graph::Graph k;
  k.inputs = {"a"};
  k.tensor("a").type = ElementType::Float32;
  add_f32_constant(k, "B", {3, 4}, random_floats(rng, 12));
  add_f32_constant(k, "lo", {}, {-0.5f});
  k.nodes.push_back(make_node("Gemm", {"a", "B"}, {"g"}));
  k.nodes.push_back(make_node("Clip", {"g", "lo", ""}, {"y"}));
  k.outputs = {"y"};
  CHECK(graph::fuse_activations(k) == 1);
  CHECK(k.nodes[0].attribute_floats("activation_params", {}) ==
        std::vector<float>{-0.5f, std::numeric_limits<float>::infinity()});
}

TEST_CASE("fuse_activations leaves the pattern alone when it does not hold") {
  std::mt19937 rng(14);
  auto base = [&]() {
    graph::Graph g;
    g.inputs = {"a", "hi"};
    g.tensor("a").type = ElementType::Float32;
    g.tensor("hi").type = ElementType::Float32;
    add_f32_constant(g, "B", {3, 4}, random_floats(rng, 12));
    g.nodes.push_back(make_node("Gemm", {"a", "B"}, {"g"}));
    return g;
  };
  {  // Clip bound that is not a constant
    graph::Graph g = base();
    g.nodes.push_back(make_node("Clip", {"g", "", "hi"}, {"y"}));
    g.outputs = {"y"};
    CHECK(graph::fuse_activations(g) == 0);
  }
  {  // Gemm output also a graph output
    graph::Graph g = base();
    g.nodes.push_back(make_node("Relu", {"g"}, {"y"}));
    g.outputs = {"y", "g"};
    CHECK(graph::fuse_activations(g) == 0);
  }
  {  // two readers
    graph::Graph g = base();
    g.nodes.push_back(make_node("Relu", {"g"}, {"y"}));
    g.nodes.push_back(make_node("Sigmoid", {"g"}, {"z"}));
    g.outputs = {"y", "z"};
    CHECK(graph::fuse_activations(g) == 0);
  }
  {  // not an activation qwasm fuses
    graph::Graph g = base();
    g.nodes.push_back(make_node("Sigmoid", {"g"}, {"y"}));
    g.outputs = {"y"};
    CHECK(graph::fuse_activations(g) == 0);
  }
  {  // a QDQ model: the weight comes from DequantizeLinear
    graph::Graph g = base();
    g.nodes[0].inputs[1] = "Bf";
    g.nodes.push_back(make_node("DequantizeLinear", {"B", "hi"}, {"Bf"}));
    g.nodes.push_back(make_node("Relu", {"g"}, {"y"}));
    g.outputs = {"y"};
    CHECK(graph::fuse_activations(g) == 0);
  }
}
