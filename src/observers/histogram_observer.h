// HistogramObserver (PyTorch 1.13, torch/ao/quantization/observer.py): a running histogram of everything observed,
// then an L2-error search over the histogram for the min/max that are turned into scale and zero point.
//
// Reproduced bit for bit, quirks included (the sources of truth are PyTorch 1.13's observer.py and its CPU
// kernels, checked by experiment and by tests/golden/histogram*.qgf):
//  * Each batch is binned by torch.histc with bounds int(min) / int(max): the bounds are truncated toward zero.
//    If the truncated bounds are equal (e.g. every |x| < 1), histc falls back to the batch's own min/max.
//  * histc's bin of x is (int64) f32(f32(f32(x - lo) / f32(hi - lo)) * bins): divide first, then multiply.
//  * When the previous min equals the previous max (a constant batch), the next batch starts over: its
//    histogram replaces the old one.
//  * Histograms of different ranges are merged by _adjust_min_max / _combine_histograms (float32, a float64
//    cumulative sum that is rounded to float32 for the shifted copy) without materialising PyTorch's
//    bins * downsample_rate grid.
//  * Sums of float tensors follow PyTorch's vectorised cascade order (AVX2 build: 8 lanes), cumsum accumulates
//    in double and stores float32.
//  * The L2 search compares the float32 cumsum with f32(alpha * total) (a tensor against a Python float is a
//    float32 comparison), and its error terms are float32 tensors summed in that cascade order.
//  * symmetric + reduce_range + quint8 is accepted (unlike MinMaxObserver, PyTorch's HistogramObserver does not
//    reject it).
// Where PyTorch raises (NaN or infinite input, |value| >= 2^63, a merged range too wide to interpolate), this
// class throws qwasm::Error and leaves its state unchanged (PyTorch may have half-updated its buffers). A range
// growing so much that PyTorch cannot allocate its merge grid (12 * bins * 128 * growth bytes: some 10^4-fold
// on a 24 GiB machine) merges fine here.
// Counts follow single-threaded PyTorch, whose float32 bins stop at 2^24 within one batch; the signs of zero
// min/max follow its one-chunk aminmax (PyTorch with several threads splits batches above 32768 elements).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "observers/observer.h"
#include "observers/qparams_from_range.h"

namespace qwasm {

class HistogramObserver final : public Observer {
 public:
  // Options used: bins (>= 1; PyTorch's default 2048), dtype (quint8, qint8 or qint32), qscheme (per-tensor only,
  // as in PyTorch), reduce_range, quant_min/quant_max, eps. Throws qwasm::Error for what PyTorch rejects.
  explicit HistogramObserver(const ObserverOptions& options);

  const char* kind() const override { return "histogram"; }
  const char* torch_name() const override { return "HistogramObserver"; }
  void observe(const FloatTensor& x) override;
  void observe(const float* data, std::size_t count, const Shape& shape) override;
  // Same as observe(FloatTensor) on `count` contiguous floats of any shape (no copy).
  void observe(const float* data, std::size_t count);
  QParams calculate_qparams() const override;
  ObserverStats stats() const override;

  int64_t bins() const { return bins_; }
  bool observed() const { return observed_; }

  // PyTorch's _non_linear_param_search: the min/max the L2 search picks; calculate_qparams() turns them into
  // qparams. Throws qwasm::Error before the first observe().
  std::pair<float, float> search_min_max() const;
  // PyTorch's _compute_quantization_error(start_bin, end_bin) (float64, as .item() returns it). For tests.
  double quantization_error(int64_t start_bin, int64_t end_bin) const;

 private:
  double quantization_error(int64_t start_bin, int64_t end_bin, std::vector<float>& norm) const;

  int64_t bins_;
  DType dtype_;
  QScheme qscheme_;
  QuantRange range_;
  float eps_;
  double dst_nbins_;  // 2^(bits of dtype): 256 for the 8-bit types, 2^32 for qint32 (also with reduce_range)

  bool observed_ = false;
  float min_val_ = 0.0f;
  float max_val_ = 0.0f;
  std::vector<float> histogram_;           // bins_ float32 counts
  std::vector<float> batch_histogram_;     // scratch: the current batch's histc
  std::vector<uint32_t> lane_counts_;      // scratch: integer histograms of histc's parallel tasks
};

// Pieces of PyTorch's arithmetic that the observer is built from, public so that tests can check them alone.
namespace histogram_detail {

// torch.sum of a contiguous float32 tensor on PyTorch 1.13's CPU (AVX2 kernels, one thread below 32768
// elements): 8-lane float32 accumulators in a 4-way interleaved, 4-level cascade (ReduceOps' cascade_sum).
float torch_sum(const float* x, std::size_t n);

// torch.aminmax of n > 0 floats, with the AVX2 kernel's choice between -0.0 and +0.0. has_nan reports a NaN
// (the observer then throws, as PyTorch does). Runs on the thread pool; the bits do not depend on the thread count.
struct AminMax {
  float min;
  float max;
  bool has_nan;
};
AminMax torch_aminmax(const float* x, std::size_t n);

// std::fmod(a, b) for float32, bit for bit (signed zeros included), through a double quotient where it is below
// 2^24 and std::fmod itself otherwise.
float fmod_exact(float a, float b);

// torch.div(a, b, rounding_mode='floor') for float32 (fmod-based, not floor(a / b)).
float div_floor(float a, float b);

// s + v + v + ... (`times` additions of v, each rounded to double), as a sequential float64 cumsum adds a run of
// equal values; computed in one step when no partial sum can round.
double add_repeated(double s, double v, int64_t times);

// torch.histc(x, bins, min=lo_bound, max=hi_bound) for float32 x, bounds already integers (the observer's
// int(min_val)/int(max_val)), into `out` (bins entries); x_range is torch_aminmax(x) (histc's fallback bounds).
// `lane_counts` is scratch that must hold zeros only (a new vector does; histc leaves it so). Runs on the thread
// pool in fixed-size tasks: the same counts for any thread count.
void histc(const float* x, std::size_t n, int64_t bins, double lo_bound, double hi_bound, const AminMax& x_range,
           float* out, std::vector<uint32_t>& lane_counts);

}  // namespace histogram_detail

}  // namespace qwasm
