// Graph IR -> ONNX ModelProto bytes (protozero's writer): what calibration's `toONNX()` and the tests that build
// models use. Constants become initializers with raw_data; inputs and outputs get their declared types and
// shapes; nodes and attributes are written as they are (qwasm-domain nodes included: export a graph without them
// for other runtimes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/ir.h"

namespace qwasm::graph::onnx {

int32_t element_type_to_onnx(ElementType type);  // TensorProto.DataType code; throws for Undefined

std::vector<uint8_t> encode_model(const Model& model);

}  // namespace qwasm::graph::onnx
