// Conv2dOperator (SIMD128 kernels: qu8_gemm_4x2c8 + qu8_im2col, qu8_dwconv_*_c8) against the scalar reference
// conv2d_nhwc_reference, bit for bit, on hundreds of seeded random shapes: every channel tail length against the
// 8-lane step, 1x1 spatial, asymmetric padding, stride, dilation, groups, depthwise (3x3, 5x5, generic,
// multiplier > 1), batch > 1, per-tensor and per-channel weights, none / relu / clamp. Also the SIMD
// requantization helper against core/requantize.h, thread-count independence, layout helpers and the errors
// create/run raise.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "conv_test_util.h"
#include "core/error.h"
#include "core/requantize.h"
#include "kernels/reference/conv2d.h"
#include "kernels/reference/layout.h"
#include "kernels/simd128/qu8_requantize.h"
#include "ops/conv2d.h"
#include "runtime/thread_pool.h"

using namespace qwasm;
using namespace conv_test;

namespace {

// Runs one case through the operator (float bias and int32 bias variants) and the reference; returns the
// number of output elements compared. Every element must match.
int64_t check_case(Rng& rng, const ConvCase& c, std::string* kernel = nullptr) {
  const Conv2dGeometry& g = c.g;
  const int64_t k = g.kernel_h * g.kernel_w * g.in_channels_per_group();
  const ConvQuantization q = random_quantization(rng, g.out_channels, k);
  const std::vector<int8_t> w =
      random_ints<int8_t>(rng, static_cast<std::size_t>(g.out_channels * k), -128, 127);
  const std::vector<float> bias = random_bias(rng, q, g.out_channels);
  const std::vector<uint8_t> x =
      random_ints<uint8_t>(rng, static_cast<std::size_t>(c.batch * c.height * c.width * g.in_channels), 0, 255);
  const int64_t oh = g.output_height(c.height), ow = g.output_width(c.width);
  const std::size_t out_size = static_cast<std::size_t>(c.batch * oh * ow * g.out_channels);

  const std::vector<int32_t> bias_q = quantize_conv_bias(bias.empty() ? nullptr : bias.data(), q, g.out_channels);
  std::vector<uint8_t> expected(out_size), got(out_size, 0), got_int32(out_size, 0);
  conv2d_nhwc_reference(g, q, x.data(), c.batch, c.height, c.width, w.data(), bias_q.data(), expected.data());

  Conv2dOperator op = Conv2dOperator::create(g, q, w.data(), bias.empty() ? nullptr : bias.data());
  op.run(x.data(), c.batch, c.height, c.width, got.data());
  Conv2dOperator op32 = Conv2dOperator::create_with_int32_bias(g, q, w.data(), bias_q.data());
  op32.run(x.data(), c.batch, c.height, c.width, got_int32.data());
  if (kernel) *kernel = op.kernel_name();

  int64_t bad = 0, first = -1;
  for (std::size_t i = 0; i < out_size; ++i) {
    if (got[i] != expected[i] || got_int32[i] != expected[i]) {
      if (first < 0) first = static_cast<int64_t>(i);
      ++bad;
    }
  }
  INFO(describe(c), " kernel ", op.kernel_name());
  if (first >= 0) {
    const std::size_t i = static_cast<std::size_t>(first);
    INFO("first mismatch at ", first, ": operator ", int(got[i]), " / int32-bias ", int(got_int32[i]),
         ", reference ", int(expected[i]));
    CHECK(bad == 0);
  } else {
    CHECK(bad == 0);
  }
  return static_cast<int64_t>(out_size);
}

int64_t pick(Rng& rng, std::initializer_list<int64_t> values) {
  const int i = uniform_int(rng, 0, static_cast<int>(values.size()) - 1);
  return *(values.begin() + i);
}

// A random geometry whose kernel fits the padded input.
ConvCase random_case(Rng& rng, int64_t groups, int64_t cin_g, int64_t cout_g) {
  ConvCase c;
  Conv2dGeometry& g = c.g;
  g.groups = groups;
  g.in_channels = groups * cin_g;
  g.out_channels = groups * cout_g;
  g.kernel_h = pick(rng, {1, 1, 2, 3, 3, 5});
  g.kernel_w = uniform_int(rng, 0, 3) == 0 ? pick(rng, {1, 2, 3, 4, 5}) : g.kernel_h;
  g.stride_h = pick(rng, {1, 1, 2, 3});
  g.stride_w = uniform_int(rng, 0, 3) == 0 ? pick(rng, {1, 2, 3}) : g.stride_h;
  g.dilation_h = pick(rng, {1, 1, 1, 2, 3});
  g.dilation_w = uniform_int(rng, 0, 3) == 0 ? pick(rng, {1, 2}) : g.dilation_h;
  g.pad_top = uniform_int(rng, 0, 2), g.pad_bottom = uniform_int(rng, 0, 2);
  g.pad_left = uniform_int(rng, 0, 2), g.pad_right = uniform_int(rng, 0, 2);
  c.batch = pick(rng, {1, 1, 1, 2, 3});
  const int64_t min_h = std::max<int64_t>(1, g.dilation_h * (g.kernel_h - 1) + 1 - g.pad_top - g.pad_bottom);
  const int64_t min_w = std::max<int64_t>(1, g.dilation_w * (g.kernel_w - 1) + 1 - g.pad_left - g.pad_right);
  c.height = min_h + uniform_int(rng, 0, 7);
  c.width = min_w + uniform_int(rng, 0, 7);
  return c;
}

}  // namespace

