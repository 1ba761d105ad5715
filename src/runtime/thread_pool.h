// A persistent pool of worker threads for data-parallel loops. Without thread support (the single-threaded
// wasm build) it runs every loop on the calling thread. Work is split into contiguous ranges whose
// boundaries do not depend on the thread count, so results are bit-identical for any number of threads.
#pragma once

#include <cstdint>
#include <functional>

namespace qwasm {

// fn(begin, end) for disjoint [begin, end) ranges covering [0, n), each at most `grain` long.
using RangeFunction = std::function<void(int64_t begin, int64_t end)>;

// Threads the pool may use (1 = run on the caller). Clamped to [1, max_thread_count()].
void set_thread_count(int count);
int thread_count();
int max_thread_count();  // 1 without thread support
bool threads_supported();

void parallel_for(int64_t n, int64_t grain, const RangeFunction& fn);

// fn(worker, begin, end) over the same ranges as parallel_for, told which participant runs the range: worker is in
// [0, thread_count()), 0 being the caller, and no two ranges run at once with the same worker. For per-worker
// scratch (e.g. integer partial sums) when which ranges a worker takes must not matter: that depends on timing.
using WorkerRangeFunction = std::function<void(int worker, int64_t begin, int64_t end)>;
void parallel_for_workers(int64_t n, int64_t grain, const WorkerRangeFunction& fn);

// A sleeping helper takes tens of microseconds to wake (an Atomics.wait / notify round trip in wasm), more than a
// small op's whole work: below this many units of work (roughly multiply-accumulates) a loop runs on the caller.
// The ranges are the same either way, so results stay bit-identical.
constexpr int64_t kMinParallelWork = int64_t{1} << 20;

// parallel_for for a loop whose items cost about `work_per_item` units each: on the caller when the whole loop is
// below kMinParallelWork.
void parallel_for(int64_t n, int64_t grain, int64_t work_per_item, const RangeFunction& fn);
void parallel_for_workers(int64_t n, int64_t grain, int64_t work_per_item, const WorkerRangeFunction& fn);

}  // namespace qwasm
