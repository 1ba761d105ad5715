// Shapes and the overflow-checked element count every allocation goes through.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace qwasm {

using Shape = std::vector<int64_t>;

// Product of the dimensions; throws qwasm::Error on a negative dimension or on overflow past 2^53
// (the largest count JS can hold exactly). `what` names the tensor in the message.
int64_t element_count(const Shape& shape, const char* what = "tensor");
// The same for dimensions at hand, without building a Shape (for checks on every run).
int64_t element_count(std::initializer_list<int64_t> dims, const char* what = "tensor");
std::string shape_string(const Shape& shape);  // "[1, 3, 224, 224]"

}  // namespace qwasm
