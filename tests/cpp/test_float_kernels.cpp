// f32 kernels (src/kernels/float/) against their scalar references on seeded random shapes: the GEMM microkernel
// with packed B (every row/column tail, transposed packing, biases, clamps), the im2col + GEMM convolution and the
// depthwise kernel (odd sizes, asymmetric padding, strides 1/2/3, dilation, groups, channel multiplier), thread-count
// independence; and hand-computed values for pooling, softmax, broadcasting and transpose.
//
// Tolerance: the SIMD paths sum the same products in the same order as the references (no FMA, bias added after
// the sum), so they usually agree bit for bit; what may differ is only a zero-padding tap adding +0 and the
// order of bias additions. We still allow the classic recursive-summation bound: each result is within
// gamma_K * sum|a_k * b_k| of the exact value (gamma_K = K * eps / (1 - K * eps), eps = 2^-24 * 2 = FLT_EPSILON
// for round-to-nearest with one extra bias add), so two such results differ by at most
// 2 * (K + 2) * FLT_EPSILON * (sum|a_k * b_k| + |bias|).
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "core/error.h"
#include "kernels/float/f32_conv2d.h"
#include "kernels/float/f32_elementwise.h"
#include "kernels/float/f32_gemm.h"
#include "kernels/float/f32_pooling.h"
#include "runtime/thread_pool.h"
#include "test_float_util.h"

using namespace qwasm;
using namespace float_test;

namespace {

float sum_bound(float abs_sum, int64_t k) { return 2.0f * static_cast<float>(k + 2) * FLT_EPSILON * abs_sum + 1e-30f; }

// Per-output bounds of a GEMM: sum over k of |A[m][k] B[k][n]| + |biases|.
std::vector<float> gemm_bounds(std::size_t m, std::size_t n, std::size_t k, const std::vector<float>& a,
                               const std::vector<float>& b, const float* row_bias, const float* col_bias) {
  std::vector<float> bound(m * n);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      float s = (row_bias ? std::fabs(row_bias[i]) : 0.0f) + (col_bias ? std::fabs(col_bias[j]) : 0.0f);
      for (std::size_t kk = 0; kk < k; ++kk) s += std::fabs(a[i * k + kk] * b[kk * n + j]);
      bound[i * n + j] = sum_bound(s, static_cast<int64_t>(k));
    }
  return bound;
}

}  // namespace

TEST_CASE("f32_gemm (4x8 microkernel, packed B) matches f32_gemm_reference on random shapes") {
  std::mt19937 rng(1234);
  for (int iter = 0; iter < 120; ++iter) {
    const auto m = static_cast<std::size_t>(uniform_int(rng, 1, 19));
    const auto n = static_cast<std::size_t>(uniform_int(rng, 1, 37));
    const auto k = static_cast<std::size_t>(uniform_int(rng, iter == 0 ? 0 : 1, 70));
    const std::vector<float> a = random_floats(rng, m * k), b = random_floats(rng, k * n);
    const std::vector<float> rb = random_floats(rng, m), cb = random_floats(rng, n);
    F32GemmEpilogue ep;
    if (iter % 3 == 1) ep.row_bias = rb.data();
    if (iter % 4 == 2) ep.col_bias = cb.data();
    if (iter % 5 == 3) {
      ep.min = 0.0f;
      ep.max = 6.0f * 0.1f;
    }
    std::vector<float> want(m * n), got(m * n, -7.0f);
    f32_gemm_reference(m, n, k, a.data(), k, b.data(), n, want.data(), n, ep);
    std::vector<float> packed(f32_gemm_packed_b_size(k, n));
    // Alternate packing from B itself and from its transpose stored [N][K]: same panels.
    if (iter % 2) {
      std::vector<float> bt(n * k);
      for (std::size_t kk = 0; kk < k; ++kk)
        for (std::size_t j = 0; j < n; ++j) bt[j * k + kk] = b[kk * n + j];
      f32_gemm_pack_b(k, n, bt.data(), 1, static_cast<std::ptrdiff_t>(k), packed.data());
    } else {
      f32_gemm_pack_b(k, n, b.data(), static_cast<std::ptrdiff_t>(n), 1, packed.data());
    }
    f32_gemm(m, n, k, a.data(), k, packed.data(), got.data(), n, ep);
    check_close(got, want, gemm_bounds(m, n, k, a, b, ep.row_bias, ep.col_bias),
                "gemm m=" + std::to_string(m) + " n=" + std::to_string(n) + " k=" + std::to_string(k));
  }
}

