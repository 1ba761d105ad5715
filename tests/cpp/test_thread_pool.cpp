#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <numeric>
#include <thread>
#include <utility>
#include <vector>

#include "core/error.h"
#include "runtime/thread_pool.h"

using namespace qwasm;

TEST_CASE("parallel_for covers every index exactly once, for every thread count") {
  const int original = thread_count();
  for (int threads = 1; threads <= max_thread_count(); ++threads) {
    set_thread_count(threads);
    for (int64_t n : {0, 1, 7, 64, 1000, 4097}) {
      std::vector<std::atomic<int>> hits(n);
      parallel_for(n, 13, [&](int64_t begin, int64_t end) {
        CHECK(end - begin <= 13);
        for (int64_t i = begin; i < end; ++i) hits[i]++;
      });
      int64_t total = 0;
      for (auto& h : hits) {
        CHECK(h.load() == 1);
        total += h.load();
      }
      CHECK(total == n);
    }
  }
  set_thread_count(original);
}

TEST_CASE("an exception inside parallel_for reaches the caller and the pool stays usable") {
  set_thread_count(max_thread_count());
  CHECK_THROWS_WITH_AS(parallel_for(100, 1, [](int64_t b, int64_t) {
                         if (b == 57) fail("task ", b, " failed");
                       }),
                       "task 57 failed", Error);
  std::atomic<int64_t> sum{0};
  parallel_for(100, 7, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) sum += i;
  });
  CHECK(sum.load() == 4950);
}

TEST_CASE("parallel_for with a work estimate: small loops stay on the caller, every loop gets the same ranges") {
  const int original = thread_count();
  set_thread_count(max_thread_count());
  const auto ranges_of = [](int64_t n, int64_t work_per_item, bool* all_on_caller) {
    std::mutex m;
    std::vector<std::pair<int64_t, int64_t>> ranges;
    const auto caller = std::this_thread::get_id();
    *all_on_caller = true;
    parallel_for(n, 16, work_per_item, [&](int64_t begin, int64_t end) {
      std::lock_guard<std::mutex> lock(m);
      ranges.emplace_back(begin, end);
      if (std::this_thread::get_id() != caller) *all_on_caller = false;
    });
    std::sort(ranges.begin(), ranges.end());
    return ranges;
  };
  bool on_caller = false;
  // 1000 items x 1000 units = 1M units, under kMinParallelWork: one thread, ranges in order.
  const auto small = ranges_of(1000, kMinParallelWork / 1000 / 2, &on_caller);
  CHECK(on_caller);
  const auto large = ranges_of(1000, kMinParallelWork, &on_caller);
  REQUIRE(small.size() == large.size());
  CHECK(small == large);  // the same 16-item ranges either way: results cannot depend on the path taken
  CHECK(small.front() == std::make_pair(int64_t{0}, int64_t{16}));
  CHECK(small.back() == std::make_pair(int64_t{992}, int64_t{1000}));
  set_thread_count(original);
}
