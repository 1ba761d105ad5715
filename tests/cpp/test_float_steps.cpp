// Float steps through make_float_step on one-node graphs built by hand: plan() shapes, run() outputs against
// hand-computed values, the error messages for bad inputs and attributes, and null for ops that are not float ops.
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "core/error.h"
#include "test_float_util.h"

using namespace qwasm;
using namespace float_test;

namespace {

std::vector<float> iota_floats(std::size_t n, float start = 1.0f) {
  std::vector<float> v(n);
  std::iota(v.begin(), v.end(), start);
  return v;
}

std::vector<float> run_f32(const OneNode& t, const Shape& expect_shape) {
  const Output out = t.run();
  CHECK(out.info.type == ElementType::Float32);
  CHECK(out.info.shape == expect_shape);
  return out.floats();
}

}  // namespace

TEST_CASE("make_float_step: null for ops it does not implement, steps for every listed op") {
  CHECK(OneNode("NoSuchOp", {f32({1}, {1})}).make() == nullptr);
  CHECK(OneNode("Relu", {f32({1}, {1})}, {}, "com.microsoft").make() == nullptr);
  CHECK(OneNode("Relu", {f32({1}, {1})}, {}, "qwasm").make() == nullptr);
  CHECK(OneNode("QLinearConv", {f32({1}, {1})}).make() == nullptr);
  for (const char* op : {"Conv", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "Clip", "Sigmoid",
                         "HardSigmoid", "HardSwish", "LeakyRelu", "Tanh", "Concat", "MaxPool", "AveragePool",
                         "GlobalAveragePool", "BatchNormalization", "Softmax", "Flatten", "Reshape", "Transpose",
                         "Identity", "Shape", "Gather", "Unsqueeze", "Squeeze", "ConstantOfShape", "Expand"}) {
    std::vector<graph::Attribute> attrs{attr_int("axis", 0), attr_ints("kernel_shape", {1, 1}), attr_ints("axes", {0})};
    CAPTURE(op);
    CHECK(OneNode(op, {f32({1}, {1})}, attrs).make() != nullptr);
  }
  CHECK(OneNode("Cast", {f32({1}, {1})}, {attr_int("to", 7)}).make() != nullptr);
  CHECK(OneNode("FusedConv", {f32({1}, {1})}, {attr_string("activation", "Relu")}, "qwasm").make() != nullptr);
  CHECK(OneNode("FusedGemm", {f32({1}, {1})}, {attr_string("activation", "Relu")}, "qwasm").make() != nullptr);
}

TEST_CASE("Conv step: shapes, values, bias, auto_pad, 1-D, constant or runtime weights") {
  const std::vector<float> x = iota_floats(9);  // 1x1x3x3
  const std::vector<float> ones(4, 1.0f);
  for (bool constant_w : {true, false}) {
    OneNode t("Conv", {f32({1, 1, 3, 3}, x), f32({1, 1, 2, 2}, ones, constant_w), f32({1}, {0.5f}, true)});
    CHECK(run_f32(t, {1, 1, 2, 2}) == std::vector<float>{12.5f, 16.5f, 24.5f, 28.5f});
  }
  OneNode upper("Conv", {f32({1, 1, 3, 3}, x), f32({1, 1, 2, 2}, ones, true)}, {attr_string("auto_pad", "SAME_UPPER")});
  const std::vector<float> u = run_f32(upper, {1, 1, 3, 3});
  CHECK(u[0] == 12.0f);
  CHECK(u[8] == 9.0f);  // bottom-right: only tap (2,2) inside
  OneNode lower("Conv", {f32({1, 1, 3, 3}, x), f32({1, 1, 2, 2}, ones, true)}, {attr_string("auto_pad", "SAME_LOWER")});
  const std::vector<float> l = run_f32(lower, {1, 1, 3, 3});
  CHECK(l[0] == 1.0f);
  CHECK(l[8] == 28.0f);
  OneNode strided("Conv", {f32({1, 1, 3, 3}, x), f32({1, 1, 2, 2}, ones, true)},
                  {attr_ints("strides", {2, 2}), attr_ints("pads", {1, 1, 1, 1}), attr_ints("kernel_shape", {2, 2})});
  CHECK(run_f32(strided, {1, 1, 2, 2}) == std::vector<float>{1, 5, 11, 28});
  // 1-D: [1, 2, 5] * [1, 2, 3] -> [1, 1, 3].
  OneNode conv1d("Conv", {f32({1, 2, 5}, iota_floats(10)), f32({1, 2, 3}, std::vector<float>(6, 1.0f), true)});
  CHECK(run_f32(conv1d, {1, 1, 3}) == std::vector<float>{1 + 2 + 3 + 6 + 7 + 8, 33, 39});
  // Depthwise, groups = 2, and the kernel it reports.
  OneNode dw("Conv", {f32({1, 2, 2, 2}, iota_floats(8)), f32({2, 1, 1, 1}, {2.0f, -1.0f}, true)}, {attr_int("group", 2)});
  CHECK(run_f32(dw, {1, 2, 2, 2}) == std::vector<float>{2, 4, 6, 8, -5, -6, -7, -8});
  auto step = dw.make();
  step->plan(dw.infos());
  CHECK(step->kernel() == "f32_dwconv_simd128");
}

