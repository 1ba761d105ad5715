// Session behaviour on bad models and bad feeds (a clear qwasm::Error naming the tensor or node, and the session
// still usable afterwards), re-planning on new input shapes, and the arena planner's buffer reuse.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>

#include "core/error.h"
#include "golden.h"
#include "graph/onnx/encode.h"
#include "runtime/session.h"

using namespace qwasm;
using graph::ElementType;

namespace {

// x [batch, n] float -> `ops` (one-input ops, applied in a chain) -> y.
graph::Model chain_model(const std::vector<std::string>& ops, int64_t n) {
  graph::Model model;
  model.ir_version = 7;
  model.opset_imports.push_back({"", 13});
  graph::Graph& g = model.graph;
  g.inputs = {"x"};
  g.tensor("x").type = ElementType::Float32;
  g.tensor("x").shape.rank_known = true;
  g.tensor("x").shape.dims = {graph::Dim::symbolic("batch"), graph::Dim::fixed(n)};
  std::string previous = "x";
  for (std::size_t i = 0; i < ops.size(); ++i) {
    graph::Node node;
    node.name = "n" + std::to_string(i);
    node.op_type = ops[i];
    node.inputs = {previous};
    previous = i + 1 == ops.size() ? "y" : "t" + std::to_string(i);
    node.outputs = {previous};
    g.nodes.push_back(node);
  }
  g.outputs = {"y"};
  g.tensor("y").type = ElementType::Float32;
  return model;
}

std::unique_ptr<runtime::Session> create(const graph::Model& model) {
  const auto bytes = graph::onnx::encode_model(model);
  return runtime::Session::create(bytes.data(), bytes.size());
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

runtime::TensorView view_of(const std::vector<float>& data, Shape shape) {
  runtime::TensorView v;
  v.type = ElementType::Float32;
  v.shape = std::move(shape);
  v.data = data.data();
  v.bytes = data.size() * 4;
  return v;
}

std::vector<float> floats_of(const runtime::OutputTensor& t) {
  std::vector<float> v(t.bytes.size() / 4);
  std::memcpy(v.data(), t.bytes.data(), t.bytes.size());
  return v;
}

}  // namespace

TEST_CASE("session: malformed bytes and unsupported operators are clear errors") {
  const std::vector<uint8_t> garbage = {0x08, 0x07, 0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01};
  CHECK(error_of([&] { runtime::Session::create(garbage.data(), garbage.size()); }).find("onnx model") !=
        std::string::npos);
  const std::string message = error_of([&] { create(chain_model({"Relu", "FooOp", "Sigmoid", "BarOp", "FooOp"}, 4)); });
  CHECK(message.find("unsupported operators") != std::string::npos);
  CHECK(message.find("FooOp") != std::string::npos);
  CHECK(message.find("BarOp") != std::string::npos);
  CHECK(message.find("'n1'") != std::string::npos);  // where FooOp first appears
}

TEST_CASE("session: bad feeds name the input, and the session keeps working") {
  auto session = create(chain_model({"Relu", "Sigmoid"}, 3));
  const std::vector<float> x = {-1, 0, 2, 5, -3, 0.5f};
  const auto good = floats_of(session->run({{"x", view_of(x, {2, 3})}})[0]);
  REQUIRE(good.size() == 6);
  CHECK(good[0] == 0.5f);  // sigmoid(relu(-1))

  CHECK(error_of([&] { session->run({}); }).find("missing input 'x'") != std::string::npos);
  CHECK(error_of([&] { session->run({{"z", view_of(x, {2, 3})}}); }).find("'z' is not an input") != std::string::npos);
  CHECK(error_of([&] { session->run({{"x", view_of(x, {2, 3})}, {"x", view_of(x, {2, 3})}}); }).find("fed twice") !=
        std::string::npos);
  CHECK(error_of([&] { session->run({{"x", view_of(x, {3, 2})}}); }).find("must have shape [batch,3]") !=
        std::string::npos);
  CHECK(error_of([&] { session->run({{"x", view_of(x, {6})}}); }).find("must have shape") != std::string::npos);
  auto wrong_type = view_of(x, {2, 3});
  wrong_type.type = ElementType::Int32;
  CHECK(error_of([&] { session->run({{"x", wrong_type}}); }).find("must be float32, got int32") != std::string::npos);
  auto short_buffer = view_of(x, {2, 3});
  short_buffer.bytes = 20;
  CHECK(error_of([&] { session->run({{"x", short_buffer}}); }).find("needs 24 bytes, got 20") != std::string::npos);

  CHECK(floats_of(session->run({{"x", view_of(x, {2, 3})}})[0]) == good);
  // A new batch size re-plans; going back gives the same numbers again.
  const std::vector<float> one = {-1, 0, 2};
  CHECK(floats_of(session->run({{"x", view_of(one, {1, 3})}})[0]) ==
        std::vector<float>(good.begin(), good.begin() + 3));
  CHECK(floats_of(session->run({{"x", view_of(x, {2, 3})}})[0]) == good);
}

TEST_CASE("session: a node that cannot be planned for the given shape is named, and other shapes still run") {
  // The fixture's batch dimension is symbolic: an empty batch is rejected by the first int8 conv's planning.
  std::ifstream in(golden::path("models/pt_conv_stride2.onnx"), std::ios::binary);
  const std::vector<uint8_t> bytes(std::istreambuf_iterator<char>(in), {});
  auto session = runtime::Session::create(bytes.data(), bytes.size());
  const auto& input = session->inputs()[0];
  REQUIRE(input.shape.dims.size() == 4);
  Shape good_shape = {1, input.shape.dims[1].value, input.shape.dims[2].value, input.shape.dims[3].value};
  std::vector<float> x(static_cast<std::size_t>(good_shape[1] * good_shape[2] * good_shape[3]), 0.25f);
  const auto first = session->run({{input.name, view_of(x, good_shape)}});
  Shape zero_batch = good_shape;
  zero_batch[0] = 0;
  const std::string message = error_of([&] { session->run({{input.name, view_of({}, zero_batch)}}); });
  CHECK(message.find("node") != std::string::npos);
  const auto again = session->run({{input.name, view_of(x, good_shape)}});
  CHECK(again[0].bytes == first[0].bytes);
}

TEST_CASE("session: the arena reuses buffers along a chain") {
  std::vector<std::string> ops(12, "Relu");
  auto session = create(chain_model(ops, 1000));
  std::vector<float> x(1000, 1.0f);
  session->run({{"x", view_of(x, {1, 1000})}});
  // 11 intermediate values + the output of 4000 bytes each; a chain needs two live at a time.
  CHECK(session->peak_activation_bytes() > 0);
  CHECK(session->peak_activation_bytes() <= 2 * (4000 + 128));
}

TEST_CASE("session: profiling sums per-op time over the profiled runs") {
  auto session = create(chain_model({"Relu", "Sigmoid", "Relu"}, 64));
  std::vector<float> x(64, 0.5f);
  session->run({{"x", view_of(x, {1, 64})}});
  CHECK(session->profile_json().find("\"runs\":0") != std::string::npos);
  session->enable_profiling(true);
  session->run({{"x", view_of(x, {1, 64})}});
  session->run({{"x", view_of(x, {1, 64})}});
  const std::string profile = session->profile_json();
  CHECK(profile.find("\"runs\":2") != std::string::npos);
  CHECK(profile.find("\"op\":\"Sigmoid\"") != std::string::npos);
  CHECK(profile.find("\"node\":\"n2\"") != std::string::npos);
}

TEST_CASE("session: describe() lists nodes in execution order, whatever order the file stores them in") {
  graph::Model model = chain_model({"Relu", "Sigmoid", "Tanh"}, 8);
  std::reverse(model.graph.nodes.begin(), model.graph.nodes.end());  // stored Tanh, Sigmoid, Relu
  auto session = create(model);
  const std::string json = session->describe_json();
  const auto relu = json.find("\"name\":\"n0\""), sigmoid = json.find("\"name\":\"n1\""), tanh = json.find("\"name\":\"n2\"");
  REQUIRE(relu != std::string::npos);
  REQUIRE(sigmoid != std::string::npos);
  REQUIRE(tanh != std::string::npos);
  CHECK(relu < sigmoid);
  CHECK(sigmoid < tanh);
}

TEST_CASE("session: int8 ops with too few or too many inputs are refused when the session is created") {
  // Found by the model fuzzer: a DynamicQuantizeLinear with no input reached its step's plan().
  graph::Model model = chain_model({"DynamicQuantizeLinear"}, 4);
  model.graph.nodes[0].inputs.clear();
  model.graph.nodes[0].outputs = {"y", "scale", "zero_point"};
  std::string message = error_of([&] { create(model); });
  CHECK(message.find("expects 1 input, got 0") != std::string::npos);
  CHECK(message.find("'n0'") != std::string::npos);
  // The same for qwasm's own int8 ops, which a file may contain too.
  model = chain_model({"QLookup"}, 4);
  model.graph.nodes[0].domain = "qwasm";
  model.graph.nodes[0].inputs = {"x", "x"};
  model.opset_imports.push_back({"qwasm", 1});
  message = error_of([&] { create(model); });
  CHECK(message.find("expects 1 input, got 2") != std::string::npos);
  model = chain_model({"MatMulInteger"}, 4);
  message = error_of([&] { create(model); });
  CHECK(message.find("expects 2 to 4 inputs, got 1") != std::string::npos);
}

TEST_CASE("session: an error while an op runs names its node, and the session keeps working") {
  // Gather with its indices fed at run time: an index out of range is only found while the op runs.
  graph::Model model;
  model.ir_version = 7;
  model.opset_imports.push_back({"", 13});
  graph::Graph& g = model.graph;
  g.inputs = {"data", "indices"};
  g.tensor("data").type = ElementType::Float32;
  g.tensor("data").shape.rank_known = true;
  g.tensor("data").shape.dims = {graph::Dim::fixed(4)};
  g.tensor("indices").type = ElementType::Int64;
  g.tensor("indices").shape.rank_known = true;
  g.tensor("indices").shape.dims = {graph::Dim::fixed(2)};
  graph::Node node;
  node.name = "pick";
  node.op_type = "Gather";
  node.inputs = {"data", "indices"};
  node.outputs = {"y"};
  g.nodes.push_back(node);
  g.outputs = {"y"};
  g.tensor("y").type = ElementType::Float32;
  auto session = create(model);
  const std::vector<float> data = {10, 20, 30, 40};
  const auto run_with = [&](std::vector<int64_t> indices) {
    runtime::TensorView idx;
    idx.type = ElementType::Int64;
    idx.shape = {2};
    idx.data = indices.data();
    idx.bytes = indices.size() * sizeof(int64_t);
    return floats_of(session->run({{"data", view_of(data, {4})}, {"indices", idx}})[0]);
  };
  CHECK(run_with({3, 0}) == std::vector<float>{40, 10});
  const std::string message = error_of([&] { run_with({1, 7}); });
  CHECK(message.find("node 0 (Gather 'pick')") == 0);
  CHECK(message.find("index 7 is out of range") != std::string::npos);
  CHECK(run_with({-1, 1}) == std::vector<float>{40, 20});
}
