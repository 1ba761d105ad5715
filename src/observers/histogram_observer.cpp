// HistogramObserver, PyTorch 1.13 bit for bit. Every float32 operation of PyTorch's tensor code is one float32
// operation here, in the same order (the build uses -ffp-contract=off); Python floats and float64 tensors are
// doubles. Comments name the PyTorch expression each step reproduces.
#include "observers/histogram_observer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/error.h"
#include "observers/observer_simd.h"
#include "runtime/thread_pool.h"

namespace qwasm {
namespace histogram_detail {

namespace {

// c10::utils::CeilLog2 as ReduceOps' cascade uses it (0 for sizes <= 1).
int64_t ceil_log2(int64_t x) {
  if (x <= 1) return 0;
  int64_t bits = 0;
  for (uint64_t v = static_cast<uint64_t>(x - 1); v != 0; v >>= 1) ++bits;
  return bits;
}

// ReduceOps' multi_row_sum: `rows` rows of `width` floats (row r starts at x + r * row_stride, its entries are
// `col_stride` apart; entry k of a row is accumulated into acc[k]). Rows are added into level 0 in groups of
// 2^level_power, and each full group is carried up a 4-level cascade, exactly as PyTorch does it.
// `width` is at most 32 (4 interleaved rows of 8 lanes).
void multi_row_sum(const float* x, int64_t rows, int64_t row_stride, int64_t col_stride, int width, float* out) {
  constexpr int kLevels = 4;
  const int64_t level_power = std::max<int64_t>(4, ceil_log2(rows) / kLevels);
  const int64_t level_step = int64_t{1} << level_power;
  const int64_t level_mask = level_step - 1;
  float acc[kLevels][32] = {};
  int64_t i = 0;
  while (i + level_step <= rows) {
    for (int64_t j = 0; j < level_step; ++j, ++i) {
      const float* row = x + i * row_stride;
      for (int k = 0; k < width; ++k) acc[0][k] += row[k * col_stride];
    }
    for (int j = 1; j < kLevels; ++j) {
      for (int k = 0; k < width; ++k) {
        acc[j][k] += acc[j - 1][k];
        acc[j - 1][k] = 0.0f;
      }
      if ((i & (level_mask << (j * level_power))) != 0) break;
    }
  }
  for (; i < rows; ++i) {
    const float* row = x + i * row_stride;
    for (int k = 0; k < width; ++k) acc[0][k] += row[k * col_stride];
  }
  for (int j = 1; j < kLevels; ++j) {
    for (int k = 0; k < width; ++k) acc[0][k] += acc[j][k];
  }
  std::memcpy(out, acc[0], sizeof(float) * static_cast<std::size_t>(width));
}

}  // namespace

float torch_sum(const float* x, std::size_t count) {
  // PyTorch 1.13 cascade_sum (aten/src/ATen/native/cpu/SumKernel.cpp), float32 accumulators (acc_type<float,
  // is_cuda=true>). Verified bit-exact against torch.sum on this Debian build, whose CPU capability is AVX2
  // (Vectorized<float> = 8 lanes; the "default" capability has 8 lanes too; an AVX-512 build would differ).
  constexpr int64_t kLanes = 8;
  constexpr int64_t kIlp = 4;
  const int64_t n = static_cast<int64_t>(count);
  if (n < kLanes) {
    // Not vectorised: row_sum over scalars, 4 interleaved accumulators.
    const int64_t rows = n / kIlp;
    float partial[kIlp] = {0.0f, 0.0f, 0.0f, 0.0f};
    if (rows > 0) multi_row_sum(x, rows, kIlp, 1, kIlp, partial);
    for (int64_t i = rows * kIlp; i < n; ++i) partial[0] += x[i];
    for (int k = 1; k < kIlp; ++k) partial[0] += partial[k];
    return partial[0];
  }
  // vectorized_inner_sum: row_sum over 8-lane vectors (4 interleaved vector accumulators), then the scalar tail,
  // then the 8 lanes added one by one onto the tail's sum.
  const int64_t vectors = n / kLanes;
  const int64_t rows = vectors / kIlp;
  float partial[kIlp][kLanes] = {};
  if (rows > 0) multi_row_sum(x, rows, kIlp * kLanes, 1, kIlp * kLanes, &partial[0][0]);
  for (int64_t v = rows * kIlp; v < vectors; ++v) {
    for (int64_t k = 0; k < kLanes; ++k) partial[0][k] += x[v * kLanes + k];
  }
  for (int j = 1; j < kIlp; ++j) {
    for (int64_t k = 0; k < kLanes; ++k) partial[0][k] += partial[j][k];
  }
  float total = 0.0f;
  for (int64_t i = vectors * kLanes; i < n; ++i) total += x[i];
  for (int64_t k = 0; k < kLanes; ++k) total += partial[0][k];
  return total;
}

namespace {

// _mm256_min_ps(a, b) / _mm256_max_ps(a, b) lane semantics: the second operand wins ties (so -0.0 vs +0.0
// depends on the order) and NaNs; NaNs are reported separately.
inline float x86_min(float a, float b) { return a < b ? a : b; }
inline float x86_max(float a, float b) { return a > b ? a : b; }

}  // namespace

namespace {

constexpr std::size_t kLanes = 8;  // Vectorized<float> on PyTorch's AVX2 kernels
// Elements per parallel task of aminmax: a multiple of 8 lanes, fixed so that the chunks' lanes are combined in
// one order whatever the thread count; small enough that a helper waking late still takes its share.
constexpr std::size_t kParallelChunk = std::size_t{1} << 16;
// Elements per task of histc (per-worker counters, so any size would do): small enough to balance two threads.
constexpr std::size_t kHistcTask = std::size_t{1} << 16;

// The 8 lane accumulators of reduce_all's min and max over x[begin, end), folded from the identity (+inf / -inf):
// lane k sees elements begin + k, begin + k + 8, ...; a partial last vector feeds its first lanes only. begin is
// a multiple of 8 (or the whole input starts there), so the lanes are those of one pass over the whole input.
struct LaneMinMax {
  float min[kLanes];
  float max[kLanes];
  bool has_nan;
};

void fold_lanes(const float* x, std::size_t begin, std::size_t end, LaneMinMax& acc) {
  for (std::size_t k = 0; k < kLanes; ++k) {
    acc.min[k] = std::numeric_limits<float>::infinity();
    acc.max[k] = -std::numeric_limits<float>::infinity();
  }
  acc.has_nan = false;
  std::size_t d = begin;
  const std::size_t whole_end = begin + (end - begin) / kLanes * kLanes;
#if QWASM_OBSERVER_SIMD
  // Two 4-lane halves of the 8-lane accumulator. wasm's pmin(a, b) is `b < a ? b : a`, so min_ps(acc, v) is
  // pmin(v, acc); likewise max_ps(acc, v) is pmax(v, acc).
  qwasm_v128 min_lo = wasm_f32x4_splat(acc.min[0]), min_hi = min_lo;
  qwasm_v128 max_lo = wasm_f32x4_splat(acc.max[0]), max_hi = max_lo;
  qwasm_v128 nan_mask = wasm_i32x4_splat(0);
  // Two 8-element vectors per iteration, folded in order (the first before the second into the same lanes), so
  // each lane still sees its elements one after the other: fewer loop iterations, the same bits.
  for (; d + 2 * kLanes <= whole_end; d += 2 * kLanes) {
    const qwasm_v128 a = wasm_v128_load(x + d);
    const qwasm_v128 b = wasm_v128_load(x + d + 4);
    const qwasm_v128 c = wasm_v128_load(x + d + 8);
    const qwasm_v128 e = wasm_v128_load(x + d + 12);
    min_lo = wasm_f32x4_pmin(c, wasm_f32x4_pmin(a, min_lo));
    min_hi = wasm_f32x4_pmin(e, wasm_f32x4_pmin(b, min_hi));
    max_lo = wasm_f32x4_pmax(c, wasm_f32x4_pmax(a, max_lo));
    max_hi = wasm_f32x4_pmax(e, wasm_f32x4_pmax(b, max_hi));
    nan_mask = wasm_v128_or(nan_mask, wasm_v128_or(wasm_v128_or(wasm_f32x4_ne(a, a), wasm_f32x4_ne(b, b)),
                                                   wasm_v128_or(wasm_f32x4_ne(c, c), wasm_f32x4_ne(e, e))));
  }
  for (; d < whole_end; d += kLanes) {
    const qwasm_v128 lo = wasm_v128_load(x + d);
    const qwasm_v128 hi = wasm_v128_load(x + d + 4);
    min_lo = wasm_f32x4_pmin(lo, min_lo);
    min_hi = wasm_f32x4_pmin(hi, min_hi);
    max_lo = wasm_f32x4_pmax(lo, max_lo);
    max_hi = wasm_f32x4_pmax(hi, max_hi);
    nan_mask = wasm_v128_or(nan_mask, wasm_v128_or(wasm_f32x4_ne(lo, lo), wasm_f32x4_ne(hi, hi)));
  }
  acc.has_nan = wasm_v128_any_true(nan_mask);
  wasm_v128_store(acc.min, min_lo);
  wasm_v128_store(acc.min + 4, min_hi);
  wasm_v128_store(acc.max, max_lo);
  wasm_v128_store(acc.max + 4, max_hi);
#else
  for (; d < whole_end; d += kLanes) {
    for (std::size_t k = 0; k < kLanes; ++k) {
      acc.min[k] = x86_min(acc.min[k], x[d + k]);
      acc.max[k] = x86_max(acc.max[k], x[d + k]);
      acc.has_nan = acc.has_nan || x[d + k] != x[d + k];
    }
  }
#endif
  for (std::size_t k = 0; d + k < end; ++k) {
    acc.min[k] = x86_min(acc.min[k], x[d + k]);
    acc.max[k] = x86_max(acc.max[k], x[d + k]);
    acc.has_nan = acc.has_nan || x[d + k] != x[d + k];
  }
}

}  // namespace

AminMax torch_aminmax(const float* x, std::size_t count) {
  // aminmax_allreduce_kernel -> vec::reduce_all in one chunk (PyTorch splits only above 32768 elements and only
  // with several threads, which can change nothing but the sign of a zero result): an 8-lane accumulator
  // initialised with the first 8 elements, whole vectors folded in with min_ps/max_ps, the tail into its first
  // lanes, then the AVX2 horizontal reduction (lane i with i^4, then i^2, then i^1).
  if (count < kLanes) {
    // vec_reduce_all with size < 8: lane 0 folds elements 1..n-1 in order.
    float mn = x[0], mx = x[0];
    bool nan = x[0] != x[0];
    for (std::size_t i = 1; i < count; ++i) {
      mn = x86_min(mn, x[i]);
      mx = x86_max(mx, x[i]);
      nan = nan || x[i] != x[i];
    }
    return AminMax{mn, mx, nan};
  }
  // min_ps(a, b) keeps b unless a < b, so a lane's fold ends on the LAST of its minimal elements (+0.0 and -0.0
  // being equal); that is associative, so the lanes can be folded in chunks (in parallel, starting from the
  // identity) and the chunks' lanes combined in order with the same min_ps: the same bits as one pass.
  const std::size_t chunks = (count + kParallelChunk - 1) / kParallelChunk;
  std::vector<LaneMinMax> partial(chunks);  // one small allocation per batch
  parallel_for(static_cast<int64_t>(count), static_cast<int64_t>(kParallelChunk), [&](int64_t begin, int64_t end) {
    fold_lanes(x, static_cast<std::size_t>(begin), static_cast<std::size_t>(end),
               partial[static_cast<std::size_t>(begin) / kParallelChunk]);
  });
  LaneMinMax lanes = partial[0];
  for (std::size_t c = 1; c < chunks; ++c) {
    for (std::size_t k = 0; k < kLanes; ++k) {
      lanes.min[k] = x86_min(lanes.min[k], partial[c].min[k]);
      lanes.max[k] = x86_max(lanes.max[k], partial[c].max[k]);
    }
    lanes.has_nan = lanes.has_nan || partial[c].has_nan;
  }
  // Horizontal: permute2f128 (i ^ 4), shuffle 0x4E (i ^ 2), shuffle 0xB1 (i ^ 1); lane 0 is the result.
  float min4[4], max4[4];
  for (int k = 0; k < 4; ++k) {
    min4[k] = x86_min(lanes.min[k], lanes.min[k + 4]);
    max4[k] = x86_max(lanes.max[k], lanes.max[k + 4]);
  }
  AminMax r;
  r.min = x86_min(x86_min(min4[0], min4[2]), x86_min(min4[1], min4[3]));
  r.max = x86_max(x86_max(max4[0], max4[2]), x86_max(max4[1], max4[3]));
  r.has_nan = lanes.has_nan;
  return r;
}

namespace {

// std::fmod behind a call that the optimiser must keep conditional. Called straight from fmod_exact, clang
// vectorised quantization_error's loop and called fmodf for every lane, fast path or not (6x slower).
[[gnu::noinline]] float fmod_fallback(float a, float b) {
  __asm__ volatile("");
  return std::fmod(a, b);
}

}  // namespace

float fmod_exact(float a, float b) {
  // std::fmod(a, b) is exact (the remainder of two floats is a float), but its bit-by-bit long division is slow
  // in wasm. Where |a / b| < 2^24, q = trunc of the double quotient is the true trunc(a / b): with a = A 2^i and
  // b = B 2^j (A, B < 2^24), a quotient that is not an integer n differs from it by at least 2^-25 (|a| >= |b|
  // forces i >= j - 1), i.e. by more than 2^-49 relative, far beyond the double division's 2^-53. Then q * b
  // (at most 48 bits) and a - q * b (a multiple of a's or b's last bit, below |b|) are exact in double.
  const double q = std::trunc(static_cast<double>(a) / static_cast<double>(b));
  if (!(std::fabs(q) < 16777216.0) || !std::isfinite(b)) return fmod_fallback(a, b);  // also NaN, inf, b == 0
  const double r = static_cast<double>(a) - q * static_cast<double>(b);
  return r == 0.0 ? std::copysign(0.0f, a) : static_cast<float>(r);  // a zero remainder takes a's sign
}

float div_floor(float a, float b) {
  // c10's div_floor_floating: floor of the quotient computed through fmod so that a / b rounding up to the
  // next integer does not move the result (floor(a / b) differs from it on many inputs).
  if (b == 0.0f) return a / b;
  const float mod = fmod_exact(a, b);
  float div = (a - mod) / b;
  if (mod != 0.0f && ((b < 0.0f) != (mod < 0.0f))) div -= 1.0f;
  float floordiv;
  if (div != 0.0f) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5f) floordiv += 1.0f;
  } else {
    floordiv = std::copysign(0.0f, a / b);
  }
  return floordiv;
}

