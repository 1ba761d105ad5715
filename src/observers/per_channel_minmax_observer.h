// PerChannelMinMaxObserver (PyTorch 1.13): running float32 min and max per channel along ch_axis.
#pragma once

#include <cstdint>
#include <vector>

#include "observers/minmax_observer.h"

namespace qwasm {

// Per-channel torch.aminmax of a C-order tensor seen as [outer, channels, inner] (channels = the dim at the
// channel axis). Writes `channels` values to mn and mx; a channel holding a NaN gets NaN in both.
// Walks memory in order: for each outer block, each channel's contiguous run of `inner` values.
void scan_channel_min_max(const float* data, int64_t outer, int64_t channels, int64_t inner, float* mn, float* mx);

class PerChannelMinMaxObserver : public Observer {
 public:
  explicit PerChannelMinMaxObserver(const ObserverOptions& options);

  const char* kind() const override { return "per_channel_minmax"; }
  const char* torch_name() const override { return "PerChannelMinMaxObserver"; }
  // Needs rank >= 2 and -rank <= ch_axis < rank, as PyTorch's permute + flatten(start_dim=1) do; empty tensors
  // are ignored before any check (PyTorch returns first). Batches may change rank and, as PyTorch's
  // broadcasting allows, go from 1 channel to N or from N to 1.
  void observe(const FloatTensor& x) override;
  void observe(const float* data, std::size_t count, const Shape& shape) override;
  // Per-channel qparams along ch_axis (made non-negative with the rank of the last batch). Before any batch:
  // PyTorch's one-entry default (scale 1, zero point 0).
  QParams calculate_qparams() const override;
  ObserverStats stats() const override;

 protected:
  PerChannelMinMaxObserver(const ObserverOptions& options, const char* torch_name, bool moving_average);
  // Folds batch_min_/batch_max_ into min_val_/max_val_ (which are non-empty: the first batch is copied).
  virtual void update();
  // The channel count of PyTorch's broadcast of the stored values with this batch's; throws on a mismatch.
  std::size_t broadcast_channels() const;

  UniformObserverConfig config_;
  int ch_axis_;
  int axis_ = -1;                    // ch_axis_ normalized against the last batch's rank
  std::vector<float> min_val_;       // empty until the first non-empty batch
  std::vector<float> max_val_;
  std::vector<float> batch_min_;     // this batch's per-channel values (kept to reuse the storage)
  std::vector<float> batch_max_;
};

}  // namespace qwasm