TEST_CASE("Conv step: errors name the input and the mismatch") {
  const std::vector<float> x(3 * 4, 1.0f);
  CHECK_THROWS_WITH_AS(OneNode("Conv", {f32({1, 3, 2, 2}, x), f32({2, 4, 1, 1}, std::vector<float>(8), true)}).plan(),
                       "Conv: input has 3 channels, weight expects 4 (group 1)", Error);
  CHECK_THROWS_WITH_AS(OneNode("Conv", {f32({1, 3, 2, 2}, x), i64({2, 3, 1, 1}, std::vector<int64_t>(6))}).plan(),
                       "input 1 'W' must be float32, got int64", Error);
  CHECK_THROWS_WITH_AS(OneNode("Conv", {f32({1, 3, 2, 2}, x), f32({2, 3, 1, 1}, std::vector<float>(6)),
                                        f32({3}, {0, 0, 0})}).plan(),
                       "Conv: bias B must have shape [2], got [3]", Error);
  CHECK_THROWS_WITH_AS(OneNode("Conv", {f32({1, 3, 2, 2}, x), f32({1, 3, 3, 3}, std::vector<float>(27))}).plan(),
                       doctest::Contains("does not fit"), Error);
  CHECK_THROWS_WITH_AS(OneNode("Conv", {f32({1, 3, 2, 2}, x)}, {attr_string("auto_pad", "SAME")}).make(),
                       "Conv: unknown auto_pad 'SAME'", Error);
  CHECK_THROWS_WITH_AS(OneNode("Conv", {f32({1, 3, 2, 2}, x)}).plan(), "expects 2 to 3 inputs, got 1", Error);
}

TEST_CASE("FusedConv / FusedGemm: Relu and Clip clamps; bad activation") {
  const std::vector<float> x{-2, -1, 1, 2};
  OneNode relu("FusedConv", {f32({1, 1, 2, 2}, x), f32({1, 1, 1, 1}, {1.0f}, true)},
               {attr_string("activation", "Relu")}, "qwasm");
  CHECK(run_f32(relu, {1, 1, 2, 2}) == std::vector<float>{0, 0, 1, 2});
  OneNode clip("FusedGemm", {f32({2, 2}, x), f32({2, 2}, {1, 0, 0, 1}, true), f32({2}, {0.5f, 0.5f}, true)},
               {attr_string("activation", "Clip"), attr_floats("activation_params", {-1.0f, 1.0f})}, "qwasm");
  CHECK(run_f32(clip, {2, 2}) == std::vector<float>{-1, -0.5f, 1, 1});
  CHECK_THROWS_WITH_AS(OneNode("FusedConv", {f32({1}, {1})}, {attr_string("activation", "Tanh")}, "qwasm").make(),
                       "FusedConv: unsupported activation 'Tanh' (expected Relu or Clip)", Error);
  CHECK_THROWS_WITH_AS(OneNode("FusedGemm", {f32({1}, {1})}, {attr_string("activation", "Clip")}, "qwasm").make(),
                       doctest::Contains("needs activation_params"), Error);
}