namespace {

// Exponent of the lowest set bit of a finite nonzero double (x = odd * 2^result).
int lowest_bit_exponent(double x) {
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const int exponent_field = static_cast<int>((bits >> 52) & 0x7ff);
  uint64_t mantissa = bits & ((uint64_t{1} << 52) - 1);
  int exponent = -1074;
  if (exponent_field != 0) {
    mantissa |= uint64_t{1} << 52;
    exponent = exponent_field - 1075;
  }
  return exponent + __builtin_ctzll(mantissa);  // mantissa != 0 for x != 0 (g++ and clang both have it)
}

}  // namespace

double add_repeated(double s, double v, int64_t times) {
  if (times <= 0 || v == 0.0) return s;  // adding +-0 to a sum that started at +0 changes nothing
  // Every partial sum s + i*v is a multiple of 2^q (q = lowest set bit of s and v). If |s| and |times * v| are
  // both below 2^(52+q), every partial sum is below 2^(53+q) in magnitude, hence a double: no addition rounds
  // and the sequential result is the exact s + times * v. (times * v itself is exact: v is a float32 value
  // and times <= 2^24 here.)
  const double tv = static_cast<double>(times) * v;
  int q = lowest_bit_exponent(v);
  if (s != 0.0) q = std::min(q, lowest_bit_exponent(s));
  const bool exact = (s == 0.0 || std::ilogb(s) < 52 + q) && std::ilogb(tv) < 52 + q;
  if (exact) return s + tv;
  for (int64_t i = 0; i < times; ++i) s += v;
  return s;
}

