// SIMD128 pooling kernels against the scalar references, bit for bit, on randomized NHWC shapes: channel counts
// 1..40 (every tail of the 16-channel step), odd spatial sizes, kernels, strides, padding, dilation (max pool),
// ceil_mode, count_include_pad and divisor_override (avg pool), and global averages of large planes (the u16
// partial sums must be flushed before they overflow).
#include <doctest/doctest.h>

#include <random>
#include <vector>

#include "core/error.h"
#include "kernels/reference/pooling.h"
#include "kernels/simd128/qu8_avgpool.h"
#include "kernels/simd128/qu8_gavgpool.h"
#include "kernels/simd128/qu8_maxpool.h"
#include "ops/max_pool2d.h"
#include "runtime/thread_pool.h"

using namespace qwasm;

namespace {
std::vector<uint8_t> random_bytes(std::mt19937& rng, int64_t n) {
  std::vector<uint8_t> v(static_cast<std::size_t>(n));
  for (auto& b : v) b = static_cast<uint8_t>(rng() & 255);
  return v;
}
int64_t uniform(std::mt19937& rng, int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(rng() % (hi - lo + 1)); }

bool random_geometry(std::mt19937& rng, NhwcDims& in, Pool2dGeometry& g, bool dilation) {
  in = NhwcDims{uniform(rng, 1, 2), uniform(rng, 1, 11), uniform(rng, 1, 11), uniform(rng, 1, 40)};
  g.kernel_h = uniform(rng, 1, 5), g.kernel_w = uniform(rng, 1, 5);
  g.stride_h = uniform(rng, 1, 3), g.stride_w = uniform(rng, 1, 3);
  g.pad_h = uniform(rng, 0, g.kernel_h / 2), g.pad_w = uniform(rng, 0, g.kernel_w / 2);
  g.dilation_h = dilation ? uniform(rng, 1, 3) : 1, g.dilation_w = dilation ? uniform(rng, 1, 3) : 1;
  g.ceil_mode = rng() % 2 == 0;
  try {
    pool2d_output_dims(in, g, "test");
    return true;
  } catch (const Error&) {
    return false;  // window larger than the input
  }
}
}  // namespace

TEST_CASE("SIMD128 max_pool2d equals the reference on random geometries") {
  std::mt19937 rng(1);
  int compared = 0;
  for (int trial = 0; trial < 400; ++trial) {
    NhwcDims in;
    Pool2dGeometry g;
    if (!random_geometry(rng, in, g, true)) continue;
    const NhwcDims out = pool2d_output_dims(in, g, "test");
    const auto x = random_bytes(rng, in.n * in.h * in.w * in.c);
    std::vector<uint8_t> ref(static_cast<std::size_t>(out.n * out.h * out.w * out.c)), got(ref.size());
    max_pool2d_qu8_reference(in, x.data(), g, ref.data());
    max_pool2d_qu8_simd128(in, x.data(), g, got.data());
    REQUIRE(got == ref);
    ++compared;
  }
  CHECK(compared > 200);
}

TEST_CASE("SIMD128 avg_pool2d equals the reference on random geometries and options") {
  std::mt19937 rng(2);
  int compared = 0;
  for (int trial = 0; trial < 400; ++trial) {
    NhwcDims in;
    Pool2dGeometry g;
    if (!random_geometry(rng, in, g, false)) continue;
    AvgPool2dOptions options;
    options.count_include_pad = rng() % 2 == 0;
    options.divisor_override = rng() % 3 == 0 ? uniform(rng, 1, 30) : 0;
    const Qu8Params xq{0.001f + static_cast<float>(rng() % 1000) * 1e-4f, static_cast<int32_t>(rng() % 256)};
    const Qu8Params yq{trial % 4 == 0 ? 0.0625f : 0.001f + static_cast<float>(rng() % 1000) * 1e-4f,
                       static_cast<int32_t>(rng() % 256)};
    const NhwcDims out = pool2d_output_dims(in, g, "test");
    const auto x = random_bytes(rng, in.n * in.h * in.w * in.c);
    std::vector<uint8_t> ref(static_cast<std::size_t>(out.n * out.h * out.w * out.c)), got(ref.size());
    avg_pool2d_qu8_reference(in, x.data(), xq, g, options, ref.data(), yq);
    avg_pool2d_qu8_simd128(in, x.data(), xq, g, options, got.data(), yq);
    REQUIRE(got == ref);
    ++compared;
  }
  CHECK(compared > 200);
}

TEST_CASE("SIMD128 global average pool equals the reference, including planes beyond 256 pixels") {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 60; ++trial) {
    const int64_t side = trial < 50 ? uniform(rng, 1, 20) : uniform(rng, 30, 70);
    const NhwcDims in{uniform(rng, 1, 2), side, uniform(rng, 1, 20), uniform(rng, 1, 40)};
    const Qu8Params xq{0.001f + static_cast<float>(rng() % 1000) * 1e-4f, static_cast<int32_t>(rng() % 256)};
    const Qu8Params yq{0.001f + static_cast<float>(rng() % 1000) * 1e-4f, static_cast<int32_t>(rng() % 256)};
    auto x = random_bytes(rng, in.n * in.h * in.w * in.c);
    if (trial % 7 == 0) std::fill(x.begin(), x.end(), 255);  // largest sums
    std::vector<uint8_t> ref(static_cast<std::size_t>(in.n * in.c)), got(ref.size());
    Pool2dGeometry whole;  // the whole plane as one window
    whole.kernel_h = in.h, whole.kernel_w = in.w;
    avg_pool2d_qu8_reference(in, x.data(), xq, whole, {}, ref.data(), yq);
    global_avg_pool_qu8_simd128(in, x.data(), xq, got.data(), yq);
    REQUIRE(got == ref);
    adaptive_avg_pool2d_qu8_reference(in, x.data(), xq, 1, 1, ref.data());  // PyTorch's global average
    global_avg_pool_qu8_simd128(in, x.data(), xq, got.data(), xq);
    REQUIRE(got == ref);
  }
}