TEST_CASE("conv: SIMD requantization equals core/requantize.h bit for bit") {
  Rng rng(7);
  int64_t compared = 0;
  for (int round = 0; round < 2000; ++round) {
    const int32_t zp = uniform_int(rng, 0, 255);
    const int a = uniform_int(rng, 0, 255), b = uniform_int(rng, 0, 255);
    const int32_t lo = std::min(a, b), hi = std::max(a, b);
    float m[4];
    int32_t acc[4];
    for (int i = 0; i < 4; ++i) {
      // Power-of-two multipliers make exact ties; random ones exercise ordinary rounding; huge ones saturate.
      const int kind = uniform_int(rng, 0, 2);
      m[i] = kind == 0 ? std::ldexp(1.0f, -uniform_int(rng, 1, 12))
                       : kind == 1 ? uniform_float(rng, 1e-6f, 0.1f) : uniform_float(rng, 1.0f, 1e6f);
      const int range = uniform_int(rng, 0, 3);
      acc[i] = range == 0 ? uniform_int(rng, -600, 600)
                          : range == 1 ? uniform_int(rng, -100000, 100000)
                                       : range == 2 ? std::numeric_limits<int32_t>::min() + uniform_int(rng, 0, 9)
                                                    : std::numeric_limits<int32_t>::max() - uniform_int(rng, 0, 9);
    }
    const Qu8Requantization rq(zp, lo, hi);
    const v128_t got = qu8_requantize_i32x4(wasm_v128_load(acc), wasm_v128_load(m), rq);
    int32_t out[4];
    wasm_v128_store(out, got);
    for (int i = 0; i < 4; ++i) {
      INFO("acc ", acc[i], " m ", m[i], " zp ", zp, " [", lo, ", ", hi, "]");
      CHECK(out[i] == requantize(acc[i], m[i], zp, lo, hi));
      ++compared;
    }
  }
  CHECK(compared == 8000);
}

TEST_CASE("conv: dense and grouped convolutions equal the reference (random shapes, every K/N tail)") {
  Rng rng(2026);
  int64_t cases = 0, elements = 0;
  // Every input channel count 1..17 (K tails) with every output channel count tail, dense.
  for (int64_t cin = 1; cin <= 17; ++cin) {
    for (int64_t cout : {1, 2, 3, 5, 8, 9, 16, 17}) {
      ConvCase c = random_case(rng, 1, cin, cout);
      elements += check_case(rng, c);
      ++cases;
    }
  }
  // Grouped (not depthwise).
  for (int round = 0; round < 60; ++round) {
    const int64_t groups = uniform_int(rng, 2, 5);
    ConvCase c = random_case(rng, groups, uniform_int(rng, 1, 9), uniform_int(rng, 1, 9));
    if (c.g.in_channels == groups && c.g.out_channels == groups) c.g.out_channels *= 2;  // keep it non-depthwise
    elements += check_case(rng, c);
    ++cases;
  }
  CHECK(cases == 17 * 8 + 60);
  CHECK(elements > 0);
  MESSAGE("dense/grouped: ", cases, " shapes, ", elements, " outputs equal the reference");
}

