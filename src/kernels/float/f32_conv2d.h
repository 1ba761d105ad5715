// f32 2-D convolution and pooling geometry in NCHW (ONNX's layout), and the convolution kernels:
//   y[n][oc][oy][ox] = clamp(bias[oc] + sum_{ic in group, ky, kx} x[n][ic][iy][ix] * w[oc][ic - g0][ky][kx])
//   with iy = oy * stride_h - pad_top + ky * dilation_h (taps outside the image read 0), likewise ix.
// Three implementations: the reference (the formula), conv2d_f32_gemm (im2col panels of 8 output pixels fed to
// the f32_gemm_4x8 microkernel with the weights as A: output channels are rows, so the result lands in NCHW
// directly) and dwconv2d_f32 (depthwise: one input channel per group; SIMD128 over 4 output columns of a
// zero-padded copy of the input plane). All sum taps in the same (ic, ky, kx) order and add the bias last.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/float/f32_gemm.h"

namespace qwasm {

struct F32Nchw {
  int64_t n = 1, c = 1, h = 1, w = 1;
  int64_t plane() const { return h * w; }
  int64_t count() const { return n * c * h * w; }
};

// A 2-D sliding window (convolution or pooling): kernel size, strides, dilations and the four pads.
struct F32Window2d {
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
};

struct F32Conv2dParams {
  F32Nchw in;             // input dims
  int64_t out_channels = 1;
  int64_t groups = 1;
  F32Window2d window;
  int64_t out_h = 1, out_w = 1;  // from f32_window_output_size
  float min = -std::numeric_limits<float>::infinity();  // fused activation clamp
  float max = std::numeric_limits<float>::infinity();
};

// floor((in + pads - dilation * (kernel - 1) - 1) / stride) + 1, or with ceil_mode the ceiling, where a last
// window starting in the end padding is dropped (PyTorch's and onnxruntime's rule). Throws qwasm::Error when the
// window does not fit (names `op`).
int64_t f32_window_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, int64_t pad_begin,
                               int64_t pad_end, bool ceil_mode, const char* op);

// w: [out_channels][in.c / groups][kernel_h][kernel_w]; bias: [out_channels] or null; y: [n][out_channels][oh][ow].
void conv2d_f32_reference(const F32Conv2dParams& p, const float* x, const float* w, const float* bias, float* y);

// The im2col + GEMM path (any group count), on weights packed by f32_conv_pack_weights (per group, tiles of 4
// output channels with the 4 values of each k step adjacent: f32_gemm_pack_a). Uses the thread pool; needs no
// caller scratch.
std::size_t f32_conv_packed_weights_size(const F32Conv2dParams& p);
void f32_conv_pack_weights(const F32Conv2dParams& p, const float* w, float* packed);
void conv2d_f32_gemm(const F32Conv2dParams& p, const float* x, const float* packed_w, const float* bias, float* y);

// Depthwise: groups == in.c, out_channels a multiple of in.c (channel multiplier), one input channel per group.
bool f32_conv_is_depthwise(const F32Conv2dParams& p);
void dwconv2d_f32(const F32Conv2dParams& p, const float* x, const float* w, const float* bias, float* y);

}  // namespace qwasm
