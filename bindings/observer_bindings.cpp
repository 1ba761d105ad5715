// Bindings for observers. An ObserverHandle is an Embind class instance owned by exactly one JS
// qwasm.Observer (js/observer.mjs), which frees it with dispose() (a FinalizationRegistry is the backstop).
//
// Batches reach the observer with one copy: js/observer.mjs asks inputView(n) for a Float32Array over the
// handle's input buffer in the wasm heap, set()s the batch into it and calls observeInput(n, dims), which
// observes the buffer in place. The view is made after the buffer is (re)allocated and used before any other
// call into the module, so memory growth cannot detach it in between.
#include <cmath>
#include <cstddef>
#include <memory>

#include "common.h"
#include "core/tensor.h"
#include "observers/observer.h"

using namespace qwasm::bindings;

namespace {

struct ObserverHandle {
  std::unique_ptr<qwasm::Observer> observer;
  // The batch being observed, written by JS through input_view(). Kept across calls (it grows to the largest
  // batch seen and is freed with the handle) and never zero-filled: every element is written before it is read.
  std::unique_ptr<float[]> input;
  std::size_t input_capacity = 0;
};

template <class T>
std::optional<T> optional_number(const val& options, const char* key) {
  const val v = options[key];
  if (v.isUndefined() || v.isNull()) return std::nullopt;
  return static_cast<T>(v.as<double>());
}

// Options arrive normalised by js/observer.mjs: camelCase keys, undefined for "PyTorch's default".
qwasm::ObserverOptions to_options(const val& o) {
  qwasm::ObserverOptions options;
  if (!o["dtype"].isUndefined()) options.dtype = qwasm::parse_dtype(o["dtype"].as<std::string>());
  if (!o["qscheme"].isUndefined()) options.qscheme = qwasm::parse_qscheme(o["qscheme"].as<std::string>());
  options.reduce_range = o["reduceRange"].as<bool>();
  options.quant_min = optional_number<int64_t>(o, "quantMin");
  options.quant_max = optional_number<int64_t>(o, "quantMax");
  options.eps = optional_number<float>(o, "eps");
  if (auto c = optional_number<float>(o, "averagingConstant")) options.averaging_constant = *c;
  if (auto axis = optional_number<int>(o, "chAxis")) options.ch_axis = *axis;
  if (auto bins = optional_number<int>(o, "bins")) options.bins = *bins;
  options.scale = optional_number<float>(o, "scale");
  options.zero_point = optional_number<int32_t>(o, "zeroPoint");
  return options;
}

ObserverHandle* create_observer(const std::string& kind, const val& options) {
  return guard([&]() -> ObserverHandle* {
    return new ObserverHandle{qwasm::make_observer(kind, to_options(options))};
  });
}

void observe(ObserverHandle& self, const val& data, const val& shape) {
  guard([&] { self.observer->observe({to_shape(shape), typed_array_to_vector<float>(data, "tensor data")}); });
}

std::size_t element_count_arg(double count) {
  qwasm::check(count >= 0 && count <= 2147483648.0 && count == std::floor(count), "observe: ", count,
               " is not a valid element count");
  return static_cast<std::size_t>(count);
}

// A Float32Array over the first `count` floats of the input buffer (enlarged if needed). Valid until the next
// call into the module.
val input_view(ObserverHandle& self, double count) {
  return guard([&] {
    const std::size_t n = element_count_arg(count);
    if (n > self.input_capacity) {
      self.input.reset();
      self.input.reset(new float[n]);
      self.input_capacity = n;
    }
    return val(emscripten::typed_memory_view(n, self.input.get()));
  });
}

// observe() on the first `count` floats of the input buffer, with the batch's shape.
void observe_input(ObserverHandle& self, double count, const val& shape) {
  guard([&] {
    const std::size_t n = element_count_arg(count);
    qwasm::check(n <= self.input_capacity, "observe: the input buffer holds ", self.input_capacity,
                 " values, not ", n);
    self.observer->observe(self.input.get(), n, to_shape(shape));
  });
}

val calculate_qparams(ObserverHandle& self) {
  return guard([&] { return from_qparams(self.observer->calculate_qparams()); });
}

val stats(ObserverHandle& self) {
  return guard([&] {
    const qwasm::ObserverStats s = self.observer->stats();
    val out = val::object();
    out.set("minVal", copy_to_js("Float32Array", s.min_val.data(), s.min_val.size()));
    out.set("maxVal", copy_to_js("Float32Array", s.max_val.data(), s.max_val.size()));
    if (!s.histogram.empty()) out.set("histogram", copy_to_js("Float32Array", s.histogram.data(), s.histogram.size()));
    return out;
  });
}

std::string kind(ObserverHandle& self) { return self.observer->kind(); }
std::string torch_name(ObserverHandle& self) { return self.observer->torch_name(); }

}  // namespace

EMSCRIPTEN_BINDINGS(qwasm_observers) {
  emscripten::class_<ObserverHandle>("ObserverHandle")
      .function("observe", &observe)
      .function("inputView", &input_view)
      .function("observeInput", &observe_input)
      .function("calculateQParams", &calculate_qparams)
      .function("stats", &stats)
      .function("kind", &kind)
      .function("torchName", &torch_name);
  emscripten::function("createObserver", &create_observer, emscripten::allow_raw_pointers());
}