TEST_CASE("conv: 1x1 convolutions and 1x1 spatial inputs equal the reference") {
  Rng rng(11);
  int64_t cases = 0;
  for (int round = 0; round < 40; ++round) {
    ConvCase c;
    c.g.in_channels = uniform_int(rng, 1, 70);
    c.g.out_channels = uniform_int(rng, 1, 40);
    c.g.stride_h = c.g.stride_w = pick(rng, {1, 1, 2});
    c.batch = uniform_int(rng, 1, 3);
    c.height = round % 4 == 0 ? 1 : uniform_int(rng, 1, 9);
    c.width = round % 4 == 0 ? 1 : uniform_int(rng, 1, 9);
    check_case(rng, c);
    ++cases;
  }
  CHECK(cases == 40);
}

TEST_CASE("conv: depthwise 3x3 / 5x5 / generic, every channel tail, stride, dilation, padding, batch") {
  Rng rng(99);
  int64_t cases = 0, elements = 0;
  int64_t by_kernel[3] = {0, 0, 0};
  for (int64_t channels = 1; channels <= 40; ++channels) {
    for (int64_t kernel : {3, 5, 0}) {
      ConvCase c = random_case(rng, channels, 1, 1);
      if (kernel != 0) {
        c.g.kernel_h = c.g.kernel_w = kernel;
      } else if (c.g.kernel_h == c.g.kernel_w && (c.g.kernel_h == 3 || c.g.kernel_h == 5)) {
        c.g.kernel_w = 2;
      }
      // random_case sized the input for its own kernel: make sure this one fits.
      c.height = std::max(c.height, c.g.dilation_h * (c.g.kernel_h - 1) + 1) + uniform_int(rng, 0, 3);
      c.width = std::max(c.width, c.g.dilation_w * (c.g.kernel_w - 1) + 1) + uniform_int(rng, 0, 3);
      c.g.stride_h = c.g.stride_w = pick(rng, {1, 1, 2, 2, 3});
      std::string kernel_name;
      elements += check_case(rng, c, &kernel_name);
      ++cases;
      by_kernel[kernel == 3 ? 0 : kernel == 5 ? 1 : 2] += kernel_name.find("dwconv") != std::string::npos;
    }
  }
  // Depthwise multiplier 2 (not the dwconv path: grouped GEMM with one input channel per group).
  for (int round = 0; round < 10; ++round) {
    const int64_t channels = uniform_int(rng, 1, 12);
    elements += check_case(rng, random_case(rng, channels, 1, 2));
    ++cases;
  }
  CHECK(by_kernel[0] == 40);  // all depthwise cases took a dwconv kernel
  CHECK(by_kernel[1] == 40);
  CHECK(by_kernel[2] == 40);
  CHECK(cases == 130);
  MESSAGE("depthwise: ", cases, " shapes, ", elements, " outputs equal the reference");
}

TEST_CASE("conv: kernel choice") {
  Conv2dGeometry g;
  g.in_channels = g.out_channels = g.groups = 8;
  g.kernel_h = g.kernel_w = 3;
  ConvQuantization q;
  q.weight_scales = {0.01f}, q.weight_zero_points = {0};
  const std::vector<int8_t> w(8 * 25, 1);
  CHECK(Conv2dOperator::create(g, q, w.data(), nullptr).kernel_name() == "qu8_dwconv_3x3_c8");
  g.kernel_h = g.kernel_w = 5;
  CHECK(Conv2dOperator::create(g, q, w.data(), nullptr).kernel_name() == "qu8_dwconv_5x5_c8");
  g.kernel_w = 3;
  CHECK(Conv2dOperator::create(g, q, w.data(), nullptr).kernel_name() == "qu8_dwconv_generic_c8");
  g.groups = 1, g.kernel_h = g.kernel_w = 1;
  CHECK(Conv2dOperator::create(g, q, w.data(), nullptr).kernel_name() == "qu8_gemm_4x2c8");
}

