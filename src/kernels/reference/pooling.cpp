#include "kernels/reference/pooling.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/requantize.h"
#include "core/shape.h"

namespace qwasm {

int64_t pooling_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t pad, int64_t dilation,
                            bool ceil_mode) {
  const int64_t span = in + 2 * pad - dilation * (kernel - 1) - 1;
  if (span < 0) return 0;  // window larger than the padded input
  int64_t out = (span + (ceil_mode ? stride - 1 : 0)) / stride + 1;
  // A ceil_mode window that would start in the right padding (or beyond) is dropped.
  if (ceil_mode && (out - 1) * stride >= in + pad) --out;
  return out;
}

NhwcDims pool2d_output_dims(const NhwcDims& in, const Pool2dGeometry& g, const char* op) {
  check(in.n >= 0 && in.h > 0 && in.w > 0 && in.c >= 0, op, ": input dims must be N >= 0, H > 0, W > 0, C >= 0, got ",
        in.n, "x", in.h, "x", in.w, "x", in.c);
  check(g.kernel_h > 0 && g.kernel_w > 0, op, ": kernel must be positive, got ", g.kernel_h, "x", g.kernel_w);
  check(g.stride_h > 0 && g.stride_w > 0, op, ": stride must be positive, got ", g.stride_h, "x", g.stride_w);
  check(g.dilation_h > 0 && g.dilation_w > 0, op, ": dilation must be positive, got ", g.dilation_h, "x",
        g.dilation_w);
  check(g.pad_h >= 0 && g.pad_w >= 0, op, ": padding must be >= 0, got ", g.pad_h, "x", g.pad_w);
  check(g.pad_h <= g.kernel_h / 2 && g.pad_w <= g.kernel_w / 2, op, ": padding ", g.pad_h, "x", g.pad_w,
        " must be at most half the kernel ", g.kernel_h, "x", g.kernel_w);
  check(g.kernel_h * g.kernel_w <= (int64_t{1} << 23), op, ": kernel ", g.kernel_h, "x", g.kernel_w,
        " is too large (at most 2^23 taps keep the int32 window sum exact)");
  NhwcDims out = in;
  out.h = pooling_output_size(in.h, g.kernel_h, g.stride_h, g.pad_h, g.dilation_h, g.ceil_mode);
  out.w = pooling_output_size(in.w, g.kernel_w, g.stride_w, g.pad_w, g.dilation_w, g.ceil_mode);
  check(out.h > 0 && out.w > 0, op, ": output would be empty (", out.h, "x", out.w, ") for input ", in.h, "x", in.w,
        ", kernel ", g.kernel_h, "x", g.kernel_w);
  element_count({out.n, out.h, out.w, out.c}, op);  // the initializer-list overload: no Shape on every run
  element_count({in.n, in.h, in.w, in.c}, op);
  return out;
}

void max_pool2d_qu8_reference(const NhwcDims& in, const uint8_t* x, const Pool2dGeometry& g, uint8_t* y) {
  const NhwcDims out = pool2d_output_dims(in, g, "max_pool2d");
  for (int64_t n = 0; n < in.n; ++n) {
    for (int64_t oh = 0; oh < out.h; ++oh) {
      for (int64_t ow = 0; ow < out.w; ++ow) {
        for (int64_t c = 0; c < in.c; ++c) {
          int32_t best = -1;  // no tap yet
          for (int64_t kh = 0; kh < g.kernel_h; ++kh) {
            const int64_t ih = oh * g.stride_h - g.pad_h + kh * g.dilation_h;
            if (ih < 0 || ih >= in.h) continue;
            for (int64_t kw = 0; kw < g.kernel_w; ++kw) {
              const int64_t iw = ow * g.stride_w - g.pad_w + kw * g.dilation_w;
              if (iw < 0 || iw >= in.w) continue;
              best = std::max<int32_t>(best, x[((n * in.h + ih) * in.w + iw) * in.c + c]);
            }
          }
          // pad <= kernel/2 guarantees a real tap in every window (PyTorch's shape check ensures the same).
          y[((n * out.h + oh) * out.w + ow) * in.c + c] = static_cast<uint8_t>(best < 0 ? 0 : best);
        }
      }
    }
  }
}

