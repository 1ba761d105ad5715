#include "kernels/float/f32_conv2d.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/error.h"
#include "kernels/simd128/simd.h"
#include "runtime/thread_pool.h"

namespace qwasm {

int64_t f32_window_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, int64_t pad_begin,
                               int64_t pad_end, bool ceil_mode, const char* op) {
  check(kernel >= 1 && stride >= 1 && dilation >= 1, op, ": kernel, strides and dilations must be >= 1");
  check(pad_begin >= 0 && pad_end >= 0, op, ": pads must be >= 0");
  const int64_t span = dilation * (kernel - 1) + 1;
  const int64_t room = in + pad_begin + pad_end - span;
  check(room >= 0, op, ": window of extent ", span, " does not fit the padded input of size ",
        in + pad_begin + pad_end);
  int64_t out = (ceil_mode ? (room + stride - 1) / stride : room / stride) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad_begin) --out;
  return out;
}

void conv2d_f32_reference(const F32Conv2dParams& p, const float* x, const float* w, const float* bias, float* y) {
  const F32Window2d& g = p.window;
  const int64_t cin_g = p.in.c / p.groups, cout_g = p.out_channels / p.groups;
  for (int64_t n = 0; n < p.in.n; ++n) {
    for (int64_t oc = 0; oc < p.out_channels; ++oc) {
      const int64_t ic0 = (oc / cout_g) * cin_g;
      for (int64_t oy = 0; oy < p.out_h; ++oy) {
        for (int64_t ox = 0; ox < p.out_w; ++ox) {
          float acc = 0.0f;
          for (int64_t ic = 0; ic < cin_g; ++ic) {
            for (int64_t ky = 0; ky < g.kernel_h; ++ky) {
              const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
              if (iy < 0 || iy >= p.in.h) continue;
              for (int64_t kx = 0; kx < g.kernel_w; ++kx) {
                const int64_t ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
                if (ix < 0 || ix >= p.in.w) continue;
                acc += x[((n * p.in.c + ic0 + ic) * p.in.h + iy) * p.in.w + ix] *
                       w[((oc * cin_g + ic) * g.kernel_h + ky) * g.kernel_w + kx];
              }
            }
          }
          y[((n * p.out_channels + oc) * p.out_h + oy) * p.out_w + ox] =
              f32_epilogue(acc, bias ? bias[oc] : 0.0f, 0.0f, p.min, p.max);
        }
      }
    }
  }
}

namespace {

// One im2col panel in f32_gemm_pack_b's format: for output pixels [p0, p0 + 8) of one image and group, the K =
// cin_g * kh * kw rows of 8 values (0 for padding taps and for pixels past the end).
void im2col_panel(const F32Conv2dParams& p, const float* x_group, int64_t p0, float* panel) {
  const F32Window2d& g = p.window;
  const int64_t cin_g = p.in.c / p.groups, pixels = p.out_h * p.out_w;
  const int64_t nc = std::min<int64_t>(kF32GemmNr, pixels - p0);
  const bool pointwise = g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 && g.stride_w == 1 &&
                         g.pad_top == 0 && g.pad_left == 0 && g.pad_bottom == 0 && g.pad_right == 0;
  if (pointwise && nc == static_cast<int64_t>(kF32GemmNr)) {  // the 8 pixels are contiguous in every channel
    for (int64_t ic = 0; ic < cin_g; ++ic) std::memcpy(panel + ic * kF32GemmNr, x_group + ic * p.in.plane() + p0, sizeof(float) * kF32GemmNr);
    return;
  }
  int64_t base_y[kF32GemmNr], base_x[kF32GemmNr];
  for (int64_t j = 0; j < static_cast<int64_t>(kF32GemmNr); ++j) {
    const int64_t q = std::min(p0 + j, pixels - 1);
    base_y[j] = (q / p.out_w) * g.stride_h - g.pad_top;
    base_x[j] = (q % p.out_w) * g.stride_w - g.pad_left;
  }
  float* dst = panel;
  for (int64_t ic = 0; ic < cin_g; ++ic) {
    const float* plane = x_group + ic * p.in.plane();
    for (int64_t ky = 0; ky < g.kernel_h; ++ky) {
      for (int64_t kx = 0; kx < g.kernel_w; ++kx, dst += kF32GemmNr) {
        for (int64_t j = 0; j < static_cast<int64_t>(kF32GemmNr); ++j) {
          const int64_t iy = base_y[j] + ky * g.dilation_h, ix = base_x[j] + kx * g.dilation_w;
          const bool inside = j < nc && iy >= 0 && iy < p.in.h && ix >= 0 && ix < p.in.w;
          dst[j] = inside ? plane[iy * p.in.w + ix] : 0.0f;
        }
      }
    }
  }
}

}  // namespace

