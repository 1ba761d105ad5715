#include "ops/max_pool2d.h"

#include <algorithm>

#include "core/error.h"
#include "kernels/simd128/qu8_maxpool.h"
#include "ops/pool_common.h"
#include "runtime/thread_pool.h"

namespace qwasm {

MaxPool2dOperator MaxPool2dOperator::create(const Pool2dGeometry& geometry) {
  validate_pool2d_geometry(geometry, "max_pool2d");
  return MaxPool2dOperator(geometry);
}

NhwcDims MaxPool2dOperator::output_dims(const NhwcDims& input) const {
  return pool2d_output_dims(input, geometry_, "max_pool2d");
}

void MaxPool2dOperator::run(const NhwcDims& dims, const uint8_t* input, uint8_t* output) const {
  const NhwcDims out = output_dims(dims);
  if (dims.n == 0 || dims.c == 0) return;
  check(input != nullptr && output != nullptr, "max_pool2d: null input or output");
  // Threads share the output rows of all images (ResNet-18's pool is one 112x112x64 image); the estimate counts
  // one unit per channel and window tap.
  NhwcDims one = dims;
  one.n = 1;
  const int64_t in_image = dims.h * dims.w * dims.c, out_image = out.h * out.w * out.c;
  // One range when single-threaded: each range costs a kernel call.
  const int64_t all_rows = dims.n * out.h;
  parallel_for(all_rows, thread_count() == 1 ? all_rows : 4, out.w * dims.c * geometry_.kernel_h * geometry_.kernel_w,
               [&](int64_t begin, int64_t end) {
                 for (int64_t r = begin; r < end;) {
                   const int64_t n = r / out.h, oh = r % out.h, rows = std::min(out.h - oh, end - r);
                   max_pool2d_qu8_simd128_rows(one, input + n * in_image, geometry_, output + n * out_image, oh,
                                               oh + rows);
                   r += rows;
                 }
               });
}

}  // namespace qwasm