TEST_CASE("f32_gemm_4x8 on an A packed by f32_gemm_pack_a equals the row-major A") {
  std::mt19937 rng(4321);
  for (std::size_t m : {1, 3, 4, 7}) {
    const std::size_t n = 8, k = 13;
    const std::vector<float> a = random_floats(rng, m * k), b = random_floats(rng, k * n);
    std::vector<float> pa(f32_gemm_packed_a_size(m, k)), pb(f32_gemm_packed_b_size(k, n));
    f32_gemm_pack_a(m, k, a.data(), k, pa.data());
    f32_gemm_pack_b(k, n, b.data(), n, 1, pb.data());
    std::vector<float> want(m * n), got(m * n);
    f32_gemm(m, n, k, a.data(), k, pb.data(), want.data(), n, F32GemmEpilogue{});
    for (std::size_t i0 = 0; i0 < m; i0 += kF32GemmMr)
      f32_gemm_4x8(std::min(kF32GemmMr, m - i0), n, k, pa.data() + i0 * k, 1, kF32GemmMr, pb.data(),
                   got.data() + i0 * n, n, F32GemmEpilogue{});
    CHECK(got == want);  // same products, same order
  }
}

TEST_CASE("f32_gemm writes only its m x n block of a strided C") {
  const std::size_t m = 5, n = 9, k = 3, ldc = 12;
  std::vector<float> a(m * k, 1.0f), b(k * n, 2.0f), packed(f32_gemm_packed_b_size(k, n));
  f32_gemm_pack_b(k, n, b.data(), n, 1, packed.data());
  std::vector<float> c(m * ldc, -1.0f);
  f32_gemm(m, n, k, a.data(), k, packed.data(), c.data(), ldc, F32GemmEpilogue{});
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < ldc; ++j) CHECK(c[i * ldc + j] == (j < n ? 6.0f : -1.0f));
}

