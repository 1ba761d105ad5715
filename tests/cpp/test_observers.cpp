// Behaviour and error cases of the min/max observer family, worked out by hand (values chosen so the float32
// arithmetic is exact). The bit-exact comparison with PyTorch lives in test_golden_observers.cpp.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"
#include "observers/minmax_observer.h"
#include "observers/observer.h"
#include "observers/per_channel_minmax_observer.h"
#include "observers/qparams_from_range.h"

using namespace qwasm;

namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

// The message of the qwasm::Error that f throws, or "(no error)".
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

bool mentions(const std::string& message, const std::string& part) { return message.find(part) != std::string::npos; }

ObserverOptions with_dtype(DType dtype, QScheme qscheme) {
  ObserverOptions o;
  o.dtype = dtype;
  o.qscheme = qscheme;
  return o;
}

FloatTensor tensor(Shape shape, std::vector<float> data) { return FloatTensor{std::move(shape), std::move(data)}; }

}  // namespace

TEST_CASE("observer: PyTorch's defaults and the unobserved state") {
  auto minmax = make_observer("minmax", {});
  CHECK(std::string(minmax->torch_name()) == "MinMaxObserver");
  CHECK(minmax->stats().min_val.empty());
  QParams q = minmax->calculate_qparams();
  CHECK(q.dtype == DType::QUInt8);
  CHECK(q.qscheme == QScheme::PerTensorAffine);
  CHECK(q.quant_min == 0);
  CHECK(q.quant_max == 255);
  CHECK(q.scales == std::vector<float>{1.0f});
  CHECK(q.zero_points == std::vector<int32_t>{0});

  auto per_channel = make_observer("per_channel_minmax", {});
  q = per_channel->calculate_qparams();
  CHECK(q.qscheme == QScheme::PerChannelAffine);
  CHECK(q.scales == std::vector<float>{1.0f});  // PyTorch's single default entry
  CHECK(q.axis == 0);

  CHECK(std::string(make_observer("moving_average", {})->kind()) == "moving_average");
  CHECK(std::string(make_observer("moving_average_per_channel", {})->torch_name()) ==
        "MovingAveragePerChannelMinMaxObserver");
  CHECK(mentions(error_of([] { make_observer("minmaxx", {}); }), "unknown observer kind 'minmaxx'"));
}

TEST_CASE("observer: quant ranges, reduce_range and custom quant_min/quant_max") {
  CHECK(observer_quant_range(DType::QUInt8, true, {}, {}).quant_max == 127);
  const QuantRange qint8_reduced = observer_quant_range(DType::QInt8, true, {}, {});
  CHECK(qint8_reduced.quant_min == -64);
  CHECK(qint8_reduced.quant_max == 63);
  CHECK(!qint8_reduced.customized);
  // qint32 ignores reduce_range without a custom range (PyTorch does too).
  CHECK(observer_quant_range(DType::QInt32, true, {}, {}).quant_min == std::numeric_limits<int32_t>::min());
  // A custom range is halved with Python's floor division: -3 // 2 == -2.
  const QuantRange custom = observer_quant_range(DType::QInt8, true, -3, 7);
  CHECK(custom.quant_min == -2);
  CHECK(custom.quant_max == 3);
  CHECK(custom.customized);
  // A custom qint32 range of exactly 2^31 values is PyTorch's limit.
  CHECK(observer_quant_range(DType::QInt32, false, 0, 2147483647).quant_max == 2147483647);
}

