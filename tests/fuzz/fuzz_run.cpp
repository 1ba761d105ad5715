// libFuzzer entry: bytes as run() feeds for the default int8 model (models/fashion_mnist_int8.onnx).
#include <fstream>
#include <iterator>
#include <vector>

#include "harness.h"

namespace {
const std::vector<uint8_t>& model() {
  static const std::vector<uint8_t> bytes = [] {
    std::ifstream f(QWASM_SOURCE_DIR "/models/fashion_mnist_int8.onnx", std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
  }();
  return bytes;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qwasm::fuzz::run_inputs(model(), data, size);
  return 0;
}
