// What the planner knows about one runtime value: element type, logical shape, physical layout, and its data when
// that is known at plan time (a constant, or a value folded from constants).
#pragma once

#include <cstdint>
#include <memory>

#include "core/shape.h"
#include "graph/element_type.h"
#include "graph/ir.h"

namespace qwasm::runtime {

// Logical: row-major in the ONNX dim order. NHWC: a rank-4 value whose logical shape is [N, C, H, W] stored as
// [N][H][W][C] (the int8 kernels' layout). Only quantized activations are ever NHWC; every value crossing the
// session boundary is Logical.
enum class Layout { Logical, NHWC };
const char* layout_name(Layout layout);  // "logical" / "nhwc"

struct ValueInfo {
  graph::ElementType type = graph::ElementType::Undefined;
  Shape shape;  // logical dims, always
  Layout layout = Layout::Logical;
  // Set when the data is known at plan time; bytes are in `layout` order (constants are always Logical).
  std::shared_ptr<const graph::TensorData> constant;

  bool is_constant() const { return constant != nullptr; }
  int64_t count() const;  // element_count(shape), overflow-checked
  int64_t bytes() const;  // count() * element size, overflow-checked
};

}  // namespace qwasm::runtime
