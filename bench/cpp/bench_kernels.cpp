// Conv / linear kernel microbenchmarks: GMAC/s (multiply-accumulates per second) of the qu8_gemm_4x2c8
// microkernel with its operands in L1, and of whole conv layers of ResNet-18, MobileNetV2 and the Fashion-MNIST
// model (3x3, 1x1, depthwise 3x3, first layers) through Conv2dOperator, single thread unless a thread count is
// given (the conv layers then run with it: the pthreads build's bench). One JSON line per benchmark:
//   {"bench":..., "name":..., "kernel":..., "macs":..., "runs":N, "gmacs_median":..., "gmacs_best":...}
// Run from a Release wasm build: node build/<dir>/qwasm_bench.js [filter [threads]]. The machine is shared: repeat and
// compare medians; these numbers are never asserted anywhere.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "bench_elementwise.h"
#include "bench_observers.h"
#include "kernels/simd128/qu8_gemm_4x2c8.h"
#include "kernels/simd128/qu8_gemm_4x8c2.h"
#include "ops/conv2d.h"
#include "runtime/thread_pool.h"

using namespace qwasm;

namespace {

using Clock = std::chrono::steady_clock;

struct Timing {
  double median = 0, best = 0;
  int runs = 0;
};

// Calls fn() repeatedly: `runs` measurements of at least `min_seconds` each after one warm-up measurement.
template <class F>
Timing time_gmacs(double macs_per_call, F fn, int runs = 7, double min_seconds = 0.15) {
  std::vector<double> rates;
  for (int r = -1; r < runs; ++r) {
    int64_t calls = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    do {
      fn();
      ++calls;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < min_seconds);
    if (r >= 0) rates.push_back(macs_per_call * static_cast<double>(calls) / elapsed * 1e-9);
  }
  std::sort(rates.begin(), rates.end());
  return {rates[rates.size() / 2], rates.back(), runs};
}

void report(const char* bench, const std::string& name, const std::string& kernel, double macs, const Timing& t) {
  std::printf("{\"bench\":\"%s\",\"name\":\"%s\",\"kernel\":\"%s\",\"macs\":%.0f,\"runs\":%d,"
              "\"gmacs_median\":%.2f,\"gmacs_best\":%.2f}\n",
              bench, name.c_str(), kernel.c_str(), macs, t.runs, t.median, t.best);
  std::fflush(stdout);
}

std::mt19937 rng(12345);

template <class T>
std::vector<T> random_vector(std::size_t n, int lo, int hi) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(d(rng));
  return v;
}

// The microkernel alone: M x N x K with A and packed B resident in L1/L2.
void bench_gemm(std::size_t m, std::size_t n, std::size_t k) {
  const std::size_t kc = qu8_gemm_round_k(k);
  std::vector<int16_t> a = random_vector<int16_t>(m * kc, -255, 255);
  std::vector<int8_t> w = random_vector<int8_t>(n * k, -128, 127);
  std::vector<int32_t> zp(n, 0), bias = random_vector<int32_t>(n, -1000, 1000);
  std::vector<float> scale(n, 1.0f / 4096);
  std::vector<int16_t> packed(qu8_gemm_4x2c8_packed_size(n, k));
  qu8_gemm_4x2c8_pack_weights(n, k, w.data(), zp.data(), packed.data());
  std::vector<int32_t> bias_pairs(qu8_gemm_4x2c8_epilogue_size(n));
  std::vector<float> scale_pairs(qu8_gemm_4x2c8_epilogue_size(n));
  qu8_gemm_4x2c8_pack_epilogue(n, bias.data(), scale.data(), bias_pairs.data(), scale_pairs.data());
  std::vector<uint8_t> c(m * n);
  const Qu8Requantization rq(128, 0, 255);
  const Timing t = time_gmacs(static_cast<double>(m * n * k), [&] {
    qu8_gemm_4x2c8(m, n, kc, a.data(), kc, packed.data(), bias_pairs.data(), scale_pairs.data(), rq, c.data(), n);
  });
  report("gemm", "M" + std::to_string(m) + "_N" + std::to_string(n) + "_K" + std::to_string(k), "qu8_gemm_4x2c8",
         static_cast<double>(m * n * k), t);
}

