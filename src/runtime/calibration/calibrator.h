// Post-training quantization where the data is: a float ONNX model is run in float on calibration batches with
// observers at the places PyTorch eager mode puts them (quantization_plan.h), then converted to a QDQ model
// (qdq_writer.h) that qwasm runs in int8 with PyTorch's arithmetic and other runtimes load as standard ONNX.
//
// Owner: whoever created it (bindings/: one JS Calibrator). Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/calibration/qconfig.h"
#include "runtime/session.h"

namespace qwasm::runtime {

class Calibrator {
 public:
  // Throws qwasm::Error for a malformed model, unsupported ops or a bad qconfig.
  static std::unique_ptr<Calibrator> create(const void* bytes, std::size_t size, const QConfig& config,
                                            const SessionOptions& options = {});
  virtual ~Calibrator() = default;

  virtual const std::vector<IOInfo>& inputs() const = 0;
  virtual const std::vector<IOInfo>& outputs() const = 0;

  // Runs the float model on one batch and feeds every observer. The batch is also kept (up to
  // kept_batch_bytes in total) for the report's SQNR figures.
  virtual void observe(const std::vector<std::pair<std::string, TensorView>>& feeds) = 0;
  virtual int64_t batches_observed() const = 0;

  // The QDQ model (ONNX bytes) from what was observed. Throws when nothing was observed yet.
  virtual std::vector<uint8_t> convert() = 0;

  // JSON, after convert(): {"batches","keptBatches","tensors":[{"name","op","quantization" (observed | inherited
  // | fixed | derived),"observer","min","max","histogram"?,"scale","zero_point","quant_min","quant_max","dtype",
  // "sqnr"}],"weights":[{"name","scale":[..],"zero_point":[..],"axis","dtype"}],"outputs":[{"name","sqnr"}]}.
  // SQNR (dB) compares the int8 model's tensor (dequantized) with the float model's on the kept batches.
  virtual std::string report_json() = 0;

  static constexpr int64_t kept_batch_bytes = int64_t{64} << 20;
};

}  // namespace qwasm::runtime
