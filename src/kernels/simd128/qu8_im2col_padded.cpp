#include "kernels/simd128/qu8_im2col_padded.h"

#include <cstring>

#include "core/error.h"
#include "kernels/simd128/simd.h"

namespace qwasm {

void qu8_pad_image_rows(const Qu8PaddedImageShape& p, const uint8_t* input, int32_t zero_point, int64_t r_begin,
                        int64_t r_end, int16_t* padded) {
  const int64_t c = p.channels, ph = p.padded_height(), row = p.row_values();
  for (int64_t r = r_begin; r < r_end; ++r) {
    int16_t* dst = padded + r * row;
    const int64_t n = r / ph, iy = r % ph - p.pad_top;
    if (iy < 0 || iy >= p.height) {
      std::memset(dst, 0, static_cast<std::size_t>(row) * sizeof(int16_t));
      continue;
    }
    std::memset(dst, 0, static_cast<std::size_t>(p.pad_left * c) * sizeof(int16_t));
    qu8_widen_less_zero_point(input + ((n * p.height + iy) * p.width) * c, p.width * c, zero_point,
                              dst + p.pad_left * c);
    std::memset(dst + (p.pad_left + p.width) * c, 0, static_cast<std::size_t>(p.pad_right * c) * sizeof(int16_t));
  }
}

namespace {

// Copies n values. `room` values may be written from dst on: where it allows, the copy is whole moves that run
// past n, into the place of the next run (written after this one). Otherwise the copy is exact, by moves that
// overlap each other inside the run (no memcpy call: these runs are a few values long).
inline void copy_run(const int16_t* src, int64_t n, int16_t* dst, int64_t room) {
  if (n <= 4 && room >= 4) {
    wasm_v128_store64_lane(dst, wasm_v128_load64_zero(src), 0);
    return;
  }
  if (room >= (n + 7) / 8 * 8) {
    for (int64_t i = 0; i < n; i += 8) wasm_v128_store(dst + i, wasm_v128_load(src + i));
    return;
  }
  if (n >= 8) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) wasm_v128_store(dst + i, wasm_v128_load(src + i));
    if (i < n) wasm_v128_store(dst + n - 8, wasm_v128_load(src + n - 8));
  } else if (n >= 4) {
    wasm_v128_store64_lane(dst, wasm_v128_load64_zero(src), 0);
    wasm_v128_store64_lane(dst + n - 4, wasm_v128_load64_zero(src + n - 4), 0);
  } else if (n >= 2) {
    wasm_v128_store32_lane(dst, wasm_v128_load32_zero(src), 0);
    wasm_v128_store32_lane(dst + n - 2, wasm_v128_load32_zero(src + n - 2), 0);
  } else {
    dst[0] = src[0];
  }
}

}  // namespace

void qu8_im2col_from_padded(const Qu8Im2colShape& s, const Qu8PaddedImageShape& p, const int16_t* padded,
                            int64_t m_begin, int64_t m_end, int16_t* panel) {
  const Conv2dGeometry& g = s.geometry;
  check(g.groups == 1 && g.dilation_w == 1, "qu8_im2col_from_padded: needs one group and dilation_w 1");
  const int64_t run = g.kernel_w * g.in_channels, k = g.kernel_h * run;
  const int64_t c = g.in_channels, row = p.row_values();
  const int64_t ky_step = g.dilation_h * row, oy_step = g.stride_h * row, ox_step = g.stride_w * c;
  const int64_t pixels = s.out_height * s.out_width, image = p.image_values();
  int64_t n = m_begin / pixels, oy = m_begin % pixels / s.out_width, ox = m_begin % s.out_width;
  const int16_t* src = padded + n * image + oy * oy_step + ox * ox_step;
  int16_t* dst = panel;
  const int64_t kc = s.kc, kernel_h = g.kernel_h;
  for (int64_t m = m_begin; m < m_end; ++m, dst += kc) {
    // The zero tail [k, kc) first, as one vector store ending at kc (the runs then overwrite what it covers of
    // [0, k); none writes past k).
    if (kc >= 8) {
      wasm_v128_store(dst + kc - 8, wasm_i16x8_splat(0));
    } else {
      for (int64_t i = k; i < kc; ++i) dst[i] = 0;
    }
    for (int64_t ky = 0; ky < kernel_h; ++ky) copy_run(src + ky * ky_step, run, dst + ky * run, k - ky * run);
    src += ox_step;
    if (++ox == s.out_width) {
      ox = 0;
      if (++oy == s.out_height) oy = 0, ++n;
      src = padded + n * image + oy * oy_step;
    }
  }
}

}  // namespace qwasm