// The broadcast-A microkernel qu8_gemm_4x8c2 on the same kind of operands (bench "gemm_c2"); run next to
// bench_gemm of the same shape, it measures the K up to which Conv2dOperator should prefer it.
void bench_gemm_c2(std::size_t m, std::size_t n, std::size_t k) {
  const std::size_t kc = qu8_gemm_c2_round_k(k);
  std::vector<int16_t> a = random_vector<int16_t>(m * kc, -255, 255);
  std::vector<int8_t> w = random_vector<int8_t>(n * k, -128, 127);
  std::vector<int32_t> zp(n, 0), bias = random_vector<int32_t>(n, -1000, 1000);
  std::vector<float> scale(n, 1.0f / 4096);
  std::vector<int16_t> packed(qu8_gemm_4x8c2_packed_size(n, k));
  qu8_gemm_4x8c2_pack_weights(n, k, w.data(), zp.data(), packed.data());
  std::vector<int32_t> bias_padded(qu8_gemm_4x8c2_epilogue_size(n));
  std::vector<float> scale_padded(qu8_gemm_4x8c2_epilogue_size(n));
  qu8_gemm_4x8c2_pack_epilogue(n, bias.data(), scale.data(), bias_padded.data(), scale_padded.data());
  std::vector<uint8_t> c(m * n);
  const Qu8Requantization rq(128, 0, 255);
  const Timing t = time_gmacs(static_cast<double>(m * n * k), [&] {
    qu8_gemm_4x8c2(m, n, kc, a.data(), kc, packed.data(), bias_padded.data(), scale_padded.data(), rq, c.data(), n);
  });
  report("gemm_c2", "M" + std::to_string(m) + "_N" + std::to_string(n) + "_K" + std::to_string(k), "qu8_gemm_4x8c2",
         static_cast<double>(m * n * k), t);
}

