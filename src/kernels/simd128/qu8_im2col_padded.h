// qu8_im2col from a padded image. qu8_im2col checks every kernel row of every output pixel against the image
// borders and widens it with a call of its own; for a network's first layers, whose kernel rows are a few values
// (1 or 3 input channels), that costs more than the GEMM itself (Fashion-MNIST's conv1, 1 -> 16 channels 3x3:
// 2.7 GMAC/s). Widening each input image once into a zero-bordered int16 copy makes every kernel row of an im2col
// row one plain copy of kernel_w * in_channels values, in whole 8- or 16-byte moves; deeper layers gain a little
// too. The rows written are the same as qu8_im2col's, value for value.
#pragma once

#include <cstdint>

#include "kernels/simd128/qu8_im2col.h"

namespace qwasm {

// The padded copy of a batch: image after image, each (pad_top + height + pad_bottom) rows of
// (pad_left + width + pad_right) pixels of in_channels int16 values (x - zero_point; 0 in the border).
struct Qu8PaddedImageShape {
  int64_t height = 0, width = 0, channels = 0;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;

  int64_t padded_height() const { return pad_top + height + pad_bottom; }
  int64_t padded_width() const { return pad_left + width + pad_right; }
  int64_t row_values() const { return padded_width() * channels; }
  int64_t image_values() const { return padded_height() * row_values(); }
};

// Values a padded buffer needs after its last image: the copies read whole vectors, up to 7 values past a run.
constexpr int64_t kQu8PaddedImageSlack = 8;

// Padded rows [r_begin, r_end) of the batch, counted across images (row r is row r % padded_height of image
// r / padded_height), from NHWC uint8 input.
void qu8_pad_image_rows(const Qu8PaddedImageShape& p, const uint8_t* input, int32_t zero_point, int64_t r_begin,
                        int64_t r_end, int16_t* padded);

// Rows [m_begin, m_end) of the im2col panel (row stride s.kc, as qu8_im2col writes them) from the padded batch.
// Requires one group and dilation_w == 1, so that a kernel row's taps are contiguous in the padded image.
void qu8_im2col_from_padded(const Qu8Im2colShape& s, const Qu8PaddedImageShape& p, const int16_t* padded,
                            int64_t m_begin, int64_t m_end, int16_t* panel);

}  // namespace qwasm
