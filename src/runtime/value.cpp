#include "runtime/value.h"

#include "core/error.h"

namespace qwasm::runtime {

const char* layout_name(Layout layout) { return layout == Layout::NHWC ? "nhwc" : "logical"; }

int64_t ValueInfo::count() const { return element_count(shape, "value"); }

int64_t ValueInfo::bytes() const {
  const int64_t n = count();
  const auto size = static_cast<int64_t>(graph::element_size(type));
  check(size > 0, "value of type ", graph::element_type_name(type), " has no element size");
  check(n <= (int64_t{1} << 53) / size, "value of ", n, " elements is too large");
  return n * size;
}

}  // namespace qwasm::runtime