TEST_CASE("pooling rejects bad geometry with clear errors") {
  const NhwcDims in{1, 4, 4, 3};
  std::vector<uint8_t> x(48), y(64);
  Pool2dGeometry g;
  g.kernel_h = g.kernel_w = 2;
  g.pad_h = 2;  // more than half the kernel
  CHECK_THROWS_WITH_AS(max_pool2d_qu8_reference(in, x.data(), g, y.data()),
                       doctest::Contains("must be at most half the kernel"), Error);
  g.pad_h = 0;
  g.stride_w = 0;
  CHECK_THROWS_WITH_AS(max_pool2d_qu8_simd128(in, x.data(), g, y.data()), doctest::Contains("stride must be positive"),
                       Error);
  g.stride_w = 1;
  g.kernel_h = 5;  // larger than the input
  CHECK_THROWS_WITH_AS(avg_pool2d_qu8_reference(in, x.data(), {0.1f, 0}, g, {}, y.data(), {0.1f, 0}),
                       doctest::Contains("output would be empty"), Error);
  g.kernel_h = 2;
  g.dilation_h = 2;
  CHECK_THROWS_WITH_AS(avg_pool2d_qu8_simd128(in, x.data(), {0.1f, 0}, g, {}, y.data(), {0.1f, 0}),
                       doctest::Contains("dilation must be 1"), Error);
  CHECK_THROWS_WITH_AS(adaptive_avg_pool2d_qu8_reference(in, x.data(), {0.1f, 0}, 0, 1, y.data()),
                       doctest::Contains("output size must be positive"), Error);
  CHECK_THROWS_WITH_AS(global_avg_pool_qu8_simd128(in, x.data(), {0.0f, 0}, y.data(), {0.1f, 0}),
                       doctest::Contains("scale must be finite and > 0"), Error);
}

TEST_CASE("avg_pool2d honours count_include_pad=False and divisor_override (PyTorch's qnnpack path does not)") {
  // 1x3x3x1 input of codes 10 (zp 0, scale 1), kernel 3, pad 1: the corner window holds 4 real taps of 9.
  const NhwcDims in{1, 3, 3, 1};
  std::vector<uint8_t> x(9, 10), y(9);
  Pool2dGeometry g;
  g.kernel_h = g.kernel_w = 3;
  g.pad_h = g.pad_w = 1;
  AvgPool2dOptions include;  // 40 / 9 = 4.44 -> 4
  avg_pool2d_qu8_reference(in, x.data(), {1.0f, 0}, g, include, y.data(), {1.0f, 0});
  CHECK(y[0] == 4);
  AvgPool2dOptions exclude;  // 40 / 4 = 10: the mean of the real taps
  exclude.count_include_pad = false;
  avg_pool2d_qu8_reference(in, x.data(), {1.0f, 0}, g, exclude, y.data(), {1.0f, 0});
  CHECK(y[0] == 10);
  CHECK(y[4] == 10);
  AvgPool2dOptions divisor;  // 40 / 5 = 8 (centre: 90 / 5 = 18)
  divisor.divisor_override = 5;
  avg_pool2d_qu8_reference(in, x.data(), {1.0f, 0}, g, divisor, y.data(), {1.0f, 0});
  CHECK(y[0] == 8);
  CHECK(y[4] == 18);
}

TEST_CASE("MaxPool2dOperator shares output rows between threads: the reference's bytes for every thread count") {
  // Two 121x119x64 images, 3x3 stride 2 pad 1 (ResNet-18's pool): 4M units of work, so it runs on the pool, with
  // row ranges that cross from one image into the next.
  std::mt19937 rng(3);
  const NhwcDims in{2, 121, 119, 64};
  Pool2dGeometry g;
  g.kernel_h = g.kernel_w = 3, g.stride_h = g.stride_w = 2, g.pad_h = g.pad_w = 1;
  const NhwcDims out = pool2d_output_dims(in, g, "test");
  const auto x = random_bytes(rng, in.n * in.h * in.w * in.c);
  std::vector<uint8_t> ref(static_cast<std::size_t>(out.n * out.h * out.w * out.c));
  max_pool2d_qu8_reference(in, x.data(), g, ref.data());
  const MaxPool2dOperator op = MaxPool2dOperator::create(g);
  const int saved = thread_count();
  for (int threads = 1; threads <= max_thread_count(); ++threads) {
    set_thread_count(threads);
    CAPTURE(threads);
    std::vector<uint8_t> got(ref.size(), 7);
    op.run(in, x.data(), got.data());
    CHECK(got == ref);
  }
  set_thread_count(saved);
}
