// Concat along `axis` (required attribute), any element type: per outer index, each input's contiguous
// [axis slice x inner] chunk is copied in input order.
#include <cstring>

#include "core/error.h"
#include "runtime/steps/float/factories.h"
#include "runtime/steps/float/step_util.h"

namespace qwasm::runtime::float_steps {
namespace {

class ConcatStep : public Step {
 public:
  explicit ConcatStep(const StepContext& ctx) {
    check(ctx.node.find_attribute("axis") != nullptr, "Concat: attribute 'axis' is required");
    axis_attr_ = ctx.node.attribute_int("axis", 0);
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& in) override {
    check(!in.empty(), "Concat: needs at least one input");
    expect_present(in, 0, "inputs");
    const ElementType type = in[0].type;
    const Shape& first = in[0].shape;
    check(!first.empty(), "Concat: inputs must have rank >= 1");
    const auto rank = static_cast<int64_t>(first.size());
    const int64_t axis = normalize_axis(axis_attr_, rank, "Concat: axis");
    Shape out = first;
    out[static_cast<std::size_t>(axis)] = 0;
    const std::size_t size = graph::element_size(type);
    outer_ = 1;
    for (int64_t d = 0; d < axis; ++d) outer_ *= first[static_cast<std::size_t>(d)];
    int64_t inner = 1;
    for (int64_t d = axis + 1; d < rank; ++d) inner *= first[static_cast<std::size_t>(d)];
    chunk_bytes_.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
      expect_type(in, i, "inputs", type);
      const Shape& s = in[i].shape;
      bool same = s.size() == first.size();
      for (std::size_t d = 0; same && d < s.size(); ++d) same = d == static_cast<std::size_t>(axis) || s[d] == first[d];
      check(same, "Concat: input ", i, " has shape ", shape_string(s), ", input 0 has ", shape_string(first),
            " (only dim ", axis, " may differ)");
      out[static_cast<std::size_t>(axis)] += s[static_cast<std::size_t>(axis)];
      chunk_bytes_.push_back(s[static_cast<std::size_t>(axis)] * inner * static_cast<int64_t>(size));
    }
    return {logical(type, out)};
  }

  void run(const std::vector<const void*>& in, const std::vector<void*>& out) override {
    auto* dst = static_cast<uint8_t*>(out[0]);
    for (int64_t o = 0; o < outer_; ++o) {
      for (std::size_t i = 0; i < in.size(); ++i) {
        const auto bytes = static_cast<std::size_t>(chunk_bytes_[i]);
        if (bytes) std::memcpy(dst, static_cast<const uint8_t*>(in[i]) + o * chunk_bytes_[i], bytes);
        dst += bytes;
      }
    }
  }

  std::string kernel() const override { return "copy"; }

 private:
  int64_t axis_attr_ = 0, outer_ = 1;
  std::vector<int64_t> chunk_bytes_;
};

}  // namespace

StepPtr make_concat_step(const StepContext& ctx) { return std::make_unique<ConcatStep>(ctx); }

}  // namespace qwasm::runtime::float_steps
