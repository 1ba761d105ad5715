#include "kernels/simd128/qu8_im2col.h"

#include <algorithm>
#include <cstring>

#include "kernels/simd128/simd.h"

namespace qwasm {

void qu8_widen_less_zero_point(const uint8_t* src, int64_t n, int32_t zero_point, int16_t* dst) {
  const v128_t zp = wasm_i16x8_splat(static_cast<int16_t>(zero_point));
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) wasm_v128_store(dst + i, wasm_i16x8_sub(wasm_u16x8_load8x8(src + i), zp));
  if (i < n && n >= 8) {
    // The tail as one more vector ending at n, overlapping values already written (the same values again):
    // short runs (a 7x7 stem's 21 values per kernel row) then need no scalar loop.
    wasm_v128_store(dst + n - 8, wasm_i16x8_sub(wasm_u16x8_load8x8(src + n - 8), zp));
    return;
  }
  for (; i < n; ++i) dst[i] = static_cast<int16_t>(src[i] - zero_point);
}

void qu8_im2col(const Qu8Im2colShape& s, const uint8_t* input, int64_t group, int64_t m_begin, int64_t m_end,
                int16_t* panel) {
  const Conv2dGeometry& g = s.geometry;
  const int64_t cin_g = g.in_channels_per_group();
  const int64_t k = g.kernel_h * g.kernel_w * cin_g;
  const int64_t pixels = s.out_height * s.out_width;
  for (int64_t m = m_begin; m < m_end; ++m) {
    int16_t* row = panel + (m - m_begin) * s.kc;
    const int64_t n = m / pixels, oy = m % pixels / s.out_width, ox = m % s.out_width;
    const uint8_t* image = input + n * s.height * s.width * g.in_channels + group * cin_g;
    int16_t* dst = row;
    // With one group and no horizontal dilation a kernel row's in-image taps are one contiguous NHWC run:
    // one widening per kernel row instead of one per tap (ResNet's 7x7 stem has 3 channels per tap).
    const bool contiguous_taps = g.dilation_w == 1 && cin_g == g.in_channels;
    const int64_t ix0 = ox * g.stride_w - g.pad_left;
    for (int64_t ky = 0; ky < g.kernel_h; ++ky) {
      const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
      const int64_t row_values = g.kernel_w * cin_g;
      if (iy < 0 || iy >= s.height) {  // a padding row: x - zp = 0 for every tap
        std::memset(dst, 0, static_cast<std::size_t>(row_values) * sizeof(int16_t));
        dst += row_values;
        continue;
      }
      if (contiguous_taps) {
        // Taps [kx_lo, kx_hi) are inside the image; those before and after are padding.
        const int64_t kx_lo = std::min(g.kernel_w, std::max<int64_t>(0, -ix0));
        const int64_t kx_hi = std::max(kx_lo, std::min(g.kernel_w, s.width - ix0));
        std::memset(dst, 0, static_cast<std::size_t>(kx_lo * cin_g) * sizeof(int16_t));
        if (kx_hi > kx_lo) {
          qu8_widen_less_zero_point(image + (iy * s.width + ix0 + kx_lo) * g.in_channels, (kx_hi - kx_lo) * cin_g,
                                    s.input_zero_point, dst + kx_lo * cin_g);
        }
        std::memset(dst + kx_hi * cin_g, 0, static_cast<std::size_t>(row_values - kx_hi * cin_g) * sizeof(int16_t));
        dst += row_values;
        continue;
      }
      for (int64_t kx = 0; kx < g.kernel_w; ++kx, dst += cin_g) {
        const int64_t ix = ix0 + kx * g.dilation_w;
        if (ix < 0 || ix >= s.width) {
          std::memset(dst, 0, static_cast<std::size_t>(cin_g) * sizeof(int16_t));  // padding: x - zp = 0
        } else {
          qu8_widen_less_zero_point(image + (iy * s.width + ix) * g.in_channels, cin_g, s.input_zero_point, dst);
        }
      }
    }
    std::memset(row + k, 0, static_cast<std::size_t>(s.kc - k) * sizeof(int16_t));
  }
}

}  // namespace qwasm