namespace {

// histc's bin of one element, as PyTorch's histogramdd kernel (LINEAR_INTERPOLATION, what histc uses) computes it:
// pos = (int64) f32(f32(f32(x - lo) / f32(hi - lo)) * (float)bins), pos == bins -> bins - 1. Returned shifted by
// one: slot 0 takes the elements outside [lo, hi], which PyTorch skips.
inline std::size_t slot_of(float x, float lo, float hi, float width, float bins_f, int64_t bins) {
  if (x < lo || hi < x) return 0;
  const int64_t pos = static_cast<int64_t>(((x - lo) / width) * bins_f);
  return static_cast<std::size_t>(pos >= bins ? bins : pos + 1);
}

#if QWASM_OBSERVER_SIMD
// Truncation toward zero of lanes that matter only when in [0, 2^24]: wasm's trunc_sat in the browser; natively a
// single cvttps2dq (SIMDe's exact emulation of trunc_sat's saturation costs eight instructions, and the lanes it
// would saturate are masked off by the caller anyway).
inline qwasm_v128 truncate_small(qwasm_v128 v) {
#if !defined(__wasm_simd128__) && defined(SIMDE_X86_SSE2_NATIVE)
  return simde_v128_from_m128i(_mm_cvttps_epi32(simde_v128_to_m128(v)));
#else
  return wasm_i32x4_trunc_sat_f32x4(v);
#endif
}
#endif

// histc's t = f32(f32(d / width) * bins) (d = x - lo >= 0) bracketed by two products with no division:
// f32(d * below) <= t <= f32(d * above), so floor(t) is known wherever the two floors agree. With rho = bins / width
// (real), u = 2^-24, and every quantity normal: t lies in [d rho (1 - u)^2, d rho (1 + u)^2] (two roundings);
// below <= rho (1 - 2^-22) and above >= rho (1 + 2^-22) (directed rounding from a double product whose own
// error, < 2^-51 relative, is far inside the margin), so f32(d * below) <= d rho (1 - 2^-22)(1 + u) < d rho (1 - u)^2
// and f32(d * above) >= d rho (1 + 2^-22)(1 - u) > d rho (1 + u)^2. Where d / width or d * below is subnormal,
// t and both products are below 2^-100 and all three floors are 0. `usable` is false where the bounds could
// overflow or width is not a normal float; the division is used then. The slots themselves are still computed
// by the exact formula: the bracket only skips it when it cannot change the bin (tests/cpp compare against the
// scalar formula, on every float next to each bin edge).
struct BinBracket {
  float below;
  float above;
  bool usable;
};

BinBracket bin_bracket(int64_t bins, float width) {
  BinBracket b{0.0f, 0.0f, false};
  if (!(width >= 0x1p-100f && width <= 0x1p100f)) return b;
  const double rho = static_cast<double>(bins) / static_cast<double>(width);
  const double low = rho * (1.0 - 0x1p-22);
  const double high = rho * (1.0 + 0x1p-22);
  b.below = static_cast<float>(low);
  if (static_cast<double>(b.below) > low) b.below = std::nextafter(b.below, 0.0f);
  b.above = static_cast<float>(high);
  if (static_cast<double>(b.above) < high) b.above = std::nextafter(b.above, std::numeric_limits<float>::infinity());
  b.usable = std::isfinite(b.above) && b.below > 0.0f;
  return b;
}

}  // namespace