TEST_CASE("observer: option combinations PyTorch rejects, with the option named") {
  auto err = [](const char* kind, const ObserverOptions& o) { return error_of([&] { make_observer(kind, o); }); };
  CHECK(mentions(err("minmax", with_dtype(DType::QUInt8, QScheme::PerChannelAffine)), "qscheme"));
  CHECK(mentions(err("moving_average", with_dtype(DType::QUInt8, QScheme::PerChannelSymmetric)), "qscheme"));
  CHECK(mentions(err("per_channel_minmax", with_dtype(DType::QUInt8, QScheme::PerTensorAffine)), "qscheme"));
  CHECK(mentions(err("moving_average_per_channel", with_dtype(DType::QInt8, QScheme::PerTensorSymmetric)),
                 "qscheme"));
  CHECK(mentions(err("minmax", with_dtype(DType::Float32, QScheme::PerTensorAffine)), "dtype float32"));

  ObserverOptions o = with_dtype(DType::QUInt8, QScheme::PerTensorSymmetric);
  o.reduce_range = true;
  CHECK(mentions(err("minmax", o), "reduce_range"));
  o.qscheme = QScheme::PerChannelSymmetric;
  CHECK(mentions(err("per_channel_minmax", o), "reduce_range"));
  o.dtype = DType::QInt8;  // fine for qint8
  CHECK(make_observer("per_channel_minmax", o)->calculate_qparams().quant_min == -64);

  ObserverOptions r;
  r.quant_min = 1;
  r.quant_max = 255;
  CHECK(mentions(err("minmax", r), "must include 0"));
  r.quant_min = 0;
  r.quant_max = 0;
  CHECK(mentions(err("minmax", r), "strictly less"));
  r.quant_max = 300;
  CHECK(mentions(err("minmax", r), "does not fit quint8"));
  r.quant_max.reset();
  CHECK(mentions(err("minmax", r), "quant_min and quant_max must be given together"));
  r.quant_max = 1;
  r.reduce_range = true;
  CHECK(mentions(err("minmax", r), "empty range [0, 0]"));
  ObserverOptions wide = with_dtype(DType::QInt32, QScheme::PerTensorAffine);
  wide.quant_min = -2147483648LL;
  wide.quant_max = 2147483647;
  CHECK(mentions(err("minmax", wide), "2^31"));
  ObserverOptions wide8 = with_dtype(DType::QInt8, QScheme::PerTensorAffine);
  wide8.quant_min = -200;
  wide8.quant_max = 100;  // 301 values: PyTorch's qint8 length check
  CHECK(mentions(err("moving_average", wide8), "256"));
  wide8.quant_max = 50;   // 251 values: PyTorch accepts it, but -200 is no qint8
  CHECK(mentions(err("moving_average", wide8), "does not fit qint8"));

  // Keyword arguments the PyTorch class does not take.
  ObserverOptions extra;
  extra.ch_axis = 1;
  CHECK(mentions(err("minmax", extra), "ch_axis"));
  extra = {};
  extra.averaging_constant = 0.5f;
  CHECK(mentions(err("per_channel_minmax", extra), "averaging_constant"));
  extra = {};
  extra.bins = 100;
  CHECK(mentions(err("moving_average", extra), "bins"));
  extra = {};
  extra.scale = 0.5f;
  CHECK(mentions(err("minmax", extra), "scale"));
}

TEST_CASE("MinMaxObserver: running min/max, empty and 0-d tensors, exact qparams") {
  auto obs = make_observer("minmax", {});
  obs->observe(tensor({2, 2}, {0.0f, 100.0f, 3.0f, 4.0f}));
  obs->observe(tensor({0, 3}, {}));  // ignored
  obs->observe(tensor({}, {255.0f}));  // 0-d
  obs->observe(tensor({3}, {1.0f, 2.0f, 3.0f}));
  ObserverStats s = obs->stats();
  CHECK(s.min_val == std::vector<float>{0.0f});
  CHECK(s.max_val == std::vector<float>{255.0f});
  QParams q = obs->calculate_qparams();
  CHECK(q.scales == std::vector<float>{1.0f});  // (255 - 0) / 255
  CHECK(q.zero_points == std::vector<int32_t>{0});

  // qint8 affine over [-128, 127]: scale 1, zero point -128 - round(-128 / 1) = 0.
  auto signed_obs = make_observer("minmax", with_dtype(DType::QInt8, QScheme::PerTensorAffine));
  signed_obs->observe(tensor({2}, {-128.0f, 127.0f}));
  q = signed_obs->calculate_qparams();
  CHECK(q.scales == std::vector<float>{1.0f});
  CHECK(q.zero_points == std::vector<int32_t>{0});

  // All-positive data: the range is widened to include 0, so the zero point is quant_min.
  auto positive = make_observer("minmax", {});
  positive->observe(tensor({2}, {51.0f, 255.0f}));
  CHECK(positive->calculate_qparams().zero_points == std::vector<int32_t>{0});
  CHECK(positive->calculate_qparams().scales == std::vector<float>{1.0f});

  CHECK(mentions(error_of([&] { obs->observe(tensor({2, 2}, {1.0f})); }), "has 1 values, expected 4"));
}

