// SIMD128 microkernel: float32 -> quint8 / qint8 codes, per-tensor, with PyTorch's arithmetic
// (core/quantize.h's quantize_value: clamp(trunc(zp + rne(x * (1/scale))), type range), x86's "indefinite"
// integer for NaN and for sums beyond int64 clamping to the range's minimum). Bit-identical to quantize_value by
// construction; tests/cpp/test_q8_quantize.cpp checks it on ties, saturation, NaN/inf and every tail length.
#pragma once

#include <cstdint>

namespace qwasm {

void q8_quantize_to_u8(const float* x, int64_t n, float scale, int32_t zero_point, uint8_t* y);
void q8_quantize_to_s8(const float* x, int64_t n, float scale, int32_t zero_point, int8_t* y);

}  // namespace qwasm
