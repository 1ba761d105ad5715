// HistogramObserver microbenchmarks: torch_aminmax, histc and whole observe() calls on 1M-element batches held in
// the heap (the data bench/observers.mjs uses: Gaussian batches of growing spread with one outlier each), with the
// thread counts the build allows, and a floor for any counting histogram (counter_increments_floor: one counter
// increment per element from precomputed bin indices, no binning at all). Milliseconds per batch, median and best
// of several runs. Not a test.
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

// histc_2048's bins and range, which counter_increments_floor's precomputed slots follow.
constexpr int64_t kBins = 2048;
constexpr float kLo = -5.0f;
constexpr float kHi = 15.0f;
constexpr std::size_t kSlots = kBins + 1;  // the bins and slot 0 for the elements outside [kLo, kHi]
constexpr std::size_t kTables = 8;         // interleaved counter tables per worker

// ++counts[slot[i]] for every element: the least any histogram that counts elements one by one must do. Eight
// interleaved tables, sixteen elements per iteration: of the layouts tried (one table; four tables with and
// without vector extraction; four static tables; eight tables), one of the two fastest in wasm (with four static
// tables) on the machine of docs/BENCHMARKS.md.
void increment_counters(const uint32_t* slots, std::size_t n, uint32_t* tables) {
  std::size_t i = 0;
  for (; i + 2 * kTables <= n; i += 2 * kTables) {
    for (std::size_t k = 0; k < 2 * kTables; ++k) ++tables[(k % kTables) * kSlots + slots[i + k]];
  }
  for (; i < n; ++i) ++tables[slots[i]];
}

}  // namespace

void run_observer_benchmarks() {
  const auto batches = make_batches();
  // counter_increments_floor's input: the bins histc_2048 below counts into (slot 0: outside [kLo, kHi]); only
  // their distribution matters there.
  std::vector<std::vector<uint32_t>> slots(kBatches, std::vector<uint32_t>(kBatch));
  for (int b = 0; b < kBatches; ++b) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      const float x = batches[b][i];
      const bool inside = x >= kLo && x <= kHi;
      const float last = static_cast<float>(kBins - 1);
      const auto bin = static_cast<uint32_t>(std::min(last, std::floor((x - kLo) / (kHi - kLo) * kBins)));
      slots[b][i] = inside ? bin + 1 : 0;
    }
  }
  // Called through a volatile pointer: binaryen (wasm-opt) does not see clang's noinline and would inline the
  // function into its caller. Inlined into a function that runs once, the loop stayed in V8's baseline compiler
  // (Liftoff, about 0.7 ms instead of 0.4): V8 cannot swap optimised code into a running wasm function.
  void (*volatile increment)(const uint32_t*, std::size_t, uint32_t*) = increment_counters;
  for (int threads : {1, 2}) {
    if (threads > max_thread_count()) break;
    set_thread_count(threads);
    time_per_batch("torch_aminmax", threads, [&](int b) {
      volatile float sink = histogram_detail::torch_aminmax(batches[b].data(), kBatch).min;
      (void)sink;
    });
    std::vector<float> out(kBins);
    std::vector<uint32_t> scratch;
    time_per_batch("histc_2048", threads, [&](int b) {
      const auto range = histogram_detail::torch_aminmax(batches[b].data(), 16);  // histc's fallback only
      histogram_detail::histc(batches[b].data(), kBatch, kBins, kLo, kHi, range, out.data(), scratch);
    });
    // Each worker counts 65536-element tasks (as histc does) into its own kTables tables.
    std::vector<uint32_t> tables(static_cast<std::size_t>(max_thread_count()) * kTables * kSlots);
    time_per_batch("counter_increments_floor", threads, [&](int b) {
      parallel_for_workers(static_cast<int64_t>(kBatch), int64_t{1} << 16,
                           [&](int worker, int64_t begin, int64_t end) {
                             increment(slots[b].data() + begin, static_cast<std::size_t>(end - begin),
                                       tables.data() + static_cast<std::size_t>(worker) * kTables * kSlots);
                           });
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