TEST_CASE("Gemm step: transA / transB, alpha / beta, C broadcasts, constant or runtime B") {
  const std::vector<float> a{1, 2, 3, 4, 5, 6};     // [2, 3]
  const std::vector<float> b{1, 0, 0, 1, 1, 1};     // [3, 2]
  const std::vector<float> ab{4, 5, 10, 11};        // A * B
  for (bool constant_b : {true, false}) {
    CHECK(run_f32(OneNode("Gemm", {f32({2, 3}, a), f32({3, 2}, b, constant_b)}), {2, 2}) == ab);
    // transB: B stored [2, 3].
    OneNode tb("Gemm", {f32({2, 3}, a), f32({2, 3}, {1, 0, 1, 0, 1, 1}, constant_b), f32({2}, {10, 20})},
               {attr_int("transB", 1)});
    CHECK(run_f32(tb, {2, 2}) == std::vector<float>{14, 25, 20, 31});
  }
  // transA: A stored [3, 2].
  OneNode ta("Gemm", {f32({3, 2}, {1, 4, 2, 5, 3, 6}), f32({3, 2}, b, true)}, {attr_int("transA", 1)});
  CHECK(run_f32(ta, {2, 2}) == ab);
  // alpha, beta and a [M, 1] C, and a scalar C.
  OneNode ab_c("Gemm", {f32({2, 3}, a), f32({3, 2}, b, true), f32({2, 1}, {1, 2})},
               {attr_float("alpha", 2.0f), attr_float("beta", 0.5f)});
  CHECK(run_f32(ab_c, {2, 2}) == std::vector<float>{8.5f, 10.5f, 21, 23});
  CHECK(run_f32(OneNode("Gemm", {f32({2, 3}, a), f32({3, 2}, b), f32({}, {1})}), {2, 2}) ==
        std::vector<float>{5, 6, 11, 12});
  CHECK_THROWS_WITH_AS(OneNode("Gemm", {f32({2, 3}, a), f32({2, 3}, a)}).plan(),
                       "Gemm: A [2, 3] and B [2, 3] have different inner dimensions 3 and 2", Error);
  CHECK_THROWS_WITH_AS(OneNode("Gemm", {f32({2, 3}, a), f32({3, 2}, b), f32({3}, {1, 2, 3})}).plan(),
                       doctest::Contains("do not broadcast"), Error);
}

TEST_CASE("MatMul step: 2-D, batched with broadcasting, 1-D operands, constant B") {
  const std::vector<float> a{1, 2, 3, 4, 5, 6};  // [2, 3]
  const std::vector<float> b{1, 0, 0, 1, 1, 1};  // [3, 2]
  CHECK(run_f32(OneNode("MatMul", {f32({2, 3}, a), f32({3, 2}, b, true)}), {2, 2}) == std::vector<float>{4, 5, 10, 11});
  // [2, 1, 3] x [3, 2] (constant): batch rows in one GEMM.
  CHECK(run_f32(OneNode("MatMul", {f32({2, 1, 3}, a), f32({3, 2}, b, true)}), {2, 1, 2}) ==
        std::vector<float>{4, 5, 10, 11});
  // [1, 3] x [2, 3, 1]: B batch broadcasts A.
  CHECK(run_f32(OneNode("MatMul", {f32({1, 3}, {1, 2, 3}), f32({2, 3, 1}, a)}), {2, 1, 1}) ==
        std::vector<float>{14, 32});
  // 1-D x 2-D and 2-D x 1-D.
  CHECK(run_f32(OneNode("MatMul", {f32({3}, {1, 1, 1}), f32({3, 2}, b)}), {2}) == std::vector<float>{2, 2});
  CHECK(run_f32(OneNode("MatMul", {f32({2, 3}, a), f32({3}, {1, 0, 1})}), {2}) == std::vector<float>{4, 10});
  CHECK(run_f32(OneNode("MatMul", {f32({3}, {1, 2, 3}), f32({3}, {1, 0, 1})}), {}) == std::vector<float>{4});
  CHECK_THROWS_WITH_AS(OneNode("MatMul", {f32({2, 3}, a), f32({2, 3}, a)}).plan(),
                       doctest::Contains("different inner dimensions 3 and 2"), Error);
}

