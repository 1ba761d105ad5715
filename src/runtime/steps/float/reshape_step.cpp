// The steps that only relabel the shape of row-major data, any element type: Reshape (shape input, 0 copies the
// input dim unless allowzero, one -1 is inferred), Flatten (axis, to 2-D), Squeeze / Unsqueeze (axes attribute
// before opset 13, input 1 from 13), Identity. run() copies the bytes (the planner may later alias them).
#include <algorithm>
#include <cstring>
#include <limits>

#include "core/error.h"
#include "runtime/steps/float/factories.h"
#include "runtime/steps/float/step_util.h"

namespace qwasm::runtime::float_steps {
namespace {

enum class ReshapeKind { Reshape, Flatten, Squeeze, Unsqueeze, Identity };

Shape reshape_output(const Shape& in, const std::vector<int64_t>& requested, bool allow_zero) {
  Shape out(requested.size());
  int64_t known = 1;
  std::ptrdiff_t infer = -1;
  for (std::size_t i = 0; i < requested.size(); ++i) {
    int64_t v = requested[i];
    if (v == 0 && !allow_zero) {
      check(i < in.size(), "Reshape: shape value 0 at index ", i, " copies a dim the input ", shape_string(in),
            " does not have");
      v = in[i];
    }
    if (v == -1) {
      check(infer < 0, "Reshape: only one dimension can be -1 in ", shape_string(requested));
      infer = static_cast<std::ptrdiff_t>(i);
      continue;
    }
    check(v >= 0, "Reshape: invalid shape value ", v, " in ", shape_string(requested));
    check(v == 0 || known <= std::numeric_limits<int64_t>::max() / v, "Reshape: shape ", shape_string(requested),
          " has more elements than an int64 can count");
    out[i] = v;
    known *= v;
  }
  const int64_t total = element_count(in, "Reshape input");
  if (infer >= 0) {
    check(known != 0 && total % known == 0, "Reshape: cannot infer the -1 dim of ", shape_string(requested),
          " for input ", shape_string(in));
    out[static_cast<std::size_t>(infer)] = total / known;
  }
  check(element_count(out, "Reshape output") == total, "Reshape: shape ", shape_string(requested),
        " is invalid for input ", shape_string(in), " (", total, " elements)");
  return out;
}

std::vector<int64_t> sorted_axes(std::vector<int64_t> axes, int64_t rank, const char* what) {
  for (int64_t& a : axes) a = normalize_axis(a, rank, what);
  std::sort(axes.begin(), axes.end());
  check(std::adjacent_find(axes.begin(), axes.end()) == axes.end(), what, "s contain a repeated axis");
  return axes;
}

class ReshapeStep : public Step {
 public:
  ReshapeStep(const StepContext& ctx, ReshapeKind kind) : kind_(kind) {
    allow_zero_ = ctx.node.attribute_int("allowzero", 0) != 0;
    axis_ = ctx.node.attribute_int("axis", 1);
    axes_from_input_ = ctx.opset >= 13;
    if (!axes_from_input_ && (kind == ReshapeKind::Squeeze || kind == ReshapeKind::Unsqueeze)) {
      has_axes_ = ctx.node.find_attribute("axes") != nullptr;
      axes_ = ctx.node.attribute_ints("axes", {});
      check(kind == ReshapeKind::Squeeze || has_axes_, "Unsqueeze: attribute 'axes' is required");
    }
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& in) override {
    const bool second = kind_ == ReshapeKind::Reshape ||
                        (axes_from_input_ && (kind_ == ReshapeKind::Squeeze || kind_ == ReshapeKind::Unsqueeze));
    expect_input_count(in, second && kind_ != ReshapeKind::Squeeze ? 2 : 1, second ? 2 : 1);
    expect_present(in, 0, "data");
    const Shape& x = in[0].shape;
    const auto rank = static_cast<int64_t>(x.size());
    bytes_ = in[0].bytes();
    Shape out;
    switch (kind_) {
      case ReshapeKind::Reshape:
        expect_present(in, 1, "shape");
        out = reshape_output(x, constant_ints(in[1], 1, "shape"), allow_zero_);
        break;
      case ReshapeKind::Flatten: {
        check(axis_ >= -rank && axis_ <= rank, "Flatten: axis ", axis_, " is out of range for rank ", rank);
        const int64_t axis = axis_ < 0 ? axis_ + rank : axis_;
        int64_t a = 1, b = 1;
        for (int64_t d = 0; d < rank; ++d) (d < axis ? a : b) *= x[static_cast<std::size_t>(d)];
        out = {a, b};
        break;
      }
      case ReshapeKind::Squeeze: {
        bool has_axes = has_axes_;
        std::vector<int64_t> axes = axes_;
        if (axes_from_input_ && present(in, 1)) {
          axes = constant_ints(in[1], 1, "axes");
          has_axes = true;
        }
        if (!has_axes) {
          for (int64_t d : x)
            if (d != 1) out.push_back(d);
          break;
        }
        axes = sorted_axes(axes, rank, "Squeeze: axis");
        for (int64_t d = 0; d < rank; ++d) {
          const bool drop = std::binary_search(axes.begin(), axes.end(), d);
          check(!drop || x[static_cast<std::size_t>(d)] == 1, "Squeeze: dim ", d, " of ", shape_string(x),
                " is not 1");
          if (!drop) out.push_back(x[static_cast<std::size_t>(d)]);
        }
        break;
      }
      case ReshapeKind::Unsqueeze: {
        std::vector<int64_t> axes = axes_;
        if (axes_from_input_) {
          expect_present(in, 1, "axes");
          axes = constant_ints(in[1], 1, "axes");
        }
        const auto out_rank = rank + static_cast<int64_t>(axes.size());
        axes = sorted_axes(axes, out_rank, "Unsqueeze: axis");
        std::size_t next = 0;
        for (int64_t d = 0; d < out_rank; ++d)
          out.push_back(std::binary_search(axes.begin(), axes.end(), d) ? 1 : x[next++]);
        break;
      }
      case ReshapeKind::Identity:
        out = x;
        break;
    }
    return {logical(in[0].type, out)};
  }

  void run(const std::vector<const void*>& in, const std::vector<void*>& out) override {
    if (bytes_ > 0) std::memcpy(out[0], in[0], static_cast<std::size_t>(bytes_));
  }

  std::string kernel() const override { return "copy"; }

 private:
  ReshapeKind kind_;
  bool allow_zero_ = false, axes_from_input_ = false, has_axes_ = false;
  int64_t axis_ = 1, bytes_ = 0;
  std::vector<int64_t> axes_;
};

}  // namespace

StepPtr make_reshape_step(const StepContext& ctx) {
  const std::string& t = ctx.node.op_type;
  const ReshapeKind kind = t == "Reshape"     ? ReshapeKind::Reshape
                           : t == "Flatten"   ? ReshapeKind::Flatten
                           : t == "Squeeze"   ? ReshapeKind::Squeeze
                           : t == "Unsqueeze" ? ReshapeKind::Unsqueeze
                                              : ReshapeKind::Identity;
  return std::make_unique<ReshapeStep>(ctx, kind);
}

}  // namespace qwasm::runtime::float_steps
