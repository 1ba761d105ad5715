// Hand-checked behaviour of HistogramObserver and of the PyTorch arithmetic it is built from. The bit-exact
// comparison against PyTorch itself is test_golden_histogram.cpp; here every expected value is derived in the test
// from the rule it checks (histc's formula, exact arithmetic, a plain re-implementation of PyTorch's loop).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "core/error.h"
#include "observers/histogram_observer.h"
#include "observers/qparams_from_range.h"
#include "runtime/thread_pool.h"

using namespace qwasm;

namespace {

ObserverOptions with_bins(int bins) {
  ObserverOptions o;
  o.bins = bins;
  return o;
}

FloatTensor tensor(std::vector<float> values) {
  const int64_t n = static_cast<int64_t>(values.size());
  return FloatTensor{{n}, std::move(values)};
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, 4) == 0; }

bool same_state(const ObserverStats& a, const ObserverStats& b) {
  auto same = [](const std::vector<float>& x, const std::vector<float>& y) {
    return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin(), same_bits);
  };
  return same(a.min_val, b.min_val) && same(a.max_val, b.max_val) && same(a.histogram, b.histogram);
}

// histc's bin for x over float32 edges [lo, hi] with `bins` bins, straight from the rule (-1: dropped).
int64_t expected_bin(float x, float lo, float hi, int64_t bins) {
  if (x < lo || x > hi) return -1;
  const float width = hi - lo;
  const float scaled = ((x - lo) / width) * static_cast<float>(bins);
  const int64_t pos = static_cast<int64_t>(scaled);
  return pos == bins ? bins - 1 : pos;
}

// histc over [lo, hi] equals counting expected_bin() one element at a time.
void check_histc_against_formula(const std::vector<float>& x, int64_t bins, float lo, float hi,
                                 std::vector<uint32_t>& scratch) {
  std::vector<float> expected(static_cast<std::size_t>(bins), 0.0f);
  for (float v : x) {
    const int64_t b = expected_bin(v, lo, hi, bins);
    if (b >= 0) expected[static_cast<std::size_t>(b)] += 1.0f;
  }
  const histogram_detail::AminMax range = histogram_detail::torch_aminmax(x.data(), x.size());
  std::vector<float> got(static_cast<std::size_t>(bins));
  histogram_detail::histc(x.data(), x.size(), bins, lo, hi, range, got.data(), scratch);
  CAPTURE(bins);
  CAPTURE(x.size());
  CHECK(got == expected);
}

}  // namespace

TEST_CASE("HistogramObserver: names, defaults and the not-observed state") {
  HistogramObserver observer(ObserverOptions{});
  CHECK(std::string(observer.kind()) == "histogram");
  CHECK(std::string(observer.torch_name()) == "HistogramObserver");
  CHECK(observer.bins() == 2048);
  CHECK_FALSE(observer.observed());
  const ObserverStats s = observer.stats();
  CHECK(s.min_val.empty());
  CHECK(s.max_val.empty());
  REQUIRE(s.histogram.size() == 2048);
  CHECK(std::all_of(s.histogram.begin(), s.histogram.end(), [](float v) { return v == 0.0f; }));
  // PyTorch warns and returns scale 1.0, zero point 0 before any data.
  const QParams q = observer.calculate_qparams();
  REQUIRE(q.scales.size() == 1);
  CHECK(q.scales[0] == 1.0f);
  CHECK(q.zero_points[0] == 0);
  CHECK(q.dtype == DType::QUInt8);
  CHECK(q.qscheme == QScheme::PerTensorAffine);
  CHECK_THROWS_AS(observer.search_min_max(), Error);
  CHECK_THROWS_AS(observer.quantization_error(0, 10), Error);
  // An empty tensor changes nothing, as PyTorch's forward returns it at once.
  observer.observe(tensor({}));
  CHECK_FALSE(observer.observed());
}