namespace {

#if QWASM_OBSERVER_SIMD
// v, hidden from clang's pattern matching (an empty asm statement it cannot see through) in the browser build:
// clang otherwise turns `value & compare-mask` into a v128.bitselect with zero, three instructions in V8 instead
// of one (histc's main loop ran ~4% faster with it in an interleaved A/B). Natively a no-op.
inline qwasm_v128 opaque(qwasm_v128 v) {
#if defined(__wasm_simd128__)
  __asm__("" : "+r"(v));
#endif
  return v;
}
#endif

// Counts x[begin, end) into 4 interleaved integer histograms (element i into lane i % 4, so that runs of one bin
// do not serialise on one counter); lane l is counts + l * stride (stride >= bins + 2), slot 0 takes the dropped
// elements, bin b is slot b + 1, and slot bins + 1 takes the elements whose t reached bins (histc puts them in
// the last bin; the caller adds that slot there).
void count_slots(const float* x, std::size_t begin, std::size_t end, int64_t bins, float lo, float hi, float width,
                 uint32_t* counts, std::size_t stride) {
  const float bins_f = static_cast<float>(bins);
  uint32_t* lanes[4] = {counts, counts + stride, counts + 2 * stride, counts + 3 * stride};
  std::size_t i = begin;
#if QWASM_OBSERVER_SIMD
  const qwasm_v128 v_lo = wasm_f32x4_splat(lo), v_hi = wasm_f32x4_splat(hi);
  const qwasm_v128 v_width = wasm_f32x4_splat(width), v_bins = wasm_f32x4_splat(bins_f);
  // min(trunc(s), bins - 1) == trunc(min(s, bins - 1)) for s >= 0; bins - 1 < 2^24 is exact in float32.
  const qwasm_v128 v_last = wasm_f32x4_splat(static_cast<float>(bins - 1));
  if (bins <= (int64_t{1} << 23)) {
    // Lanes inside [lo, hi] have 0 <= s <= bins <= 2^23, so floor(s) + 2^23 is exact (at most 2^24) and its bits
    // are 0x4B000000 + floor(s): the integer bin without a float-to-int conversion (wasm's trunc_sat is a long
    // instruction sequence on x86). s == bins is not clamped to the last bin here: it goes to slot bins + 1, one
    // instruction less per vector. Shifted left by 2 (wrapping) and offset per lane, that is the byte offset of
    // the element's counter: lane l's slot floor(s) + 1 is at 4 * (l * stride + floor(s) + 1). Dropped lanes are
    // masked to offset 0 (lane 0's slot 0: all of slot 0 is discarded). Thirty-two elements per iteration let
    // the counter updates of one group overlap the arithmetic of the next.
    const qwasm_v128 v_magic = wasm_f32x4_splat(8388608.0f);
    const uint32_t lane_bytes = static_cast<uint32_t>(stride * sizeof(uint32_t));
    const uint32_t magic_bytes = 0x4B000000u << 2;  // the shifted exponent bits of 2^23, wrapped
    const qwasm_v128 v_offset = wasm_i32x4_make(static_cast<int32_t>(4u - magic_bytes),
                                                static_cast<int32_t>(4u + lane_bytes - magic_bytes),
                                                static_cast<int32_t>(4u + 2 * lane_bytes - magic_bytes),
                                                static_cast<int32_t>(4u + 3 * lane_bytes - magic_bytes));
    char* const base = reinterpret_cast<char*>(counts);
    constexpr int kUnroll = 8;
    const BinBracket bracket = bin_bracket(bins, width);
    const qwasm_v128 v_below = wasm_f32x4_splat(bracket.below), v_above = wasm_f32x4_splat(bracket.above);
    for (; i + 4 * kUnroll <= end; i += 4 * kUnroll) {
      // floor(t) of histc's t = f32(f32(d / width) * bins), d = x - lo, without the division when it can be told
      // from the bracket (see bin_bracket): eight vectors at a time, and the division for all eight if any lane
      // of them is not decided (a lane outside [lo, hi] may trigger that too; its bin is masked off anyway).
      qwasm_v128 floors[kUnroll];
      qwasm_v128 decided = wasm_i32x4_splat(bracket.usable ? -1 : 0);
      for (int u = 0; u < kUnroll; ++u) {
        const qwasm_v128 d = wasm_f32x4_sub(wasm_v128_load(x + i + 4 * u), v_lo);
        floors[u] = wasm_f32x4_floor(wasm_f32x4_mul(d, v_below));
        decided = wasm_v128_and(decided, wasm_f32x4_eq(floors[u], wasm_f32x4_floor(wasm_f32x4_mul(d, v_above))));
      }
      if (!wasm_i32x4_all_true(decided)) {
        for (int u = 0; u < kUnroll; ++u) {
          const qwasm_v128 d = wasm_f32x4_sub(wasm_v128_load(x + i + 4 * u), v_lo);
          floors[u] = wasm_f32x4_floor(wasm_f32x4_mul(wasm_f32x4_div(d, v_width), v_bins));
        }
      }
      qwasm_v128 offsets[kUnroll];
      for (int u = 0; u < kUnroll; ++u) {
        const qwasm_v128 v = wasm_v128_load(x + i + 4 * u);
        const qwasm_v128 inside = opaque(wasm_v128_and(wasm_f32x4_ge(v, v_lo), wasm_f32x4_le(v, v_hi)));
        // Inside [lo, hi], t is in [0, bins]; floor(t) == bins lands in slot bins + 1.
        const qwasm_v128 whole = wasm_f32x4_add(floors[u], v_magic);
        offsets[u] = wasm_v128_and(wasm_i32x4_add(wasm_i32x4_shl(whole, 2), v_offset), inside);
      }
      for (int u = 0; u < kUnroll; ++u) {
        ++*reinterpret_cast<uint32_t*>(base + static_cast<uint32_t>(wasm_i32x4_extract_lane(offsets[u], 0)));
        ++*reinterpret_cast<uint32_t*>(base + static_cast<uint32_t>(wasm_i32x4_extract_lane(offsets[u], 1)));
        ++*reinterpret_cast<uint32_t*>(base + static_cast<uint32_t>(wasm_i32x4_extract_lane(offsets[u], 2)));
        ++*reinterpret_cast<uint32_t*>(base + static_cast<uint32_t>(wasm_i32x4_extract_lane(offsets[u], 3)));
      }
    }
  }
  const qwasm_v128 v_one = wasm_i32x4_splat(1);
  for (; i + 4 <= end; i += 4) {
    const qwasm_v128 v = wasm_v128_load(x + i);
    const qwasm_v128 inside = wasm_v128_and(wasm_f32x4_ge(v, v_lo), wasm_f32x4_le(v, v_hi));
    const qwasm_v128 scaled = wasm_f32x4_mul(wasm_f32x4_div(wasm_f32x4_sub(v, v_lo), v_width), v_bins);
    const qwasm_v128 pos = truncate_small(wasm_f32x4_pmin(scaled, v_last));
    const qwasm_v128 slots = wasm_v128_and(wasm_i32x4_add(pos, v_one), inside);
    // Two 64-bit extractions and shifts (lanes are little-endian in wasm and on x86) move the four slots to
    // scalar registers faster than four 32-bit extractions or a store and four loads (measured natively).
    const uint64_t low = static_cast<uint64_t>(wasm_i64x2_extract_lane(slots, 0));
    const uint64_t high = static_cast<uint64_t>(wasm_i64x2_extract_lane(slots, 1));
    ++lanes[0][static_cast<uint32_t>(low)];
    ++lanes[1][low >> 32];
    ++lanes[2][static_cast<uint32_t>(high)];
    ++lanes[3][high >> 32];
  }
#endif
  for (; i < end; ++i) ++lanes[i % 4][slot_of(x[i], lo, hi, width, bins_f, bins)];
}

}  // namespace

