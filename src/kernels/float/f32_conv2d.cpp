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
  const int64_t ox0 = p0 % p.out_w;
  if (nc == static_cast<int64_t>(kF32GemmNr) && ox0 + nc <= p.out_w) {
    // The 8 pixels lie in one output row: per tap, one input row read at 8 columns (contiguous for stride 1);
    // only windows touching the left / right padding check columns one by one.
    const std::ptrdiff_t in_w = static_cast<std::ptrdiff_t>(p.in.w), sw = static_cast<std::ptrdiff_t>(g.stride_w);
    const int64_t by = (p0 / p.out_w) * g.stride_h - g.pad_top;
    const std::ptrdiff_t bx = static_cast<std::ptrdiff_t>(ox0 * g.stride_w - g.pad_left);
    float* dst = panel;
    for (int64_t ic = 0; ic < cin_g; ++ic) {
      const float* plane = x_group + ic * p.in.plane();
      for (int64_t ky = 0; ky < g.kernel_h; ++ky) {
        const int64_t iy = by + ky * g.dilation_h;
        if (iy < 0 || iy >= p.in.h) {
          std::memset(dst, 0, sizeof(float) * kF32GemmNr * static_cast<std::size_t>(g.kernel_w));
          dst += kF32GemmNr * static_cast<std::size_t>(g.kernel_w);
          continue;
        }
        const float* row = plane + iy * p.in.w;
        for (int64_t kx = 0; kx < g.kernel_w; ++kx, dst += kF32GemmNr) {
          const std::ptrdiff_t ix = bx + static_cast<std::ptrdiff_t>(kx * g.dilation_w);
          if (ix >= 0 && ix + 7 * sw < in_w) {
            if (sw == 1) {
              std::memcpy(dst, row + ix, sizeof(float) * kF32GemmNr);
            } else {
              for (std::ptrdiff_t j = 0; j < static_cast<std::ptrdiff_t>(kF32GemmNr); ++j) dst[j] = row[ix + j * sw];
            }
          } else {
            for (std::ptrdiff_t j = 0; j < static_cast<std::ptrdiff_t>(kF32GemmNr); ++j) {
              const std::ptrdiff_t c = ix + j * sw;
              dst[j] = c >= 0 && c < in_w ? row[c] : 0.0f;
            }
          }
        }
      }
    }
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

std::size_t f32_conv_packed_weights_size(const F32Conv2dParams& p) {
  const int64_t k = (p.in.c / p.groups) * p.window.kernel_h * p.window.kernel_w;
  return static_cast<std::size_t>(p.groups) *
         f32_gemm_packed_a_size(static_cast<std::size_t>(p.out_channels / p.groups), static_cast<std::size_t>(k));
}

void f32_conv_pack_weights(const F32Conv2dParams& p, const float* w, float* packed) {
  const int64_t cout_g = p.out_channels / p.groups;
  const auto k = static_cast<std::size_t>((p.in.c / p.groups) * p.window.kernel_h * p.window.kernel_w);
  const std::size_t per_group = f32_gemm_packed_a_size(static_cast<std::size_t>(cout_g), k);
  for (int64_t grp = 0; grp < p.groups; ++grp)
    f32_gemm_pack_a(static_cast<std::size_t>(cout_g), k, w + grp * cout_g * static_cast<int64_t>(k), k,
                    packed + static_cast<std::size_t>(grp) * per_group);
}

void conv2d_f32_gemm(const F32Conv2dParams& p, const float* x, const float* packed_w, const float* bias, float* y) {
  const F32Window2d& g = p.window;
  const int64_t cin_g = p.in.c / p.groups, cout_g = p.out_channels / p.groups;
  const int64_t k = cin_g * g.kernel_h * g.kernel_w;
  const int64_t group_stride = static_cast<int64_t>(
      f32_gemm_packed_a_size(static_cast<std::size_t>(cout_g), static_cast<std::size_t>(k)));
  const int64_t pixels = p.out_h * p.out_w;
  const int64_t blocks = (pixels + kF32GemmNr - 1) / kF32GemmNr;
  // Tasks: (image, group, pixel block); each builds its panel and runs every output-channel row tile of the group.
  const int64_t tasks = p.in.n * p.groups * blocks;
  const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, k * cout_g * static_cast<int64_t>(kF32GemmNr)));
  parallel_for(tasks, grain, k * cout_g * static_cast<int64_t>(kF32GemmNr), [&](int64_t begin, int64_t end) {
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
                     static_cast<std::size_t>(k), packed_w + grp * group_stride + r0 * k, 1, kF32GemmMr,
                     panel.data(), y + (n * p.out_channels + oc) * pixels + p0, static_cast<std::size_t>(pixels), ep);
      }
    }
  });
}

bool f32_conv_is_depthwise(const F32Conv2dParams& p) {
  return p.groups > 1 && p.groups == p.in.c && p.out_channels % p.in.c == 0;
}

