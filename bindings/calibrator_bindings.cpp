// Bindings for post-training calibration (src/runtime/calibration/calibrator.h).
//
// Ownership: a CalibratorHandle is an Embind class instance owned by exactly one JS qwasm.Calibrator
// (js/calibrator.mjs), freed by its dispose() (FinalizationRegistry as the backstop). It owns the float session,
// the observers, the kept calibration batches (up to 64 MiB) and, after convert(), the int8 session the report
// measures with. convert() returns a fresh Uint8Array (the QDQ model); the JS side builds the InferenceSession
// from those bytes, so no wasm object is shared between the two.
#include <memory>
#include <string>
#include <vector>

#include "common.h"
#include "runtime/calibration/calibrator.h"
#include "session_io.h"

using namespace qwasm::bindings;
namespace rt = qwasm::runtime;

namespace {

struct CalibratorHandle {
  explicit CalibratorHandle(std::unique_ptr<rt::Calibrator> c) : calibrator(std::move(c)) {}
  CalibratorHandle(const CalibratorHandle&) = delete;
  CalibratorHandle& operator=(const CalibratorHandle&) = delete;
  std::unique_ptr<rt::Calibrator> calibrator;
};

bool has(const val& o, const char* key) { return !(o[key].isUndefined() || o[key].isNull()); }

// js/calibrator.mjs validates types; this maps names onto the C++ qconfig.
rt::QConfig to_qconfig(const val& o) {
  rt::QConfig q;
  if (has(o, "activation")) q.activation = o["activation"].as<std::string>();
  if (has(o, "weight")) q.weight = o["weight"].as<std::string>();
  if (has(o, "reduceRange")) q.activation_options.reduce_range = o["reduceRange"].as<bool>();
  if (has(o, "quantMin")) q.activation_options.quant_min = o["quantMin"].as<int64_t>();
  if (has(o, "quantMax")) q.activation_options.quant_max = o["quantMax"].as<int64_t>();
  if (has(o, "averagingConstant")) q.activation_options.averaging_constant = o["averagingConstant"].as<float>();
  if (has(o, "bins")) q.activation_options.bins = o["bins"].as<int>();
  if (has(o, "eps")) q.activation_options.eps = o["eps"].as<float>();
  if (has(o, "qscheme")) q.activation_options.qscheme = qwasm::parse_qscheme(o["qscheme"].as<std::string>());
  if (has(o, "weightQscheme")) q.weight_options.qscheme = qwasm::parse_qscheme(o["weightQscheme"].as<std::string>());
  if (has(o, "weightReduceRange")) q.weight_options.reduce_range = o["weightReduceRange"].as<bool>();
  if (has(o, "inputScale")) q.input_scale = o["inputScale"].as<float>();
  if (has(o, "inputZeroPoint")) q.input_zero_point = o["inputZeroPoint"].as<int32_t>();
  if (has(o, "skip")) {
    const val skip = o["skip"];
    for (std::size_t i = 0; i < skip["length"].as<std::size_t>(); ++i) q.skip.insert(skip[i].as<std::string>());
  }
  if (has(o, "overrides")) {  // { nodeName: whole qconfig } (js/calibrator.mjs merged each onto the global one)
    const val overrides = o["overrides"];
    const val names = val::global("Object").call<val>("keys", overrides);
    for (std::size_t i = 0; i < names["length"].as<std::size_t>(); ++i) {
      const std::string name = names[i].as<std::string>();
      q.node_overrides[name] = to_qconfig(overrides[name]);
    }
  }
  return q;
}

CalibratorHandle* create_calibrator(const val& bytes, const val& qconfig, const val& options) {
  return guard([&]() -> CalibratorHandle* {
    const rt::QConfig q = to_qconfig(qconfig);
    const rt::SessionOptions o = to_session_options(options);
    const std::vector<uint8_t> model = typed_array_to_vector<uint8_t>(bytes, "model bytes");
    return new CalibratorHandle(rt::Calibrator::create(model.data(), model.size(), q, o));
  });
}

val inputs(CalibratorHandle& self) {
  return guard([&] { return io_to_js(self.calibrator->inputs()); });
}
val outputs(CalibratorHandle& self) {
  return guard([&] { return io_to_js(self.calibrator->outputs()); });
}

void observe(CalibratorHandle& self, const val& feeds) {
  guard([&] {
    std::vector<std::vector<uint8_t>> buffers;
    self.calibrator->observe(feeds_from_js(feeds, buffers));
  });
}

double batches_observed(CalibratorHandle& self) {
  return guard([&] { return static_cast<double>(self.calibrator->batches_observed()); });
}

val convert(CalibratorHandle& self) {
  return guard([&] {
    const std::vector<uint8_t> model = self.calibrator->convert();
    return copy_to_js("Uint8Array", model.data(), model.size());
  });
}

std::string report_json(CalibratorHandle& self) {
  return guard([&] { return self.calibrator->report_json(); });
}

}  // namespace

EMSCRIPTEN_BINDINGS(qwasm_calibrators) {
  emscripten::class_<CalibratorHandle>("CalibratorHandle")
      .function("inputs", &inputs)
      .function("outputs", &outputs)
      .function("observe", &observe)
      .function("batchesObserved", &batches_observed)
      .function("convert", &convert)
      .function("reportJson", &report_json);
  emscripten::function("createCalibrator", &create_calibrator, emscripten::allow_raw_pointers());
}