TEST_CASE("Add / Sub / Mul / Div: broadcasting, int64 arithmetic, errors") {
  OneNode add("Add", {f32({2, 2}, {1, 2, 3, 4}), f32({2}, {10, 20})});
  CHECK(run_f32(add, {2, 2}) == std::vector<float>{11, 22, 13, 24});
  CHECK(run_f32(OneNode("Sub", {f32({2, 1}, {1, 2}), f32({3}, {1, 2, 3})}), {2, 3}) ==
        std::vector<float>{0, -1, -2, 1, 0, -1});
  CHECK(run_f32(OneNode("Mul", {f32({}, {3}), f32({2}, {1, 2})}), {2}) == std::vector<float>{3, 6});
  CHECK(run_f32(OneNode("Div", {f32({2}, {1, 3}), f32({2}, {2, 4})}), {2}) == std::vector<float>{0.5f, 0.75f});
  const Output q = OneNode("Div", {i64({3}, {7, -7, 6}, false), i64({3}, {2, 2, -3}, false)}).run();
  CHECK(q.info.type == ElementType::Int64);
  CHECK(q.ints() == std::vector<int64_t>{3, -3, -2});
  CHECK(OneNode("Mul", {i64({2}, {2, 3}), i64({1}, {4})}).run().ints() == std::vector<int64_t>{8, 12});
  CHECK_THROWS_WITH_AS(OneNode("Div", {i64({1}, {1}), i64({1}, {0})}).run(), "integer division by zero", Error);
  CHECK_THROWS_WITH_AS(OneNode("Add", {f32({1}, {1}), i64({1}, {1})}).plan(), "input 1 'B' must be float32, got int64",
                       Error);
  CHECK_THROWS_WITH_AS(OneNode("Add", {f32({2}, {1, 2}), f32({3}, {1, 2, 3})}).plan(),
                       "Add: shapes [2] and [3] do not broadcast", Error);
}

TEST_CASE("activation steps: values, Clip as attributes (opset 6) and as inputs (opset 11+)") {
  const std::vector<float> x{-4, -1, 0, 2, 7};
  CHECK(run_f32(OneNode("Relu", {f32({5}, x)}), {5}) == std::vector<float>{0, 0, 0, 2, 7});
  CHECK(run_f32(OneNode("LeakyRelu", {f32({5}, x)}, {attr_float("alpha", 0.5f)}), {5}) ==
        std::vector<float>{-2, -0.5f, 0, 2, 7});
  const std::vector<float> hsig = run_f32(OneNode("HardSigmoid", {f32({5}, x)}), {5});
  const std::vector<float> hsig_want{0, 0.3f, 0.5f, 0.9f, 1};
  for (std::size_t i = 0; i < 5; ++i) CHECK(hsig[i] == doctest::Approx(hsig_want[i]));
  const std::vector<float> hs = run_f32(OneNode("HardSwish", {f32({5}, x)}), {5});
  CHECK(hs[1] == doctest::Approx(-1.0f / 3.0f));
  CHECK(hs[4] == 7.0f);
  CHECK(run_f32(OneNode("Sigmoid", {f32({1}, {0})}), {1})[0] == 0.5f);
  CHECK(run_f32(OneNode("Tanh", {f32({1}, {0})}), {1})[0] == 0.0f);
  OneNode clip6("Clip", {f32({5}, x)}, {attr_float("min", 0.0f), attr_float("max", 6.0f)});
  clip6.opset = 6;
  CHECK(run_f32(clip6, {5}) == std::vector<float>{0, 0, 0, 2, 6});
  CHECK(run_f32(OneNode("Clip", {f32({5}, x), f32({}, {-1.0f}, true), f32({}, {1.0f})}), {5}) ==
        std::vector<float>{-1, -1, 0, 1, 1});
  CHECK(run_f32(OneNode("Clip", {f32({5}, x), omitted(), f32({}, {1.0f})}), {5}) ==
        std::vector<float>{-4, -1, 0, 1, 1});
  CHECK(run_f32(OneNode("Clip", {f32({5}, x)}), {5}) == x);
  CHECK_THROWS_WITH_AS(OneNode("Clip", {f32({5}, x), f32({2}, {0, 1})}).plan(),
                       "Clip: input 1 'min' must be a scalar, got shape [2]", Error);
  CHECK_THROWS_WITH_AS(OneNode("Relu", {i64({1}, {1})}).plan(), "input 0 'X' must be float32, got int64", Error);
}