void histc(const float* x, std::size_t n, int64_t bins, double lo_bound, double hi_bound, const AminMax& x_range,
           float* out, std::vector<uint32_t>& lane_counts) {
  // histc_select_outer_bin_edges: equal bounds fall back to the data's min/max, equal again widens by 1 (in
  // double); linspace then stores the edges as float32 and the kernel uses its first and last edge.
  double left = lo_bound, right = hi_bound;
  if (left == right && n > 0) {
    left = x_range.min;
    right = x_range.max;
  }
  if (left == right) {
    left -= 1.0;
    right += 1.0;
  }
  const float lo = static_cast<float>(left);
  const float hi = static_cast<float>(right);
  const float width = hi - lo;
  // Integer counts per worker (4 lanes each), added up at the end: exact whichever worker counted which element.
  // PyTorch adds 1.0f per element into float32 bins, the same up to 2^24 per bin (the saturation beyond is
  // reproduced below).
  // Slot 0: dropped elements; slots 1..bins: the bins; slot bins + 1: t == bins, histc's last bin (count_slots).
  const std::size_t stride = static_cast<std::size_t>(bins) + 2;
  const std::size_t per_worker = 4 * stride;
  const std::size_t workers = static_cast<std::size_t>(thread_count());
  // lane_counts is all zeros on entry (a new vector is; every call leaves it so): no clearing pass per batch.
  if (lane_counts.size() < workers * per_worker) lane_counts.resize(workers * per_worker, 0u);
  parallel_for_workers(static_cast<int64_t>(n), static_cast<int64_t>(kHistcTask),
                       [&](int worker, int64_t begin, int64_t end) {
                         uint32_t* counts = lane_counts.data() + static_cast<std::size_t>(worker) * per_worker;
                         count_slots(x, static_cast<std::size_t>(begin), static_cast<std::size_t>(end), bins, lo,
                                     hi, width, counts, stride);
                       });
  // Every lane into the first (a batch has at most 2^31 elements, so uint32 holds any total), zeroing as it goes.
  uint32_t* total = lane_counts.data();
  total[0] = 0;
  for (std::size_t lane = 1; lane < 4 * workers; ++lane) {
    uint32_t* counts = lane_counts.data() + lane * stride;
    counts[0] = 0;
    for (std::size_t k = 1; k < stride; ++k) {
      total[k] += counts[k];
      counts[k] = 0;
    }
  }
  total[stride - 2] += total[stride - 1];
  total[stride - 1] = 0;
  for (std::size_t k = 1; k + 1 < stride; ++k) {
    // PyTorch (one thread) adds 1.0f per element into a float32 bin, which stops growing at 2^24.
    out[k - 1] = static_cast<float>(std::min<uint32_t>(total[k], uint32_t{1} << 24));
    total[k] = 0;
  }
}

}  // namespace histogram_detail