TEST_CASE("observer: symmetric zero points (quint8 128, or the custom range's midpoint)") {
  auto sym = make_observer("minmax", with_dtype(DType::QUInt8, QScheme::PerTensorSymmetric));
  sym->observe(tensor({2}, {-2.0f, 1.0f}));
  QParams q = sym->calculate_qparams();
  CHECK(q.zero_points == std::vector<int32_t>{128});
  CHECK(q.scales == std::vector<float>{2.0f / 127.5f});

  ObserverOptions custom = with_dtype(DType::QUInt8, QScheme::PerTensorSymmetric);
  custom.quant_min = 0;
  custom.quant_max = 255;  // the default range, but given: PyTorch then uses (0 + 255) // 2
  auto custom_obs = make_observer("minmax", custom);
  custom_obs->observe(tensor({2}, {-2.0f, 1.0f}));
  CHECK(custom_obs->calculate_qparams().zero_points == std::vector<int32_t>{127});

  auto sym8 = make_observer("minmax", with_dtype(DType::QInt8, QScheme::PerTensorSymmetric));
  sym8->observe(tensor({2}, {-2.0f, 1.0f}));
  CHECK(sym8->calculate_qparams().zero_points == std::vector<int32_t>{0});
}

TEST_CASE("MovingAverageMinMaxObserver: first batch initialises, then m + c * (cur - m)") {
  ObserverOptions o;
  o.averaging_constant = 0.5f;
  auto obs = make_observer("moving_average", o);
  obs->observe(tensor({2}, {-1.0f, 1.0f}));
  CHECK(obs->stats().min_val == std::vector<float>{-1.0f});
  obs->observe(tensor({0}, {}));  // ignored, also for the averaging
  obs->observe(tensor({3}, {-3.0f, 0.0f, 5.0f}));
  CHECK(obs->stats().min_val == std::vector<float>{-2.0f});
  CHECK(obs->stats().max_val == std::vector<float>{3.0f});
  // Default constant 0.01, float32 steps: -1 + f32(0.01 * f32(-3 - -1)).
  auto slow = make_observer("moving_average", {});
  slow->observe(tensor({1}, {-1.0f}));
  slow->observe(tensor({1}, {-3.0f}));
  const float step = 0.01f * (-3.0f - -1.0f);
  CHECK(slow->stats().min_val == std::vector<float>{-1.0f + step});
}

TEST_CASE("observer: NaN is kept in min/max and calculate_qparams fails as PyTorch's assertion does") {
  for (const char* kind : {"minmax", "moving_average"}) {
    auto obs = make_observer(kind, {});
    obs->observe(tensor({3}, {1.0f, kNaN, 2.0f}));
    obs->observe(tensor({2}, {-1.0f, 5.0f}));  // NaN stays
    CHECK(std::isnan(obs->stats().min_val.at(0)));
    CHECK(std::isnan(obs->stats().max_val.at(0)));
    CHECK(mentions(error_of([&] { obs->calculate_qparams(); }), "NaN"));
  }
  auto pc = make_observer("per_channel_minmax", {});
  pc->observe(tensor({2, 2}, {1.0f, 2.0f, kNaN, 4.0f}));
  CHECK(pc->stats().min_val.at(0) == 1.0f);
  CHECK(std::isnan(pc->stats().min_val.at(1)));
  CHECK(mentions(error_of([&] { pc->calculate_qparams(); }), "of channel 1"));
}

