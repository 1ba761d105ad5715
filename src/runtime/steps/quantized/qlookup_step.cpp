// qwasm.QLookup: any pointwise quint8 -> quint8 function as a 256-entry table (attribute `table`), built by the
// lowering pass with PyTorch's formula for the op it replaces (hardswish, sigmoid, relu6 clamp, requantize, ...).
// Pointwise, so it takes its input in whatever layout it comes.
#include <array>

#include "core/error.h"
#include "kernels/simd128/qu8_lut.h"
#include "runtime/steps/quantized/factories.h"
#include "runtime/steps/quantized/node_qparams.h"

namespace qwasm::runtime {
namespace {

using graph::ElementType;

class QLookupStep : public Step {
 public:
  explicit QLookupStep(const StepContext& ctx) {
    const auto table = ctx.node.attribute_ints("table", {});
    check(table.size() == 256, "table must have 256 entries, got ", table.size());
    for (std::size_t i = 0; i < 256; ++i) {
      check(table[i] >= 0 && table[i] <= 255, "table entry ", i, " is not a uint8 code: ", table[i]);
      table_[i] = static_cast<uint8_t>(table[i]);
    }
  }

  Layout wanted_layout(std::size_t, const std::vector<ValueInfo>& inputs) const override {
    return inputs[0].layout;
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& inputs) override {
    check_input_type(inputs[0], ElementType::UInt8, 0);
    count_ = inputs[0].count();
    ValueInfo out = inputs[0];
    out.constant = nullptr;
    return {out};
  }

  void run(const std::vector<const void*>& inputs, const std::vector<void*>& outputs) override {
    lut_qu8_simd128(static_cast<std::size_t>(count_), static_cast<const uint8_t*>(inputs[0]),
                    static_cast<uint8_t*>(outputs[0]), table_);
  }

  std::string kernel() const override { return "qu8_lut_simd128"; }

 private:
  std::array<uint8_t, 256> table_{};
  int64_t count_ = 0;
};

}  // namespace

StepPtr make_qlookup_step(const StepContext& ctx) { return std::make_unique<QLookupStep>(ctx); }

}  // namespace qwasm::runtime