TEST_CASE("HistogramObserver: options PyTorch rejects, and one it accepts") {
  ObserverOptions o;
  o.qscheme = QScheme::PerChannelAffine;
  CHECK_THROWS_AS(HistogramObserver{o}, Error);
  o.qscheme = QScheme::PerChannelSymmetric;
  CHECK_THROWS_AS(HistogramObserver{o}, Error);
  o = ObserverOptions{};
  o.dtype = DType::Float32;
  CHECK_THROWS_AS(HistogramObserver{o}, Error);
  CHECK_THROWS_AS(HistogramObserver{with_bins(0)}, Error);
  CHECK_THROWS_AS(HistogramObserver{with_bins(-5)}, Error);
  o = ObserverOptions{};
  o.ch_axis = 1;  // not a HistogramObserver argument
  CHECK_THROWS_AS(HistogramObserver{o}, Error);
  o = ObserverOptions{};
  o.quant_min = 5;  // quant_min without quant_max
  CHECK_THROWS_AS(HistogramObserver{o}, Error);
  // MinMaxObserver refuses symmetric + reduce_range + quint8; HistogramObserver does not inherit that check.
  o = ObserverOptions{};
  o.qscheme = QScheme::PerTensorSymmetric;
  o.reduce_range = true;
  HistogramObserver symmetric_reduced(o);
  symmetric_reduced.observe(tensor({-1.0f, 2.0f, 0.5f}));
  const QParams q = symmetric_reduced.calculate_qparams();
  CHECK(q.quant_min == 0);
  CHECK(q.quant_max == 127);
  CHECK(q.zero_points[0] == 128);  // PyTorch's symmetric quint8 zero point, even outside the reduced range
}

TEST_CASE("HistogramObserver: one batch is binned by histc's formula with int() bounds") {
  SUBCASE("integer bounds: x == max goes to the last bin") {
    HistogramObserver observer(with_bins(4));
    observer.observe(tensor({0.0f, 1.0f, 2.0f, 3.0f, 4.0f}));
    CHECK(observer.stats().histogram == std::vector<float>{1.0f, 1.0f, 1.0f, 2.0f});
    CHECK(observer.stats().min_val == std::vector<float>{0.0f});
    CHECK(observer.stats().max_val == std::vector<float>{4.0f});
  }
  SUBCASE("|x| < 1: int() gives 0 and 0, so histc falls back to the data's own range") {
    HistogramObserver observer(with_bins(4));
    const std::vector<float> x{-0.5f, 0.25f, 0.75f, 0.1f};
    observer.observe(tensor(x));
    std::vector<float> expected(4, 0.0f);
    for (float v : x) expected[static_cast<std::size_t>(expected_bin(v, -0.5f, 0.75f, 4))] += 1.0f;
    CHECK(observer.stats().histogram == expected);
  }
  SUBCASE("bounds truncated toward zero drop the values beyond them, min/max keep them") {
    HistogramObserver observer(with_bins(6));
    const std::vector<float> x{-2.7f, -1.5f, 0.0f, 3.25f, 4.0f, 4.6f};
    observer.observe(tensor(x));
    std::vector<float> expected(6, 0.0f);
    for (float v : x) {
      const int64_t b = expected_bin(v, -2.0f, 4.0f, 6);
      if (b >= 0) expected[static_cast<std::size_t>(b)] += 1.0f;
    }
    CHECK(expected_bin(-2.7f, -2.0f, 4.0f, 6) == -1);
    CHECK(expected_bin(4.6f, -2.0f, 4.0f, 6) == -1);
    CHECK(observer.stats().histogram == expected);
    CHECK(observer.stats().min_val == std::vector<float>{-2.7f});
    CHECK(observer.stats().max_val == std::vector<float>{4.6f});
  }
  SUBCASE("a constant batch is binned over [c - 1, c + 1]") {
    HistogramObserver observer(with_bins(4));
    observer.observe(tensor({3.0f, 3.0f, 3.0f}));
    CHECK(observer.stats().histogram == std::vector<float>{0.0f, 0.0f, 3.0f, 0.0f});
  }
}

TEST_CASE("histogram_detail::histc: the SIMD loop bins exactly like the scalar formula") {
  std::mt19937 gen(12345);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<uint32_t> scratch;
  for (int64_t bins : {1, 3, 7, 100, 2048}) {
    for (std::size_t n : {std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{5}, std::size_t{1001}}) {
      std::vector<float> x(n);
      for (float& v : x) v = normal(gen) * 5.0f;
      // Bounds inside the data so that both sides drop values; hit the edges exactly too.
      const float lo = -3.0f, hi = 4.0f;
      x[0] = hi;
      if (n > 2) x[1] = lo;
      check_histc_against_formula(x, bins, lo, hi, scratch);
    }
  }
}

