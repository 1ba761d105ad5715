#include "kernels/simd128/qu8_maxpool.h"

#include <algorithm>

#include "kernels/simd128/qu8_channel_block.h"
#include "kernels/simd128/simd.h"

namespace qwasm {

using namespace simd128_detail;

void max_pool2d_qu8_simd128(const NhwcDims& in, const uint8_t* x, const Pool2dGeometry& g, uint8_t* y) {
  const NhwcDims out = pool2d_output_dims(in, g, "max_pool2d");
  max_pool2d_qu8_simd128_rows(in, x, g, y, 0, out.h);
}

void max_pool2d_qu8_simd128_rows(const NhwcDims& in, const uint8_t* x, const Pool2dGeometry& g, uint8_t* y,
                                 int64_t oh_begin, int64_t oh_end) {
  const NhwcDims out = pool2d_output_dims(in, g, "max_pool2d");
  oh_begin = std::max<int64_t>(oh_begin, 0);
  oh_end = std::min(oh_end, out.h);
  for (int64_t n = 0; n < in.n; ++n) {
    for (int64_t oh = oh_begin; oh < oh_end; ++oh) {
      for (int64_t ow = 0; ow < out.w; ++ow) {
        uint8_t* dst = y + ((n * out.h + oh) * out.w + ow) * in.c;
        for (int64_t c = 0; c < in.c; c += 16) {
          const auto block = static_cast<std::size_t>(std::min<int64_t>(16, in.c - c));
          // Every window has at least one real tap (pad <= kernel / 2), and 0 is the identity of max on u8.
          v128_t best = wasm_i8x16_splat(0);
          for (int64_t kh = 0; kh < g.kernel_h; ++kh) {
            const int64_t ih = oh * g.stride_h - g.pad_h + kh * g.dilation_h;
            if (ih < 0 || ih >= in.h) continue;
            for (int64_t kw = 0; kw < g.kernel_w; ++kw) {
              const int64_t iw = ow * g.stride_w - g.pad_w + kw * g.dilation_w;
              if (iw < 0 || iw >= in.w) continue;
              const uint8_t* src = x + ((n * in.h + ih) * in.w + iw) * in.c + c;
              const v128_t v = load_u8_block(src, block);
              best = wasm_u8x16_max(best, v);
            }
          }
          store_u8_block(dst + c, best, block);
        }
      }
    }
  }
}

}  // namespace qwasm
