#include "ops/conv2d.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "kernels/simd128/qu8_dwconv_c8.h"
#include "kernels/simd128/qu8_gemm_4x2c8.h"
#include "kernels/simd128/qu8_gemm_4x8c2.h"
#include "kernels/simd128/qu8_im2col.h"
#include "kernels/simd128/qu8_im2col_padded.h"
#include "runtime/thread_pool.h"

namespace qwasm {

namespace {

// Packed weight columns one GEMM pass reads, so that they stay in L2 while a block of rows goes by.
constexpr int64_t kWeightBlockBytes = int64_t{128} << 10;
// Packed weights of one group above this size do not stay in L2 (1 MB on the machines measured) from one row task
// to the next; such layers are multiplied with all their rows at once (see run_gemm).
constexpr int64_t kWeightStreamBytes = int64_t{2} << 20;
// Upper bound on an im2col panel (bytes): a worker's panel for one task, or the shared panel of a layer whose
// columns are split (depthwise bands use it too).
constexpr int64_t kScratchBytes = int64_t{1} << 20;
// parallel_for's work estimates count multiply-accumulates. Widening one input element (into a padded depthwise
// band or an im2col panel) costs about as much as this many (the GEMM kernels run ~35 GMAC/s, the widening copy a
// few G elements/s), so a band of a MobileNetV2 layer (114 rows x 112 x 32) is padded by every thread instead of
// by the caller alone.
constexpr int64_t kWideningCost = 8;
// Rows of tiles per parallel task: big enough to amortize the task, small enough to keep A in L1/L2.
constexpr int64_t kTilesPerTask = 8;

// qu8_gemm_4x8c2 is chosen up to this depth K (= kernel_h * kernel_w * in_channels_per_group). Measured in Node 20
// with bench_kernels (gemm_c2 vs gemm, M64 N144, median GMAC/s c8 -> c2): K=24 9.3 -> 13.9, K=64 18.1 -> 20.5,
// K=128 19.4 -> 24.0, K=256 24.5 -> 26.1 (another run 37.1 -> 40.1); MobileNetV2 1x1 144->24 layer 31.8 -> 33.4.
// Deeper K (3x3 convs of 64+ channels, K >= 576) keeps the c8 kernel, the faster one there (TOOLCHAIN.md §9).
constexpr int64_t kGemmC2MaxK = 256;
// ... and only with at least this many output channels per group: narrower layers (classifier heads of a few
// classes, small grouped convs) would waste most of the 8-column tile, the 2-column c8 tile at most one column.
constexpr int64_t kGemmC2MinN = 16;

// One-group convolutions with kernel rows of contiguous taps gather their im2col rows from a padded int16 copy of
// the input batch (qu8_im2col_from_padded) while that copy fits this bound; larger batches use qu8_im2col.
// Measured with bench_kernels (GMAC/s, qu8_im2col -> padded copy): Fashion-MNIST conv1 2.7 -> 6.5, conv2 28 -> 33,
// MobileNetV2 stem 11 -> 17, ResNet-18 stem 28 -> 34, ResNet-18 56x56x64 3x3 40 -> 41; deeper layers the same.
constexpr int64_t kPaddedImageMaxBytes = int64_t{4} << 20;

// The padded copy is rewritten by every run and read only during it, so one buffer per calling thread serves
// every operator (a buffer per operator would keep a copy of each layer's input alive).
std::vector<int16_t>& padded_input_scratch() {
  thread_local std::vector<int16_t> scratch;
  return scratch;
}

bool is_depthwise(const Conv2dGeometry& g) { return g.groups == g.in_channels && g.groups == g.out_channels; }

// 1x1, no padding, one group: GEMM row m is simply input pixel (n, oy * stride_h, ox * stride_w), widened.
bool is_pointwise(const Conv2dGeometry& g) {
  return g.kernel_h == 1 && g.kernel_w == 1 && g.groups == 1 && g.pad_top == 0 && g.pad_left == 0 &&
         g.pad_bottom == 0 && g.pad_right == 0;
}

// qu8_im2col for is_pointwise layers, rows [m_begin, m_end): one widening per row read straight from the (strided)
// input pixel, with the pixel coordinates stepped instead of divided out per row; stride 1 with kc == in_channels
// is a single contiguous widening. With small K (MobileNetV2's 24 channels) im2col's per-row cost is a visible
// share of the layer.
void pointwise_rows(const Qu8Im2colShape& s, const uint8_t* input, int64_t m_begin, int64_t m_end, int16_t* panel) {
  const Conv2dGeometry& g = s.geometry;
  const int64_t c = g.in_channels;
  if (g.stride_h == 1 && g.stride_w == 1 && s.kc == c) {
    qu8_widen_less_zero_point(input + m_begin * c, (m_end - m_begin) * c, s.input_zero_point, panel);
    return;
  }
  const int64_t pixels = s.out_height * s.out_width;
  int64_t n = m_begin / pixels, oy = m_begin % pixels / s.out_width, ox = m_begin % s.out_width;
  for (int64_t m = m_begin; m < m_end; ++m) {
    int16_t* row = panel + (m - m_begin) * s.kc;
    const uint8_t* pixel = input + ((n * s.height + oy * g.stride_h) * s.width + ox * g.stride_w) * c;
    qu8_widen_less_zero_point(pixel, c, s.input_zero_point, row);
    if (s.kc > c) std::memset(row + c, 0, static_cast<std::size_t>(s.kc - c) * sizeof(int16_t));
    if (++ox == s.out_width) {
      ox = 0;
      if (++oy == s.out_height) oy = 0, ++n;
    }
  }
}

}  // namespace

Conv2dOperator Conv2dOperator::create(const Conv2dGeometry& geometry, const ConvQuantization& quantization,
                                      const int8_t* weight, const float* bias) {
  // Validate before quantizing the bias, so a bad scale is reported as such.
  validate_conv2d_geometry(geometry, "conv2d");
  validate_conv_quantization(quantization, geometry.out_channels, "conv2d");
  const std::vector<int32_t> bias_q = quantize_conv_bias(bias, quantization, geometry.out_channels);
  return create_named("conv2d", geometry, quantization, weight, bias_q.data());
}

Conv2dOperator Conv2dOperator::create_with_int32_bias(const Conv2dGeometry& geometry,
                                                      const ConvQuantization& quantization, const int8_t* weight,
                                                      const int32_t* bias_q) {
  return create_named("conv2d", geometry, quantization, weight, bias_q);
}

Conv2dOperator Conv2dOperator::create_named(const char* op, const Conv2dGeometry& geometry,
                                            const ConvQuantization& quantization, const int8_t* weight,
                                            const int32_t* bias_q) {
  validate_conv2d_geometry(geometry, op);
  validate_conv_quantization(quantization, geometry.out_channels, op);
  check(weight != nullptr, op, ": weight is null");
  const Conv2dGeometry& g = geometry;
  Conv2dOperator self;
  self.op_name_ = op;
  self.geometry_ = geometry;
  self.quantization_ = quantization;
  const int64_t cout = g.out_channels, cin_g = g.in_channels_per_group(), cout_g = g.out_channels_per_group();
  const int64_t taps = g.kernel_h * g.kernel_w;
  std::vector<int32_t> zero_points(static_cast<std::size_t>(cout));
  for (int64_t c = 0; c < cout; ++c) zero_points[static_cast<std::size_t>(c)] = weight_zero_point_of(quantization, c);
  std::vector<float> scales = conv_requantization_scales(quantization, cout);
  std::vector<int32_t> bias(static_cast<std::size_t>(cout), 0);
  if (bias_q != nullptr) std::copy(bias_q, bias_q + cout, bias.begin());

  if (is_depthwise(g)) {
    self.path_ = Path::depthwise;
    if (g.kernel_h == 3 && g.kernel_w == 3) {
      self.kernel_name_ = "qu8_dwconv_3x3_c8", self.dwconv_kernel_ = qu8_dwconv_3x3_c8;
    } else if (g.kernel_h == 5 && g.kernel_w == 5) {
      self.kernel_name_ = "qu8_dwconv_5x5_c8", self.dwconv_kernel_ = qu8_dwconv_5x5_c8;
    } else {
      self.kernel_name_ = "qu8_dwconv_generic_c8", self.dwconv_kernel_ = qu8_dwconv_generic_c8;
    }
    const int64_t cp = qu8_dwconv_padded_channels(cout);
    self.packed_weights_.resize(static_cast<std::size_t>(qu8_dwconv_packed_size(cout, taps)));
    qu8_dwconv_pack_weights(cout, taps, weight, zero_points.data(), self.packed_weights_.data());
    bias.resize(static_cast<std::size_t>(cp), 0);
    scales.resize(static_cast<std::size_t>(cp), 0.0f);
  } else {
    self.path_ = Path::gemm;
    const int64_t k = taps * cin_g;
    const std::size_t ks = static_cast<std::size_t>(k), ns = static_cast<std::size_t>(cout_g);
    const bool c2 = k <= kGemmC2MaxK && cout_g >= kGemmC2MinN;
    self.gemm_kernel_ = c2 ? GemmKernel::c2_4x8 : GemmKernel::c8_4x2;
    self.kernel_name_ = c2 ? "qu8_gemm_4x8c2" : "qu8_gemm_4x2c8";
    self.kc_ = static_cast<int64_t>(c2 ? qu8_gemm_c2_round_k(ks) : qu8_gemm_round_k(ks));
    self.packed_group_size_ =
        static_cast<int64_t>(c2 ? qu8_gemm_4x8c2_packed_size(ns, ks) : qu8_gemm_4x2c8_packed_size(ns, ks));
    self.packed_weights_.resize(static_cast<std::size_t>(self.packed_group_size_ * g.groups));
    // Reorder OIHW to [oc][ky][kx][ic] so the K order matches the im2col rows (NHWC taps), then pack.
    std::vector<int8_t> reordered(static_cast<std::size_t>(cout_g * k));
    for (int64_t grp = 0; grp < g.groups; ++grp) {
      for (int64_t j = 0; j < cout_g; ++j) {
        const int8_t* w = weight + (grp * cout_g + j) * cin_g * taps;
        for (int64_t ic = 0; ic < cin_g; ++ic) {
          for (int64_t t = 0; t < taps; ++t) {
            reordered[static_cast<std::size_t>(j * k + t * cin_g + ic)] = w[ic * taps + t];
          }
        }
      }
      int16_t* packed = self.packed_weights_.data() + grp * self.packed_group_size_;
      if (c2) {
        qu8_gemm_4x8c2_pack_weights(ns, ks, reordered.data(), zero_points.data() + grp * cout_g, packed);
      } else {
        qu8_gemm_4x2c8_pack_weights(ns, ks, reordered.data(), zero_points.data() + grp * cout_g, packed);
      }
    }
  }
  if (self.path_ == Path::gemm) {
    const bool c2 = self.gemm_kernel_ == GemmKernel::c2_4x8;
    const std::size_t ns = static_cast<std::size_t>(cout_g);
    const std::size_t size = c2 ? qu8_gemm_4x8c2_epilogue_size(ns) : qu8_gemm_4x2c8_epilogue_size(ns);
    self.gemm_epilogue_size_ = static_cast<int64_t>(size);
    self.gemm_bias_.resize(size * static_cast<std::size_t>(g.groups));
    self.gemm_scales_.resize(size * static_cast<std::size_t>(g.groups));
    for (int64_t grp = 0; grp < g.groups; ++grp) {
      const int32_t* b = bias.data() + grp * cout_g;
      const float* sc = scales.data() + grp * cout_g;
      int32_t* b_out = self.gemm_bias_.data() + grp * self.gemm_epilogue_size_;
      float* sc_out = self.gemm_scales_.data() + grp * self.gemm_epilogue_size_;
      if (c2) {
        qu8_gemm_4x8c2_pack_epilogue(ns, b, sc, b_out, sc_out);
      } else {
        qu8_gemm_4x2c8_pack_epilogue(ns, b, sc, b_out, sc_out);
      }
    }
  }
  self.bias_q_ = std::move(bias);
  self.scales_ = std::move(scales);
  return self;
}

void Conv2dOperator::run(const uint8_t* input, int64_t batch, int64_t height, int64_t width, uint8_t* output) {
  const char* op = op_name_.c_str();
  check(input != nullptr && output != nullptr, op, ": input or output is null");
  validate_conv2d_input(geometry_, batch, height, width, op);
  if (path_ == Path::depthwise) {
    run_depthwise(input, batch, height, width, output);
  } else {
    run_gemm(input, batch, height, width, output);
  }
}

void Conv2dOperator::run_depthwise(const uint8_t* input, int64_t batch, int64_t height, int64_t width,
                                   uint8_t* output) {
  const Conv2dGeometry& g = geometry_;
  Qu8DwconvBand b;
  b.geometry = g;
  b.padded_width = width + g.pad_left + g.pad_right;
  b.padded_channels = qu8_dwconv_padded_channels(g.in_channels);
  b.out_width = output_width(width);
  const int64_t out_h = output_height(height);
  const int64_t row_stride = b.row_stride();
  // Tap offsets inside the padded band (plus the partner of an odd last tap: itself, under a zero weight).
  const int64_t taps = g.kernel_h * g.kernel_w;
  std::vector<int32_t>& offsets = tap_offsets_;
  offsets.resize(static_cast<std::size_t>(2 * qu8_dwconv_tap_pairs(taps)));
  for (int64_t t = 0; t < taps; ++t) {
    offsets[static_cast<std::size_t>(t)] =
        static_cast<int32_t>((t / g.kernel_w) * g.dilation_h * row_stride +
                             (t % g.kernel_w) * g.dilation_w * b.padded_channels);
  }
  if (taps % 2 == 1) offsets.back() = offsets[static_cast<std::size_t>(taps - 1)];
  // Output rows per band: as many as fit the scratch budget (at least one).
  const int64_t window_rows = (g.kernel_h - 1) * g.dilation_h + 1;
  const int64_t budget_rows = std::max<int64_t>(window_rows, kScratchBytes / (row_stride * 2));
  const int64_t band_out_rows = std::max<int64_t>(1, std::min(out_h, (budget_rows - window_rows) / g.stride_h + 1));
  const int64_t band_in_rows = (band_out_rows - 1) * g.stride_h + window_rows;
  if (static_cast<int64_t>(scratch_.size()) < band_in_rows * row_stride) {
    scratch_.resize(static_cast<std::size_t>(band_in_rows * row_stride));
  }
  int16_t* band = scratch_.data();
  const Qu8Requantization rq(quantization_.output_zero_point, quantization_.output_min, quantization_.output_max);
  const Qu8DwconvKernel kernel = dwconv_kernel_;
  const int64_t c = g.in_channels;
  for (int64_t n = 0; n < batch; ++n) {
    const uint8_t* image = input + n * height * width * c;
    for (int64_t oy0 = 0; oy0 < out_h; oy0 += band_out_rows) {
      const int64_t oy1 = std::min(out_h, oy0 + band_out_rows);
      const int64_t r0 = oy0 * g.stride_h, r1 = (oy1 - 1) * g.stride_h + window_rows;
      parallel_for(r1 - r0, 8, width * c * kWideningCost, [&](int64_t begin, int64_t end) {
        qu8_dwconv_pad_rows(b, image, height, width, quantization_.input_zero_point, r0, r0 + begin, r0 + end, band);
      });
      parallel_for(oy1 - oy0, 1, b.out_width * c * g.kernel_h * g.kernel_w, [&](int64_t begin, int64_t end) {
        for (int64_t oy = oy0 + begin; oy < oy0 + end; ++oy) {
          kernel(b, band + (oy * g.stride_h - r0) * row_stride, offsets.data(), packed_weights_.data(),
                 bias_q_.data(), scales_.data(), rq, output + ((n * out_h + oy) * b.out_width) * c);
        }
      });
    }
  }
}

void Conv2dOperator::run_gemm(const uint8_t* input, int64_t batch, int64_t height, int64_t width, uint8_t* output) {
  const Conv2dGeometry& g = geometry_;
  Qu8Im2colShape s;
  s.geometry = g;
  s.height = height, s.width = width;
  s.out_height = output_height(height), s.out_width = output_width(width);
  s.input_zero_point = quantization_.input_zero_point;
  s.kc = kc_;
  const int64_t m_total = batch * s.out_height * s.out_width;
  static_assert(kQu8GemmC2Mr == kQu8GemmMr, "both GEMM kernels take tiles of the same row count");
  const int64_t mr = static_cast<int64_t>(kQu8GemmMr);
  const int64_t row_bytes = kc_ * static_cast<int64_t>(sizeof(int16_t));
  const int64_t cout = g.out_channels, cout_g = g.out_channels_per_group();
  const bool c2 = gemm_kernel_ == GemmKernel::c2_4x8;
  const bool pointwise = is_pointwise(g);
  const int64_t nr = static_cast<int64_t>(c2 ? kQu8GemmC2Nr : kQu8GemmNr);
  const int64_t n_block = std::max<int64_t>(nr, kWeightBlockBytes / row_bytes / nr * nr);
  const int64_t n_blocks = (cout_g + n_block - 1) / n_block;
  const Qu8Requantization rq(quantization_.output_zero_point, quantization_.output_min, quantization_.output_max);
  // Column n0's epilogue values: c2 keeps one per column, c8 four per column pair.
  const int64_t epilogue_step = c2 ? 1 : 2;

  Qu8PaddedImageShape p;
  p.height = height, p.width = width, p.channels = g.in_channels;
  p.pad_top = g.pad_top, p.pad_left = g.pad_left, p.pad_bottom = g.pad_bottom, p.pad_right = g.pad_right;
  const int64_t padded_size = batch * p.image_values() + kQu8PaddedImageSlack;
  const bool from_padded = !pointwise && g.groups == 1 && g.dilation_w == 1 &&
                           padded_size * static_cast<int64_t>(sizeof(int16_t)) <= kPaddedImageMaxBytes;
  int16_t* padded = nullptr;
  if (from_padded) {
    std::vector<int16_t>& scratch = padded_input_scratch();
    if (scratch.size() < static_cast<std::size_t>(padded_size)) {
      scratch.assign(static_cast<std::size_t>(padded_size), 0);  // the slack after the batch is read, never written
    }
    padded = scratch.data();
    const int64_t rows = batch * p.padded_height(), grain = thread_count() == 1 ? rows : 8;  // one call alone
    parallel_for(rows, grain, p.row_values() * kWideningCost, [&](int64_t begin, int64_t end) {
      qu8_pad_image_rows(p, input, s.input_zero_point, begin, end, padded);
    });
  }

  // Output rows [row_begin, row_end) of group grp gathered into `panel` (its row 0 is row_begin).
  const auto gather = [&](int64_t grp, int64_t row_begin, int64_t row_end, int16_t* panel) {
    if (pointwise) {
      pointwise_rows(s, input, row_begin, row_end, panel);
    } else if (from_padded) {
      qu8_im2col_from_padded(s, p, padded, row_begin, row_end, panel);
    } else {
      qu8_im2col(s, input, grp, row_begin, row_end, panel);
    }
  };
  // Output rows [row_begin, row_end) (whole tiles but maybe the last) of group grp, columns [n_begin, n_end) of
  // the group, from their gathered rows in `panel`, weight block by weight block.
  const auto multiply = [&](int64_t grp, int64_t row_begin, int64_t row_end, const int16_t* panel, int64_t n_begin,
                            int64_t n_end) {
    const int16_t* w_group = packed_weights_.data() + grp * packed_group_size_;
    const int32_t* bias = gemm_bias_.data() + grp * gemm_epilogue_size_;
    const float* scales = gemm_scales_.data() + grp * gemm_epilogue_size_;
    uint8_t* c_group = output + grp * cout_g;
    const auto gemm = c2 ? qu8_gemm_4x8c2 : qu8_gemm_4x2c8;
    for (int64_t n0 = n_begin; n0 < n_end; n0 += n_block) {
      const int64_t nc = std::min(n_block, n_end - n0);
      gemm(static_cast<std::size_t>(row_end - row_begin), static_cast<std::size_t>(nc), static_cast<std::size_t>(kc_),
           panel, static_cast<std::size_t>(kc_), w_group + n0 * kc_, bias + epilogue_step * n0,
           scales + epilogue_step * n0, rq, c_group + row_begin * cout + n0, static_cast<std::size_t>(cout));
    }
  };

  const int64_t threads = thread_count();
  const int64_t tiles = (m_total + mr - 1) / mr;
  // Tiles per task: kTilesPerTask, or fewer for very deep layers so that a worker's panel stays within
  // kScratchBytes (or one tile).
  const int64_t tiles_per_task = std::clamp<int64_t>(kScratchBytes / (mr * row_bytes), 1, kTilesPerTask);
  const int64_t task_rows = tiles_per_task * mr;
  const int64_t row_tasks = (tiles + tiles_per_task - 1) / tiles_per_task;
  if (cout_g * row_bytes > kWeightStreamBytes && m_total * row_bytes <= kScratchBytes) {
    // Weights that outgrow L2 (ResNet-18's last stage: 4.7 MB per layer, 49 rows) would be read from memory once
    // per row task. Instead every task takes all rows and a slice of the columns, so each weight block is read
    // once per layer. Each worker gathers the rows into its own panel (a copy of at most kScratchBytes) before
    // its first slice: no panel written by another core is read, and no separate gather loop is waited for.
    const std::size_t panel_size = static_cast<std::size_t>(m_total * kc_);
    if (scratch_.size() < static_cast<std::size_t>(threads) * panel_size) {
      scratch_.resize(static_cast<std::size_t>(threads) * panel_size);
    }
    // Set once per run: groups only increase within it, so a worker's panel of an earlier group never matches.
    panel_group_.assign(static_cast<std::size_t>(threads), int64_t{-1});
    const int64_t column_tiles = (cout_g + nr - 1) / nr;
    const int64_t slices = std::min(column_tiles, 2 * threads);
    const int64_t slice_columns = (column_tiles + slices - 1) / slices * nr;
    for (int64_t grp = 0; grp < g.groups; ++grp) {
      parallel_for_workers(slices, 1, m_total * slice_columns * kc_, [&](int worker, int64_t begin, int64_t end) {
        int16_t* panel = scratch_.data() + static_cast<std::size_t>(worker) * panel_size;
        if (panel_group_[static_cast<std::size_t>(worker)] != grp) {
          gather(grp, 0, m_total, panel);
          panel_group_[static_cast<std::size_t>(worker)] = grp;
        }
        for (int64_t slice = begin; slice < end; ++slice) {
          const int64_t n_begin = slice * slice_columns;
          multiply(grp, 0, m_total, panel, n_begin, std::min(cout_g, n_begin + slice_columns));
        }
      });
    }
    return;
  }
  if (threads == 1 || row_tasks >= 2 * threads || n_blocks == 1 || m_total * row_bytes > kScratchBytes) {
    // One loop over the whole output per group. Each task gathers its rows into its worker's own panel and
    // multiplies them at once, while they are in cache. (The work estimate counts multiply-accumulates only.)
    const std::size_t panel_size = static_cast<std::size_t>(task_rows * kc_);
    if (scratch_.size() < static_cast<std::size_t>(threads) * panel_size) {
      scratch_.resize(static_cast<std::size_t>(threads) * panel_size);
    }
    for (int64_t grp = 0; grp < g.groups; ++grp) {
      parallel_for_workers(tiles, tiles_per_task, mr * cout_g * kc_, [&](int worker, int64_t t_begin, int64_t t_end) {
        int16_t* panel = scratch_.data() + static_cast<std::size_t>(worker) * panel_size;
        const int64_t row_begin = t_begin * mr, row_end = std::min(m_total, t_end * mr);
        gather(grp, row_begin, row_end, panel);
        multiply(grp, row_begin, row_end, panel, 0, cout_g);
      });
    }
    return;
  }
  // Too few rows to give every thread two tasks (ResNet-18's 7x7 layers have 13 tiles): the columns are split too,
  // into slices of whole weight blocks, after one gather of all rows into a shared panel (within kScratchBytes).
  // Any split gives the same bytes: each output element is computed by one kernel call either way.
  if (scratch_.size() < static_cast<std::size_t>(m_total * kc_)) {
    scratch_.resize(static_cast<std::size_t>(m_total * kc_));
  }
  int16_t* panel = scratch_.data();
  const int64_t slices = std::min(n_blocks, (2 * threads + row_tasks - 1) / row_tasks);
  const int64_t slice_columns = (n_blocks + slices - 1) / slices * n_block;
  for (int64_t grp = 0; grp < g.groups; ++grp) {
    parallel_for(m_total, 16, kc_ * kWideningCost,
                 [&](int64_t begin, int64_t end) { gather(grp, begin, end, panel + begin * kc_); });
    // The estimate counts the rows there are: a classifier's single row is not a tile's four (ResNet-18's
    // 512 -> 1000 layer was split across threads and ran slower for it).
    const int64_t work = std::min(task_rows, m_total) * slice_columns * kc_;
    parallel_for(row_tasks * slices, 1, work, [&](int64_t begin, int64_t end) {
      for (int64_t task = begin; task < end; ++task) {
        const int64_t row_begin = task / slices * task_rows, n_begin = task % slices * slice_columns;
        multiply(grp, row_begin, std::min(m_total, row_begin + task_rows), panel + row_begin * kc_, n_begin,
                 std::min(cout_g, n_begin + slice_columns));
      }
    });
  }
}

}  // namespace qwasm
