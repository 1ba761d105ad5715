#include "kernels/float/f32_pooling.h"

#include <algorithm>
#include <limits>

#include "runtime/thread_pool.h"

namespace qwasm {

namespace {

// fn(plane index, output row) for every output row, spread over the thread pool by plane.
template <class Fn>
void for_each_plane(int64_t planes, Fn&& fn) {
  parallel_for(planes, 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) fn(p);
  });
}

}  // namespace

void max_pool2d_f32(const F32Nchw& in, const float* x, const F32Window2d& g, int64_t out_h, int64_t out_w, float* y) {
  for_each_plane(in.n * in.c, [&](int64_t plane) {
    const float* src = x + plane * in.plane();
    float* dst = y + plane * out_h * out_w;
    for (int64_t oy = 0; oy < out_h; ++oy) {
      for (int64_t ox = 0; ox < out_w; ++ox) {
        float best = -std::numeric_limits<float>::infinity();
        for (int64_t ky = 0; ky < g.kernel_h; ++ky) {
          const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
          if (iy < 0 || iy >= in.h) continue;
          for (int64_t kx = 0; kx < g.kernel_w; ++kx) {
            const int64_t ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
            if (ix < 0 || ix >= in.w) continue;
            const float v = src[iy * in.w + ix];
            if (v > best || v != v) best = v;  // NaN propagates
            if (best != best) break;
          }
        }
        dst[oy * out_w + ox] = best;
      }
    }
  });
}

void avg_pool2d_f32(const F32Nchw& in, const float* x, const F32Window2d& g, int64_t out_h, int64_t out_w,
                    bool count_include_pad, float* y) {
  for_each_plane(in.n * in.c, [&](int64_t plane) {
    const float* src = x + plane * in.plane();
    float* dst = y + plane * out_h * out_w;
    for (int64_t oy = 0; oy < out_h; ++oy) {
      const int64_t y0 = oy * g.stride_h - g.pad_top;
      const int64_t y1 = std::min(y0 + g.kernel_h, in.h + g.pad_bottom);
      const int64_t iy0 = std::max<int64_t>(y0, 0), iy1 = std::min(y1, in.h);
      for (int64_t ox = 0; ox < out_w; ++ox) {
        const int64_t x0 = ox * g.stride_w - g.pad_left;
        const int64_t x1 = std::min(x0 + g.kernel_w, in.w + g.pad_right);
        const int64_t ix0 = std::max<int64_t>(x0, 0), ix1 = std::min(x1, in.w);
        float sum = 0.0f;
        for (int64_t iy = iy0; iy < iy1; ++iy)
          for (int64_t ix = ix0; ix < ix1; ++ix) sum += src[iy * in.w + ix];
        const int64_t divisor = count_include_pad ? (y1 - y0) * (x1 - x0) : (iy1 - iy0) * (ix1 - ix0);
        dst[oy * out_w + ox] = divisor > 0 ? sum / static_cast<float>(divisor) : 0.0f;
      }
    }
  });
}

void global_avg_pool_f32(int64_t planes, int64_t plane_size, const float* x, float* y) {
  parallel_for(planes, 64, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      float sum = 0.0f;
      for (int64_t i = 0; i < plane_size; ++i) sum += x[p * plane_size + i];
      y[p] = sum / static_cast<float>(plane_size);
    }
  });
}

}  // namespace qwasm