using histogram_detail::AminMax;

namespace {

constexpr int64_t kUpsampleRate = 128;  // HistogramObserver's upsample_rate default (not an option in qwasm)
constexpr int64_t kMaxBins = int64_t{1} << 24;

// int(t) of a float32 0-dim tensor, passed on as a histc bound: Python truncates toward zero into an unbounded
// int, which histc's Scalar argument must fit into int64. Returns the value as the double histc works with.
double truncated_bound(float v, const char* what) {
  check(std::isfinite(v), "HistogramObserver: ", what, " is ", v,
        " (PyTorch 1.13 fails converting it to an int for torch.histc)");
  check(v >= -9223372036854775808.0f && v < 9223372036854775808.0f, "HistogramObserver: ", what, " ", v,
        " does not fit int64 (PyTorch 1.13's torch.histc bound overflows)");
  return static_cast<double>(std::trunc(v));
}

// torch.min / torch.max of two 0-dim float tensors: std::min(a, b) / std::max(a, b), so `a` wins ties.
inline float tensor_min(float a, float b) { return b < a ? b : a; }
inline float tensor_max(float a, float b) { return a < b ? b : a; }

}  // namespace

HistogramObserver::HistogramObserver(const ObserverOptions& options)
    : bins_(options.bins),
      dtype_(options.dtype.value_or(DType::QUInt8)),
      qscheme_(options.qscheme.value_or(QScheme::PerTensorAffine)),
      eps_(options.eps.value_or(std::numeric_limits<float>::epsilon())) {
  check(!is_per_channel(qscheme_),
        "HistogramObserver's qscheme only support torch.per_tensor_symmetric and torch.per_tensor_affine (got ",
        qscheme_name(qscheme_), ")");
  check(bins_ >= 1 && bins_ <= kMaxBins, "HistogramObserver: bins must be in [1, 2^24], got ", bins_);
  check(options.averaging_constant == 0.01f && options.ch_axis == 0 && !options.scale && !options.zero_point,
        "HistogramObserver takes bins, dtype, qscheme, reduce_range, quant_min, quant_max and eps only");
  // UniformQuantizationObserverBase's checks (dtype, custom range). PyTorch's HistogramObserver does not inherit
  // MinMaxObserver's refusal of symmetric + reduce_range + quint8, so neither does this class.
  range_ = observer_quant_range(dtype_, options.reduce_range, options.quant_min, options.quant_max);
  // dst_nbins = 2 ** torch.iinfo(dtype).bits: the dtype's full width, whatever the quant range.
  dst_nbins_ = dtype_ == DType::QInt32 ? 4294967296.0 : 256.0;
  histogram_.assign(static_cast<std::size_t>(bins_), 0.0f);
}

void HistogramObserver::observe(const FloatTensor& x) { observe(x.data.data(), x.data.size(), x.shape); }

void HistogramObserver::observe(const float* data, std::size_t values, const Shape& shape) {
  const int64_t count = element_count(shape, "HistogramObserver input");
  check(static_cast<std::size_t>(count) == values, "HistogramObserver: tensor of shape ", shape_string(shape),
        " holds ", values, " values, not ", count);
  observe(data, values);
}