TEST_CASE("conv: results do not depend on the thread count; large layers span many tasks") {
  Rng rng(5);
  ConvCase c;
  c.g.in_channels = 64, c.g.out_channels = 24, c.g.kernel_h = c.g.kernel_w = 3;
  c.g.pad_top = c.g.pad_left = c.g.pad_bottom = c.g.pad_right = 1;
  c.batch = 2, c.height = 30, c.width = 31;  // 1860 rows: 59 tasks of 32 rows
  const int64_t k = 576;
  const ConvQuantization q = random_quantization(rng, 24, k);
  const std::vector<int8_t> w = random_ints<int8_t>(rng, 24 * 576, -128, 127);
  const std::vector<uint8_t> x = random_ints<uint8_t>(rng, 2 * 30 * 31 * 64, 0, 255);
  Conv2dOperator op = Conv2dOperator::create(c.g, q, w.data(), nullptr);
  const std::size_t n = static_cast<std::size_t>(2 * 30 * 31 * 24);
  std::vector<uint8_t> expected(n), one(n), many(n);
  const std::vector<int32_t> zero_bias(24, 0);
  conv2d_nhwc_reference(c.g, q, x.data(), 2, 30, 31, w.data(), zero_bias.data(), expected.data());
  const int saved = thread_count();
  set_thread_count(1);
  op.run(x.data(), 2, 30, 31, one.data());
  set_thread_count(max_thread_count());
  op.run(x.data(), 2, 30, 31, many.data());
  set_thread_count(saved);
  CHECK(one == expected);
  CHECK(many == expected);
}

TEST_CASE("conv: NCHW <-> NHWC layout helpers") {
  const int64_t n = 2, c = 3, h = 4, w = 5;
  std::vector<uint8_t> nchw(static_cast<std::size_t>(n * c * h * w));
  for (std::size_t i = 0; i < nchw.size(); ++i) nchw[i] = static_cast<uint8_t>(i * 7 + 1);
  std::vector<uint8_t> nhwc(nchw.size()), back(nchw.size());
  nchw_to_nhwc(nchw.data(), nhwc.data(), n, c, h, w);
  // Element (b=1, ch=2, y=3, x=4) sits at NHWC index ((1*4+3)*5+4)*3+2.
  CHECK(nhwc[static_cast<std::size_t>(((1 * 4 + 3) * 5 + 4) * 3 + 2)] ==
        nchw[static_cast<std::size_t>(((1 * 3 + 2) * 4 + 3) * 5 + 4)]);
  nhwc_to_nchw(nhwc.data(), back.data(), n, c, h, w);
  CHECK(back == nchw);
}

TEST_CASE("conv: create and run reject bad parameters with clear messages") {
  Conv2dGeometry g;
  g.in_channels = 4, g.out_channels = 6, g.kernel_h = g.kernel_w = 3, g.groups = 2;
  ConvQuantization q;
  q.input_scale = 0.1f, q.output_scale = 0.2f;
  q.weight_scales = {0.01f}, q.weight_zero_points = {0};
  const std::vector<int8_t> w(6 * 2 * 9, 3);
  CHECK_NOTHROW(Conv2dOperator::create(g, q, w.data(), nullptr));

  auto create_with = [&](auto edit) {
    Conv2dGeometry g2 = g;
    ConvQuantization q2 = q;
    edit(g2, q2);
    Conv2dOperator::create(g2, q2, w.data(), nullptr);
  };
  using G = Conv2dGeometry;
  using Q = ConvQuantization;
  CHECK_THROWS_WITH_AS(create_with([](G& a, Q&) { a.groups = 3; }), doctest::Contains("not divisible by groups"),
                       Error);
  CHECK_THROWS_WITH_AS(create_with([](G& a, Q&) { a.groups = 0; }), doctest::Contains("groups must be >= 1"), Error);
  CHECK_THROWS_WITH_AS(create_with([](G& a, Q&) { a.stride_w = 0; }), doctest::Contains("stride"), Error);
  CHECK_THROWS_WITH_AS(create_with([](G& a, Q&) { a.dilation_h = 0; }), doctest::Contains("dilation"), Error);
  CHECK_THROWS_WITH_AS(create_with([](G& a, Q&) { a.kernel_h = 0; }), doctest::Contains("kernel size"), Error);
  CHECK_THROWS_WITH_AS(create_with([](G& a, Q&) { a.pad_left = -1; }), doctest::Contains("padding"), Error);
  CHECK_THROWS_WITH_AS(create_with([](G& a, Q&) { a.in_channels = 0; }), doctest::Contains("channel counts"), Error);
  CHECK_THROWS_WITH_AS(create_with([](G&, Q& b) { b.input_scale = 0.0f; }), doctest::Contains("input scale"), Error);
  CHECK_THROWS_WITH_AS(create_with([](G&, Q& b) { b.output_scale = NAN; }), doctest::Contains("output scale"), Error);
  CHECK_THROWS_WITH_AS(create_with([](G&, Q& b) { b.input_zero_point = 256; }), doctest::Contains("input zero point"),
                       Error);
  CHECK_THROWS_WITH_AS(create_with([](G&, Q& b) { b.output_zero_point = -1; }),
                       doctest::Contains("output zero point"), Error);
  CHECK_THROWS_WITH_AS(create_with([](G&, Q& b) { b.weight_scales = {0.1f, 0.2f}, b.weight_zero_points = {0, 0}; }),
                       doctest::Contains("weight scales"), Error);
  CHECK_THROWS_WITH_AS(create_with([](G&, Q& b) { b.weight_zero_points = {0, 1}; }),
                       doctest::Contains("weight zero points"), Error);
  CHECK_THROWS_WITH_AS(create_with([](G&, Q& b) { b.weight_zero_points = {200}; }),
                       doctest::Contains("weight zero point [0]"), Error);
  CHECK_THROWS_WITH_AS(create_with([](G&, Q& b) { b.weight_scales = {-1.0f}; }), doctest::Contains("weight scale [0]"),
                       Error);
  CHECK_THROWS_WITH_AS(create_with([](G&, Q& b) { b.output_min = 10, b.output_max = 5; }),
                       doctest::Contains("output bounds"), Error);
  CHECK_THROWS_WITH_AS(create_with([](G&, Q& b) { b.output_scale = 1e-38f, b.input_scale = 1e30f; }),
                       doctest::Contains("requantization scale"), Error);
  CHECK_THROWS_WITH_AS(Conv2dOperator::create(g, q, nullptr, nullptr), doctest::Contains("weight is null"), Error);
  CHECK_THROWS_WITH_AS(create_with([](G& a, Q&) { a.kernel_h = a.kernel_w = 1 << 20; }),
                       doctest::Contains("unreasonably large"), Error);

  Conv2dOperator op = Conv2dOperator::create(g, q, w.data(), nullptr);
  std::vector<uint8_t> x(4 * 2 * 2), y(64);
  CHECK_THROWS_WITH_AS(op.run(x.data(), 1, 2, 2, y.data()), doctest::Contains("does not fit"), Error);
  CHECK_THROWS_WITH_AS(op.run(x.data(), 0, 3, 3, y.data()), doctest::Contains("must be >= 1"), Error);
  CHECK_THROWS_WITH_AS(op.run(nullptr, 1, 3, 3, y.data()), doctest::Contains("null"), Error);
}