TEST_CASE("histogram_detail::histc: the 32-element loop, edges, dropped values and bins up to 2^20") {
  // The main loop takes 32 elements at a time (four sub-histograms, t == bins in a slot of its own that is added
  // to the last bin), the rest goes through the 4-element loop and the scalar tail; lengths around multiples of
  // 32 exercise every split. Values sit on and next to the edges (x == hi lands in the last bin, nextafter(hi)
  // is dropped), outside both bounds and at the bin boundaries of the float32 formula.
  std::mt19937 gen(777);
  std::uniform_real_distribution<float> uniform(-6.0f, 9.0f);
  std::vector<uint32_t> scratch;
  int64_t compared = 0;
  for (int64_t bins : {int64_t{1}, int64_t{2}, int64_t{5}, int64_t{2048}, int64_t{4099}, int64_t{1} << 20}) {
    for (std::size_t n : {std::size_t{15}, std::size_t{16}, std::size_t{17}, std::size_t{31}, std::size_t{32},
                          std::size_t{33}, std::size_t{63}, std::size_t{64}, std::size_t{65}, std::size_t{1000},
                          std::size_t{4103}}) {
      const float lo = -5.0f, hi = 7.0f;
      std::vector<float> x(n);
      for (std::size_t i = 0; i < n; ++i) {
        switch (gen() % 8) {
          case 0: x[i] = hi; break;
          case 1: x[i] = lo; break;
          case 2: x[i] = std::nextafter(hi, 100.0f); break;
          case 3: x[i] = std::nextafter(lo, -100.0f); break;
          case 4: x[i] = std::nextafter(hi, 0.0f); break;
          // An element near a bin boundary: lo + k * width / bins, one ulp either way.
          case 5: {
            const float edge = lo + static_cast<float>(gen() % static_cast<uint32_t>(bins)) * ((hi - lo) /
                                                                                             static_cast<float>(bins));
            x[i] = gen() % 2 ? std::nextafter(edge, 100.0f) : std::nextafter(edge, -100.0f);
            break;
          }
          default: x[i] = uniform(gen);
        }
      }
      check_histc_against_formula(x, bins, lo, hi, scratch);
      // The scratch counters are left zeroed: a second call gives the same counts, not twice them.
      check_histc_against_formula(x, bins, lo, hi, scratch);
      ++compared;
    }
  }
  CHECK(compared == 6 * 11);
}

TEST_CASE("histogram_detail::torch_aminmax: min/max values, NaN detection, x86's choice of signed zero") {
  std::mt19937 gen(7);
  std::uniform_real_distribution<float> uniform(-100.0f, 100.0f);
  for (std::size_t n = 1; n <= 70; ++n) {
    std::vector<float> x(n);
    for (float& v : x) v = uniform(gen);
    const histogram_detail::AminMax r = histogram_detail::torch_aminmax(x.data(), n);
    CHECK(r.min == *std::min_element(x.begin(), x.end()));
    CHECK(r.max == *std::max_element(x.begin(), x.end()));
    CHECK_FALSE(r.has_nan);
    for (std::size_t at : {std::size_t{0}, n / 2, n - 1}) {
      std::vector<float> y = x;
      y[at] = std::numeric_limits<float>::quiet_NaN();
      CHECK(histogram_detail::torch_aminmax(y.data(), n).has_nan);
    }
  }
  // Below 8 elements lane 0 folds left to right with min_ps(acc, x) = acc < x ? acc : x: on equal zeros the new
  // element wins.
  const float zeros_a[2] = {0.0f, -0.0f};
  const float zeros_b[2] = {-0.0f, 0.0f};
  CHECK(std::signbit(histogram_detail::torch_aminmax(zeros_a, 2).min));
  CHECK(std::signbit(histogram_detail::torch_aminmax(zeros_a, 2).max));
  CHECK_FALSE(std::signbit(histogram_detail::torch_aminmax(zeros_b, 2).min));
  CHECK_FALSE(std::signbit(histogram_detail::torch_aminmax(zeros_b, 2).max));
}

