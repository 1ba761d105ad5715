// Add, Sub, Mul, Div with numpy broadcasting, on float32 and on the integer types shape arithmetic uses (int64,
// int32). Integer Div truncates toward zero (C++ and onnxruntime); an integer division by zero is an error.
// Integer Add/Sub/Mul wrap modulo 2^bits (computed unsigned, so no undefined behaviour).
#include <type_traits>

#include "core/error.h"
#include "kernels/float/f32_elementwise.h"
#include "runtime/steps/float/factories.h"
#include "runtime/steps/float/step_util.h"

namespace qwasm::runtime::float_steps {
namespace {

enum class BinaryOp { Add, Sub, Mul, Div };

template <class T>
T apply(BinaryOp op, T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    switch (op) {
      case BinaryOp::Add: return a + b;
      case BinaryOp::Sub: return a - b;
      case BinaryOp::Mul: return a * b;
      case BinaryOp::Div: return a / b;
    }
    return a;
  } else {
    using U = std::make_unsigned_t<T>;
    switch (op) {
      case BinaryOp::Add: return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
      case BinaryOp::Sub: return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
      case BinaryOp::Mul: return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
      case BinaryOp::Div:
        check(b != 0, "integer division by zero");
        if (b == -1) return static_cast<T>(U{0} - static_cast<U>(a));  // INT_MIN / -1 wraps instead of trapping
        return static_cast<T>(a / b);
    }
    return a;
  }
}

class BinaryStep : public Step {
 public:
  BinaryStep(BinaryOp op, std::string name) : op_(op), name_(std::move(name)) {}

  std::vector<ValueInfo> plan(const std::vector<ValueInfo>& in) override {
    expect_input_count(in, 2, 2);
    expect_present(in, 0, "A");
    expect_present(in, 1, "B");
    type_ = in[0].type;
    check(type_ == ElementType::Float32 || type_ == ElementType::Int64 || type_ == ElementType::Int32, name_,
          ": input 0 'A' must be float32, int64 or int32, got ", graph::element_type_name(type_));
    expect_type(in, 1, "B", type_);
    strides_ = broadcast_strides(in[0].shape, in[1].shape, name_.c_str());
    return {logical(type_, strides_.out)};
  }

  void run(const std::vector<const void*>& in, const std::vector<void*>& out) override {
    switch (type_) {
      case ElementType::Float32: return run_typed<float>(in, out);
      case ElementType::Int64: return run_typed<int64_t>(in, out);
      default: return run_typed<int32_t>(in, out);
    }
  }

 private:
  template <class T>
  void run_typed(const std::vector<const void*>& in, const std::vector<void*>& out) {
    const BinaryOp op = op_;
    broadcast_binary(strides_, static_cast<const T*>(in[0]), static_cast<const T*>(in[1]), static_cast<T*>(out[0]),
                     [op](T a, T b) { return apply(op, a, b); });
  }

  BinaryOp op_;
  std::string name_;
  ElementType type_ = ElementType::Float32;
  BroadcastStrides strides_;
};

}  // namespace

StepPtr make_binary_step(const StepContext& ctx) {
  const std::string& op = ctx.node.op_type;
  const BinaryOp kind = op == "Add" ? BinaryOp::Add : op == "Sub" ? BinaryOp::Sub : op == "Mul" ? BinaryOp::Mul
                                                                                                 : BinaryOp::Div;
  return std::make_unique<BinaryStep>(kind, op);
}

}  // namespace qwasm::runtime::float_steps