TEST_CASE("conv: depthwise layers that span several padded bands equal the reference") {
  Rng rng(17);
  int64_t compared = 0;
  for (int64_t kernel : {3, 5}) {
    ConvCase c;
    c.g.in_channels = c.g.out_channels = c.g.groups = 133;  // 8-lane tail of 5; row of 74 * 136 int16 = 20 KiB
    c.g.kernel_h = c.g.kernel_w = kernel;
    c.g.stride_h = c.g.stride_w = 2;
    c.g.dilation_h = kernel == 3 ? 2 : 1;
    c.g.pad_top = 2, c.g.pad_left = 1, c.g.pad_bottom = 1, c.g.pad_right = 2;
    c.height = 70, c.width = 71;  // ~73 padded rows x 20 KiB > the 1 MiB band budget
    compared += check_case(rng, c);
  }
  CHECK(compared > 0);
}

TEST_CASE("conv: layers with few output rows split their columns across threads, same bytes for every count") {
  // 5x7 outputs = 9 tiles (2 tasks of rows): with 2+ threads the columns are split in slices of weight blocks.
  // K = 576 (qu8_gemm_4x2c8, 112-column blocks) and K = 144 (qu8_gemm_4x8c2, 448-column blocks), with more
  // columns than one block and a partial last block.
  Rng rng(11);
  const int saved = thread_count();
  for (const auto& [cin, cout] : {std::pair<int64_t, int64_t>{64, 300}, std::pair<int64_t, int64_t>{16, 600}}) {
    ConvCase c;
    c.g.in_channels = cin, c.g.out_channels = cout, c.g.kernel_h = c.g.kernel_w = 3;
    c.g.pad_top = c.g.pad_left = c.g.pad_bottom = c.g.pad_right = 1;
    c.batch = 1, c.height = 5, c.width = 7;
    for (int threads = 1; threads <= max_thread_count(); ++threads) {
      set_thread_count(threads);
      CAPTURE(threads);
      CHECK(check_case(rng, c) == 5 * 7 * cout);
    }
  }
  set_thread_count(saved);
}