namespace {


// A random convolution; depthwise when asked (groups = channels, multiplier 1..2).
F32Conv2dParams random_conv(std::mt19937& rng, bool depthwise) {
  F32Conv2dParams p;
  F32Window2d& g = p.window;
  g.kernel_h = uniform_int(rng, 1, 5);
  g.kernel_w = uniform_int(rng, 1, 5);
  g.stride_h = uniform_int(rng, 1, 3);
  g.stride_w = uniform_int(rng, 1, 3);
  g.dilation_h = uniform_int(rng, 1, 2);
  g.dilation_w = uniform_int(rng, 1, 2);
  g.pad_top = uniform_int(rng, 0, 2);
  g.pad_left = uniform_int(rng, 0, 2);
  g.pad_bottom = uniform_int(rng, 0, 2);
  g.pad_right = uniform_int(rng, 0, 2);
  p.in.n = uniform_int(rng, 1, 2);
  if (depthwise) {
    p.in.c = uniform_int(rng, 2, 7);
    p.groups = p.in.c;
    p.out_channels = p.in.c * uniform_int(rng, 1, 2);
  } else {
    p.groups = uniform_int(rng, 1, 3);
    p.in.c = p.groups * uniform_int(rng, 1, 5);
    p.out_channels = p.groups * uniform_int(rng, 1, 9);
  }
  const int64_t span_h = g.dilation_h * (g.kernel_h - 1) + 1, span_w = g.dilation_w * (g.kernel_w - 1) + 1;
  p.in.h = std::max<int64_t>(1, span_h - g.pad_top - g.pad_bottom) + uniform_int(rng, 0, 11);
  p.in.w = std::max<int64_t>(1, span_w - g.pad_left - g.pad_right) + uniform_int(rng, 0, 13);
  p.out_h = f32_window_output_size(p.in.h, g.kernel_h, g.stride_h, g.dilation_h, g.pad_top, g.pad_bottom, false, "t");
  p.out_w = f32_window_output_size(p.in.w, g.kernel_w, g.stride_w, g.dilation_w, g.pad_left, g.pad_right, false, "t");
  return p;
}

// Bounds for a convolution: sum of |x * w| over the taps inside the image, plus |bias|.
std::vector<float> conv_bounds(const F32Conv2dParams& p, const std::vector<float>& x, const std::vector<float>& w,
                               const std::vector<float>& bias) {
  std::vector<float> ax(x.size()), aw(w.size());
  std::transform(x.begin(), x.end(), ax.begin(), [](float v) { return std::fabs(v); });
  std::transform(w.begin(), w.end(), aw.begin(), [](float v) { return std::fabs(v); });
  std::vector<float> ab(bias.size());
  std::transform(bias.begin(), bias.end(), ab.begin(), [](float v) { return std::fabs(v); });
  F32Conv2dParams q = p;
  q.min = -INFINITY;
  q.max = INFINITY;
  std::vector<float> sums(static_cast<std::size_t>(p.in.n * p.out_channels * p.out_h * p.out_w));
  conv2d_f32_reference(q, ax.data(), aw.data(), ab.data(), sums.data());
  const int64_t k = (p.in.c / p.groups) * p.window.kernel_h * p.window.kernel_w;
  for (float& s : sums) s = sum_bound(s, k);
  return sums;
}

std::string describe(const F32Conv2dParams& p) {
  const F32Window2d& g = p.window;
  return "conv n" + std::to_string(p.in.n) + " c" + std::to_string(p.in.c) + " " + std::to_string(p.in.h) + "x" +
         std::to_string(p.in.w) + " oc" + std::to_string(p.out_channels) + " g" + std::to_string(p.groups) + " k" +
         std::to_string(g.kernel_h) + "x" + std::to_string(g.kernel_w) + " s" + std::to_string(g.stride_h) + "," +
         std::to_string(g.stride_w) + " d" + std::to_string(g.dilation_h) + "," + std::to_string(g.dilation_w) +
         " p" + std::to_string(g.pad_top) + "," + std::to_string(g.pad_left) + "," + std::to_string(g.pad_bottom) +
         "," + std::to_string(g.pad_right);
}

void check_conv(std::mt19937& rng, F32Conv2dParams p, bool depthwise, int iter) {
  const int64_t cin_g = p.in.c / p.groups;
  const std::vector<float> x = random_floats(rng, static_cast<std::size_t>(p.in.count()));
  const std::vector<float> w = random_floats(rng, static_cast<std::size_t>(p.out_channels * cin_g * p.window.kernel_h * p.window.kernel_w));
  const std::vector<float> bias = random_floats(rng, static_cast<std::size_t>(p.out_channels));
  const bool with_bias = iter % 3 != 0;
  if (iter % 4 == 1) {
    p.min = 0.0f;
  } else if (iter % 4 == 2) {
    p.min = -0.5f;
    p.max = 0.5f;
  }
  const std::size_t out_count = static_cast<std::size_t>(p.in.n * p.out_channels * p.out_h * p.out_w);
  std::vector<float> want(out_count), got(out_count, -9.0f);
  conv2d_f32_reference(p, x.data(), w.data(), with_bias ? bias.data() : nullptr, want.data());
  if (depthwise) {
    REQUIRE(f32_conv_is_depthwise(p));
    dwconv2d_f32(p, x.data(), w.data(), with_bias ? bias.data() : nullptr, got.data());
  } else {
    std::vector<float> packed(f32_conv_packed_weights_size(p));
    f32_conv_pack_weights(p, w.data(), packed.data());
    conv2d_f32_gemm(p, x.data(), packed.data(), with_bias ? bias.data() : nullptr, got.data());
  }
  check_close(got, want, conv_bounds(p, x, w, with_bias ? bias : std::vector<float>(bias.size(), 0.0f)),
              describe(p));
}

}  // namespace

TEST_CASE("conv2d_f32_gemm (im2col panels + 4x8 GEMM) matches conv2d_f32_reference") {
  std::mt19937 rng(77);
  for (int iter = 0; iter < 150; ++iter) check_conv(rng, random_conv(rng, false), false, iter);
  // 1x1 stride-1 unpadded: the contiguous panel fast path, with pixel counts around multiples of 8.
  for (int64_t hw : {1, 7, 8, 9, 16, 17}) {
    F32Conv2dParams p;
    p.in = F32Nchw{2, 5, 1, hw};
    p.out_channels = 6;
    p.out_h = 1;
    p.out_w = hw;
    check_conv(rng, p, false, static_cast<int>(hw));
  }
}

