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

TEST_CASE("parallel_for_workers: every range once, workers in [0, thread_count()), one range at a time per worker") {
  const int original = thread_count();
  for (int threads = 1; threads <= max_thread_count(); ++threads) {
    set_thread_count(threads);
    for (int repeat = 0; repeat < 20; ++repeat) {
      const int64_t n = 5000;
      std::vector<std::atomic<int>> hits(n);
      std::vector<std::atomic<int>> running(static_cast<std::size_t>(threads));
      std::atomic<bool> overlap{false}, out_of_range{false}, worker_changed_thread{false};
      std::mutex m;
      std::vector<std::thread::id> thread_of_worker(static_cast<std::size_t>(threads));
      parallel_for_workers(n, 37, [&](int worker, int64_t begin, int64_t end) {
        if (worker < 0 || worker >= threads) {
          out_of_range = true;
          return;
        }
        if (running[static_cast<std::size_t>(worker)].fetch_add(1) != 0) overlap = true;
        {
          std::lock_guard<std::mutex> lock(m);
          auto& id = thread_of_worker[static_cast<std::size_t>(worker)];
          if (id == std::thread::id()) id = std::this_thread::get_id();
          if (id != std::this_thread::get_id()) worker_changed_thread = true;
        }
        for (int64_t i = begin; i < end; ++i) hits[i]++;
        running[static_cast<std::size_t>(worker)].fetch_sub(1);
      });
      CHECK_FALSE(out_of_range.load());
      CHECK_FALSE(overlap.load());
      CHECK_FALSE(worker_changed_thread.load());
      // Worker 0 is the caller (when it took a range at all: fast helpers may take them all).
      CHECK((thread_of_worker[0] == std::thread::id() || thread_of_worker[0] == std::this_thread::get_id()));
      CHECK(std::all_of(hits.begin(), hits.end(), [](const std::atomic<int>& h) { return h.load() == 1; }));
    }
  }
  set_thread_count(original);
}

TEST_CASE("parallel_for: back-to-back loops, each complete when it returns") {
  // Many short loops in a row: a helper that wakes after its loop has finished must neither run a range twice
  // nor join the next loop with the previous loop's function.
  const int original = thread_count();
  set_thread_count(max_thread_count());
  for (int loop = 0; loop < 2000; ++loop) {
    std::vector<int64_t> out(64, -1);
    parallel_for(64, 1, [&, loop](int64_t begin, int64_t) { out[static_cast<std::size_t>(begin)] = loop + begin; });
    bool ok = true;
    for (int64_t i = 0; i < 64; ++i) ok = ok && out[static_cast<std::size_t>(i)] == loop + i;
    REQUIRE(ok);
  }
  set_thread_count(original);
}