TEST_CASE("pooling steps: MaxPool / AveragePool attributes, global pools, Indices refused") {
  const std::vector<float> x = iota_floats(16);  // 1x1x4x4
  OneNode mp("MaxPool", {f32({1, 1, 4, 4}, x)}, {attr_ints("kernel_shape", {2, 2}), attr_ints("strides", {2, 2})});
  CHECK(run_f32(mp, {1, 1, 2, 2}) == std::vector<float>{6, 8, 14, 16});
  OneNode ceil("MaxPool", {f32({1, 1, 4, 4}, x)},
               {attr_ints("kernel_shape", {3, 3}), attr_ints("strides", {2, 2}), attr_int("ceil_mode", 1)});
  CHECK(run_f32(ceil, {1, 1, 2, 2}) == std::vector<float>{11, 12, 15, 16});
  OneNode ap("AveragePool", {f32({1, 1, 4, 4}, x)},
             {attr_ints("kernel_shape", {3, 3}), attr_ints("pads", {1, 1, 1, 1}), attr_ints("strides", {2, 2})});
  CHECK(run_f32(ap, {1, 1, 2, 2}) == std::vector<float>{3.5f, 5, 9.5f, 11});
  OneNode api("AveragePool", {f32({1, 1, 4, 4}, x)},
              {attr_ints("kernel_shape", {3, 3}), attr_ints("pads", {1, 1, 1, 1}), attr_ints("strides", {2, 2}),
               attr_int("count_include_pad", 1)});
  CHECK(run_f32(api, {1, 1, 2, 2})[0] == doctest::Approx(14.0f / 9.0f));
  CHECK(run_f32(OneNode("GlobalAveragePool", {f32({1, 2, 2, 2}, iota_floats(8))}), {1, 2, 1, 1}) ==
        std::vector<float>{2.5f, 6.5f});
  CHECK(run_f32(OneNode("GlobalMaxPool", {f32({1, 2, 2, 2}, iota_floats(8))}), {1, 2, 1, 1}) ==
        std::vector<float>{4, 8});
  CHECK_THROWS_WITH_AS(OneNode("MaxPool", {f32({1, 1, 4, 4}, x)}).make(),
                       "MaxPool: attribute 'kernel_shape' is required", Error);
  OneNode indices("MaxPool", {f32({1, 1, 4, 4}, x)}, {attr_ints("kernel_shape", {2, 2})});
  indices.node.outputs.push_back("indices");
  CHECK_THROWS_WITH_AS(indices.make(), "MaxPool: the Indices output is not supported", Error);
  CHECK_THROWS_WITH_AS(OneNode("AveragePool", {f32({1, 1, 4, 4}, x)},
                               {attr_ints("kernel_shape", {2, 2}), attr_ints("dilations", {2, 2})}).make(),
                       "AveragePool: dilations other than 1 are not supported", Error);
}

