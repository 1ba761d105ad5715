// Conversions shared by the session and calibrator bindings: element type names, session options, declared
// input/output metadata, feeds (JS tensors -> TensorViews over heap copies).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common.h"
#include "runtime/session.h"

namespace qwasm::bindings {

graph::ElementType parse_element_type(const std::string& name);

// The prepared run path passes element types as small integer codes: element_type_names()[code] is the name.
val element_type_names();
graph::ElementType element_type_of_code(double code);  // throws on an unknown code
double element_type_code(graph::ElementType type);     // -1 for a type without a code

// maxModelBytes, maxNodes, maxTensorRank, maxTensorElements, maxActivationBytes (non-negative integers).
runtime::SessionOptions to_session_options(const val& options);

// [{ name, type, shape }] with shape entries numbers, symbolic names or null (null for an unknown rank).
val io_to_js(const std::vector<runtime::IOInfo>& infos);

// Feeds [{ name, type, dims, data }] copied into the heap (one TypedArray.set each); the views point into
// `buffers`, which must outlive them.
std::vector<std::pair<std::string, runtime::TensorView>> feeds_from_js(const val& feeds,
                                                                       std::vector<std::vector<uint8_t>>& buffers);

}  // namespace qwasm::bindings