TEST_CASE("observer: unusable scales (range past FLT_MAX, eps 0) are errors, not qparams") {
  auto overflow = make_observer("minmax", {});
  overflow->observe(tensor({2}, {-3e38f, 3e38f}));
  CHECK(mentions(error_of([&] { overflow->calculate_qparams(); }), "not usable"));
  auto infinite = make_observer("minmax", {});
  infinite->observe(tensor({2}, {0.0f, kInf}));
  CHECK(mentions(error_of([&] { infinite->calculate_qparams(); }), "not usable"));

  ObserverOptions o;
  o.eps = 0.0f;
  auto zero_eps = make_observer("minmax", o);
  zero_eps->observe(tensor({2}, {1.0f, 2.0f}));
  CHECK(zero_eps->calculate_qparams().scales == std::vector<float>{2.0f / 255.0f});  // eps 0 is fine here
  zero_eps->observe(tensor({2}, {0.0f, 0.0f}));
  auto all_zero = make_observer("minmax", o);
  all_zero->observe(tensor({2}, {0.0f, 0.0f}));
  CHECK(mentions(error_of([&] { all_zero->calculate_qparams(); }), "eps 0"));
  // With the default eps a zero range gets scale eps.
  auto zeros = make_observer("minmax", {});
  zeros->observe(tensor({2}, {0.0f, 0.0f}));
  CHECK(zeros->calculate_qparams().scales == std::vector<float>{0x1p-23f});
}

TEST_CASE("PerChannelMinMaxObserver: channels along ch_axis, negative axes, any rank") {
  // 2 x 3: rows are channels for axis 0, columns for axis 1 and -1.
  const FloatTensor x = tensor({2, 3}, {1.0f, -2.0f, 3.0f, -4.0f, 5.0f, 6.0f});
  ObserverOptions o;
  auto rows = make_observer("per_channel_minmax", o);
  rows->observe(x);
  CHECK(rows->stats().min_val == std::vector<float>{-2.0f, -4.0f});
  CHECK(rows->stats().max_val == std::vector<float>{3.0f, 6.0f});
  for (int axis : {1, -1}) {
    o.ch_axis = axis;
    auto cols = make_observer("per_channel_minmax", o);
    cols->observe(x);
    CHECK(cols->stats().min_val == std::vector<float>{-4.0f, -2.0f, 3.0f});
    CHECK(cols->stats().max_val == std::vector<float>{1.0f, 5.0f, 6.0f});
    CHECK(cols->calculate_qparams().axis == 1);  // made non-negative with the batch's rank
    CHECK(cols->calculate_qparams().scales.size() == 3);
  }
  // 4-D, channel axis 1 (NCHW activations): channel c holds values 10c .. 10c + 3.
  std::vector<float> nchw(2 * 2 * 1 * 2);
  for (int n = 0; n < 2; ++n)
    for (int c = 0; c < 2; ++c)
      for (int w = 0; w < 2; ++w) nchw[(n * 2 + c) * 2 + w] = static_cast<float>(10 * c + 2 * n + w);
  o.ch_axis = 1;
  auto act = make_observer("per_channel_minmax", o);
  act->observe(tensor({2, 2, 1, 2}, nchw));
  CHECK(act->stats().min_val == std::vector<float>{0.0f, 10.0f});
  CHECK(act->stats().max_val == std::vector<float>{3.0f, 13.0f});
}

TEST_CASE("PerChannelMinMaxObserver: PyTorch's shape rules and its 1 <-> N channel broadcasting") {
  ObserverOptions o;
  o.ch_axis = 2;
  auto obs = make_observer("per_channel_minmax", o);
  obs->observe(tensor({0, 4}, {}));  // empty: ignored before ch_axis is looked at
  CHECK(mentions(error_of([&] { obs->observe(tensor({2, 2}, {1, 2, 3, 4})); }), "ch_axis 2 is out of range"));
  o.ch_axis = 0;
  auto pc = make_observer("per_channel_minmax", o);
  CHECK(mentions(error_of([&] { pc->observe(tensor({3}, {1, 2, 3})); }), "rank >= 2"));
  CHECK(mentions(error_of([&] { pc->observe(tensor({}, {1})); }), "rank >= 2"));

  pc->observe(tensor({1, 2}, {5.0f, 6.0f}));              // one channel: min 5, max 6
  pc->observe(tensor({3, 1}, {1.0f, 7.0f, 9.0f}));        // broadcast to three
  CHECK(pc->stats().min_val == std::vector<float>{1.0f, 5.0f, 5.0f});
  CHECK(pc->stats().max_val == std::vector<float>{6.0f, 7.0f, 9.0f});
  pc->observe(tensor({1, 1}, {0.0f}));                    // and back: the single value meets every channel
  CHECK(pc->stats().min_val == std::vector<float>{0.0f, 0.0f, 0.0f});
  CHECK(mentions(error_of([&] { pc->observe(tensor({4, 1}, {1, 2, 3, 4})); }), "4 channels"));

  ObserverOptions ma;
  ma.averaging_constant = 0.5f;
  auto avg = make_observer("moving_average_per_channel", ma);
  avg->observe(tensor({1, 1}, {4.0f}));
  avg->observe(tensor({2, 1}, {0.0f, 8.0f}));
  CHECK(avg->stats().min_val == std::vector<float>{2.0f, 6.0f});
}