void HistogramObserver::observe(const float* data, std::size_t count) {
  if (count == 0) return;  // forward() returns an empty input untouched
  // The lane counters are uint32: keep every count far from overflow.
  check(count <= (std::size_t{1} << 31), "HistogramObserver: batches of more than 2^31 values are not supported");
  const AminMax x_range = histogram_detail::torch_aminmax(data, count);
  check(!x_range.has_nan, "HistogramObserver: the input contains NaN (PyTorch 1.13 fails in int(min_val))");

  // forward(): a fresh start when nothing was observed yet or when the previous min equals the previous max
  // (min_val.item() == max_val.item()); the old histogram is then discarded, not merged.
  if (!observed_ || min_val_ == max_val_) {
    const double lo = truncated_bound(x_range.min, "the input's minimum");
    const double hi = truncated_bound(x_range.max, "the input's maximum");
    histogram_detail::histc(data, count, bins_, lo, hi, x_range, histogram_.data(), lane_counts_);
    min_val_ = x_range.min;
    max_val_ = x_range.max;
    observed_ = true;
    return;
  }

  const float combined_min = tensor_min(x_range.min, min_val_);
  float combined_max = tensor_max(x_range.max, max_val_);
  check(std::isfinite(combined_min) && std::isfinite(combined_max), "HistogramObserver: the input contains ",
        "an infinity (PyTorch 1.13 fails converting it to an int)");

  // _adjust_min_max: a grid of hist_bin_width = (max - min) / (bins * upsample_rate) that the old histogram
  // upsamples onto and the combined range (relaxed upward to a whole number of output bins) downsamples from.
  const float hist_bin_width = (max_val_ - min_val_) / static_cast<float>(bins_ * kUpsampleRate);
  const float bins_width = static_cast<float>(bins_) * hist_bin_width;  // self.bins * hist_bin_width
  const float combined_range = combined_max - combined_min;
  const float rate = std::ceil(combined_range / bins_width);
  // int(...item()) of an infinite ratio raises in PyTorch; an enormous one makes PyTorch allocate
  // bins * downsample_rate floats and fail. The bound keeps (k+1) * downsample_rate below 2^62.
  check(std::isfinite(rate) && rate >= 1.0f && rate * static_cast<float>(bins_) <= 4.0e18f,
        "HistogramObserver: the range grew from [", min_val_, ", ", max_val_, "] to [", combined_min, ", ",
        combined_max, "], too far to merge the histograms (PyTorch 1.13 cannot either)");
  const int64_t downsample_rate = static_cast<int64_t>(rate);
  const float e = static_cast<float>(downsample_rate) * bins_width - combined_range;
  combined_max = combined_max + e;  // relax the max only, so that a one-sided min stays at 0
  const float start_f = std::nearbyint((min_val_ - combined_min) / hist_bin_width);  // torch.round: half to even
  check(start_f >= 0.0f && start_f < 4.0e18f, "HistogramObserver: cannot place the old histogram in the merged ",
        "range (offset ", start_f, " bins; PyTorch 1.13 fails too)");
  const int64_t start_idx = static_cast<int64_t>(start_f);

  const double lo = truncated_bound(combined_min, "the combined minimum");
  const double hi = truncated_bound(combined_max, "the combined maximum");
  const std::size_t nbins = static_cast<std::size_t>(bins_);
  batch_histogram_.resize(nbins);

  if (combined_min == min_val_ && combined_max == max_val_) {
    histogram_detail::histc(data, count, bins_, lo, hi, x_range, batch_histogram_.data(), lane_counts_);
    for (std::size_t k = 0; k < nbins; ++k) batch_histogram_[k] = batch_histogram_[k] + histogram_[k];
  } else {
    // _combine_histograms. PyTorch writes the old histogram, each bin repeated upsample_rate times, at offset
    // start_idx into zeros(bins * downsample_rate); a slice that does not fit is a shape error there.
    const int64_t upsampled = bins_ * kUpsampleRate;
    check(start_idx >= 0 && start_idx + upsampled <= bins_ * downsample_rate,
          "HistogramObserver: the old histogram does not fit the merged range (start ", start_idx,
          "; PyTorch 1.13 fails the same way)");
    histogram_detail::histc(data, count, bins_, lo, hi, x_range, batch_histogram_.data(), lane_counts_);
    // integral_histogram = cumsum(that, dtype=double)[downsample_rate-1::downsample_rate]: the float64 running
    // sum after element (k+1)*downsample_rate - 1. Zeros do not change a running sum, so only the number of
    // upsampled elements at or before that position matters: m = whole old bins * 128 + a partial run.
    double sum_whole_bins = 0.0;  // running sum after `whole` complete old bins, added one element at a time
    int64_t whole = 0;
    double previous = 0.0;  // shifted_integral_histogram[k]: a float32 tensor, so the previous integral rounded
    for (std::size_t k = 0; k < nbins; ++k) {
      const int64_t last = static_cast<int64_t>(k + 1) * downsample_rate - 1;
      const int64_t m = std::clamp<int64_t>(last - start_idx + 1, 0, upsampled);
      const int64_t bin = m / kUpsampleRate;
      const int64_t run = m % kUpsampleRate;
      while (whole < bin) {
        sum_whole_bins = histogram_detail::add_repeated(sum_whole_bins, histogram_[whole], kUpsampleRate);
        ++whole;
      }
      const double integral =
          run == 0 ? sum_whole_bins : histogram_detail::add_repeated(sum_whole_bins, histogram_[bin], run);
      // (integral - shifted) is float64 (double - float), / upsample_rate, then .to(torch.float).
      const float interpolated = static_cast<float>((integral - previous) / static_cast<double>(kUpsampleRate));
      batch_histogram_[k] = batch_histogram_[k] + interpolated;  // orig_hist + interpolated (float32)
      previous = static_cast<double>(static_cast<float>(integral));
    }
  }
  histogram_.swap(batch_histogram_);
  min_val_ = combined_min;
  max_val_ = combined_max;
}

double HistogramObserver::quantization_error(int64_t start_bin, int64_t end_bin) const {
  check(observed_, "HistogramObserver: quantization_error before any observe()");
  check(0 <= start_bin && start_bin <= end_bin && end_bin < bins_, "HistogramObserver: bins [", start_bin, ", ",
        end_bin, "] are not within [0, ", bins_ - 1, "]");
  std::vector<float> norm(static_cast<std::size_t>(bins_));
  return quantization_error(start_bin, end_bin, norm);
}

