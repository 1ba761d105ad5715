// Expand: broadcast the input to (input shape) broadcast with the constant shape input (numpy rules), any type.
#include <algorithm>

#include "core/error.h"
#include "kernels/float/f32_elementwise.h"
#include "runtime/steps/float/factories.h"
#include "runtime/steps/float/step_util.h"

namespace qwasm::runtime::float_steps {
namespace {

template <class T>
void expand_typed(const BroadcastStrides& s, const void* x, void* y) {
  const auto* src = static_cast<const T*>(x);
  broadcast_binary(s, src, src, static_cast<T*>(y), [](T a, T) { return a; });
}

class ExpandStep : public Step {
 public:
  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& in) override {
    expect_input_count(in, 2, 2);
    expect_present(in, 0, "input");
    expect_type(in, 1, "shape", ElementType::Int64);
    strides_ = broadcast_strides(in[0].shape, constant_ints(in[1], 1, "shape"), "Expand");
    std::fill(strides_.b.begin(), strides_.b.end(), 0);  // the second operand is the input again, element 0
    element_size_ = graph::element_size(in[0].type);
    return {logical(in[0].type, strides_.out)};
  }

  void run(const std::vector<const void*>& in, const std::vector<void*>& out) override {
    switch (element_size_) {
      case 1: return expand_typed<uint8_t>(strides_, in[0], out[0]);
      case 2: return expand_typed<uint16_t>(strides_, in[0], out[0]);
      case 4: return expand_typed<uint32_t>(strides_, in[0], out[0]);
      default: return expand_typed<uint64_t>(strides_, in[0], out[0]);
    }
  }

  std::string kernel() const override { return "copy"; }

 private:
  BroadcastStrides strides_;
  std::size_t element_size_ = 4;
};

}  // namespace

StepPtr make_expand_step(const StepContext&) { return std::make_unique<ExpandStep>(); }

}  // namespace qwasm::runtime::float_steps