namespace {

// 4 inputs at q[0], q[s], q[2s], q[3s] of a padded row.
template <int kStride>
inline v128_t load_strided(const float* q, std::ptrdiff_t s) {
  if (kStride == 1) return wasm_v128_load(q);
  if (kStride == 2) return wasm_i32x4_shuffle(wasm_v128_load(q), wasm_v128_load(q + 4), 0, 2, 4, 6);
  return wasm_f32x4_make(q[0], q[s], q[2 * s], q[3 * s]);
}

// One output plane of a depthwise convolution from a zero-padded input plane (row stride padded_w). kStride: 1, 2
// or 0 (any); kKernel: 3 for 3x3 (loops the compiler unrolls) or 0 (any). w: the plane's taps, wv: each tap
// repeated 4 times (one vector per tap). Pointer-sized indices: wasm32 has no cheap 64-bit address arithmetic.
template <int kStride, int kKernel>
void dw_plane(const F32Conv2dParams& p, const float* padded, std::ptrdiff_t padded_w, const float* w, const float* wv,
              float bias, float* y) {
  const F32Window2d& g = p.window;
  const std::ptrdiff_t kh = kKernel ? kKernel : static_cast<std::ptrdiff_t>(g.kernel_h);
  const std::ptrdiff_t kw = kKernel ? kKernel : static_cast<std::ptrdiff_t>(g.kernel_w);
  const std::ptrdiff_t s = kStride ? kStride : static_cast<std::ptrdiff_t>(g.stride_w);
  const std::ptrdiff_t row_step = static_cast<std::ptrdiff_t>(g.stride_h) * padded_w;
  const std::ptrdiff_t dy = static_cast<std::ptrdiff_t>(g.dilation_h) * padded_w;
  const std::ptrdiff_t dx = static_cast<std::ptrdiff_t>(g.dilation_w);
  const std::ptrdiff_t out_h = static_cast<std::ptrdiff_t>(p.out_h), out_w = static_cast<std::ptrdiff_t>(p.out_w);
  const v128_t vb = wasm_f32x4_splat(bias), lo = wasm_f32x4_splat(p.min), hi = wasm_f32x4_splat(p.max);
  for (std::ptrdiff_t oy = 0; oy < out_h; ++oy) {
    const float* in_row = padded + oy * row_step;
    float* out = y + oy * out_w;
    std::ptrdiff_t ox = 0;
    for (; ox + 8 <= out_w; ox += 8) {  // two vectors of outputs per pass: independent add chains
      v128_t acc0 = wasm_f32x4_splat(0.0f), acc1 = acc0;
      const float* base = in_row + ox * s;
      for (std::ptrdiff_t ky = 0; ky < kh; ++ky) {
        for (std::ptrdiff_t kx = 0; kx < kw; ++kx) {
          const float* q = base + ky * dy + kx * dx;
          const v128_t wk = wasm_v128_load(wv + 4 * (ky * kw + kx));
          acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(load_strided<kStride>(q, s), wk));
          acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(load_strided<kStride>(q + 4 * s, s), wk));
        }
      }
      wasm_v128_store(out + ox, wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_f32x4_add(acc0, vb), lo), hi));
      wasm_v128_store(out + ox + 4, wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_f32x4_add(acc1, vb), lo), hi));
    }
    for (; ox + 4 <= out_w; ox += 4) {
      v128_t acc = wasm_f32x4_splat(0.0f);
      const float* base = in_row + ox * s;
      for (std::ptrdiff_t ky = 0; ky < kh; ++ky)
        for (std::ptrdiff_t kx = 0; kx < kw; ++kx)
          acc = wasm_f32x4_add(acc, wasm_f32x4_mul(load_strided<kStride>(base + ky * dy + kx * dx, s),
                                                   wasm_v128_load(wv + 4 * (ky * kw + kx))));
      wasm_v128_store(out + ox, wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_f32x4_add(acc, vb), lo), hi));
    }
    for (; ox < out_w; ++ox) {
      float acc = 0.0f;
      const float* base = in_row + ox * s;
      for (std::ptrdiff_t ky = 0; ky < kh; ++ky)
        for (std::ptrdiff_t kx = 0; kx < kw; ++kx) acc += base[ky * dy + kx * dx] * w[ky * kw + kx];
      out[ox] = f32_epilogue(acc, bias, 0.0f, p.min, p.max);
    }
  }
}

using DwPlaneFn = void (*)(const F32Conv2dParams&, const float*, std::ptrdiff_t, const float*, const float*, float,
                           float*);

DwPlaneFn choose_dw_plane(const F32Window2d& g) {
  const bool k3 = g.kernel_h == 3 && g.kernel_w == 3;
  if (g.stride_w == 1) return k3 ? dw_plane<1, 3> : dw_plane<1, 0>;
  if (g.stride_w == 2) return k3 ? dw_plane<2, 3> : dw_plane<2, 0>;
  return k3 ? dw_plane<0, 3> : dw_plane<0, 0>;
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
  const DwPlaneFn plane_fn = choose_dw_plane(g);
  parallel_for(planes, 1, multiplier * p.out_h * p.out_w * taps, [&](int64_t begin, int64_t end) {
    std::vector<float> padded(static_cast<std::size_t>(padded_h * padded_w), 0.0f);
    std::vector<float> wv(static_cast<std::size_t>(taps) * 4);
    for (int64_t plane = begin; plane < end; ++plane) {
      const float* src = x + plane * p.in.plane();
      for (int64_t iy = 0; iy < p.in.h; ++iy)
        std::memcpy(padded.data() + (iy + g.pad_top) * padded_w + g.pad_left, src + iy * p.in.w,
                    sizeof(float) * static_cast<std::size_t>(p.in.w));
      const int64_t n = plane / p.in.c, ic = plane % p.in.c;
      for (int64_t m = 0; m < multiplier; ++m) {
        const int64_t oc = ic * multiplier + m;
        for (int64_t t = 0; t < 4 * taps; ++t) wv[static_cast<std::size_t>(t)] = w[oc * taps + t / 4];
        plane_fn(p, padded.data(), static_cast<std::ptrdiff_t>(padded_w), w + oc * taps, wv.data(),
                 bias ? bias[oc] : 0.0f, y + (n * p.out_channels + oc) * p.out_h * p.out_w);
      }
    }
  });
}

}  // namespace qwasm
