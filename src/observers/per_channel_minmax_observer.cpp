#include "observers/per_channel_minmax_observer.h"

#include <limits>

#include "core/error.h"

namespace qwasm {

void scan_channel_min_max(const float* data, int64_t outer, int64_t channels, int64_t inner, float* mn, float* mx) {
  if (inner == 1) {
    // Channel axis last (e.g. ch_axis -1): every row holds one value per channel, so fold whole rows into the
    // per-channel accumulators; the inner loop is element-wise across channels and vectorizes.
    for (int64_t c = 0; c < channels; ++c) mn[c] = mx[c] = data[c];
    for (int64_t o = 1; o < outer; ++o) {
      const float* row = data + o * channels;
      for (int64_t c = 0; c < channels; ++c) fold_min_max(row[c], mn[c], mx[c]);
    }
    for (int64_t c = 0; c < channels; ++c) {
      if (mn[c] != mn[c] || mx[c] != mx[c]) mn[c] = mx[c] = std::numeric_limits<float>::quiet_NaN();
    }
    return;
  }
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c = 0; c < channels; ++c) {
      const MinMax run = scan_min_max(data + (o * channels + c) * inner, static_cast<std::size_t>(inner));
      if (o == 0) {
        mn[c] = run.min;
        mx[c] = run.max;
      } else {
        mn[c] = nan_min(run.min, mn[c]);
        mx[c] = nan_max(run.max, mx[c]);
      }
    }
  }
}

PerChannelMinMaxObserver::PerChannelMinMaxObserver(const ObserverOptions& options)
    : PerChannelMinMaxObserver(options, "PerChannelMinMaxObserver", /*moving_average=*/false) {}

PerChannelMinMaxObserver::PerChannelMinMaxObserver(const ObserverOptions& options, const char* torch_name,
                                                   bool moving_average)
    : config_(resolve_uniform_options(options, torch_name, /*per_channel=*/true, moving_average)),
      // PyTorch keeps any ch_axis and only fails when a tensor does not have that dim; so does observe().
      ch_axis_(options.ch_axis) {}

void PerChannelMinMaxObserver::observe(const FloatTensor& x) { observe(x.data.data(), x.data.size(), x.shape); }

void PerChannelMinMaxObserver::observe(const float* data, std::size_t values, const Shape& shape) {
  const int64_t count = checked_element_count(values, shape, torch_name());
  if (count == 0) return;  // PyTorch returns before looking at ch_axis
  const auto rank = static_cast<int>(shape.size());
  check(rank >= 2, torch_name(), ": needs a tensor of rank >= 2 (channels along ch_axis, the rest flattened), got "
        "shape ", shape_string(shape));
  check(ch_axis_ >= -rank && ch_axis_ < rank, torch_name(), ": ch_axis ", ch_axis_, " is out of range for shape ",
        shape_string(shape));
  const int axis = ch_axis_ < 0 ? ch_axis_ + rank : ch_axis_;

  int64_t outer = 1;
  int64_t inner = 1;
  for (int d = 0; d < axis; ++d) outer *= shape[d];
  for (int d = axis + 1; d < rank; ++d) inner *= shape[d];
  const int64_t channels = shape[axis];
  batch_min_.resize(static_cast<std::size_t>(channels));
  batch_max_.resize(static_cast<std::size_t>(channels));
  scan_channel_min_max(data, outer, channels, inner, batch_min_.data(), batch_max_.data());

  if (min_val_.empty()) {
    min_val_ = batch_min_;
    max_val_ = batch_max_;
  } else {
    update();
  }
  axis_ = axis;
}

std::size_t PerChannelMinMaxObserver::broadcast_channels() const {
  const std::size_t stored = min_val_.size();
  const std::size_t batch = batch_min_.size();
  if (stored == batch || batch == 1) return stored;
  if (stored == 1) return batch;
  fail(torch_name(), ": this batch has ", batch, " channels along ch_axis ", ch_axis_, ", earlier batches had ",
       stored);
}

void PerChannelMinMaxObserver::update() {
  // torch.min(min_val_cur, min_val) with broadcasting: a side with one channel is reused for every channel.
  const std::size_t n = broadcast_channels();
  const std::size_t stored_step = min_val_.size() == 1 ? 0 : 1;
  const std::size_t batch_step = batch_min_.size() == 1 ? 0 : 1;
  std::vector<float> mn(n);
  std::vector<float> mx(n);
  for (std::size_t c = 0; c < n; ++c) {
    mn[c] = nan_min(batch_min_[c * batch_step], min_val_[c * stored_step]);
    mx[c] = nan_max(batch_max_[c * batch_step], max_val_[c * stored_step]);
  }
  min_val_.swap(mn);
  max_val_.swap(mx);
}

QParams PerChannelMinMaxObserver::calculate_qparams() const {
  // Unobserved: one default entry; the axis is then only a label, ch_axis itself when it is not negative.
  const int axis = axis_ >= 0 ? axis_ : (ch_axis_ >= 0 ? ch_axis_ : 0);
  return qparams_from_min_max(min_val_, max_val_, config_.dtype, config_.qscheme, config_.range, config_.eps, axis);
}

ObserverStats PerChannelMinMaxObserver::stats() const {
  ObserverStats s;
  s.min_val = min_val_;
  s.max_val = max_val_;
  return s;
}

}  // namespace qwasm