double HistogramObserver::quantization_error(int64_t start_bin, int64_t end_bin, std::vector<float>& norm) const {
  // _compute_quantization_error: the L2 error of mapping source bins [start_bin, end_bin] onto dst_nbins
  // destination bins. Python floats (doubles) for the widths, float32 tensors for the per-bin terms.
  const double bin_width = (static_cast<double>(max_val_) - static_cast<double>(min_val_)) /
                           static_cast<double>(bins_);
  const double dst_bin_width = bin_width * static_cast<double>(end_bin - start_bin + 1) / dst_nbins_;
  if (dst_bin_width == 0.0) return 0.0;
  // A Python float meets a float32 tensor as a float32 scalar.
  const float bw = static_cast<float>(bin_width);
  const float dbw = static_cast<float>(dst_bin_width);
  const float half = static_cast<float>(dst_bin_width / 2);         // delta_end / torch.tensor(dst_bin_width / 2)
  const float neg_half = static_cast<float>(-dst_bin_width / 2);    // torch.tensor(-dst_bin_width / 2)
  const float dst_last = static_cast<float>(dst_nbins_ - 1);        // clamp(..., 0, dst_nbins - 1)
  const float half_cube = (half * half) * half;
  const float neg_half_cube = (neg_half * neg_half) * neg_half;
  // _get_norm(torch.tensor(-w/2), torch.tensor(w/2), density) = density * norm with a 0-dim norm.
  const float middle_norm = (half_cube - neg_half_cube) / 3.0f;
  for (int64_t i = 0; i < bins_; ++i) {
    const float src_begin = static_cast<float>(i - start_bin) * bw;  // (arange - start) * bin_width
    const float src_end = src_begin + bw;
    const float dst_begin = std::min(std::max(histogram_detail::div_floor(src_begin, dbw), 0.0f), dst_last);
    const float dst_begin_center = (dst_begin + 0.5f) * dbw;
    const float dst_end = std::min(std::max(histogram_detail::div_floor(src_end, dbw), 0.0f), dst_last);
    const float density = histogram_[static_cast<std::size_t>(i)] / bw;
    // norm += _get_norm(delta_begin, ones * delta_end, density); _get_norm = density * ((e^3 - b^3) / 3).
    const float delta_begin = src_begin - dst_begin_center;
    float n = 0.0f + density * ((half_cube - (delta_begin * delta_begin) * delta_begin) / 3.0f);
    // norm += (dst_bin_of_end - dst_bin_of_begin - 1) * _get_norm(-w/2, w/2, density)
    n = n + ((dst_end - dst_begin) - 1.0f) * (density * middle_norm);
    // norm += _get_norm(-w/2, src_bin_end - dst_bin_of_end_center, density)
    const float dst_end_center = dst_end * dbw + half;
    const float delta_end = src_end - dst_end_center;
    n = n + density * (((delta_end * delta_end) * delta_end - neg_half_cube) / 3.0f);
    norm[static_cast<std::size_t>(i)] = n;
  }
  return static_cast<double>(histogram_detail::torch_sum(norm.data(), norm.size()));  // norm.sum().item()
}

std::pair<float, float> HistogramObserver::search_min_max() const {
  check(observed_, "HistogramObserver: search_min_max before any observe()");
  // _non_linear_param_search.
  const std::size_t nbins = static_cast<std::size_t>(bins_);
  const float bin_width = (max_val_ - min_val_) / static_cast<float>(bins_);
  const double total = static_cast<double>(histogram_detail::torch_sum(histogram_.data(), nbins));
  // torch.cumsum of a float32 tensor accumulates in double (acc_type on CPU) and stores float32.
  std::vector<float> cumulative(nbins);
  double running = 0.0;
  for (std::size_t i = 0; i < nbins; ++i) {
    running += static_cast<double>(histogram_[i]);
    cumulative[i] = static_cast<float>(running);
  }
  std::vector<float> norm_scratch(nbins);

  const double step = 1e-5;
  double alpha = 0.0, beta = 1.0;
  int64_t start_bin = 0, end_bin = bins_ - 1;
  double norm_min = std::numeric_limits<double>::infinity();
  // PyTorch rescans l from start_bin and r from end_bin on every one of up to 10^5 iterations. The thresholds
  // only grow (alpha) or shrink (beta) when total >= 0, so bins already passed stay passed and each scan resumes
  // where the last stopped: every i in [start_bin, scan_l) has cumulative[i] < the current lower threshold,
  // every i in (scan_r, end_bin] has cumulative[i] > the current upper one. (A histogram can hold tiny negative
  // interpolation residues, so cumulative is not assumed monotonic.) A negative total rescans like PyTorch.
  const bool resume = total >= 0.0;
  int64_t scan_l = 0, scan_r = bins_ - 1;
  while (alpha < beta) {
    const double next_alpha = alpha + step;
    const double next_beta = beta - step;
    // cSum[l] < next_alpha * total: a float32 0-dim tensor against a Python float, compared in float32.
    const float lower = static_cast<float>(next_alpha * total);
    const float upper = static_cast<float>(next_beta * total);
    int64_t l = resume ? std::min(std::max(scan_l, start_bin), end_bin) : start_bin;
    while (l < end_bin && cumulative[static_cast<std::size_t>(l)] < lower) ++l;
    int64_t r = resume ? std::max(std::min(scan_r, end_bin), start_bin) : end_bin;
    while (r > start_bin && cumulative[static_cast<std::size_t>(r)] > upper) --r;
    scan_l = l;
    scan_r = r;

    int64_t next_start = start_bin, next_end = end_bin;
    if ((l - start_bin) > (end_bin - r)) {
      next_start = l;
      alpha = next_alpha;
    } else {
      next_end = r;
      beta = next_beta;
    }
    if (next_start == start_bin && next_end == end_bin) continue;
    const double norm = quantization_error(next_start, next_end, norm_scratch);
    if (norm > norm_min) break;
    norm_min = norm;
    start_bin = next_start;
    end_bin = next_end;
  }
  // new_min = min_val + bin_width * start_bin; new_max = min_val + bin_width * (end_bin + 1) (float32 tensors).
  const float new_min = min_val_ + bin_width * static_cast<float>(start_bin);
  const float new_max = min_val_ + bin_width * static_cast<float>(end_bin + 1);
  return {new_min, new_max};
}

QParams HistogramObserver::calculate_qparams() const {
  if (!observed_) {
    // PyTorch warns "must run observer before calling calculate_qparams" and returns scale 1.0, zero point 0.
    return qparams_from_min_max({}, {}, dtype_, qscheme_, range_, eps_, 0);
  }
  const std::pair<float, float> searched = search_min_max();
  return qparams_from_min_max({searched.first}, {searched.second}, dtype_, qscheme_, range_, eps_, 0);
}

ObserverStats HistogramObserver::stats() const {
  ObserverStats s;
  if (observed_) {
    s.min_val = {min_val_};
    s.max_val = {max_val_};
  }
  s.histogram = histogram_;  // zeros before the first observe(), like PyTorch's buffer
  return s;
}

}  // namespace qwasm