TEST_CASE("histogram_detail::div_floor is the exact floor of the quotient, where floor(a / b) is not") {
  std::mt19937 gen(99);
  std::uniform_real_distribution<float> uniform(-500.0f, 500.0f);
  std::uniform_real_distribution<float> divisor(0.001f, 3.0f);
  int naive_differs = 0;
  for (int i = 0; i < 20000; ++i) {
    // Multiples of b, as the quantization error's bin offsets are: a / b rounds across integers there.
    const float b = divisor(gen);
    const float a = i % 2 ? uniform(gen) : static_cast<float>(i % 401 - 200) * b;
    // The quotient of two floats is never within 2^-53 (relative) of an integer it is not, so the double
    // quotient has the true floor.
    const float exact = static_cast<float>(std::floor(static_cast<double>(a) / static_cast<double>(b)));
    const float got = histogram_detail::div_floor(a, b);
    CHECK(got == exact);
    if (got != std::floor(a / b)) ++naive_differs;
  }
  CHECK(naive_differs > 0);
  CHECK(std::isinf(histogram_detail::div_floor(1.0f, 0.0f)));
}

TEST_CASE("histogram_detail::fmod_exact gives std::fmod's bits: random, near multiples, huge quotients, zeros") {
  // Bits must match (the sign of a zero remainder included); two NaNs match whatever their payloads.
  auto same = [](float a, float b) {
    const float got = histogram_detail::fmod_exact(a, b);
    const float want = std::fmod(a, b);
    return (std::isnan(got) && std::isnan(want)) || same_bits(got, want);
  };
  std::mt19937 gen(2024);
  std::uniform_int_distribution<uint32_t> any_bits;
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  int64_t checked = 0, mismatches = 0;
  auto check = [&](float a, float b) {
    ++checked;
    if (!same(a, b)) {
      ++mismatches;
      CAPTURE(a);
      CAPTURE(b);
      CHECK(histogram_detail::fmod_exact(a, b) == std::fmod(a, b));
    }
  };
  for (int i = 0; i < 200000; ++i) {
    // Arbitrary bit patterns: every exponent pair, subnormals, infinities and NaNs.
    float a, b;
    const uint32_t abits = any_bits(gen), bbits = any_bits(gen);
    std::memcpy(&a, &abits, sizeof a);
    std::memcpy(&b, &bbits, sizeof b);
    check(a, b);
    // Quotients of moderate size, where the double path is taken.
    const float c = unit(gen) * std::ldexp(1.0f, static_cast<int>(gen() % 40) - 20);
    const float d = unit(gen) * std::ldexp(1.0f, static_cast<int>(gen() % 40) - 20);
    check(c, d);
    // a on and next to a multiple of b: quotients on and next to an integer.
    const float k = static_cast<float>(static_cast<int>(gen() % 2000001) - 1000000);
    const float m = k * d;
    check(m, d);
    check(std::nextafter(m, 1e30f), d);
    check(std::nextafter(m, -1e30f), d);
    // Quotients around the 2^24 switch to std::fmod.
    const float big = std::ldexp(1.0f + unit(gen) * 0.5f, 23 + static_cast<int>(gen() % 3)) * d;
    check(big, d);
    check(std::nextafter(big, 0.0f), d);
  }
  for (float a : {0.0f, -0.0f, 1.0f, -1.0f, 3.0f, -3.0f, 1e-45f, -1e-45f, 1e38f}) {
    for (float b : {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, -3.0f, 1e-45f, std::numeric_limits<float>::infinity(),
                    -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()}) {
      check(a, b);
    }
  }
  CHECK(checked > 1000000);
  CHECK(mismatches == 0);
}

TEST_CASE("histogram_detail::add_repeated equals adding one element at a time") {
  std::mt19937_64 gen(2024);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int i = 0; i < 20000; ++i) {
    double s;
    float v;
    switch (i % 4) {
      case 0: s = std::floor(unit(gen) * 1e6); v = static_cast<float>(std::floor(unit(gen) * 100)); break;  // counts
      case 1: s = unit(gen) * 1e6; v = static_cast<float>(unit(gen) * 1e-3); break;   // rounding partial sums
      case 2: s = std::ldexp(std::floor(unit(gen) * 1e9), -7); v = std::ldexp(std::floor(unit(gen) * 1e4), -7); break;
      default: s = 1e16 * unit(gen); v = static_cast<float>(unit(gen)); break;       // every addition rounds
    }
    if (i % 7 == 0) v = -v;  // interpolation can leave tiny negative bins
    const int64_t times = 1 + static_cast<int64_t>(unit(gen) * 128);
    double loop = s;
    for (int64_t k = 0; k < times; ++k) loop += static_cast<double>(v);
    const double fast = histogram_detail::add_repeated(s, static_cast<double>(v), times);
    REQUIRE(std::memcmp(&loop, &fast, sizeof loop) == 0);
  }
}

