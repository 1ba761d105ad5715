// Whole PyTorch models through the session (tests/golden/generate_model_fixtures.py): every case of
// model_runs.qgf runs its ONNX file (pt_*: written by scripts/export_pytorch.py; tx_*: plain torch.onnx.export,
// referenced against the module with the file's truncated biases) and must equal PyTorch's float32 output bit for
// bit. Also checks that the QDQ patterns were lowered to int8 nodes (no float Conv/Gemm left).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "golden.h"
#include "runtime/session.h"

using namespace qwasm;

namespace {

std::vector<uint8_t> read_model(const std::string& name) {
  std::ifstream in(golden::path("models/" + name + ".onnx"), std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot open model " << name);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

uint32_t bits(float v) {
  uint32_t b;
  std::memcpy(&b, &v, 4);
  return b;
}

// Runs every case of `fixture`; each output must equal the reference bit for bit when `tolerance` is 0, else
// within |got - ref| <= tolerance * (1 + |ref|).
void run_fixture(const std::string& fixture, double tolerance) {
  const auto cases = golden::load(fixture);
  std::map<std::string, std::unique_ptr<runtime::Session>> sessions;
  int64_t compared = 0, runs = 0;
  for (const golden::Case& c : cases) {
    if (!c.has("model")) continue;
    const std::string model = c.str("model");
    CAPTURE(c.name);
    ++runs;
    auto& session = sessions[model];
    if (!session) {
      const auto bytes = read_model(model);
      try {
        session = runtime::Session::create(bytes.data(), bytes.size());
      } catch (const std::exception& e) {
        FAIL_CHECK(model << ": create failed: " << std::string(e.what()));
        continue;
      }
      const std::string description = session->describe_json();
      CHECK_MESSAGE(description.find("\"op\":\"Conv\"") == std::string::npos, model << ": a float Conv is left");
      CHECK_MESSAGE(description.find("\"op\":\"Gemm\"") == std::string::npos, model << ": a float Gemm is left");
    }
    const auto& input = c.f32("input");
    runtime::TensorView view;
    view.type = graph::ElementType::Float32;
    view.shape = c.i64("input_shape");
    view.data = input.data();
    view.bytes = input.size() * 4;
    std::vector<runtime::OutputTensor> outputs;
    try {
      outputs = session->run({{session->inputs()[0].name, view}});
    } catch (const std::exception& e) {
      FAIL_CHECK(c.name << ": run failed: " << std::string(e.what()));
      continue;
    }
    REQUIRE(outputs.size() == 1);
    CHECK(outputs[0].shape == c.i64("output_shape"));
    const auto& expected = c.f32("output");
    REQUIRE(outputs[0].bytes.size() == expected.size() * 4);
    int64_t mismatches = 0;
    std::string first;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      float got;
      std::memcpy(&got, outputs[0].bytes.data() + i * 4, 4);
      const bool equal = tolerance == 0 ? bits(got) == bits(expected[i])
                                        : std::fabs(double{got} - expected[i]) <= tolerance * (1 + std::fabs(expected[i]));
      if (!equal) {
        if (mismatches++ == 0) first = "element " + std::to_string(i) + ": got " + std::to_string(got) +
                                       ", PyTorch " + std::to_string(expected[i]);
      }
    }
    CHECK_MESSAGE(mismatches == 0, c.name << ": " << mismatches << " of " << expected.size() << " differ; " << first);
    compared += static_cast<int64_t>(expected.size());
  }
  const auto totals = std::find_if(cases.begin(), cases.end(), [](const golden::Case& c) { return c.name == "_totals"; });
  REQUIRE(totals != cases.end());
  CHECK(runs == totals->i64_scalar("cases"));
  CHECK(compared == totals->i64_scalar("elements"));
}

}  // namespace

TEST_CASE("session: PyTorch model fixtures match bit for bit (QDQ: export_pytorch.py and torch.onnx.export)") {
  run_fixture("model_runs.qgf", 0);
}

TEST_CASE("session: QOperator versions of the PyTorch fixtures match bit for bit") {
  run_fixture("qoperator_runs.qgf", 0);
}

// Dynamic quantization ends in float Cast/Mul/Add, whose rounding may differ from numpy's by an ulp of the
// largest partial product: 1e-5 relative (plus 1e-5 absolute) is far below one quantization step of the input.
TEST_CASE("session: dynamic-quantization models (DynamicQuantizeLinear, MatMulInteger, ConvInteger)") {
  run_fixture("dynamic_quant_runs.qgf", 1e-5);
}
