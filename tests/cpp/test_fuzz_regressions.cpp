// Every input a fuzzer once crashed on (tests/fuzz/regressions/<fuzzer>-<hash>) goes through the fuzzer's body
// again: it must now be rejected cleanly or run.
#if !defined(__EMSCRIPTEN__)  // natively only: reads a directory listing (std::filesystem)
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../fuzz/harness.h"

namespace {
std::vector<uint8_t> read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}
}  // namespace

TEST_CASE("fuzz regressions: every saved crash input is now handled") {
  const std::filesystem::path dir = std::filesystem::path(QWASM_GOLDEN_DIR) / ".." / "fuzz" / "regressions";
  const std::vector<uint8_t> model = read_file(std::filesystem::path(QWASM_GOLDEN_DIR) / ".." / ".." / "models" /
                                               "fashion_mnist_int8.onnx");
  REQUIRE(!model.empty());
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("model-", 0) != 0 && name.rfind("run-", 0) != 0) continue;
    const std::vector<uint8_t> bytes = read_file(entry.path());
    INFO(name);
    if (name.rfind("model-", 0) == 0) {
      qwasm::fuzz::model_bytes(bytes.data(), bytes.size());
    } else {
      qwasm::fuzz::run_inputs(model, bytes.data(), bytes.size());
    }
    ++checked;
  }
  // The real check is above: under the native ASan + UBSan build any report aborts this case.
  CHECK(checked >= 4);
  MESSAGE(checked << " regression inputs replayed");
}
#endif