float avg_pool_requantization_scale(float input_scale, float output_scale, int64_t divisor) {
  const float denominator = output_scale * static_cast<float>(divisor);
  return input_scale / denominator;
}

AvgPoolRounding avg_pool_rounding(float input_scale, float output_scale, int64_t divisor, bool generic) {
  AvgPoolRounding r;
  r.generic = generic;
  if (generic) {
    const double ratio = static_cast<double>(input_scale) / static_cast<double>(output_scale);
    r.scale = static_cast<float>(ratio / static_cast<double>(divisor));
  } else {
    r.scale = avg_pool_requantization_scale(input_scale, output_scale, divisor);
  }
  return r;
}

uint8_t avg_pool_output(int32_t acc, const AvgPoolRounding& r, int32_t output_zero_point) {
  if (!r.generic) return static_cast<uint8_t>(requantize(acc, r.scale, output_zero_point, 0, 255));
  const float shifted = static_cast<float>(acc) * r.scale + static_cast<float>(output_zero_point);  // 2 roundings
  const float rounded = std::nearbyint(shifted);
  return static_cast<uint8_t>(rounded < 0.0f ? 0.0f : (rounded > 255.0f ? 255.0f : rounded));
}

bool avg_pool_uses_generic_rounding(const Pool2dGeometry& g, const AvgPool2dOptions& options) {
  return g.ceil_mode || !options.count_include_pad || options.divisor_override > 0;
}

namespace {
// Sum of (x - zp) over rows [h0, h1) x cols [w0, w1) of channel c of image n. At most 2^23 taps of |x - zp| <= 255:
// |acc| < 2^31, exact in int32.
int32_t window_sum(const NhwcDims& in, const uint8_t* x, int32_t zp, int64_t n, int64_t c, int64_t h0, int64_t h1,
                   int64_t w0, int64_t w1) {
  int32_t acc = 0;
  for (int64_t h = h0; h < h1; ++h) {
    for (int64_t w = w0; w < w1; ++w) acc += static_cast<int32_t>(x[((n * in.h + h) * in.w + w) * in.c + c]) - zp;
  }
  return acc;
}
}  // namespace

void validate_avg_pool2d(const Pool2dGeometry& g, const AvgPool2dOptions& options, const Qu8Params& x_q,
                         const Qu8Params& y_q) {
  check(g.dilation_h == 1 && g.dilation_w == 1, "avg_pool2d: dilation must be 1, got ", g.dilation_h, "x",
        g.dilation_w);
  check(options.divisor_override >= 0, "avg_pool2d: divisor_override must be positive, got ",
        options.divisor_override);
  validate_qu8(x_q, "avg_pool2d", "input");
  validate_qu8(y_q, "avg_pool2d", "output");
}

