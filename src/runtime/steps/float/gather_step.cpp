// Gather along `axis`, any data type, int32 / int64 indices (negative ones count from the end; out of range is an
// error at run time). Output shape: data[:axis] + indices + data[axis+1:].
#include <cstring>

#include "core/error.h"
#include "runtime/steps/float/factories.h"
#include "runtime/steps/float/step_util.h"

namespace qwasm::runtime::float_steps {
namespace {

class GatherStep : public Step {
 public:
  explicit GatherStep(const StepContext& ctx) { axis_attr_ = ctx.node.attribute_int("axis", 0); }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& in) override {
    expect_input_count(in, 2, 2);
    expect_present(in, 0, "data");
    expect_present(in, 1, "indices");
    const Shape& x = in[0].shape;
    index_type_ = in[1].type;
    check(index_type_ == ElementType::Int64 || index_type_ == ElementType::Int32,
          "input 1 'indices' must be int64 or int32, got ", graph::element_type_name(index_type_));
    check(!x.empty(), "Gather: data must have rank >= 1");
    const auto rank = static_cast<int64_t>(x.size());
    const int64_t axis = normalize_axis(axis_attr_, rank, "Gather: axis");
    outer_ = 1;
    inner_bytes_ = static_cast<int64_t>(graph::element_size(in[0].type));
    for (int64_t d = 0; d < axis; ++d) outer_ *= x[static_cast<std::size_t>(d)];
    for (int64_t d = axis + 1; d < rank; ++d) inner_bytes_ *= x[static_cast<std::size_t>(d)];
    axis_len_ = x[static_cast<std::size_t>(axis)];
    indices_ = in[1].count();
    Shape out(x.begin(), x.begin() + axis);
    out.insert(out.end(), in[1].shape.begin(), in[1].shape.end());
    out.insert(out.end(), x.begin() + axis + 1, x.end());
    return {logical(in[0].type, out)};
  }

  void run(const std::vector<const void*>& in, const std::vector<void*>& out) override {
    const auto* src = static_cast<const uint8_t*>(in[0]);
    auto* dst = static_cast<uint8_t*>(out[0]);
    const auto bytes = static_cast<std::size_t>(inner_bytes_);
    for (int64_t i = 0; i < indices_; ++i) {
      int64_t index;
      if (index_type_ == ElementType::Int64) {
        std::memcpy(&index, static_cast<const uint8_t*>(in[1]) + i * 8, 8);
      } else {
        int32_t v;
        std::memcpy(&v, static_cast<const uint8_t*>(in[1]) + i * 4, 4);
        index = v;
      }
      check(index >= -axis_len_ && index < axis_len_, "Gather: index ", index, " is out of range for a dim of size ",
            axis_len_);
      if (index < 0) index += axis_len_;
      for (int64_t o = 0; o < outer_; ++o) {
        if (bytes)
          std::memcpy(dst + (o * indices_ + i) * inner_bytes_, src + (o * axis_len_ + index) * inner_bytes_, bytes);
      }
    }
  }

  std::string kernel() const override { return "copy"; }

 private:
  int64_t axis_attr_ = 0, outer_ = 1, inner_bytes_ = 0, axis_len_ = 0, indices_ = 0;
  ElementType index_type_ = ElementType::Int64;
};

}  // namespace

StepPtr make_gather_step(const StepContext& ctx) { return std::make_unique<GatherStep>(ctx); }

}  // namespace qwasm::runtime::float_steps
