// HistogramObserver microbenchmarks: torch_aminmax, histc and whole observe() calls on 1M-element batches held in
// the heap (the data bench/observers.mjs uses: Gaussian batches of growing spread with one outlier each), with the
// thread counts the build allows. Milliseconds per batch, median and best of several runs. Not a test.
#include "bench_observers.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

#include "observers/histogram_observer.h"
#include "runtime/thread_pool.h"

using namespace qwasm;

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kBatch = std::size_t{1} << 20;
constexpr int kBatches = 4;

std::vector<std::vector<float>> make_batches() {
  uint32_t seed = 99;
  auto u = [&] {
    seed = seed * 1664525u + 1013904223u;
    return (static_cast<double>(seed) + 0.5) / 4294967296.0;
  };
  std::vector<std::vector<float>> out(kBatches, std::vector<float>(kBatch));
  for (int b = 0; b < kBatches; ++b) {
    for (float& v : out[b]) {
      const double r = std::sqrt(-2.0 * std::log(u()));
      v = static_cast<float>(r * std::cos(2.0 * M_PI * u()) * (1.0 + b * 0.25));
    }
    out[b][7] = 12.0f + static_cast<float>(b);
  }
  return out;
}

// ms per call of fn(batch index): median and best of `runs` rounds over all batches, after one warm-up round.
template <class F>
void time_per_batch(const char* name, int threads, F fn, int runs = 15) {
  std::vector<double> ms;
  for (int r = -1; r < runs; ++r) {
    for (int b = 0; b < kBatches; ++b) {
      const auto start = Clock::now();
      fn(b);
      const double t = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      if (r >= 0) ms.push_back(t);
    }
  }
  std::sort(ms.begin(), ms.end());
  std::printf("{\"bench\":\"observer\",\"name\":\"%s\",\"threads\":%d,\"ms_median\":%.3f,\"ms_best\":%.3f}\n", name,
              threads, ms[ms.size() / 2], ms.front());
  std::fflush(stdout);
}

}  // namespace

void run_observer_benchmarks() {
  const auto batches = make_batches();
  for (int threads : {1, 2}) {
    if (threads > max_thread_count()) break;
    set_thread_count(threads);
    time_per_batch("torch_aminmax", threads, [&](int b) {
      volatile float sink = histogram_detail::torch_aminmax(batches[b].data(), kBatch).min;
      (void)sink;
    });
    std::vector<float> out(2048);
    std::vector<uint32_t> scratch;
    time_per_batch("histc_2048", threads, [&](int b) {
      const auto range = histogram_detail::torch_aminmax(batches[b].data(), 16);  // histc's fallback only
      histogram_detail::histc(batches[b].data(), kBatch, 2048, -5.0, 15.0, range, out.data(), scratch);
    });
    // A fresh observer per round, the batches in order (the first starts the histogram, the others merge).
    std::unique_ptr<HistogramObserver> observer;
    time_per_batch("histogram_observe", threads, [&](int b) {
      if (b == 0) observer = std::make_unique<HistogramObserver>(ObserverOptions{});
      observer->observe(batches[b].data(), kBatch);
    });
  }
  set_thread_count(1);
}
