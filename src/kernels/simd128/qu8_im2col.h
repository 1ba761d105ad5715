// qu8_im2col: the A panel of the GEMM convolution path. Row m is output pixel m (batch-major, NHWC order);
// its K = kernel_h * kernel_w * in_channels_per_group values are the input taps in (ky, kx, ic) order, widened
// to int16 with the input zero point subtracted, padding taps 0, and the row padded with 0 to kc (a multiple of
// 8).
//
// Why im2col into a reused int16 scratch rather than an indirection buffer: the zero-point subtraction and the
// u8 -> i16 widening then happen once per panel element instead of once per (element x column tile), padding
// becomes plain zeros so the microkernel has no edge cases and no zero-point correction terms, and 1x1 convs
// and linear layers use the very same kernel. The cost is O(M*K) copying against O(M*K*N) multiply-adds, small
// for the channel counts of real networks, and the scratch is bounded because each parallel task of the operator
// gathers only its own rows (a few tiles) into its worker's panel.
#pragma once

#include <cstdint>

#include "kernels/reference/conv2d.h"

namespace qwasm {

struct Qu8Im2colShape {
  Conv2dGeometry geometry;
  int64_t height = 0, width = 0;         // input
  int64_t out_height = 0, out_width = 0;
  int32_t input_zero_point = 0;
  int64_t kc = 0;                        // padded row length (>= K, multiple of 8)
};

// dst[i] = (int16)(src[i] - zero_point) for i < n.
void qu8_widen_less_zero_point(const uint8_t* src, int64_t n, int32_t zero_point, int16_t* dst);

// Rows [m_begin, m_end) of group `group` into panel (row stride kc), from NHWC input of shape.
void qu8_im2col(const Qu8Im2colShape& s, const uint8_t* input, int64_t group, int64_t m_begin, int64_t m_end,
                int16_t* panel);

}  // namespace qwasm