TEST_CASE("conv: layers whose weights outgrow L2 take all rows per task, same bytes for every thread count") {
  // 517 columns x K = 3 * 3 * 256 (int16) = 2.4 MB of packed weights per group, over kWeightStreamBytes: every task
  // gathers all rows (25 or 50 output pixels) and multiplies a slice of whole column pairs; 517 leaves a partial
  // last pair, 25 rows a one-row last tile. Two groups check that a worker re-gathers its panel per group.
  Rng rng(14);
  const int saved = thread_count();
  for (const auto& groups_batch : {std::pair<int64_t, int64_t>{1, 2}, std::pair<int64_t, int64_t>{2, 1}}) {
    const int64_t groups = groups_batch.first, batch = groups_batch.second;
    ConvCase c;
    c.g.in_channels = 256 * groups, c.g.out_channels = 517 * groups, c.g.groups = groups;
    c.g.kernel_h = c.g.kernel_w = 3;
    c.g.pad_top = c.g.pad_left = c.g.pad_bottom = c.g.pad_right = 1;
    c.batch = batch, c.height = 5, c.width = 5;
    for (int threads = 1; threads <= max_thread_count(); ++threads) {
      set_thread_count(threads);
      CAPTURE(groups);
      CAPTURE(threads);
      CHECK(check_case(rng, c) == batch * 5 * 5 * 517 * groups);
    }
  }
  set_thread_count(saved);
}

TEST_CASE("conv: very deep layers take fewer tiles per task, same bytes for every thread count") {
  // K = 3 * 3 * 2048 = 18432: a 32-row panel would exceed 1 MiB, so tasks hold 7 tiles; 36 rows of 36 KiB exceed
  // the shared panel's bound too, so the columns are not split even with few tasks.
  Rng rng(12);
  ConvCase c;
  c.g.in_channels = 2048, c.g.out_channels = 8, c.g.kernel_h = c.g.kernel_w = 3;
  c.g.pad_top = c.g.pad_left = c.g.pad_bottom = c.g.pad_right = 1;
  c.batch = 1, c.height = 6, c.width = 6;
  const int saved = thread_count();
  for (int threads = 1; threads <= max_thread_count(); ++threads) {
    set_thread_count(threads);
    CAPTURE(threads);
    CHECK(check_case(rng, c) == 6 * 6 * 8);
  }
  set_thread_count(saved);
}

TEST_CASE("conv: first layers (im2col rows from a padded copy) equal the reference at every thread count") {
  // Short kernel rows through qu8_im2col_from_padded: Fashion-MNIST's conv1 (1 -> 16, 3x3), a
  // MobileNetV2-like stem (3 -> 32, 3x3 stride 2), a ResNet-like stem (3 -> 64, 7x7 stride 2, 21-value rows), a
  // narrow layer on the c8 kernel (1 -> 8, 5x5), dilation_h 2 and asymmetric padding; batches of 1 and 3.
  Rng rng(13);
  struct Layer {
    int64_t cin, cout, kh, kw, stride, dilation_h, pads[4], batch, h, w;
  };
  const Layer layers[] = {
      {1, 16, 3, 3, 1, 1, {1, 1, 1, 1}, 3, 28, 28}, {3, 32, 3, 3, 2, 1, {1, 1, 1, 1}, 1, 37, 41},
      {3, 64, 7, 7, 2, 1, {3, 3, 3, 3}, 1, 45, 45}, {1, 8, 5, 5, 1, 1, {2, 2, 2, 2}, 3, 13, 11},
      {2, 24, 3, 5, 1, 2, {0, 2, 1, 0}, 2, 12, 9},
  };
  const int saved = thread_count();
  for (const Layer& l : layers) {
    ConvCase c;
    c.g.in_channels = l.cin, c.g.out_channels = l.cout, c.g.kernel_h = l.kh, c.g.kernel_w = l.kw;
    c.g.stride_h = c.g.stride_w = l.stride, c.g.dilation_h = l.dilation_h;
    c.g.pad_top = l.pads[0], c.g.pad_left = l.pads[1], c.g.pad_bottom = l.pads[2], c.g.pad_right = l.pads[3];
    c.batch = l.batch, c.height = l.h, c.width = l.w;
    for (int threads = 1; threads <= max_thread_count(); ++threads) {
      set_thread_count(threads);
      CAPTURE(threads);
      CHECK(check_case(rng, c) ==
            l.batch * c.g.output_height(l.h) * c.g.output_width(l.w) * l.cout);
    }
  }
  set_thread_count(saved);
}
