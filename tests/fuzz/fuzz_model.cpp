// libFuzzer entry: bytes as an ONNX model (scripts/fuzz.mjs builds and runs it; seeds: the committed models).
#include "harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qwasm::fuzz::model_bytes(data, size);
  return 0;
}
