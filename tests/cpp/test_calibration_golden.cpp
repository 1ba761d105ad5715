// In-browser PTQ against PyTorch (tests/golden/generate_calibration.py): each fused float model is calibrated
// by qwasm's Calibrator on PyTorch's calibration batches with the same observers; the QDQ model it writes must
// carry exactly PyTorch's activation qparams (scale bits and zero points) and run bit-identically to PyTorch's
// converted model on fresh inputs.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>

#include "golden.h"
#include "graph/onnx/decode.h"
#include "runtime/calibration/calibrator.h"

using namespace qwasm;
using graph::ElementType;

namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot open " << path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

runtime::TensorView float_view(const float* data, std::size_t count, const Shape& shape) {
  runtime::TensorView v;
  v.type = ElementType::Float32;
  v.shape = shape;
  v.data = data;
  v.bytes = count * 4;
  return v;
}

// Distinct (scale, zero point) of the uint8 QuantizeLinear nodes, sorted, flattened as the fixture stores them.
std::vector<double> quantize_qparams(const std::vector<uint8_t>& model_bytes) {
  const graph::Model model = graph::onnx::decode_model(model_bytes);
  std::set<std::pair<double, int64_t>> pairs;
  for (const graph::Node& n : model.graph.nodes) {
    if (n.op_type != "QuantizeLinear") continue;
    const auto scale = model.graph.find_tensor(n.inputs[1])->constant;
    const auto zp = model.graph.find_tensor(n.inputs[2])->constant;
    if (zp->type != ElementType::UInt8) continue;
    pairs.insert({scale->at<float>(0), zp->int_value(0)});
  }
  std::vector<double> flat;
  for (const auto& [s, z] : pairs) flat.push_back(s), flat.push_back(static_cast<double>(z));
  return flat;
}

}  // namespace

TEST_CASE("calibration: qwasm's PTQ reproduces PyTorch's qparams and converted outputs exactly") {
  const auto cases = golden::load("calibration_runs.qgf");
  int checked = 0;
  for (const golden::Case& c : cases) {
    if (!c.has("model")) continue;
    CAPTURE(c.name);
    const auto bytes = read_file(golden::path("calibration/" + c.str("model") + ".float.onnx"));
    runtime::QConfig config;
    config.activation = c.str("activation");
    config.weight = c.str("weight");
    std::unique_ptr<runtime::Calibrator> calibrator;
    try {
      calibrator = runtime::Calibrator::create(bytes.data(), bytes.size(), config);
    } catch (const std::exception& e) {
      FAIL_CHECK("create failed: " << std::string(e.what()));
      continue;
    }
    const Shape batch_shape = c.i64("batch_shape");
    const auto& batches = c.f32("batches");
    const auto batch_size = static_cast<std::size_t>(element_count(batch_shape));
    REQUIRE(batches.size() % batch_size == 0);
    const std::string input = calibrator->inputs()[0].name;
    for (std::size_t offset = 0; offset < batches.size(); offset += batch_size)
      calibrator->observe({{input, float_view(batches.data() + offset, batch_size, batch_shape)}});
    std::vector<uint8_t> qdq;
    try {
      qdq = calibrator->convert();
    } catch (const std::exception& e) {
      FAIL_CHECK("convert failed: " << std::string(e.what()));
      continue;
    }
    const auto expected_qparams = c.f64("qparams");
    const auto got_qparams = quantize_qparams(qdq);
    CHECK(got_qparams == expected_qparams);
    if (got_qparams != expected_qparams) {
      std::string text;
      for (double v : got_qparams) text += std::to_string(v) + " ";
      text += "| expected ";
      for (double v : expected_qparams) text += std::to_string(v) + " ";
      MESSAGE(text);
    }

    auto session = runtime::Session::create(qdq.data(), qdq.size());
    const auto& x = c.f32("input");
    const auto outputs = session->run({{input, float_view(x.data(), x.size(), c.i64("input_shape"))}});
    const auto& expected = c.f32("output");
    REQUIRE(outputs[0].bytes.size() == expected.size() * 4);
    int mismatches = 0;
    for (std::size_t i = 0; i < expected.size(); ++i)
      mismatches += std::memcmp(outputs[0].bytes.data() + i * 4, &expected[i], 4) != 0;
    CHECK_MESSAGE(mismatches == 0, mismatches << " of " << expected.size() << " outputs differ from PyTorch");
    CHECK(calibrator->report_json().find("\"sqnr\"") != std::string::npos);
    ++checked;
  }
  CHECK(checked == 5);
}