void bench_conv(const std::string& name, int64_t h, int64_t w, int64_t cin, int64_t cout, int64_t k, int64_t stride,
                int64_t groups) {
  Conv2dGeometry g;
  g.in_channels = cin, g.out_channels = cout, g.kernel_h = g.kernel_w = k;
  g.stride_h = g.stride_w = stride;
  g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = k / 2;
  g.groups = groups;
  ConvQuantization q;
  q.input_scale = 0.02f, q.input_zero_point = 120;
  q.weight_scales = {0.005f}, q.weight_zero_points = {0};
  q.output_scale = 0.05f, q.output_zero_point = 100;
  const std::size_t weight_count = static_cast<std::size_t>(cout * (cin / groups) * k * k);
  const std::vector<int8_t> weight = random_vector<int8_t>(weight_count, -128, 127);
  const std::vector<float> bias(static_cast<std::size_t>(cout), 0.25f);
  Conv2dOperator op = Conv2dOperator::create(g, q, weight.data(), bias.data());
  const std::vector<uint8_t> x = random_vector<uint8_t>(static_cast<std::size_t>(h * w * cin), 0, 255);
  const int64_t oh = op.output_height(h), ow = op.output_width(w);
  std::vector<uint8_t> y(static_cast<std::size_t>(oh * ow * cout));
  const double macs = static_cast<double>(oh * ow * cout * (cin / groups) * k * k);
  const Timing t = time_gmacs(macs, [&] { op.run(x.data(), 1, h, w, y.data()); }, 5, 0.2);
  report("conv2d", thread_count() == 1 ? name : name + "_" + std::to_string(thread_count()) + "threads",
         op.kernel_name(), macs, t);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string filter = argc > 1 ? argv[1] : "";
  auto wanted = [&](const std::string& name) { return filter.empty() || name.find(filter) != std::string::npos; };
  set_thread_count(1);
  if (wanted("gemm")) {
    bench_gemm(32, 32, 256);
    bench_gemm(64, 64, 576);
    // c8 vs c2 over the depths where the choice between them is made (kGemmC2MaxK in ops/conv2d.cpp).
    for (std::size_t k : {8, 16, 24, 32, 48, 64, 96, 128, 256}) {
      bench_gemm(64, 144, k);
      bench_gemm_c2(64, 144, k);
    }
  }
  if (wanted("gemm_deep")) {  // ResNet-18's 3x3 layers' depths (K = 9 * channels), one task's 32 rows
    for (std::size_t k : {576, 1152, 2304, 4608}) bench_gemm(32, 64, k);
  }
  if (wanted("gemm_first_layer")) {  // Fashion-MNIST's conv1 as a GEMM: 784 pixels, 16 channels, K = 9
    bench_gemm_c2(784, 16, 9);
    bench_gemm(784, 16, 9);
  }
  struct Layer {
    const char* name;
    int64_t h, w, cin, cout, k, stride, groups;
  };
  const Layer layers[] = {
      {"resnet18_conv1_7x7s2_224x224x3to64", 224, 224, 3, 64, 7, 2, 1},
      {"mobilenetv2_conv1_3x3s2_224x224x3to32", 224, 224, 3, 32, 3, 2, 1},
      {"resnet18_conv2_3x3_56x56x64", 56, 56, 64, 64, 3, 1, 1},
      {"resnet18_conv3_3x3_28x28x128", 28, 28, 128, 128, 3, 1, 1},
      {"resnet18_conv4_3x3_14x14x256", 14, 14, 256, 256, 3, 1, 1},
      {"resnet18_conv5_3x3_7x7x512", 7, 7, 512, 512, 3, 1, 1},
      {"resnet18_down_1x1s2_56x56x64to128", 56, 56, 64, 128, 1, 2, 1},
      {"mobilenetv2_expand_1x1_56x56x24to144", 56, 56, 24, 144, 1, 1, 1},
      {"mobilenetv2_project_1x1_56x56x144to24", 56, 56, 144, 24, 1, 1, 1},
      {"mobilenetv2_expand_1x1_14x14x64to384", 14, 14, 64, 384, 1, 1, 1},
      {"mobilenetv2_project_1x1_7x7x960to320", 7, 7, 960, 320, 1, 1, 1},
      {"mobilenetv2_dw3x3_112x112x32", 112, 112, 32, 32, 3, 1, 32},
      {"mobilenetv2_dw3x3s2_112x112x96", 112, 112, 96, 96, 3, 2, 96},
      {"mobilenetv2_dw3x3s2_56x56x144", 56, 56, 144, 144, 3, 2, 144},
      {"mobilenetv2_dw3x3s2_28x28x192", 28, 28, 192, 192, 3, 2, 192},
      {"mobilenetv2_dw3x3_56x56x144", 56, 56, 144, 144, 3, 1, 144},
      {"mobilenetv2_dw3x3_14x14x576", 14, 14, 576, 576, 3, 1, 576},
      {"mobilenetv2_dw3x3_7x7x960", 7, 7, 960, 960, 3, 1, 960},
      {"dw5x5_28x28x240", 28, 28, 240, 240, 5, 1, 240},
      {"fashion_conv1_3x3_28x28x1to16", 28, 28, 1, 16, 3, 1, 1},
      {"fashion_conv2_3x3_14x14x16to32", 14, 14, 16, 32, 3, 1, 1},
      {"fashion_conv3_3x3_7x7x32", 7, 7, 32, 32, 3, 1, 1},
  };
  set_thread_count(argc > 2 ? std::atoi(argv[2]) : 1);
  for (const Layer& l : layers) {
    if (wanted(l.name)) bench_conv(l.name, l.h, l.w, l.cin, l.cout, l.k, l.stride, l.groups);
  }
  set_thread_count(1);
  if (wanted("elementwise")) run_elementwise_benchmarks();
  if (wanted("observer")) run_observer_benchmarks();
  return 0;
}
