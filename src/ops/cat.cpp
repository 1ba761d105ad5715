#include "ops/cat.h"

#include <cstring>

#include "core/error.h"
#include "core/quantize.h"
#include "kernels/reference/cat.h"
#include "runtime/thread_pool.h"

namespace qwasm {

CatOperator CatOperator::create(const std::vector<Shape>& shapes, const std::vector<Qu8Params>& qparams,
                                int64_t axis, const Qu8Params& output) {
  check(shapes.size() == qparams.size(), "cat: ", shapes.size(), " input shapes but ", qparams.size(),
        " input qparams");
  validate_qu8(output, "cat", "output");
  // cat_output_shape validates count, ranks, dims, axis and qparams; it also wants data for non-empty inputs,
  // which create does not have yet: any non-null address satisfies that check (nothing is read).
  static const uint8_t placeholder = 0;
  std::vector<CatInput> described(shapes.size());
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    described[i].shape = shapes[i];
    described[i].qparams = qparams[i];
    described[i].data = &placeholder;
  }
  CatOperator self;
  self.output_shape_ = cat_output_shape(described, axis);
  self.output_size_ = element_count(self.output_shape_, "cat output");
  const auto rank = static_cast<int64_t>(self.output_shape_.size());
  const int64_t a = axis < 0 ? axis + rank : axis;
  int64_t inner = 1;
  for (int64_t d = 0; d < a; ++d) self.outer_ *= self.output_shape_[static_cast<std::size_t>(d)];
  for (int64_t d = a + 1; d < rank; ++d) inner *= self.output_shape_[static_cast<std::size_t>(d)];
  self.out_slice_ = self.output_shape_[static_cast<std::size_t>(a)] * inner;
  int64_t offset = 0;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    Part part;
    part.block = shapes[i][static_cast<std::size_t>(a)] * inner;
    part.offset = offset;
    offset += part.block;
    // Exact float comparison, as the reference (and PyTorch) decide "same qparams".
    part.copy = qparams[i].scale == output.scale && qparams[i].zero_point == output.zero_point;
    if (!part.copy) {
      for (int code = 0; code < 256; ++code) {
        const float x = dequantize_value(code, qparams[i].scale, qparams[i].zero_point);
        part.requantize[static_cast<std::size_t>(code)] =
            static_cast<uint8_t>(quantize_value(x, output.scale, output.zero_point, 0, 255));
      }
    }
    self.parts_.push_back(part);
  }
  return self;
}

void CatOperator::run(const uint8_t* const* inputs, uint8_t* output) const {
  if (output_size_ == 0) return;
  check(inputs != nullptr && output != nullptr, "cat: null input table or output");
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    check(inputs[i] != nullptr || parts_[i].block == 0, "cat: input ", i, " is null");
  }
  // Outer slices are independent; a slice is at least one output row, so tasks are never tiny for NCHW/NHWC.
  const int64_t grain = out_slice_ >= 4096 ? 1 : (4096 + out_slice_ - 1) / out_slice_;
  parallel_for(outer_, grain, out_slice_, [&](int64_t begin, int64_t end) {
    for (int64_t o = begin; o < end; ++o) {
      for (std::size_t i = 0; i < parts_.size(); ++i) {
        const Part& part = parts_[i];
        if (part.block == 0) continue;
        const uint8_t* src = inputs[i] + o * part.block;
        uint8_t* dst = output + o * out_slice_ + part.offset;
        if (part.copy) {
          std::memcpy(dst, src, static_cast<std::size_t>(part.block));
        } else {
          for (int64_t k = 0; k < part.block; ++k) dst[k] = part.requantize[src[k]];
        }
      }
    }
  });
}

}  // namespace qwasm
