// SIMD128 max_pool2d over quint8 NHWC: 16 channels per vector (u8x16.max), channel tails through a 16-byte scratch.
// Same geometry, validation and results as max_pool2d_qu8_reference (kernels/reference/pooling.h).
#pragma once

#include <cstdint>

#include "kernels/reference/pooling.h"

namespace qwasm {

void max_pool2d_qu8_simd128(const NhwcDims& in, const uint8_t* x, const Pool2dGeometry& g, uint8_t* y);

// Output rows [oh_begin, oh_end) of every image only (y still points at the whole output), so that threads can
// share one pooling layer. Does not validate: the caller has (pool2d_output_dims, as MaxPool2dOperator does).
void max_pool2d_qu8_simd128_rows(const NhwcDims& in, const uint8_t* x, const Pool2dGeometry& g, uint8_t* y,
                                 int64_t oh_begin, int64_t oh_end);

}  // namespace qwasm
