// The bodies of qwasm's two fuzzers (tests/fuzz/fuzz_*.cpp), also run by the doctest suite over every file in
// tests/fuzz/regressions/, so a crash the fuzzer found stays a test. Each returns normally when qwasm rejected
// the input with a qwasm::Error or ran it; anything else (another exception, a sanitizer report, a crash) is a bug.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace qwasm::fuzz {

// Bytes as an ONNX model: load (decode, passes, validation) with tight limits, then one run() on zeros (symbolic
// dims 1, at most 2^20 elements per input).
void model_bytes(const uint8_t* data, std::size_t size);

// Bytes as feeds for a fixed valid model (`model`: its bytes): element type, rank, dims and values are read from
// the input, so wrong dtypes, shapes and NaN/inf values all reach run().
void run_inputs(const std::vector<uint8_t>& model, const uint8_t* data, std::size_t size);

}  // namespace qwasm::fuzz
