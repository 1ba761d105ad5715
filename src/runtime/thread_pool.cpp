#include "runtime/thread_pool.h"

#include <algorithm>
#include <exception>

#include "core/error.h"

#if defined(QWASM_HAVE_THREADS)
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#endif

namespace qwasm {

namespace {

// Every range on the calling thread, in order, as worker 0: loops too small for the pool, and builds without one.
void run_on_caller(int64_t n, int64_t grain, const WorkerRangeFunction& fn) {
  for (int64_t begin = 0; begin < n; begin += grain) fn(0, begin, std::min(n, begin + grain));
}

}  // namespace

#if defined(QWASM_HAVE_THREADS)

namespace {

// The wasm pthread build preallocates 4 workers (PTHREAD_POOL_SIZE in CMakeLists.txt); the caller is one
// more participant, so at most 4 helpers plus the caller run.
constexpr int kMaxHelpers = 4;
// How long a helper that finished a loop watches for the next one before it sleeps.
constexpr std::chrono::microseconds kHelperSpin{50};
// Reads of busy_helpers_ (roughly 10-20 microseconds of them) the caller makes before it sleeps until the helpers
// have left the previous loop.
constexpr int kIdleSpins = 1 << 14;

class Pool {
 public:
  static Pool& instance() {
    static Pool pool;
    return pool;
  }

  int max_threads() const { return 1 + kMaxHelpers; }
  int threads() const { return threads_; }
  void set_threads(int n) { threads_ = std::clamp(n, 1, max_threads()); }

  void run(int64_t n, int64_t grain, const WorkerRangeFunction& fn) {
    const int64_t chunks = (n + grain - 1) / grain;
    const int helpers = static_cast<int>(std::min<int64_t>(threads_ - 1, chunks - 1));
    if (helpers <= 0) {
      run_on_caller(n, grain, fn);
      return;
    }
    std::lock_guard<std::mutex> one_loop_at_a_time(run_mutex_);
    start_helpers(helpers);
    // A helper leaves the previous loop's work() right after its last chunk: watch for that a little before
    // sleeping on idle_ below, since being woken costs tens of microseconds.
    for (int i = 0; i < kIdleSpins && busy_helpers_.load(std::memory_order_acquire) != 0; ++i) {
    }
    {
      std::unique_lock<std::mutex> lock(mutex_);
      // A helper still inside the previous loop's work() finds no chunk left and leaves at once; job_ must not
      // change under it.
      idle_.wait(lock, [&] { return busy_helpers_ == 0; });
      job_ = {&fn, n, grain, chunks, 1 + helpers};
      for (int w = 0; w < job_.participants; ++w) {
        shares_[w].next.store(chunks * w / job_.participants, std::memory_order_relaxed);
        shares_[w].end = chunks * (w + 1) / job_.participants;
      }
      chunks_done_.store(0);
      active_helpers_ = helpers;
      error_ = nullptr;
      ++generation_;
    }
    wake_.notify_all();
    work(0);
    // Wait for the chunks, not for the helpers: a helper that wakes late (tens of microseconds, sometimes
    // milliseconds on a VM) finds nothing left, and nobody waits for it. The caller spins: what is left is at most
    // the chunks the helpers are running, and sleeping would add the caller's own wake-up delay.
    while (chunks_done_.load(std::memory_order_acquire) < chunks) {
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (error_) std::rethrow_exception(error_);
  }

  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }

 private:
  struct Job {
    const WorkerRangeFunction* fn = nullptr;
    int64_t n = 0, grain = 1, chunks = 0;
    int participants = 1;  // the caller and the helpers asked to join
  };

  Pool() {
    const unsigned hw = std::thread::hardware_concurrency();
    threads_ = std::clamp(static_cast<int>(hw == 0 ? 1 : hw), 1, max_threads());
  }

  void start_helpers(int wanted) {
    while (static_cast<int>(workers_.size()) < wanted) {
      const int index = static_cast<int>(workers_.size());
      workers_.emplace_back([this, index] { helper_loop(index); });
    }
  }