TEST_CASE("FixedQParamsObserver: PyTorch's sigmoid/tanh qparams, defaults and checks") {
  ObserverOptions sigmoid;
  sigmoid.scale = 1.0f / 256.0f;
  auto obs = make_observer("fixed", sigmoid);
  obs->observe(tensor({2}, {-100.0f, kNaN}));  // observing changes nothing
  QParams q = obs->calculate_qparams();
  CHECK(q.scales == std::vector<float>{1.0f / 256.0f});
  CHECK(q.zero_points == std::vector<int32_t>{0});
  CHECK(q.quant_min == 0);
  CHECK(q.quant_max == 255);
  CHECK(obs->stats().min_val.empty());

  ObserverOptions qint8;
  qint8.scale = 2.0f / 256.0f;
  qint8.dtype = DType::QInt8;
  CHECK(mentions(error_of([&] { make_observer("fixed", qint8); }), "[0, 255] does not fit qint8"));
  qint8.quant_min = -128;
  qint8.quant_max = 127;
  CHECK(make_observer("fixed", qint8)->calculate_qparams().quant_min == -128);

  ObserverOptions bad;
  CHECK(mentions(error_of([&] { make_observer("fixed", bad); }), "scale is required"));
  bad.scale = 0.0f;
  CHECK(mentions(error_of([&] { make_observer("fixed", bad); }), "scale must be finite and > 0"));
  bad.scale = 0.1f;
  bad.zero_point = 300;
  CHECK(mentions(error_of([&] { make_observer("fixed", bad); }), "zero_point 300"));
  bad.zero_point = 0;
  bad.qscheme = QScheme::PerChannelAffine;
  CHECK(mentions(error_of([&] { make_observer("fixed", bad); }), "qscheme"));
  bad.qscheme.reset();
  bad.reduce_range = true;
  CHECK(mentions(error_of([&] { make_observer("fixed", bad); }), "reduce_range"));
  bad.reduce_range = false;
  bad.eps = 0.5f;
  CHECK(mentions(error_of([&] { make_observer("fixed", bad); }), "eps"));
}

TEST_CASE("scan_min_max matches a plain loop for every length and NaN position") {
  std::vector<float> data(200);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = std::sin(static_cast<float>(i) * 1.7f) * 100.0f;
  int64_t compared = 0;
  for (std::size_t n = 1; n <= data.size(); ++n) {
    float mn = data[0], mx = data[0];
    for (std::size_t i = 1; i < n; ++i) {
      mn = data[i] < mn ? data[i] : mn;
      mx = data[i] > mx ? data[i] : mx;
    }
    const MinMax r = scan_min_max(data.data(), n);
    CHECK(r.min == mn);
    CHECK(r.max == mx);
    ++compared;
  }
  // A single NaN anywhere (first lane, a middle lane, the tail) makes both results NaN; infinities are values.
  for (std::size_t pos = 0; pos < 70; ++pos) {
    std::vector<float> x(data.begin(), data.begin() + 70);
    x[pos] = kNaN;
    const MinMax r = scan_min_max(x.data(), x.size());
    CHECK(std::isnan(r.min));
    CHECK(std::isnan(r.max));
    x[pos] = -kInf;
    CHECK(scan_min_max(x.data(), x.size()).min == -kInf);
    ++compared;
  }
  CHECK(compared == 270);
}