void avg_pool2d_qu8_reference(const NhwcDims& in, const uint8_t* x, const Qu8Params& x_q, const Pool2dGeometry& g,
                              const AvgPool2dOptions& options, uint8_t* y, const Qu8Params& y_q) {
  const NhwcDims out = pool2d_output_dims(in, g, "avg_pool2d");
  validate_avg_pool2d(g, options, x_q, y_q);
  const bool generic = avg_pool_uses_generic_rounding(g, options);
  for (int64_t n = 0; n < in.n; ++n) {
    for (int64_t oh = 0; oh < out.h; ++oh) {
      const int64_t h_start = oh * g.stride_h - g.pad_h;
      const int64_t h_end_padded = std::min(h_start + g.kernel_h, in.h + g.pad_h);
      const int64_t h0 = std::max<int64_t>(h_start, 0), h1 = std::min(h_end_padded, in.h);
      for (int64_t ow = 0; ow < out.w; ++ow) {
        const int64_t w_start = ow * g.stride_w - g.pad_w;
        const int64_t w_end_padded = std::min(w_start + g.kernel_w, in.w + g.pad_w);
        const int64_t w0 = std::max<int64_t>(w_start, 0), w1 = std::min(w_end_padded, in.w);
        int64_t divisor;
        if (options.divisor_override > 0) {
          divisor = options.divisor_override;
        } else if (options.count_include_pad) {
          divisor = (h_end_padded - h_start) * (w_end_padded - w_start);
        } else {
          divisor = (h1 - h0) * (w1 - w0);
        }
        const AvgPoolRounding rounding = avg_pool_rounding(x_q.scale, y_q.scale, divisor, generic);
        for (int64_t c = 0; c < in.c; ++c) {
          const int32_t acc = window_sum(in, x, x_q.zero_point, n, c, h0, h1, w0, w1);
          y[((n * out.h + oh) * out.w + ow) * in.c + c] = avg_pool_output(acc, rounding, y_q.zero_point);
        }
      }
    }
  }
}

void adaptive_avg_pool2d_qu8_reference(const NhwcDims& in, const uint8_t* x, const Qu8Params& x_q, int64_t out_h,
                                       int64_t out_w, uint8_t* y) {
  check(in.n >= 0 && in.h > 0 && in.w > 0 && in.c >= 0, "adaptive_avg_pool2d: input dims must be N >= 0, H > 0, ",
        "W > 0, C >= 0, got ", in.n, "x", in.h, "x", in.w, "x", in.c);
  check(out_h > 0 && out_w > 0, "adaptive_avg_pool2d: output size must be positive, got ", out_h, "x", out_w);
  check(in.h * in.w <= (int64_t{1} << 23), "adaptive_avg_pool2d: plane of ", in.h, "x", in.w,
        " is too large (at most 2^23 elements keep the int32 window sum exact)");
  validate_qu8(x_q, "adaptive_avg_pool2d", "input");
  element_count({in.n, out_h, out_w, in.c}, "adaptive_avg_pool2d");
  const bool uniform_grid = in.h % out_h == 0 && in.w % out_w == 0 && !(in.h == out_h && in.w == out_w);
  for (int64_t n = 0; n < in.n; ++n) {
    for (int64_t oh = 0; oh < out_h; ++oh) {
      const int64_t h0 = oh * in.h / out_h, h1 = ((oh + 1) * in.h + out_h - 1) / out_h;
      for (int64_t ow = 0; ow < out_w; ++ow) {
        const int64_t w0 = ow * in.w / out_w, w1 = ((ow + 1) * in.w + out_w - 1) / out_w;
        uint8_t* dst = y + ((n * out_h + oh) * out_w + ow) * in.c;
        if (uniform_grid) {
          const AvgPoolRounding r = avg_pool_rounding(x_q.scale, x_q.scale, (h1 - h0) * (w1 - w0), false);
          for (int64_t c = 0; c < in.c; ++c) {
            dst[c] = avg_pool_output(window_sum(in, x, x_q.zero_point, n, c, h0, h1, w0, w1), r, x_q.zero_point);
          }
        } else {
          // Mean of the raw codes: f32(1 / kh) / kw, both float32 divisions, times the float sum.
          const float reciprocal = (1.0f / static_cast<float>(h1 - h0)) / static_cast<float>(w1 - w0);
          for (int64_t c = 0; c < in.c; ++c) {
            const int32_t sum = window_sum(in, x, 0, n, c, h0, h1, w0, w1);  // <= 255 * 2^23
            dst[c] = static_cast<uint8_t>(std::nearbyint(static_cast<float>(sum) * reciprocal));  // in 0..255
          }
        }
      }
    }
  }
}

}  // namespace qwasm