TEST_CASE("BatchNormalization step: constant and runtime parameters") {
  const std::vector<float> x{1, 2, 3, 4};  // [1, 2, 2]: channel 0 = {1, 2}, channel 1 = {3, 4}
  for (bool constant : {true, false}) {
    OneNode bn("BatchNormalization", {f32({1, 2, 2}, x), f32({2}, {2, 1}, constant), f32({2}, {0, 1}, constant),
                                      f32({2}, {1, 3}, constant), f32({2}, {4, 1}, constant)},
               {attr_float("epsilon", 0.0f)});
    CHECK(run_f32(bn, {1, 2, 2}) == std::vector<float>{0, 1, 1, 2});
  }
  CHECK_THROWS_WITH_AS(OneNode("BatchNormalization", {f32({1, 2, 2}, x), f32({3}, {1, 1, 1}), f32({2}, {0, 0}),
                                                      f32({2}, {0, 0}), f32({2}, {1, 1})}).plan(),
                       "BatchNormalization: input 1 'scale' must have shape [2], got [3]", Error);
  OneNode train("BatchNormalization", {f32({1}, {1})}, {attr_int("training_mode", 1)});
  CHECK_THROWS_WITH_AS(train.make(), "BatchNormalization: training_mode is not supported", Error);
}

TEST_CASE("Softmax step: opset 13 axis, opset 11 flattens at axis") {
  const std::vector<float> x{0, 0, 1, 1, 0, 0, 1, 1};  // [2, 2, 2]
  const std::vector<float> y13 = run_f32(OneNode("Softmax", {f32({2, 2, 2}, x)}), {2, 2, 2});
  CHECK(y13[0] == 0.5f);
  OneNode s13("Softmax", {f32({2, 2, 2}, x)}, {attr_int("axis", 1)});
  const std::vector<float> a1 = run_f32(s13, {2, 2, 2});
  CHECK(a1[0] == doctest::Approx(1.0f / (1.0f + std::exp(1.0f))));
  OneNode s11("Softmax", {f32({2, 2, 2}, x)}, {attr_int("axis", 1)});
  s11.opset = 11;
  const std::vector<float> f = run_f32(s11, {2, 2, 2});  // each row of 4 normalized together
  const float e = std::exp(1.0f), s = 2.0f + 2.0f * e;
  CHECK(f[0] == doctest::Approx(1.0f / s));
  CHECK(f[2] == doctest::Approx(e / s));
  OneNode last11("Softmax", {f32({2, 2, 2}, x)}, {attr_int("axis", -1)});
  last11.opset = 11;
  const std::vector<float> l = run_f32(last11, {2, 2, 2});  // axis -1 = rank - 1: pairs normalized
  CHECK(l[0] == 0.5f);
  CHECK(l[2] == 0.5f);
  OneNode whole11("Softmax", {f32({2, 2, 2}, x)}, {attr_int("axis", 0)});
  whole11.opset = 11;
  CHECK(run_f32(whole11, {2, 2, 2})[2] == doctest::Approx(e / (4.0f + 4.0f * e)));
  CHECK_THROWS_WITH_AS(OneNode("Softmax", {f32({2, 2, 2}, x)}, {attr_int("axis", 3)}).plan(),
                       "Softmax: axis 3 is out of range for rank 3", Error);
}

