// f32 pooling in NCHW (the specification; pooling is memory-bound, so these plain loops are also what runs).
//   max: the largest tap inside the image (pads never win); avg: sum of the taps inside the image divided by the
//   tap count inside the image, or with count_include_pad by the taps inside the padded input (a ceil_mode
//   window hanging past the end padding is clipped there: PyTorch's and onnxruntime's divisor).
#pragma once

#include <cstdint>

#include "kernels/float/f32_conv2d.h"

namespace qwasm {

void max_pool2d_f32(const F32Nchw& in, const float* x, const F32Window2d& g, int64_t out_h, int64_t out_w, float* y);
void avg_pool2d_f32(const F32Nchw& in, const float* x, const F32Window2d& g, int64_t out_h, int64_t out_w,
                    bool count_include_pad, float* y);
// y[plane] = mean of x's plane (planes = N * C); the sum runs in float, in order, like PyTorch's CPU mean.
void global_avg_pool_f32(int64_t planes, int64_t plane_size, const float* x, float* y);

}  // namespace qwasm
