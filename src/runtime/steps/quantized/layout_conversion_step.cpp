// The planner's Logical <-> NHWC conversion of a rank-4 value (uint8 through the layout kernels; other element
// sizes through a plain strided copy, which only small float/int values ever need).
#include <cstring>

#include "core/error.h"
#include "kernels/reference/layout.h"
#include "runtime/steps/quantized_steps.h"

namespace qwasm::runtime {
namespace {

class LayoutConversionStep : public Step {
 public:
  LayoutConversionStep(Layout from, Layout to) : from_(from), to_(to) {}

  Layout wanted_layout(std::size_t, const std::vector<ValueInfo>&) const override { return from_; }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& inputs) override {
    check(inputs[0].shape.size() == 4, "layout conversion needs rank 4, got ", shape_string(inputs[0].shape));
    shape_ = inputs[0].shape;
    element_size_ = graph::element_size(inputs[0].type);
    ValueInfo out = inputs[0];
    out.layout = to_;
    out.constant = nullptr;
    return {out};
  }

  void run(const std::vector<const void*>& inputs, const std::vector<void*>& outputs) override {
    const int64_t n = shape_[0], c = shape_[1], h = shape_[2], w = shape_[3];
    const auto* src = static_cast<const uint8_t*>(inputs[0]);
    auto* dst = static_cast<uint8_t*>(outputs[0]);
    if (element_size_ == 1) {
      if (to_ == Layout::NHWC) {
        nchw_to_nhwc(src, dst, n, c, h, w);
      } else {
        nhwc_to_nchw(src, dst, n, c, h, w);
      }
      return;
    }
    const std::size_t e = element_size_;
    for (int64_t in = 0; in < n; ++in)
      for (int64_t ic = 0; ic < c; ++ic)
        for (int64_t y = 0; y < h; ++y)
          for (int64_t x = 0; x < w; ++x) {
            const int64_t nchw = ((in * c + ic) * h + y) * w + x, nhwc = ((in * h + y) * w + x) * c + ic;
            const int64_t from = to_ == Layout::NHWC ? nchw : nhwc, to = to_ == Layout::NHWC ? nhwc : nchw;
            std::memcpy(dst + static_cast<std::size_t>(to) * e, src + static_cast<std::size_t>(from) * e, e);
          }
  }

  std::string kernel() const override { return to_ == Layout::NHWC ? "nchw_to_nhwc" : "nhwc_to_nchw"; }

 private:
  Layout from_, to_;
  Shape shape_;
  std::size_t element_size_ = 1;
};

}  // namespace

StepPtr make_layout_conversion_step(Layout from, Layout to) {
  return std::make_unique<LayoutConversionStep>(from, to);
}

}  // namespace qwasm::runtime
