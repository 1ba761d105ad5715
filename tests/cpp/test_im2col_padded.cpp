// qu8_im2col_from_padded (im2col rows from a zero-bordered int16 copy of the input, for layers with short kernel
// rows) against qu8_im2col, value for value, on random one-group geometries: 1..5 input channels, kernels up to
// 7 wide, stride, dilation_h, asymmetric padding, batch, both GEMM row lengths kc (multiples of 2 and of 8), and
// row ranges that start and end anywhere. Guard values after the range must stay untouched: the copies may run
// past a kernel row inside the row being written, never past the rows they were asked for.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "conv_test_util.h"
#include "kernels/simd128/qu8_im2col.h"
#include "kernels/simd128/qu8_im2col_padded.h"

using namespace qwasm;
using namespace conv_test;

TEST_CASE("im2col from a padded image writes the same rows as qu8_im2col, and nothing after them") {
  Rng rng(4242);
  int64_t rows_compared = 0;
  for (int round = 0; round < 400; ++round) {
    Qu8Im2colShape s;
    Conv2dGeometry& g = s.geometry;
    g.in_channels = uniform_int(rng, 1, 5);
    g.out_channels = 4;
    g.kernel_h = uniform_int(rng, 1, 7);
    g.kernel_w = uniform_int(rng, 1, 7);
    g.stride_h = uniform_int(rng, 1, 3), g.stride_w = uniform_int(rng, 1, 3);
    g.dilation_h = uniform_int(rng, 1, 2);
    g.pad_top = uniform_int(rng, 0, 3), g.pad_bottom = uniform_int(rng, 0, 3);
    g.pad_left = uniform_int(rng, 0, 3), g.pad_right = uniform_int(rng, 0, 3);
    const int64_t batch = uniform_int(rng, 1, 3);
    s.height = std::max<int64_t>(1, g.dilation_h * (g.kernel_h - 1) + 1 - g.pad_top - g.pad_bottom) +
               uniform_int(rng, 0, 6);
    s.width = std::max<int64_t>(1, g.kernel_w - g.pad_left - g.pad_right) + uniform_int(rng, 0, 6);
    s.out_height = g.output_height(s.height), s.out_width = g.output_width(s.width);
    s.input_zero_point = uniform_int(rng, 0, 255);
    const int64_t k = g.kernel_h * g.kernel_w * g.in_channels;
    const int64_t step = uniform_int(rng, 0, 1) ? 2 : 8;  // qu8_gemm_4x8c2 / qu8_gemm_4x2c8 row lengths
    s.kc = (k + step - 1) / step * step;

    const std::vector<uint8_t> x = random_ints<uint8_t>(
        rng, static_cast<std::size_t>(batch * s.height * s.width * g.in_channels), 0, 255);
    Qu8PaddedImageShape p;
    p.height = s.height, p.width = s.width, p.channels = g.in_channels;
    p.pad_top = g.pad_top, p.pad_left = g.pad_left, p.pad_bottom = g.pad_bottom, p.pad_right = g.pad_right;
    std::vector<int16_t> padded(static_cast<std::size_t>(batch * p.image_values() + kQu8PaddedImageSlack), 0);
    // In two row ranges, as two threads would.
    const int64_t padded_rows = batch * p.padded_height(), split = uniform_int(rng, 0, static_cast<int>(padded_rows));
    qu8_pad_image_rows(p, x.data(), s.input_zero_point, 0, split, padded.data());
    qu8_pad_image_rows(p, x.data(), s.input_zero_point, split, padded_rows, padded.data());

    const int64_t m_total = batch * s.out_height * s.out_width;
    const int64_t m_begin = uniform_int(rng, 0, static_cast<int>(m_total - 1));
    const int64_t m_end = uniform_int(rng, static_cast<int>(m_begin + 1), static_cast<int>(m_total));
    const int64_t rows = m_end - m_begin;
    constexpr int16_t kGuard = 0x5a5a;
    std::vector<int16_t> expected(static_cast<std::size_t>(rows * s.kc));
    std::vector<int16_t> got(static_cast<std::size_t>(rows * s.kc + 16), kGuard);
    qu8_im2col(s, x.data(), 0, m_begin, m_end, expected.data());
    qu8_im2col_from_padded(s, p, padded.data(), m_begin, m_end, got.data());
    int64_t bad = 0, guard_bad = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) bad += got[i] != expected[i];
    for (std::size_t i = expected.size(); i < got.size(); ++i) guard_bad += got[i] != kGuard;
    INFO("round ", round, ": cin ", g.in_channels, " kernel ", g.kernel_h, "x", g.kernel_w, " stride ", g.stride_h,
         "x", g.stride_w, " dilation_h ", g.dilation_h, " kc ", s.kc, " rows [", m_begin, ", ", m_end, ")");
    CHECK(bad == 0);
    CHECK(guard_bad == 0);
    rows_compared += rows;
  }
  CHECK(rows_compared > 1000);
}

TEST_CASE("im2col from a padded image rejects layers whose kernel rows are not contiguous") {
  Qu8Im2colShape s;
  s.geometry.in_channels = 2, s.geometry.out_channels = 2, s.geometry.groups = 2;
  s.height = s.width = s.out_height = s.out_width = 2, s.kc = 2;
  Qu8PaddedImageShape p;
  p.height = p.width = 2, p.channels = 2;
  std::vector<int16_t> padded(64), panel(64);
  CHECK_THROWS(qu8_im2col_from_padded(s, p, padded.data(), 0, 1, panel.data()));
}