TEST_CASE("Reshape / Flatten / Squeeze / Unsqueeze / Identity / Transpose / Concat on any element type") {
  const std::vector<float> x = iota_floats(6);
  CHECK(OneNode("Reshape", {f32({2, 3}, x), i64({2}, {0, -1})}).plan()[0].shape == Shape{2, 3});
  CHECK(OneNode("Reshape", {f32({2, 3}, x), i64({3}, {3, 1, -1})}).plan()[0].shape == Shape{3, 1, 2});
  CHECK(OneNode("Reshape", {f32({2, 0}, {}), i64({2}, {0, 5})}, {attr_int("allowzero", 1)}).plan()[0].shape ==
        Shape{0, 5});
  CHECK(run_f32(OneNode("Reshape", {f32({2, 3}, x), i64({1}, {-1})}), {6}) == x);
  CHECK_THROWS_WITH_AS(OneNode("Reshape", {f32({2, 3}, x), i64({1}, {6}, false)}).plan(),
                       doctest::Contains("input 1 'shape' must be a constant"), Error);
  CHECK_THROWS_WITH_AS(OneNode("Reshape", {f32({2, 3}, x), i64({2}, {4, -1})}).plan(),
                       doctest::Contains("cannot infer"), Error);
  CHECK(OneNode("Flatten", {f32({2, 3, 1}, x)}).plan()[0].shape == Shape{2, 3});
  CHECK(OneNode("Flatten", {f32({2, 3, 1}, x)}, {attr_int("axis", 0)}).plan()[0].shape == Shape{1, 6});
  CHECK(OneNode("Flatten", {f32({2, 3, 1}, x)}, {attr_int("axis", -1)}).plan()[0].shape == Shape{6, 1});
  CHECK(OneNode("Squeeze", {f32({1, 3, 1, 2}, x)}).plan()[0].shape == Shape{3, 2});
  CHECK(OneNode("Squeeze", {f32({1, 3, 1, 2}, x), i64({1}, {-2})}).plan()[0].shape == Shape{1, 3, 2});
  OneNode sq11("Squeeze", {f32({1, 3, 1, 2}, x)}, {attr_ints("axes", {0})});
  sq11.opset = 11;
  CHECK(sq11.plan()[0].shape == Shape{3, 1, 2});
  CHECK_THROWS_WITH_AS(OneNode("Squeeze", {f32({1, 3, 1, 2}, x), i64({1}, {1})}).plan(),
                       "Squeeze: dim 1 of [1, 3, 1, 2] is not 1", Error);
  CHECK(OneNode("Unsqueeze", {f32({3, 2}, x), i64({2}, {0, -1})}).plan()[0].shape == Shape{1, 3, 2, 1});
  OneNode un11("Unsqueeze", {f32({3, 2}, x)}, {attr_ints("axes", {1})});
  un11.opset = 11;
  CHECK(un11.plan()[0].shape == Shape{3, 1, 2});
  CHECK(run_f32(OneNode("Identity", {f32({2, 3}, x)}), {2, 3}) == x);
  CHECK(run_f32(OneNode("Transpose", {f32({2, 3}, x)}), {3, 2}) == std::vector<float>{1, 4, 2, 5, 3, 6});
  CHECK(OneNode("Transpose", {f32({2, 3, 1}, x)}, {attr_ints("perm", {2, 0, 1})}).plan()[0].shape == Shape{1, 2, 3});
  CHECK_THROWS_WITH_AS(OneNode("Transpose", {f32({2, 3}, x)}, {attr_ints("perm", {0, 0})}).plan(),
                       doctest::Contains("is not a permutation"), Error);
  const Output cat = OneNode("Concat", {i64({2, 1}, {1, 2}, false), i64({2, 2}, {3, 4, 5, 6}, false)},
                             {attr_int("axis", -1)}).run();
  CHECK(cat.info.shape == Shape{2, 3});
  CHECK(cat.ints() == std::vector<int64_t>{1, 3, 4, 2, 5, 6});
  CHECK_THROWS_WITH_AS(OneNode("Concat", {f32({2, 1}, {1, 2}), f32({3, 1}, {1, 2, 3})}, {attr_int("axis", 1)}).plan(),
                       "Concat: input 1 has shape [3, 1], input 0 has [2, 1] (only dim 1 may differ)", Error);
  CHECK_THROWS_WITH_AS(OneNode("Concat", {f32({2}, {1, 2})}).make(), "Concat: attribute 'axis' is required", Error);
}

