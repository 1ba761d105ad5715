// Conversions shared by the session and calibrator bindings: element type names, session options, declared
// input/output metadata, feeds (JS tensors -> TensorViews over heap copies) and outputs (-> JS Uint8Arrays).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common.h"
#include "runtime/session.h"

namespace qwasm::bindings {

graph::ElementType parse_element_type(const std::string& name);

// maxModelBytes, maxNodes, maxTensorRank, maxTensorElements, maxActivationBytes (non-negative integers).
runtime::SessionOptions to_session_options(const val& options);

// [{ name, type, shape }] with shape entries numbers, symbolic names or null (null for an unknown rank).
val io_to_js(const std::vector<runtime::IOInfo>& infos);

// Feeds [{ name, type, dims, data }] copied into the heap (one TypedArray.set each); the views point into
// `buffers`, which must outlive them.
std::vector<std::pair<std::string, runtime::TensorView>> feeds_from_js(const val& feeds,
                                                                       std::vector<std::vector<uint8_t>>& buffers);

// [{ name, type, dims, bytes: Uint8Array }] (fresh copies).
val outputs_to_js(const std::vector<runtime::OutputTensor>& results);

}  // namespace qwasm::bindings