TEST_CASE("dwconv2d_f32 (depthwise SIMD128) matches conv2d_f32_reference") {
  std::mt19937 rng(78);
  for (int iter = 0; iter < 150; ++iter) check_conv(rng, random_conv(rng, true), true, iter);
  // MobileNet's 3x3 stride 1 and 2 with pad 1 on widths around the 4-lane step.
  for (int64_t stride : {1, 2})
    for (int64_t width : {3, 4, 5, 8, 11, 16}) {
      F32Conv2dParams p;
      p.in = F32Nchw{1, 3, 6, width};
      p.groups = 3;
      p.out_channels = 3;
      p.window = F32Window2d{3, 3, stride, stride, 1, 1, 1, 1, 1, 1};
      p.out_h = f32_window_output_size(6, 3, stride, 1, 1, 1, false, "t");
      p.out_w = f32_window_output_size(width, 3, stride, 1, 1, 1, false, "t");
      check_conv(rng, p, true, static_cast<int>(width));
    }
}

TEST_CASE("f32 conv and gemm give the same bits for every thread count") {
  std::mt19937 rng(5);
  F32Conv2dParams p;
  p.in = F32Nchw{2, 8, 13, 15};
  p.out_channels = 12;
  p.window = F32Window2d{3, 3, 1, 1, 1, 1, 1, 1, 1, 1};
  p.out_h = 13;
  p.out_w = 15;
  const std::vector<float> x = random_floats(rng, static_cast<std::size_t>(p.in.count()));
  const std::vector<float> w = random_floats(rng, 12 * 8 * 9), b = random_floats(rng, 12);
  const int saved = thread_count();
  std::vector<float> one(static_cast<std::size_t>(2 * 12 * 13 * 15)), many(one.size());
  std::vector<float> packed(f32_conv_packed_weights_size(p));
  f32_conv_pack_weights(p, w.data(), packed.data());
  set_thread_count(1);
  conv2d_f32_gemm(p, x.data(), packed.data(), b.data(), one.data());
  set_thread_count(max_thread_count());
  conv2d_f32_gemm(p, x.data(), packed.data(), b.data(), many.data());
  set_thread_count(saved);
  CHECK(std::memcmp(one.data(), many.data(), one.size() * sizeof(float)) == 0);
}

TEST_CASE("f32_window_output_size: floor, ceil_mode (last window must start inside the image), errors") {
  CHECK(f32_window_output_size(7, 3, 2, 1, 0, 0, false, "t") == 3);
  CHECK(f32_window_output_size(8, 3, 2, 1, 0, 0, false, "t") == 3);
  CHECK(f32_window_output_size(8, 3, 2, 1, 0, 0, true, "t") == 4);
  // 5 with pad 1, kernel 2, stride 2, ceil: 4 windows would start at padded index 6 = in + pad_begin -> dropped.
  CHECK(f32_window_output_size(5, 2, 2, 1, 1, 1, true, "t") == 3);
  CHECK(f32_window_output_size(5, 3, 1, 2, 0, 0, false, "t") == 1);
  CHECK_THROWS_WITH_AS(f32_window_output_size(2, 5, 1, 1, 0, 0, false, "MaxPool"),
                       doctest::Contains("MaxPool: window of extent 5 does not fit"), Error);
}

TEST_CASE("f32 pooling: max ignores padding, avg divisor with and without count_include_pad, global mean") {
  // 1x1x3x3 input 1..9.
  std::vector<float> x(9);
  std::iota(x.begin(), x.end(), 1.0f);
  const F32Nchw in{1, 1, 3, 3};
  F32Window2d g{2, 2, 2, 2, 1, 1, 1, 1, 0, 0};  // kernel 2, stride 2, pads top/left 1 -> out 2x2
  std::vector<float> y(4);
  max_pool2d_f32(in, x.data(), g, 2, 2, y.data());
  CHECK(y == std::vector<float>{1, 3, 7, 9});
  avg_pool2d_f32(in, x.data(), g, 2, 2, false, y.data());
  CHECK(y == std::vector<float>{1, 2.5f, 5.5f, 7});
  avg_pool2d_f32(in, x.data(), g, 2, 2, true, y.data());
  CHECK(y == std::vector<float>{0.25f, 1.25f, 2.75f, 7});
  // ceil_mode window hanging past the end (no end padding): divisor counts only what exists, both modes.
  F32Window2d c{2, 2, 2, 2, 1, 1, 0, 0, 0, 0};  // 3x3, kernel 2, stride 2, ceil -> 2x2, last windows clipped
  avg_pool2d_f32(in, x.data(), c, 2, 2, true, y.data());
  CHECK(y == std::vector<float>{3, 4.5f, 7.5f, 9});
  std::vector<float> m(1);
  global_avg_pool_f32(1, 9, x.data(), m.data());
  CHECK(m[0] == 5.0f);
  // NaN propagates through max pooling.
  x[4] = NAN;
  max_pool2d_f32(in, x.data(), g, 2, 2, y.data());
  CHECK(std::isnan(y[3]));
}

