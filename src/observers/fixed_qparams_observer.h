// FixedQParamsObserver (PyTorch 1.13): qparams chosen up front (e.g. sigmoid's output: scale 1/256, zero point 0);
// observing does nothing.
#pragma once

#include "observers/observer.h"

namespace qwasm {

class FixedQParamsObserver : public Observer {
 public:
  // scale is required; zero_point defaults to 0, dtype to quint8, qscheme to per_tensor_affine and, as in
  // PyTorch, quant_min/quant_max to 0/255 each on its own, whatever the dtype (so qint8 needs both given).
  explicit FixedQParamsObserver(const ObserverOptions& options);

  const char* kind() const override { return "fixed"; }
  const char* torch_name() const override { return "FixedQParamsObserver"; }
  void observe(const FloatTensor& x) override;
  void observe(const float* data, std::size_t count, const Shape& shape) override;
  QParams calculate_qparams() const override { return qparams_; }
  ObserverStats stats() const override { return {}; }

 private:
  QParams qparams_;
};

}  // namespace qwasm
