// The SIMD128 float -> 8-bit quantize kernel against quantize_value (PyTorch's per-tensor arithmetic), bit for
// bit: every length 0..70 around the 16-element step, unaligned pointers, random and power-of-two scales, exact
// ties of x / scale, saturation on both sides, NaN, +-inf, values beyond 2^63 and signed zeros.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "core/quantize.h"
#include "kernels/simd128/q8_quantize.h"

using namespace qwasm;

namespace {

// A value for x with the given scale: mostly ordinary, often an exact tie or an extreme.
float interesting_value(std::mt19937& rng, float scale) {
  switch (rng() % 10) {
    case 0: return (static_cast<float>(static_cast<int>(rng() % 600) - 300) + 0.5f) * scale;  // tie of x / scale
    case 1: return std::numeric_limits<float>::quiet_NaN();
    case 2: return (rng() & 1 ? 1.0f : -1.0f) * std::numeric_limits<float>::infinity();
    case 3: return (rng() & 1 ? 1.0f : -1.0f) * std::ldexp(1.0f, 60 + static_cast<int>(rng() % 40));  // near 2^63
    case 4: return rng() & 1 ? 0.0f : -0.0f;
    default: return std::uniform_real_distribution<float>(-400.0f, 400.0f)(rng) * scale;
  }
}

}  // namespace

TEST_CASE("q8_quantize: SIMD128 equals quantize_value for uint8 and int8 on every tail length") {
  std::mt19937 rng(7);
  int64_t checked = 0;
  for (int trial = 0; trial < 400; ++trial) {
    float scale = std::exp2(std::uniform_real_distribution<float>(-12.0f, 4.0f)(rng));
    if (trial % 4 == 0) scale = std::ldexp(1.0f, static_cast<int>(rng() % 16) - 10);  // exact ties
    if (trial % 50 == 1) scale = std::numeric_limits<float>::denorm_min() * 3;          // 1/scale overflows to inf
    const int64_t n = trial % 71;
    const std::size_t offset = rng() % 4;  // unaligned input and output
    std::vector<float> x(static_cast<std::size_t>(n) + offset);
    for (float& v : x) v = interesting_value(rng, scale);
    const float* xs = x.data() + offset;

    const int32_t zp_u8 = static_cast<int32_t>(rng() % 256);
    std::vector<uint8_t> u8(static_cast<std::size_t>(n) + offset + 1);
    q8_quantize_to_u8(xs, n, scale, zp_u8, u8.data() + offset);
    const int32_t zp_s8 = static_cast<int32_t>(rng() % 256) - 128;
    std::vector<int8_t> s8(static_cast<std::size_t>(n) + offset + 1);
    q8_quantize_to_s8(xs, n, scale, zp_s8, s8.data() + offset);
    for (int64_t i = 0; i < n; ++i) {
      INFO("trial " << trial << " i " << i << " x " << xs[i] << " scale " << scale);
      CHECK(static_cast<int64_t>(u8[offset + static_cast<std::size_t>(i)]) == quantize_value(xs[i], scale, zp_u8, 0, 255));
      CHECK(static_cast<int64_t>(s8[offset + static_cast<std::size_t>(i)]) ==
            quantize_value(xs[i], scale, zp_s8, -128, 127));
      ++checked;
    }
  }
  CHECK(checked > 10000);
}
