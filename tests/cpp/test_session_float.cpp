// Float models through the session (tests/golden/generate_float_models.py: torch.onnx.export of float modules):
// outputs against PyTorch's within float tolerance. Summation order differs (PyTorch's oneDNN/MKL blocking vs
// qwasm's GEMM tiles), so each output may differ by a few float32 ulps of the largest partial sums: the bound is
// |got - ref| <= 1e-4 * (1 + |ref|), far above that rounding noise for these small models and far below any real
// error (a wrong weight, tap or padding moves outputs by > 1e-2).
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "golden.h"
#include "runtime/session.h"

using namespace qwasm;

TEST_CASE("session: float model fixtures match PyTorch within float tolerance") {
  const auto cases = golden::load("float_models.qgf");
  std::map<std::string, std::unique_ptr<runtime::Session>> sessions;
  int runs = 0;
  for (const golden::Case& c : cases) {
    if (!c.has("model")) continue;
    std::string model = c.str("model");
    if (model.size() > 5 && model.compare(model.size() - 5, 5, ".onnx") == 0) model.resize(model.size() - 5);
    CAPTURE(c.name);
    auto& session = sessions[model];
    if (!session) {
      std::ifstream in(golden::path("models/" + model + ".onnx"), std::ios::binary);
      REQUIRE_MESSAGE(in, "cannot open model " << model);
      const std::vector<uint8_t> bytes(std::istreambuf_iterator<char>(in), {});
      try {
        session = runtime::Session::create(bytes.data(), bytes.size());
      } catch (const std::exception& e) {
        FAIL_CHECK(model << ": create failed: " << std::string(e.what()));
        continue;
      }
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
    ++runs;
    REQUIRE(outputs.size() >= 1);
    CHECK(outputs[0].shape == c.i64("output_shape"));
    const auto& expected = c.f32("output");
    REQUIRE(outputs[0].bytes.size() == expected.size() * 4);
    double worst = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      float got;
      std::memcpy(&got, outputs[0].bytes.data() + i * 4, 4);
      const double err = std::fabs(static_cast<double>(got) - expected[i]) / (1.0 + std::fabs(expected[i]));
      worst = std::max(worst, std::isnan(err) ? 1e9 : err);
    }
    CHECK_MESSAGE(worst <= 1e-4, c.name << ": worst scaled error " << worst);
  }
  CHECK(runs > 0);
}