void conv2d_f32_gemm(const F32Conv2dParams& p, const float* x, const float* w, const float* bias, float* y) {
  const F32Window2d& g = p.window;
  const int64_t cin_g = p.in.c / p.groups, cout_g = p.out_channels / p.groups;
  const int64_t k = cin_g * g.kernel_h * g.kernel_w;
  const int64_t pixels = p.out_h * p.out_w;
  const int64_t blocks = (pixels + kF32GemmNr - 1) / kF32GemmNr;
  // Tasks: (image, group, pixel block); each builds its panel and runs every output-channel row tile of the group.
  const int64_t tasks = p.in.n * p.groups * blocks;
  const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, k * cout_g * static_cast<int64_t>(kF32GemmNr)));
  parallel_for(tasks, grain, [&](int64_t begin, int64_t end) {
    std::vector<float> panel(static_cast<std::size_t>(k) * kF32GemmNr);
    for (int64_t t = begin; t < end; ++t) {
      const int64_t b = t % blocks, ng = t / blocks, grp = ng % p.groups, n = ng / p.groups;
      const int64_t p0 = b * kF32GemmNr;
      im2col_panel(p, x + (n * p.in.c + grp * cin_g) * p.in.plane(), p0, panel.data());
      const std::size_t nc = static_cast<std::size_t>(std::min<int64_t>(kF32GemmNr, pixels - p0));
      for (int64_t r0 = 0; r0 < cout_g; r0 += kF32GemmMr) {
        const int64_t oc = grp * cout_g + r0;
        F32GemmEpilogue ep;
        ep.row_bias = bias ? bias + oc : nullptr;
        ep.min = p.min;
        ep.max = p.max;
        f32_gemm_4x8(static_cast<std::size_t>(std::min<int64_t>(kF32GemmMr, cout_g - r0)), nc,
                     static_cast<std::size_t>(k), w + oc * k, static_cast<std::size_t>(k), panel.data(),
                     y + (n * p.out_channels + oc) * pixels + p0, static_cast<std::size_t>(pixels), ep);
      }
    }
  });
}

bool f32_conv_is_depthwise(const F32Conv2dParams& p) {
  return p.groups > 1 && p.groups == p.in.c && p.out_channels % p.in.c == 0;
}

namespace {

// 4 inputs at columns ix, ix + s, ix + 2s, ix + 3s of a padded row.
template <int kStride>
inline v128_t load_strided(const float* row, int64_t ix, int64_t stride) {
  if (kStride == 1) return wasm_v128_load(row + ix);
  if (kStride == 2) return wasm_i32x4_shuffle(wasm_v128_load(row + ix), wasm_v128_load(row + ix + 4), 0, 2, 4, 6);
  return wasm_f32x4_make(row[ix], row[ix + stride], row[ix + 2 * stride], row[ix + 3 * stride]);
}

template <int kStride>
void dw_plane(const F32Conv2dParams& p, const float* padded, int64_t padded_w, const float* w, float bias,
              float* y) {
  const F32Window2d& g = p.window;
  const int64_t s = g.stride_w;
  const v128_t vb = wasm_f32x4_splat(bias), lo = wasm_f32x4_splat(p.min), hi = wasm_f32x4_splat(p.max);
  for (int64_t oy = 0; oy < p.out_h; ++oy) {
    float* out = y + oy * p.out_w;
    int64_t ox = 0;
    for (; ox + 4 <= p.out_w; ox += 4) {
      v128_t acc = wasm_f32x4_splat(0.0f);
      for (int64_t ky = 0; ky < g.kernel_h; ++ky) {
        const float* row = padded + (oy * g.stride_h + ky * g.dilation_h) * padded_w;
        for (int64_t kx = 0; kx < g.kernel_w; ++kx) {
          const v128_t v = load_strided<kStride>(row, ox * s + kx * g.dilation_w, s);
          acc = wasm_f32x4_add(acc, wasm_f32x4_mul(v, wasm_f32x4_splat(w[ky * g.kernel_w + kx])));
        }
      }
      acc = wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_f32x4_add(acc, vb), lo), hi);
      wasm_v128_store(out + ox, acc);
    }
    for (; ox < p.out_w; ++ox) {
      float acc = 0.0f;
      for (int64_t ky = 0; ky < g.kernel_h; ++ky) {
        const float* row = padded + (oy * g.stride_h + ky * g.dilation_h) * padded_w;
        for (int64_t kx = 0; kx < g.kernel_w; ++kx) acc += row[ox * s + kx * g.dilation_w] * w[ky * g.kernel_w + kx];
      }
      out[ox] = f32_epilogue(acc, bias, 0.0f, p.min, p.max);
    }
  }
}

}  // namespace

void dwconv2d_f32(const F32Conv2dParams& p, const float* x, const float* w, const float* bias, float* y) {
  const F32Window2d& g = p.window;
  const int64_t multiplier = p.out_channels / p.in.c;
  // The padded plane: pads around the image, plus 8 spare zero columns for the stride-2 pair loads.
  const int64_t padded_h = p.in.h + g.pad_top + g.pad_bottom;
  const int64_t padded_w = p.in.w + g.pad_left + g.pad_right + 8;
  const int64_t taps = g.kernel_h * g.kernel_w;
  const int64_t planes = p.in.n * p.in.c;
  parallel_for(planes, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> padded(static_cast<std::size_t>(padded_h * padded_w), 0.0f);
    for (int64_t plane = begin; plane < end; ++plane) {
      const float* src = x + plane * p.in.plane();
      for (int64_t iy = 0; iy < p.in.h; ++iy)
        std::memcpy(padded.data() + (iy + g.pad_top) * padded_w + g.pad_left, src + iy * p.in.w,
                    sizeof(float) * static_cast<std::size_t>(p.in.w));
      const int64_t n = plane / p.in.c, ic = plane % p.in.c;
      for (int64_t m = 0; m < multiplier; ++m) {
        const int64_t oc = ic * multiplier + m;
        float* out = y + (n * p.out_channels + oc) * p.out_h * p.out_w;
        const float b = bias ? bias[oc] : 0.0f;
        if (g.stride_w == 1) {
          dw_plane<1>(p, padded.data(), padded_w, w + oc * taps, b, out);
        } else if (g.stride_w == 2) {
          dw_plane<2>(p, padded.data(), padded_w, w + oc * taps, b, out);
        } else {
          dw_plane<0>(p, padded.data(), padded_w, w + oc * taps, b, out);
        }
      }
    }
  });
}

}  // namespace qwasm