TEST_CASE("histogram_detail::torch_sum: integers add exactly in any order; short vectors too") {
  for (std::size_t n : {std::size_t{1}, std::size_t{5}, std::size_t{8}, std::size_t{33}, std::size_t{2048},
                        std::size_t{4099}}) {
    std::vector<float> x(n);
    double exact = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = static_cast<float>((i * 37) % 101);
      exact += x[i];
    }
    CHECK(static_cast<double>(histogram_detail::torch_sum(x.data(), n)) == exact);
  }
}

TEST_CASE("HistogramObserver: after a constant batch the next batch starts over") {
  // PyTorch: min_val.item() == max_val.item() sends forward() down the first-batch path, which overwrites the
  // histogram with histc of the new batch alone.
  HistogramObserver observer(with_bins(16));
  observer.observe(tensor({2.5f, 2.5f, 2.5f, 2.5f}));
  const std::vector<float> next{-1.0f, 0.5f, 3.0f, 7.25f, 2.0f};
  observer.observe(tensor(next));
  HistogramObserver fresh(with_bins(16));
  fresh.observe(tensor(next));
  CHECK(same_state(observer.stats(), fresh.stats()));
}

TEST_CASE("HistogramObserver: a batch within the same range adds counts") {
  // Range [0, 8] with 16 bins: hist_bin_width = 8 / 2048 and 16 * that = 1/16 are exact, downsample_rate is 128,
  // the relaxation e is 0, so the combined range equals the old one and PyTorch adds the histograms.
  HistogramObserver observer(with_bins(16));
  const std::vector<float> x{0.0f, 8.0f, 1.0f, 2.5f, 2.5f, 7.9f, 4.0f};
  observer.observe(tensor(x));
  const std::vector<float> once = observer.stats().histogram;
  observer.observe(tensor(x));
  const ObserverStats s = observer.stats();
  for (std::size_t k = 0; k < once.size(); ++k) CHECK(s.histogram[k] == 2.0f * once[k]);
  CHECK(s.min_val == std::vector<float>{0.0f});
  CHECK(s.max_val == std::vector<float>{8.0f});
}

TEST_CASE("HistogramObserver: inputs PyTorch fails on throw and leave the state alone") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  HistogramObserver observer(with_bins(32));
  CHECK_THROWS_AS(observer.observe(tensor({1.0f, nan})), Error);
  CHECK_THROWS_AS(observer.observe(tensor({1.0f, inf})), Error);
  CHECK_THROWS_AS(observer.observe(tensor({2e19f, 1.0f})), Error);  // int(2e19) does not fit histc's int64
  CHECK_FALSE(observer.observed());
  observer.observe(tensor({-3.0f, 1.0f, 4.5f}));
  const ObserverStats before = observer.stats();
  CHECK_THROWS_AS(observer.observe(tensor({0.0f, nan, 1.0f})), Error);
  CHECK_THROWS_AS(observer.observe(tensor({-inf})), Error);
  CHECK_THROWS_AS(observer.observe(tensor({-1e19f})), Error);
  CHECK(same_state(observer.stats(), before));
  // A shape that does not match the data.
  CHECK_THROWS_AS(observer.observe(FloatTensor{{2, 2}, {1.0f, 2.0f}}), Error);
  CHECK(same_state(observer.stats(), before));
}