  // Worker w first runs its own share of the chunks, the w-th of `participants` equal contiguous parts, in order;
  // then it takes what is left of the others' shares. Consecutive loops over the same rows thus give each thread
  // the rows it produced in the previous loop (a conv's output rows, then the add or pool reading them), which
  // it reads from its own cache; on the VMs measured, a line written by another core costs several times more.
  // A share's claims are read-modify-writes of its own cache line, so they are cheap until somebody steals, and
  // the done count is reported once, on leaving. fn sees each chunk's own range, so results do not change.
  void work(int worker) {
    int64_t done = 0;
    for (int k = 0; k < job_.participants; ++k) {
      Share& share = shares_[(worker + k) % job_.participants];
      for (;;) {
        const int64_t c = share.next.fetch_add(1, std::memory_order_relaxed);
        if (c >= share.end) break;
        try {
          (*job_.fn)(worker, c * job_.grain, std::min(job_.n, (c + 1) * job_.grain));
        } catch (...) {
          std::lock_guard<std::mutex> lock(mutex_);
          if (!error_) error_ = std::current_exception();
        }
        ++done;
      }
    }
    if (done > 0) chunks_done_.fetch_add(done, std::memory_order_release);
  }

  void helper_loop(int index) {
    uint64_t seen = 0;
    for (;;) {
      // Loops often come in quick succession (a batch's min/max, then its histogram; one layer, then the next):
      // watch for the next one a little before sleeping, as waking from a wait costs tens of microseconds.
      const auto spin_end = std::chrono::steady_clock::now() + kHelperSpin;
      for (int i = 1; generation_.load(std::memory_order_acquire) == seen; ++i) {
        if (i % 64 == 0 && std::chrono::steady_clock::now() >= spin_end) break;
      }
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || (generation_ != seen && index < active_helpers_); });
        if (stopping_) return;
        seen = generation_;
        ++busy_helpers_;
      }
      work(index + 1);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (--busy_helpers_ == 0) idle_.notify_all();
      }
    }
  }

  int threads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex run_mutex_, mutex_;
  std::condition_variable wake_, idle_;
  Job job_;
  // One worker's contiguous share of a loop's chunks: next is the first not yet claimed.
  struct alignas(64) Share {
    std::atomic<int64_t> next{0};
    int64_t end = 0;
  };
  // Each on its own cache line: the workers claim chunks from their shares while the caller, once out of chunks,
  // spins on chunks_done_ and idle helpers spin on generation_.
  Share shares_[1 + kMaxHelpers];
  alignas(64) std::atomic<int64_t> chunks_done_{0};
  alignas(64) std::atomic<uint64_t> generation_{0};  // written under mutex_; spinning helpers read it without
  std::atomic<int> busy_helpers_{0};  // changed under mutex_; the caller also reads it without
  int active_helpers_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
};

}  // namespace

void set_thread_count(int count) { Pool::instance().set_threads(count); }
int thread_count() { return Pool::instance().threads(); }
int max_thread_count() { return Pool::instance().max_threads(); }
bool threads_supported() { return true; }

void parallel_for_workers(int64_t n, int64_t grain, const WorkerRangeFunction& fn) {
  check(grain > 0, "parallel_for: grain must be > 0");
  if (n <= 0) return;
  Pool::instance().run(n, grain, fn);
}

#else  // no thread support: every loop runs on the caller

void set_thread_count(int) {}
int thread_count() { return 1; }
int max_thread_count() { return 1; }
bool threads_supported() { return false; }

void parallel_for_workers(int64_t n, int64_t grain, const WorkerRangeFunction& fn) {
  check(grain > 0, "parallel_for: grain must be > 0");
  run_on_caller(n, grain, fn);
}

#endif

void parallel_for(int64_t n, int64_t grain, const RangeFunction& fn) {
  parallel_for_workers(n, grain, [&fn](int, int64_t begin, int64_t end) { fn(begin, end); });
}

void parallel_for_workers(int64_t n, int64_t grain, int64_t work_per_item, const WorkerRangeFunction& fn) {
  check(grain > 0, "parallel_for: grain must be > 0");
  if (n <= 0) return;
  if (work_per_item > 0 && n <= kMinParallelWork / work_per_item) {
    run_on_caller(n, grain, fn);
    return;
  }
  parallel_for_workers(n, grain, fn);
}

void parallel_for(int64_t n, int64_t grain, int64_t work_per_item, const RangeFunction& fn) {
  parallel_for_workers(n, grain, work_per_item, [&fn](int, int64_t begin, int64_t end) { fn(begin, end); });
}

}  // namespace qwasm