TEST_CASE("softmax_f32 over the middle axis; large inputs do not overflow") {
  const std::vector<float> x{1, 2, 3, 1000, 1000, 1000};
  std::vector<float> y(6);
  softmax_f32(2, 3, 1, x.data(), y.data());
  const float e1 = std::exp(-2.0f), e2 = std::exp(-1.0f), s = e1 + e2 + 1.0f;
  CHECK(y[0] == doctest::Approx(e1 / s));
  CHECK(y[2] == doctest::Approx(1.0f / s));
  CHECK(y[3] == doctest::Approx(1.0f / 3.0f));
  // Axis with inner stride: [1][2][3], softmax over the 2.
  const std::vector<float> z{0, 0, 0, 0, 1, 2};
  softmax_f32(1, 2, 3, z.data(), y.data());
  CHECK(y[0] == doctest::Approx(0.5f));
  CHECK(y[4] == doctest::Approx(std::exp(1.0f) / (1.0f + std::exp(1.0f))));
}

TEST_CASE("broadcast_binary: numpy broadcasting, scalars, errors") {
  const BroadcastStrides s = broadcast_strides({2, 1, 3}, {4, 1}, "Add");
  CHECK(s.out == Shape{2, 4, 3});
  std::vector<float> a{1, 2, 3, 4, 5, 6}, b{10, 20, 30, 40}, z(24);
  broadcast_binary(s, a.data(), b.data(), z.data(), [](float p, float q) { return p + q; });
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 3; ++k) CHECK(z[(i * 4 + j) * 3 + k] == a[i * 3 + k] + b[j]);
  const BroadcastStrides scalar = broadcast_strides({}, {}, "Mul");
  std::vector<int64_t> p{6}, q{7}, r(1);
  broadcast_binary(scalar, p.data(), q.data(), r.data(), [](int64_t u, int64_t v) { return u * v; });
  CHECK(r[0] == 42);
  CHECK_THROWS_WITH_AS(broadcast_strides({2, 3}, {4}, "Add"),
                       doctest::Contains("Add: shapes [2, 3] and [4] do not broadcast"), Error);
}

TEST_CASE("transpose_bytes: any permutation, element sizes 1 and 8") {
  std::vector<uint8_t> x(24), y(24);
  std::iota(x.begin(), x.end(), 0);
  transpose_bytes({2, 3, 4}, 1, {2, 0, 1}, x.data(), y.data());
  for (int k = 0; k < 4; ++k)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j) CHECK(y[(k * 2 + i) * 3 + j] == x[(i * 3 + j) * 4 + k]);
  std::vector<int64_t> a{1, 2, 3, 4, 5, 6}, b(6);
  transpose_bytes({2, 3}, 8, {1, 0}, a.data(), b.data());
  CHECK(b == std::vector<int64_t>{1, 4, 2, 5, 3, 6});
}

TEST_CASE("unary_f32_value follows the ONNX definitions") {
  CHECK(unary_f32_value({F32Unary::Relu, 0, 0}, -2.0f) == 0.0f);
  CHECK(unary_f32_value({F32Unary::Clip, 0.0f, 6.0f}, 7.0f) == 6.0f);
  CHECK(unary_f32_value({F32Unary::Clip, 0.0f, 6.0f}, -1.0f) == 0.0f);
  CHECK(unary_f32_value({F32Unary::LeakyRelu, 0.1f, 0}, -2.0f) == doctest::Approx(-0.2f));
  CHECK(unary_f32_value({F32Unary::HardSigmoid, 0.2f, 0.5f}, 1.0f) == doctest::Approx(0.7f));
  CHECK(unary_f32_value({F32Unary::HardSwish, 0, 0}, 1.0f) == doctest::Approx(1.0f * 4.0f / 6.0f));
  CHECK(unary_f32_value({F32Unary::HardSwish, 0, 0}, -4.0f) == 0.0f);
  CHECK(unary_f32_value({F32Unary::Sigmoid, 0, 0}, 0.0f) == 0.5f);
  CHECK(unary_f32_value({F32Unary::Tanh, 0, 0}, 0.5f) == doctest::Approx(std::tanh(0.5f)));
}
