// Quantized 2-D convolution operator (quint8 activations NHWC, qint8 weights, int32 bias), PyTorch 1.13
// qnnpack arithmetic (../shared/QUANT_SEMANTICS.md, "Conv2d / Linear").
//
// create: validates geometry and qparams (clear qwasm::Error messages), quantizes the float bias (or takes an
//         int32 bias as is, as ONNX files carry it), precomputes the per-channel requantization multipliers,
//         packs the weights for the kernel it chooses once:
//           depthwise (groups == in_channels == out_channels): qu8_dwconv_pad_rows + qu8_dwconv_3x3_c8 /
//             5x5_c8 / generic_c8
//           everything else (1x1, general, grouped, depthwise multiplier > 1): qu8_im2col (1x1 unpadded single
//             group: rows read straight from the input pixels) + a GEMM microkernel:
//             qu8_gemm_4x8c2 when the depth K is small and there are >= 16 output channels per group (its
//             epilogue has no horizontal reduction, which dominates short K loops), qu8_gemm_4x2c8 otherwise
// run:    output tiles are split across the thread pool (bit-identical for any thread count); nothing is
//         allocated except the operator's reusable scratch (im2col panel or padded depthwise band) when a
//         larger input first needs it.
// run() mutates that scratch: one operator must not run on two threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/reference/conv2d.h"
#include "kernels/reference/conv_quantization.h"
#include "kernels/simd128/qu8_dwconv_c8.h"

namespace qwasm {

class Conv2dOperator {
 public:
  // weight: PyTorch's OIHW layout [out_channels][in_channels / groups][kernel_h][kernel_w]; bias: out_channels
  // floats or null.
  static Conv2dOperator create(const Conv2dGeometry& geometry, const ConvQuantization& quantization,
                               const int8_t* weight, const float* bias);
  // bias_q: out_channels int32 values in the accumulator's scale (w_scale[c] * in_scale), or null.
  static Conv2dOperator create_with_int32_bias(const Conv2dGeometry& geometry,
                                               const ConvQuantization& quantization, const int8_t* weight,
                                               const int32_t* bias_q);

  // input: NHWC [batch][height][width][in_channels]; output: NHWC [batch][out_h][out_w][out_channels].
  void run(const uint8_t* input, int64_t batch, int64_t height, int64_t width, uint8_t* output);

  int64_t output_height(int64_t height) const { return geometry_.output_height(height); }
  int64_t output_width(int64_t width) const { return geometry_.output_width(width); }
  const Conv2dGeometry& geometry() const { return geometry_; }
  const ConvQuantization& quantization() const { return quantization_; }
  // The int32 bias the operator adds (out_channels values).
  std::vector<int32_t> quantized_bias() const {
    return std::vector<int32_t>(bias_q_.begin(), bias_q_.begin() + geometry_.out_channels);
  }
  // The microkernel chosen at create, e.g. "qu8_gemm_4x2c8", "qu8_gemm_4x8c2" or "qu8_dwconv_3x3_c8".
  const std::string& kernel_name() const { return kernel_name_; }

  // Shared with LinearOperator (a linear layer is a 1x1 convolution on a 1x1 image): `op` names the operator
  // in error messages.
  static Conv2dOperator create_named(const char* op, const Conv2dGeometry& geometry,
                                     const ConvQuantization& quantization, const int8_t* weight,
                                     const int32_t* bias_q);

 private:
  enum class Path { gemm, depthwise };
  enum class GemmKernel { c8_4x2, c2_4x8 };  // qu8_gemm_4x2c8 / qu8_gemm_4x8c2
  Conv2dOperator() = default;
  void run_gemm(const uint8_t* input, int64_t batch, int64_t height, int64_t width, uint8_t* output);
  void run_depthwise(const uint8_t* input, int64_t batch, int64_t height, int64_t width, uint8_t* output);

  std::string op_name_;
  Conv2dGeometry geometry_;
  ConvQuantization quantization_;
  Path path_ = Path::gemm;
  GemmKernel gemm_kernel_ = GemmKernel::c8_4x2;
  std::string kernel_name_;
  Qu8DwconvKernel dwconv_kernel_ = nullptr;  // depthwise: the microkernel chosen at create
  std::vector<int32_t> bias_q_;          // out_channels (depthwise: padded to the 8-lane step with zeros)
  std::vector<float> scales_;            // requantization multipliers, same length as bias_q_
  std::vector<int32_t> gemm_bias_;       // gemm: bias in the chosen kernel's epilogue layout, one block per group
  std::vector<float> gemm_scales_;       // gemm: multipliers laid out the same way
  int64_t gemm_epilogue_size_ = 0;       // gemm: values per group block of gemm_bias_ / gemm_scales_
  std::vector<int16_t> packed_weights_;  // kernel-specific layout (gemm: one packed block per group)
  int64_t packed_group_size_ = 0;        // gemm: int16 values per group block
  int64_t kc_ = 0;                       // gemm: padded depth K
  std::vector<int16_t> scratch_;         // im2col panel (gemm) or padded int16 band (depthwise), reused
  std::vector<int64_t> panel_group_;     // per worker: the group whose rows its panel holds (weight-heavy gemm)
  std::vector<int32_t> tap_offsets_;     // depthwise: tap offsets in the band, recomputed per input width
};

}  // namespace qwasm
