// Bindings for inference sessions (src/runtime/session.h).
//
// Ownership: a SessionHandle is an Embind class instance owned by exactly one JS qwasm.InferenceSession
// (js/session.mjs). It holds the C++ Session and everything it allocated (decoded graph, packed weights, arena);
// the InferenceSession frees it with delete() from dispose() (a FinalizationRegistry is only the backstop). No
// other JS object ever sees the handle. liveSessions() counts the handles alive, for qwasm.stats().
//
// Data movement: the model bytes are copied into the wasm heap once, decoded, and freed when create() returns.
// Each input is copied once (one TypedArray.set into a heap buffer the TensorView points at); each output is
// copied out once into a fresh Uint8Array that js/session.mjs reinterprets (Float32Array, BigInt64Array, ...) on
// the same buffer without copying.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common.h"
#include "session_io.h"
#include "runtime/session.h"

using namespace qwasm::bindings;
namespace rt = qwasm::runtime;
namespace graph = qwasm::graph;

namespace {

int live_sessions = 0;

struct SessionHandle {
  explicit SessionHandle(std::unique_ptr<rt::Session> s) : session(std::move(s)) { ++live_sessions; }
  ~SessionHandle() { --live_sessions; }
  SessionHandle(const SessionHandle&) = delete;
  SessionHandle& operator=(const SessionHandle&) = delete;

  std::unique_ptr<rt::Session> session;
};

SessionHandle* create_session(const val& bytes, const val& options) {
  return guard([&]() -> SessionHandle* {
    const rt::SessionOptions o = to_session_options(options);
    const std::vector<uint8_t> model = typed_array_to_vector<uint8_t>(bytes, "model bytes");
    return new SessionHandle(rt::Session::create(model.data(), model.size(), o));
  });
}

val inputs(SessionHandle& self) {
  return guard([&] { return io_to_js(self.session->inputs()); });
}

val outputs(SessionHandle& self) {
  return guard([&] { return io_to_js(self.session->outputs()); });
}

// feeds: [{ name, type, dims, data }] (data any typed array; its bytes are the tensor's row-major elements).
// Returns [{ name, type, dims, bytes: Uint8Array }] in the session's output order.
val run(SessionHandle& self, const val& feeds) {
  return guard([&] {
    std::vector<std::vector<uint8_t>> buffers;
    const auto views = feeds_from_js(feeds, buffers);
    const std::vector<rt::OutputTensor> results = self.session->run(views);
    buffers.clear();
    return outputs_to_js(results);
  });
}

std::string describe_json(SessionHandle& self) {
  return guard([&] { return self.session->describe_json(); });
}

double peak_activation_bytes(SessionHandle& self) {
  return guard([&] { return static_cast<double>(self.session->peak_activation_bytes()); });
}

void enable_profiling(SessionHandle& self, bool on) {
  guard([&] { self.session->enable_profiling(on); });
}

std::string profile_json(SessionHandle& self) {
  return guard([&] { return self.session->profile_json(); });
}

int live_session_count() { return live_sessions; }

}  // namespace

EMSCRIPTEN_BINDINGS(qwasm_sessions) {
  emscripten::class_<SessionHandle>("SessionHandle")
      .function("inputs", &inputs)
      .function("outputs", &outputs)
      .function("run", &run)
      .function("describeJson", &describe_json)
      .function("peakActivationBytes", &peak_activation_bytes)
      .function("enableProfiling", &enable_profiling)
      .function("profileJson", &profile_json);
  emscripten::function("createSession", &create_session, emscripten::allow_raw_pointers());
  emscripten::function("liveSessions", &live_session_count);
}
