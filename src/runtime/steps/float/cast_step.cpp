// Cast between float32, float64, the integer types and bool. Rules (ONNX leaves out-of-range results
// unspecified; qwasm's choice is deterministic and free of undefined behaviour):
//   float -> integer: truncate toward zero, saturate to the type's range, NaN -> 0;
//   integer -> integer: two's-complement wrap (modulo 2^bits), like C++ / numpy astype;
//   -> bool: value != 0 (NaN -> true); bool -> anything: 0 / 1;  -> float: nearest representable value.
// float16 / bfloat16 are not supported.
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/error.h"
#include "runtime/steps/float/factories.h"
#include "runtime/steps/float/step_util.h"

namespace qwasm::runtime::float_steps {
namespace {

// ONNX TensorProto.DataType -> element type (Undefined for the unsupported ones).
ElementType onnx_type(int64_t code) {
  switch (code) {
    case 1: return ElementType::Float32;
    case 2: return ElementType::UInt8;
    case 3: return ElementType::Int8;
    case 4: return ElementType::UInt16;
    case 5: return ElementType::Int16;
    case 6: return ElementType::Int32;
    case 7: return ElementType::Int64;
    case 9: return ElementType::Bool;
    case 11: return ElementType::Float64;
    case 12: return ElementType::UInt32;
    case 13: return ElementType::UInt64;
    default: return ElementType::Undefined;
  }
}

struct BoolByte { uint8_t v; };

template <class To, class From>
To convert(From v) {
  if constexpr (std::is_same_v<To, BoolByte>) {
    return BoolByte{static_cast<uint8_t>(v != From{0})};
  } else if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
    if (v != v) return To{0};
    const double t = std::trunc(static_cast<double>(v));  // exact for float and double sources
    if (t <= static_cast<double>(std::numeric_limits<To>::min())) return std::numeric_limits<To>::min();
    if (t >= static_cast<double>(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
    return static_cast<To>(t);
  } else {
    return static_cast<To>(v);  // integer wrap (C++17 implementation-defined, two's complement on every target)
  }
}

template <class From>
From read(const uint8_t* p, std::size_t i) {
  From v;
  std::memcpy(&v, p + i * sizeof(From), sizeof(From));
  return v;
}

// Calls fn(T{}) with T the C++ type of `type` (BoolByte for bool).
template <class Fn>
void with_type(ElementType type, Fn&& fn) {
  switch (type) {
    case ElementType::Float32: return fn(float{});
    case ElementType::Float64: return fn(double{});
    case ElementType::UInt8: return fn(uint8_t{});
    case ElementType::Int8: return fn(int8_t{});
    case ElementType::UInt16: return fn(uint16_t{});
    case ElementType::Int16: return fn(int16_t{});
    case ElementType::Int32: return fn(int32_t{});
    case ElementType::Int64: return fn(int64_t{});
    case ElementType::UInt32: return fn(uint32_t{});
    case ElementType::UInt64: return fn(uint64_t{});
    case ElementType::Bool: return fn(BoolByte{});
    default: fail("Cast: unsupported type ", graph::element_type_name(type));
  }
}

template <class T>
auto widen(T v) {
  if constexpr (std::is_same_v<T, BoolByte>) {
    return static_cast<uint8_t>(v.v != 0);
  } else {
    return v;
  }
}

class CastStep : public Step {
 public:
  explicit CastStep(const StepContext& ctx) {
    check(ctx.node.find_attribute("to") != nullptr, "Cast: attribute 'to' is required");
    const int64_t to = ctx.node.attribute_int("to", 0);
    to_ = onnx_type(to);
    check(to_ != ElementType::Undefined, "Cast: unsupported target type ", to,
          " (supported: float32, float64, int8..int64, uint8..uint64, bool)");
  }

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& in) override {
    expect_input_count(in, 1, 1);
    expect_present(in, 0, "input");
    from_ = in[0].type;
    with_type(from_, [](auto) {});  // rejects an unsupported source type now
    count_ = in[0].count();
    return {logical(to_, in[0].shape)};
  }

  void run(const std::vector<const void*>& in, const std::vector<void*>& out) override {
    const auto* src = static_cast<const uint8_t*>(in[0]);
    auto* dst = static_cast<uint8_t*>(out[0]);
    const auto n = static_cast<std::size_t>(count_);
    with_type(from_, [&](auto from_tag) {
      using From = decltype(from_tag);
      with_type(to_, [&](auto to_tag) {
        using To = decltype(to_tag);
        for (std::size_t i = 0; i < n; ++i) {
          const To v = convert<To>(widen(read<From>(src, i)));
          std::memcpy(dst + i * sizeof(To), &v, sizeof(To));
        }
      });
    });
  }

  std::string kernel() const override { return "convert"; }

 private:
  ElementType to_ = ElementType::Float32, from_ = ElementType::Float32;
  int64_t count_ = 0;
};

}  // namespace

StepPtr make_cast_step(const StepContext& ctx) { return std::make_unique<CastStep>(ctx); }

}  // namespace qwasm::runtime::float_steps