TEST_CASE("HistogramObserver: a range growing 10^4-fold merges without PyTorch's bins * downsample_rate grid") {
  // PyTorch would allocate 2048 * ~1.3e6 floats here; qwasm walks the old bins instead.
  HistogramObserver observer(ObserverOptions{});
  std::mt19937 gen(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> small(500), large(500);
  for (float& v : small) v = normal(gen) * 0.01f;
  for (float& v : large) v = normal(gen) * 100.0f;
  observer.observe(tensor(small));
  observer.observe(tensor(large));
  const ObserverStats s = observer.stats();
  const float data_min = std::min(*std::min_element(small.begin(), small.end()),
                                  *std::min_element(large.begin(), large.end()));
  const float data_max = std::max(*std::max_element(small.begin(), small.end()),
                                  *std::max_element(large.begin(), large.end()));
  CHECK(s.min_val[0] == data_min);
  CHECK(s.max_val[0] >= data_max);  // relaxed upward to whole output bins
  const QParams q = observer.calculate_qparams();
  CHECK(q.scales[0] > 0.0f);
  // A range too wide to place on the merge grid throws instead (PyTorch fails too).
  HistogramObserver tiny(ObserverOptions{});
  tiny.observe(tensor({0.0f, 1e-30f}));
  const ObserverStats before = tiny.stats();
  CHECK_THROWS_AS(tiny.observe(tensor({0.0f, 1e18f})), Error);
  CHECK(same_state(tiny.stats(), before));
}

namespace {

// PyTorch's _non_linear_param_search as written there: both scans restart from start_bin/end_bin every
// iteration. The observer resumes its scans; both must pick the same bins.
std::pair<float, float> plain_search(const HistogramObserver& observer) {
  const ObserverStats s = observer.stats();
  const std::vector<float>& h = s.histogram;
  const int64_t bins = static_cast<int64_t>(h.size());
  const double total = static_cast<double>(histogram_detail::torch_sum(h.data(), h.size()));
  std::vector<float> csum(h.size());
  double run = 0.0;
  for (std::size_t i = 0; i < h.size(); ++i) csum[i] = static_cast<float>(run += h[i]);
  double alpha = 0.0, beta = 1.0, norm_min = std::numeric_limits<double>::infinity();
  int64_t start = 0, end = bins - 1;
  while (alpha < beta) {
    const double next_alpha = alpha + 1e-5, next_beta = beta - 1e-5;
    int64_t l = start, r = end;
    while (l < end && csum[static_cast<std::size_t>(l)] < static_cast<float>(next_alpha * total)) ++l;
    while (r > start && csum[static_cast<std::size_t>(r)] > static_cast<float>(next_beta * total)) --r;
    int64_t next_start = start, next_end = end;
    if ((l - start) > (end - r)) {
      next_start = l;
      alpha = next_alpha;
    } else {
      next_end = r;
      beta = next_beta;
    }
    if (next_start == start && next_end == end) continue;
    const double norm = observer.quantization_error(next_start, next_end);
    if (norm > norm_min) break;
    norm_min = norm;
    start = next_start;
    end = next_end;
  }
  const float width = (s.max_val[0] - s.min_val[0]) / static_cast<float>(bins);
  return {s.min_val[0] + width * static_cast<float>(start), s.min_val[0] + width * static_cast<float>(end + 1)};
}

}  // namespace

TEST_CASE("HistogramObserver: the resumed bin scans pick what PyTorch's restarting scans pick") {
  std::mt19937 gen(31);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::exponential_distribution<float> expo(1.0f);
  for (int bins : {8, 64, 256}) {
    for (int kind = 0; kind < 4; ++kind) {
      HistogramObserver observer(with_bins(bins));
      for (int batch = 0; batch < 1 + kind; ++batch) {  // kinds 1..3 merge histograms: fractional bins
        std::vector<float> x(400);
        for (float& v : x) v = kind == 2 ? expo(gen) * (1.0f + batch) : normal(gen) * (1.0f + 0.7f * batch);
        if (kind == 3) x[0] = 40.0f;  // an outlier
        observer.observe(tensor(x));
      }
      const std::pair<float, float> got = observer.search_min_max();
      const std::pair<float, float> want = plain_search(observer);
      CAPTURE(bins);
      CAPTURE(kind);
      CHECK(same_bits(got.first, want.first));
      CHECK(same_bits(got.second, want.second));
      // calculate_qparams is PyTorch's _calculate_qparams of the searched range.
      const QParams q = observer.calculate_qparams();
      const QParams direct = qparams_from_min_max({got.first}, {got.second}, DType::QUInt8, QScheme::PerTensorAffine,
                                                  observer_quant_range(DType::QUInt8, false, {}, {}), 0x1p-23f, 0);
      CHECK(same_bits(q.scales[0], direct.scales[0]));
      CHECK(q.zero_points[0] == direct.zero_points[0]);
    }
  }
}

namespace {

// PyTorch's AVX2 reduce_all for aminmax written as one plain pass (no chunks): 8 lanes initialised with the first
// 8 elements, min_ps/max_ps (`a < b ? a : b`, `a > b ? a : b`), the tail into the first lanes, then lane i with
// i ^ 4, i ^ 2, i ^ 1.
std::pair<float, float> one_pass_aminmax(const std::vector<float>& x) {
  auto mn = [](float a, float b) { return a < b ? a : b; };
  auto mx = [](float a, float b) { return a > b ? a : b; };
  float lo[8], hi[8];
  for (int k = 0; k < 8; ++k) lo[k] = hi[k] = x[static_cast<std::size_t>(k)];
  std::size_t d = 8;
  for (; d + 8 <= x.size(); d += 8) {
    for (std::size_t k = 0; k < 8; ++k) {
      lo[k] = mn(lo[k], x[d + k]);
      hi[k] = mx(hi[k], x[d + k]);
    }
  }
  for (std::size_t k = 0; d + k < x.size(); ++k) {
    lo[k] = mn(lo[k], x[d + k]);
    hi[k] = mx(hi[k], x[d + k]);
  }
  for (int step : {4, 2, 1}) {
    float lo2[8], hi2[8];
    for (int k = 0; k < 8; ++k) {
      lo2[k] = mn(lo[k], lo[k ^ step]);
      hi2[k] = mx(hi[k], hi[k ^ step]);
    }
    std::memcpy(lo, lo2, sizeof lo);
    std::memcpy(hi, hi2, sizeof hi);
  }
  return {lo[0], hi[0]};
}

}  // namespace

TEST_CASE("HistogramObserver: results do not depend on the thread count (batches above one parallel task)") {
  // 600,003 elements: more than one parallel task (2^19 elements each); zeros of both signs so that the min/max
  // lanes' tie-breaking across tasks is exercised, and a NaN in the last task.
  std::mt19937 gen(77);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  std::vector<float> x(600003);
  // Zeros are +0.0 except in the last 50,000 elements (within the last task), where they are -0.0.
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = (i % 5 == 0) ? (i >= 550003 ? -0.0f : 0.0f) : normal(gen);
  // All values -1.0 or a zero of either sign: the max is a zero whose sign only the order of the lane and chunk
  // folds decides.
  std::vector<float> clamped = x;
  for (float& v : clamped) v = v == 0.0f ? v : -1.0f;
  std::vector<float> second(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) second[i] = x[i] * 1.7f + 0.25f;
  const int original = thread_count();
  std::vector<ObserverStats> results;
  std::vector<std::pair<float, float>> zero_ranges;
  for (int threads : {1, max_thread_count()}) {
    set_thread_count(threads);
    HistogramObserver observer(ObserverOptions{});
    observer.observe(tensor(x));
    observer.observe(tensor(second));
    results.push_back(observer.stats());
    const histogram_detail::AminMax r = histogram_detail::torch_aminmax(clamped.data(), clamped.size());
    zero_ranges.emplace_back(r.min, r.max);
    const std::pair<float, float> one_pass = one_pass_aminmax(clamped);
    CHECK(same_bits(r.min, one_pass.first));
    CHECK(same_bits(r.max, one_pass.second));
    std::vector<float> with_nan = x;
    with_nan[590000] = std::numeric_limits<float>::quiet_NaN();
    CHECK(histogram_detail::torch_aminmax(with_nan.data(), with_nan.size()).has_nan);
  }
  set_thread_count(original);
  CHECK(same_state(results.front(), results.back()));
  CHECK(same_bits(zero_ranges.front().first, zero_ranges.back().first));
  CHECK(same_bits(zero_ranges.front().second, zero_ranges.back().second));
}

TEST_CASE("histogram_detail::torch_aminmax: the 16-element SIMD loop keeps each lane's order (signed zeros, NaN)") {
  // Lengths around multiples of 8 and 16 (whole 16-element steps, one 8-element step, a partial tail), values
  // drawn from {-0.0, +0.0, -1.0, 1.0} so that which zero a lane keeps is decided by the order of its elements.
  std::mt19937 gen(2718);
  const float pool[4] = {-0.0f, 0.0f, -1.0f, 1.0f};
  for (std::size_t n = 8; n <= 80; ++n) {
    for (int rep = 0; rep < 40; ++rep) {
      std::vector<float> x(n);
      for (float& v : x) v = pool[gen() % (rep % 2 ? 2 : 4)];
      const histogram_detail::AminMax r = histogram_detail::torch_aminmax(x.data(), n);
      const std::pair<float, float> want = one_pass_aminmax(x);
      CAPTURE(n);
      CHECK(same_bits(r.min, want.first));
      CHECK(same_bits(r.max, want.second));
      CHECK_FALSE(r.has_nan);
      std::vector<float> y = x;
      y[gen() % n] = std::numeric_limits<float>::quiet_NaN();
      CHECK(histogram_detail::torch_aminmax(y.data(), n).has_nan);
    }
  }
}

TEST_CASE("histogram_detail::histc: the division-free bracket gives the formula's bin for every float next to an edge") {
  // The 16-element loop decides most bins from two multiplications and divides only where they disagree (near a
  // bin edge). Every float within 40 ulps of every edge lo + k * (hi - lo) / bins, shuffled so that decided and
  // undecided lanes share groups, must land where histc's float32 formula puts it; also widths where the bracket
  // is not used (tiny) and huge ranges.
  struct Range {
    float lo, hi;
    int64_t bins;
  };
  const Range ranges[] = {{-5.0f, 7.0f, 2048},       {-4.0f, 13.0f, 2048},  {0.0f, 1.0f, 2048},
                          {2.0f, 3.0f, 3},           {-3.0f, 8.0f, 4099},   {0.12345f, 0.98765f, 2048},
                          {-9.0f, 16.0f, 1},         {1e-30f, 5e-30f, 2048}, {1e-35f, 2e-35f, 16},
                          {-1e30f, 1e30f, 2048},     {0.0f, 1048576.0f, 1 << 20}};
  std::mt19937 gen(4242);
  std::vector<Range> all(std::begin(ranges), std::end(ranges));
  // Integer bounds as the observer's truncated min/max give them, and a few fractional ones (histc's fallback).
  for (int i = 0; i < 24; ++i) {
    const float lo = -static_cast<float>(gen() % 21), hi = static_cast<float>(1 + gen() % 40);
    const int64_t bins_choice[4] = {2048, 1000, 97, 2049};
    all.push_back({lo, hi, bins_choice[i % 4]});
    if (i % 6 == 0) all.push_back({lo + 0.37f, hi - 0.61f, 2048});
  }
  std::vector<uint32_t> scratch;
  for (const Range& r : all) {
    std::vector<float> x;
    const int64_t step = std::max<int64_t>(1, r.bins / 4096);
    for (int64_t k = 0; k <= r.bins; k += step) {
      const double edge = static_cast<double>(r.lo) +
                          static_cast<double>(k) * (static_cast<double>(r.hi) - static_cast<double>(r.lo)) /
                              static_cast<double>(r.bins);
      float up = static_cast<float>(edge), down = up;
      x.push_back(up);
      for (int ulp = 0; ulp < 40; ++ulp) {
        up = std::nextafter(up, std::numeric_limits<float>::infinity());
        down = std::nextafter(down, -std::numeric_limits<float>::infinity());
        x.push_back(up);
        x.push_back(down);
      }
    }
    std::shuffle(x.begin(), x.end(), gen);
    CAPTURE(r.lo);
    CAPTURE(r.hi);
    check_histc_against_formula(x, r.bins, r.lo, r.hi, scratch);
  }
}

TEST_CASE("histogram_detail::histc: every float in [5, 7] binned like the formula (2048 and 3 bins)") {
  std::vector<float> x;
  for (float v = 5.0f; v <= 7.0f; v = std::nextafter(v, 8.0f)) x.push_back(v);
  REQUIRE(x.size() == (std::size_t{1} << 22) + 1);
  std::vector<uint32_t> scratch;
  check_histc_against_formula(x, 2048, 5.0f, 7.0f, scratch);
  check_histc_against_formula(x, 3, 5.0f, 7.0f, scratch);
  // Shifted bounds: the same floats, part of them dropped on both sides.
  check_histc_against_formula(x, 2048, 5.5f, 6.25f, scratch);
}
