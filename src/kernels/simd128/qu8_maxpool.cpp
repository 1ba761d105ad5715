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

namespace {

// The taps [lo, hi) of a window starting at input coordinate `start` (maybe in the padding) that fall inside
// [0, size): start + k * dilation for k in [lo, hi). Every window has at least one (pad <= kernel / 2, and a
// ceil_mode window starts inside the input or its left padding).
inline void window_taps(int64_t start, int64_t size, int64_t kernel, int64_t dilation, int64_t& lo, int64_t& hi) {
  lo = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
  hi = std::min(kernel, (size - 1 - start) / dilation + 1);
}

// The max of load(tap) over a window's real taps: `rows` rows from `first` (row_step apart) of `cols` taps
// (col_step apart). Starts from 0, the identity of max on u8.
template <class Load>
inline v128_t window_max(const uint8_t* first, int64_t rows, int64_t row_step, int64_t cols, int64_t col_step,
                         Load load) {
  v128_t best = wasm_i8x16_splat(0);
  for (int64_t r = 0; r < rows; ++r, first += row_step) {
    const uint8_t* tap = first;
    for (int64_t k = 0; k < cols; ++k, tap += col_step) best = wasm_u8x16_max(best, load(tap));
  }
  return best;
}

}  // namespace

void max_pool2d_qu8_simd128_rows(const NhwcDims& in, const uint8_t* x, const Pool2dGeometry& g, uint8_t* y,
                                 int64_t oh_begin, int64_t oh_end) {
  // Called once per row range of a parallel loop: only the output size here, the checks were done by the caller.
  const int64_t out_h = pooling_output_size(in.h, g.kernel_h, g.stride_h, g.pad_h, g.dilation_h, g.ceil_mode);
  const int64_t out_w = pooling_output_size(in.w, g.kernel_w, g.stride_w, g.pad_w, g.dilation_w, g.ceil_mode);
  oh_begin = std::max<int64_t>(oh_begin, 0);
  oh_end = std::min(oh_end, out_h);
  const int64_t c = in.c, full = c / 16 * 16;
  const auto tail = static_cast<std::size_t>(c - full);
  const int64_t row_step = g.dilation_h * in.w * c, col_step = g.dilation_w * c;
  for (int64_t n = 0; n < in.n; ++n) {
    const uint8_t* image = x + n * in.h * in.w * c;
    for (int64_t oh = oh_begin; oh < oh_end; ++oh) {
      const int64_t ih0 = oh * g.stride_h - g.pad_h;
      int64_t kh_lo, kh_hi;
      window_taps(ih0, in.h, g.kernel_h, g.dilation_h, kh_lo, kh_hi);
      const int64_t rows = kh_hi - kh_lo;
      uint8_t* dst = y + (n * out_h + oh) * out_w * c;
      for (int64_t ow = 0; ow < out_w; ++ow, dst += c) {
        const int64_t iw0 = ow * g.stride_w - g.pad_w;
        int64_t kw_lo, kw_hi;
        window_taps(iw0, in.w, g.kernel_w, g.dilation_w, kw_lo, kw_hi);
        const int64_t cols = kw_hi - kw_lo;
        // The window's first real tap.
        const uint8_t* window = image + ((ih0 + kh_lo * g.dilation_h) * in.w + iw0 + kw_lo * g.dilation_w) * c;
        const auto whole = [](const uint8_t* tap) { return wasm_v128_load(tap); };
        for (int64_t cb = 0; cb < full; cb += 16) {
          wasm_v128_store(dst + cb, window_max(window + cb, rows, row_step, cols, col_step, whole));
        }
        if (tail > 0) {  // the channel tail through a zero-filled scratch: no read or write past the pixel
          const auto partial = [tail](const uint8_t* tap) { return load_u8_block(tap, tail); };
          store_u8_block(dst + full, window_max(window + full, rows, row_step, cols, col_step, partial), tail);
        }
      }
    }
  }
}

}  // namespace qwasm
