// ONNX encoding: every golden model survives decode -> encode -> decode unchanged (nodes, attributes, constants
// byte for byte, inputs/outputs with types and shapes).
#include <doctest/doctest.h>

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

#include "golden.h"
#include "graph/onnx/decode.h"
#include "graph/onnx/encode.h"

using namespace qwasm;
using namespace qwasm::graph;

namespace {

std::vector<std::string> golden_models() {
  std::vector<std::string> names;
  DIR* dir = opendir(golden::path("models").c_str());
  REQUIRE(dir != nullptr);
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".onnx") == 0 && name != "external_data.onnx")
      names.push_back(name);
  }
  closedir(dir);
  return names;
}

void check_same_attribute(const Attribute& a, const Attribute& b) {
  CHECK(a.name == b.name);
  CHECK(a.type == b.type);
  CHECK(a.i == b.i);
  CHECK((a.f == b.f || (a.f != a.f && b.f != b.f)));
  CHECK(a.s == b.s);
  CHECK(a.ints == b.ints);
  CHECK(a.floats.size() == b.floats.size());
  CHECK(a.strings == b.strings);
  CHECK((a.t == nullptr) == (b.t == nullptr));
  if (a.t && b.t) CHECK(a.t->bytes == b.t->bytes);
}

}  // namespace

TEST_CASE("onnx encode: golden models round-trip through encode_model") {
  const auto names = golden_models();
  CHECK(names.size() > 50);
  for (const std::string& name : names) {
    CAPTURE(name);
    std::ifstream in(golden::path("models/" + name), std::ios::binary);
    const std::vector<uint8_t> bytes(std::istreambuf_iterator<char>(in), {});
    const Model first = onnx::decode_model(bytes);
    const Model second = onnx::decode_model(onnx::encode_model(first));
    const Graph& a = first.graph;
    const Graph& b = second.graph;
    CHECK(a.inputs == b.inputs);
    CHECK(a.outputs == b.outputs);
    for (const std::string& io : a.inputs) {
      CHECK(a.find_tensor(io)->type == b.find_tensor(io)->type);
      CHECK(a.find_tensor(io)->shape == b.find_tensor(io)->shape);
    }
    REQUIRE(a.nodes.size() == b.nodes.size());
    for (std::size_t i = 0; i < a.nodes.size(); ++i) {
      CHECK(a.nodes[i].op_type == b.nodes[i].op_type);
      CHECK(a.nodes[i].domain == b.nodes[i].domain);
      CHECK(a.nodes[i].name == b.nodes[i].name);
      CHECK(a.nodes[i].inputs == b.nodes[i].inputs);
      CHECK(a.nodes[i].outputs == b.nodes[i].outputs);
      REQUIRE(a.nodes[i].attributes.size() == b.nodes[i].attributes.size());
      for (std::size_t k = 0; k < a.nodes[i].attributes.size(); ++k)
        check_same_attribute(a.nodes[i].attributes[k], b.nodes[i].attributes[k]);
    }
    std::vector<std::string> ca = a.constants, cb = b.constants;
    std::sort(ca.begin(), ca.end());
    std::sort(cb.begin(), cb.end());
    CHECK(ca == cb);
    for (const std::string& c : ca) {
      CHECK(a.find_tensor(c)->constant->type == b.find_tensor(c)->constant->type);
      CHECK(a.find_tensor(c)->constant->dims == b.find_tensor(c)->constant->dims);
      CHECK(a.find_tensor(c)->constant->bytes == b.find_tensor(c)->constant->bytes);
    }
    CHECK(first.opset_version("") == second.opset_version(""));
  }
}
