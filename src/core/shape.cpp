#include "core/shape.h"

#include "core/error.h"

namespace qwasm {

namespace {

// The Shape for the message is built only on failure.
int64_t count_elements(const int64_t* dims, std::size_t rank, const char* what) {
  constexpr int64_t kMaxCount = int64_t{1} << 53;
  int64_t count = 1;
  for (std::size_t i = 0; i < rank; ++i) {
    const int64_t d = dims[i];
    if (d < 0) fail(what, ": negative dimension in shape ", shape_string(Shape(dims, dims + rank)));
    if (d != 0 && count > kMaxCount / d) {
      fail(what, ": shape ", shape_string(Shape(dims, dims + rank)), " has too many elements");
    }
    count *= d;
  }
  return count;
}

}  // namespace

int64_t element_count(const Shape& shape, const char* what) {
  return count_elements(shape.data(), shape.size(), what);
}

int64_t element_count(std::initializer_list<int64_t> dims, const char* what) {
  return count_elements(dims.begin(), dims.size(), what);
}

std::string shape_string(const Shape& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

}  // namespace qwasm
