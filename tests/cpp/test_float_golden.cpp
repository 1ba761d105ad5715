// The float models of tests/golden/models/float_*.onnx (exported from PyTorch by generate_float_models.py) decoded,
// run with make_float_step's steps (as written, and after fold_batch_norm + fuse_activations) and compared with
// PyTorch's float outputs in float_models.qgf.
//
// Tolerance: |qwasm - torch| <= 1e-4 * (1 + |torch|). Both compute in float32 but sum in different orders (PyTorch's
// CPU conv and GEMM block and vectorize their reductions; BN folding rounds the folded weights once). Each dot
// product of K <= 144 terms has a relative error below K * 2^-24 ~ 1e-5 of the sum of |terms|, and the deepest
// model stacks 5 such layers whose values stay O(1), so honest results agree to ~1e-5; 1e-4 leaves room while
// any real mistake (a wrong pad, axis or activation) moves outputs by orders of magnitude more.
#include <cmath>
#include <fstream>
#include <iterator>
#include <vector>

#include "golden.h"
#include "graph/onnx/decode.h"
#include "graph/passes/fold_batch_norm.h"
#include "graph/passes/fuse_activations.h"
#include "test_float_util.h"

using namespace qwasm;
using namespace float_test;

namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("float ONNX models match PyTorch's float outputs, with and without BN folding and activation fusion") {
  const std::vector<golden::Case> cases = golden::load("float_models.qgf");
  REQUIRE(cases.size() >= 8);
  for (const golden::Case& c : cases) {
    CAPTURE(c.name);
    const graph::Model model = graph::onnx::decode_model(read_file(golden::path("models/" + c.str("model"))));
    const Shape in_shape(c.i64("input_shape").begin(), c.i64("input_shape").end());
    const std::vector<float>& want = c.f32("output");
    std::vector<float> bound(want.size());
    for (std::size_t i = 0; i < want.size(); ++i) bound[i] = 1e-4f * (1.0f + std::fabs(want[i]));
    for (bool optimize : {false, true}) {
      CAPTURE(optimize);
      graph::Graph g = model.graph;
      if (optimize) {
        const std::size_t folded = graph::fold_batch_norm(g);
        const std::size_t fused = graph::fuse_activations(g);
        if (c.str("model") == "float_convnet.onnx") {
          CHECK(folded == 2);  // bn3 follows a pool, not a conv
          CHECK(fused == 2);
        }
        g.validate();
      }
      REQUIRE(g.inputs.size() == 1);
      REQUIRE(g.outputs.size() == 1);
      const auto outputs = execute_graph(g, g.inputs[0], in_shape, c.f32("input"), model.opset_version(""));
      check_close(outputs.at(g.outputs[0]), want, bound, c.name);
    }
  }
}