TEST_CASE("Cast: truncation toward zero, saturation, NaN, bool") {
  const float inf = std::numeric_limits<float>::infinity();
  const Output to_i32 = OneNode("Cast", {f32({6}, {2.7f, -2.7f, 3e10f, -inf, NAN, 0.5f})}, {attr_int("to", 6)}).run();
  CHECK(to_i32.info.type == ElementType::Int32);
  std::vector<int32_t> i32(6);
  std::memcpy(i32.data(), to_i32.bytes.data(), 24);
  CHECK(i32 == std::vector<int32_t>{2, -2, 2147483647, -2147483647 - 1, 0, 0});
  const Output to_u8 = OneNode("Cast", {f32({3}, {-1.0f, 255.9f, 300.0f})}, {attr_int("to", 2)}).run();
  CHECK(to_u8.bytes == std::vector<uint8_t>{0, 255, 255});
  const Output to_bool = OneNode("Cast", {f32({3}, {0.0f, -0.5f, NAN})}, {attr_int("to", 9)}).run();
  CHECK(to_bool.info.type == ElementType::Bool);
  CHECK(to_bool.bytes == std::vector<uint8_t>{0, 1, 1});
  const Output to_f32 = OneNode("Cast", {i64({2}, {-3, 16777217})}, {attr_int("to", 1)}).run();
  CHECK(to_f32.floats() == std::vector<float>{-3.0f, 16777216.0f});
  const Output wrap = OneNode("Cast", {i64({2}, {300, -1})}, {attr_int("to", 3)}).run();
  CHECK(wrap.bytes == std::vector<uint8_t>{44, 255});
  const Output from_bool = OneNode("Cast", {input<uint8_t>(ElementType::Bool, {2}, {1, 0})}, {attr_int("to", 11)}).run();
  std::vector<double> d(2);
  std::memcpy(d.data(), from_bool.bytes.data(), 16);
  CHECK(d == std::vector<double>{1.0, 0.0});
  CHECK_THROWS_WITH_AS(OneNode("Cast", {f32({1}, {1})}, {attr_int("to", 10)}).make(),
                       doctest::Contains("Cast: unsupported target type 10"), Error);
  CHECK_THROWS_WITH_AS(OneNode("Cast", {f32({1}, {1})}).make(), "Cast: attribute 'to' is required", Error);
}

TEST_CASE("Shape / Gather / ConstantOfShape / Expand") {
  const Output s = OneNode("Shape", {f32({2, 3, 4}, std::vector<float>(24))}).run();
  CHECK(s.info.type == ElementType::Int64);
  CHECK(s.ints() == std::vector<int64_t>{2, 3, 4});
  CHECK(OneNode("Shape", {f32({2, 3, 4}, std::vector<float>(24))}, {attr_int("start", 1)}).run().ints() ==
        std::vector<int64_t>{3, 4});
  CHECK(OneNode("Shape", {f32({2, 3, 4}, std::vector<float>(24))}, {attr_int("start", -2), attr_int("end", -1)})
            .run()
            .ints() == std::vector<int64_t>{3});
  const Output g = OneNode("Gather", {f32({2, 3}, iota_floats(6)), i64({2}, {-1, 0}, false)}, {attr_int("axis", 1)}).run();
  CHECK(g.info.shape == Shape{2, 2});
  CHECK(g.floats() == std::vector<float>{3, 1, 6, 4});
  const Output g0 = OneNode("Gather", {i64({3}, {7, 8, 9}, false), i64({}, {1})}).run();
  CHECK(g0.info.shape == Shape{});
  CHECK(g0.ints() == std::vector<int64_t>{8});
  CHECK_THROWS_WITH_AS(OneNode("Gather", {i64({3}, {7, 8, 9}, false), i64({1}, {3})}).run(),
                       "Gather: index 3 is out of range for a dim of size 3", Error);
  graph::Attribute value = attribute("value", graph::AttributeType::Tensor);
  value.t = tensor_data<int64_t>(ElementType::Int64, {1}, {5});
  const Output c = OneNode("ConstantOfShape", {i64({2}, {2, 2})}, {value}).run();
  CHECK(c.info.type == ElementType::Int64);
  CHECK(c.ints() == std::vector<int64_t>{5, 5, 5, 5});
  CHECK(run_f32(OneNode("ConstantOfShape", {i64({1}, {3})}), {3}) == std::vector<float>{0, 0, 0});
  CHECK_THROWS_WITH_AS(OneNode("ConstantOfShape", {i64({1}, {3}, false)}).plan(),
                       doctest::Contains("must be a constant"), Error);
  CHECK(run_f32(OneNode("Expand", {f32({2, 1}, {1, 2}), i64({3}, {2, 1, 3})}), {2, 2, 3}) ==
        std::vector<float>{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2});
}