namespace {

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("scan_min_max: the SIMD loop gives the scalar lanes' bits (signed zeros, infinities, NaN, odd lengths)") {
  // Values drawn from a small set rich in ties: -0.0 and +0.0 (the lane order decides which one is kept),
  // infinities, and NaN now and then.
  const float pool[] = {0.0f, -0.0f, 0.0f, -0.0f, 1.5f, -1.5f, kInf, -kInf, 3.0f, -2.0f};
  uint32_t seed = 7;
  auto next = [&] { return (seed = seed * 1664525u + 1013904223u) >> 8; };
  int64_t compared = 0;
  for (std::size_t n : {1, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 127, 129, 1001, 4099}) {
    for (int trial = 0; trial < 40; ++trial) {
      std::vector<float> x(n);
      // Trials 0-9: zeros only (the sign of a zero result is all that differs); then the whole pool; every
      // fourth trial puts one NaN at a random position.
      for (float& v : x) v = trial < 10 ? pool[next() % 4] : pool[next() % 10];
      if (trial % 4 == 3) x[next() % n] = kNaN;
      const MinMax simd = scan_min_max(x.data(), n);
      const MinMax scalar = scan_min_max_scalar(x.data(), n);
      CAPTURE(n);
      CAPTURE(trial);
      if (std::isnan(scalar.min)) {
        CHECK(std::isnan(simd.min));
        CHECK(std::isnan(simd.max));
      } else {
        CHECK(same_bits(simd.min, scalar.min));
        CHECK(same_bits(simd.max, scalar.max));
      }
      ++compared;
    }
  }
  CHECK(compared == 15 * 40);
}

TEST_CASE("observers: observe(pointer, count, shape) equals observe(FloatTensor) and checks the count") {
  std::vector<float> x(4096);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(static_cast<float>(i) * 0.37f) * (1.0f + i % 7);
  const Shape shape{4, 16, 64};
  for (const char* kind : {"minmax", "moving_average", "per_channel_minmax", "moving_average_per_channel",
                           "histogram"}) {
    ObserverOptions options;
    if (std::string(kind).find("per_channel") != std::string::npos) options.ch_axis = 1;
    auto by_tensor = make_observer(kind, options);
    auto by_pointer = make_observer(kind, options);
    for (int batch = 0; batch < 3; ++batch) {
      for (float& v : x) v *= 1.25f;
      by_tensor->observe(FloatTensor{shape, x});
      by_pointer->observe(x.data(), x.size(), shape);
    }
    const ObserverStats a = by_tensor->stats(), b = by_pointer->stats();
    CAPTURE(kind);
    CHECK(a.min_val == b.min_val);
    CHECK(a.max_val == b.max_val);
    CHECK(a.histogram == b.histogram);
    CHECK(mentions(error_of([&] { by_pointer->observe(x.data(), x.size() - 1, shape); }), "4095"));
  }
  auto fixed = make_observer("fixed", [] {
    ObserverOptions o;
    o.scale = 0.5f;
    return o;
  }());
  fixed->observe(x.data(), x.size(), shape);
  CHECK(mentions(error_of([&] { fixed->observe(x.data(), 3, shape); }), "expected 4096"));
}

TEST_CASE("scan_channel_min_max matches a plain loop for outer/channel/inner layouts") {
  int64_t compared = 0;
  for (int64_t outer : {1, 2, 5}) {
    for (int64_t channels : {1, 3, 17}) {
      for (int64_t inner : {1, 2, 19, 40}) {
        std::vector<float> x(static_cast<std::size_t>(outer * channels * inner));
        for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::cos(static_cast<float>(i) * 0.37f) * 10.0f;
        if (channels > 1) x[static_cast<std::size_t>(((outer - 1) * channels + 1) * inner)] = kNaN;  // channel 1
        std::vector<float> mn(static_cast<std::size_t>(channels)), mx(mn.size());
        scan_channel_min_max(x.data(), outer, channels, inner, mn.data(), mx.data());
        for (int64_t c = 0; c < channels; ++c) {
          float want_min = kInf, want_max = -kInf;
          bool nan = false;
          for (int64_t o = 0; o < outer; ++o) {
            for (int64_t i = 0; i < inner; ++i) {
              const float v = x[static_cast<std::size_t>((o * channels + c) * inner + i)];
              nan = nan || std::isnan(v);
              want_min = v < want_min ? v : want_min;
              want_max = v > want_max ? v : want_max;
            }
          }
          if (nan) {
            CHECK(std::isnan(mn[c]));
            CHECK(std::isnan(mx[c]));
          } else {
            CHECK(mn[c] == want_min);
            CHECK(mx[c] == want_max);
          }
          ++compared;
        }
      }
    }
  }
  CHECK(compared == 3 * (1 + 3 + 17) * 4);
}
