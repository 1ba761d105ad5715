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

graph::ElementType parse_element_type(const std::string& name) {
  using T = graph::ElementType;
  for (T t : {T::Float32, T::Float64, T::Float16, T::BFloat16, T::UInt8, T::Int8, T::UInt16, T::Int16, T::Int32,
              T::Int64, T::UInt32, T::UInt64, T::Bool}) {
    if (name == graph::element_type_name(t)) return t;
  }
  qwasm::fail("unknown tensor type '", name, "'");
}

// A non-negative integer option, or the default when the option is undefined (js/session.mjs checked the type).
template <class T>
T option(const val& options, const char* key, T fallback) {
  const val v = options[key];
  if (v.isUndefined() || v.isNull()) return fallback;
  const double d = v.as<double>();
  qwasm::check(d >= 0 && d == static_cast<double>(static_cast<int64_t>(d)), "InferenceSession: option ", key,
               " must be a non-negative integer, got ", d);
  return static_cast<T>(d);
}

rt::SessionOptions to_session_options(const val& o) {
  rt::SessionOptions options;
  auto& l = options.limits;
  l.max_model_bytes = option<std::size_t>(o, "maxModelBytes", l.max_model_bytes);
  l.max_nodes = option<std::size_t>(o, "maxNodes", l.max_nodes);
  l.max_tensor_rank = option<std::size_t>(o, "maxTensorRank", l.max_tensor_rank);
  l.max_tensor_elements = option<int64_t>(o, "maxTensorElements", l.max_tensor_elements);
  options.max_activation_bytes = option<int64_t>(o, "maxActivationBytes", options.max_activation_bytes);
  return options;
}

// Declared shape as JS: numbers for static dims, the symbolic name for a named one, null for an unknown one;
// null for an unknown rank.
val declared_shape_to_js(const graph::DeclaredShape& shape) {
  if (!shape.rank_known) return val::null();
  val out = val::array();
  for (const graph::Dim& d : shape.dims) {
    if (d.is_static()) {
      out.call<void>("push", static_cast<double>(d.value));
    } else if (!d.param.empty()) {
      out.call<void>("push", d.param);
    } else {
      out.call<void>("push", val::null());
    }
  }
  return out;
}

val io_to_js(const std::vector<rt::IOInfo>& infos) {
  val out = val::array();
  for (const rt::IOInfo& info : infos) {
    val v = val::object();
    v.set("name", info.name);
    v.set("type", std::string(graph::element_type_name(info.type)));
    v.set("shape", declared_shape_to_js(info.shape));
    out.call<void>("push", v);
  }
  return out;
}

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
    const std::size_t count = feeds["length"].as<std::size_t>();
    std::vector<std::vector<uint8_t>> buffers(count);
    std::vector<std::pair<std::string, rt::TensorView>> views;
    views.reserve(count);
    for (std::size_t i = 0; i < count; i++) {
      const val feed = feeds[i];
      rt::TensorView view;
      std::string name = feed["name"].as<std::string>();
      view.type = parse_element_type(feed["type"].as<std::string>());
      view.shape = to_shape(feed["dims"]);
      const val data = feed["data"];
      const std::size_t byte_length = data["byteLength"].as<std::size_t>();
      std::vector<uint8_t>& buffer = buffers[i];
      buffer.resize(byte_length);
      if (byte_length > 0) {
        val(emscripten::typed_memory_view(byte_length, buffer.data()))
            .call<void>("set", val::global("Uint8Array").new_(data["buffer"], data["byteOffset"], byte_length));
      }
      view.data = buffer.data();
      view.bytes = byte_length;
      views.emplace_back(std::move(name), view);
    }
    const std::vector<rt::OutputTensor> results = self.session->run(views);
    buffers.clear();
    val out = val::array();
    for (const rt::OutputTensor& r : results) {
      val v = val::object();
      v.set("name", r.name);
      v.set("type", std::string(graph::element_type_name(r.type)));
      v.set("dims", from_shape(r.shape));
      v.set("bytes", val(emscripten::typed_memory_view(r.bytes.size(), r.bytes.data())).call<val>("slice"));
      out.call<void>("push", v);
    }
    return out;
  });
}

std::string describe_json(SessionHandle& self) {
  return guard([&] { return self.session->describe_json(); });
}

double peak_activation_bytes(SessionHandle& self) {
  return guard([&] { return static_cast<double>(self.session->peak_activation_bytes()); });
}

int live_session_count() { return live_sessions; }

}  // namespace

EMSCRIPTEN_BINDINGS(qwasm_sessions) {
  emscripten::class_<SessionHandle>("SessionHandle")
      .function("inputs", &inputs)
      .function("outputs", &outputs)
      .function("run", &run)
      .function("describeJson", &describe_json)
      .function("peakActivationBytes", &peak_activation_bytes);
  emscripten::function("createSession", &create_session, emscripten::allow_raw_pointers());
  emscripten::function("liveSessions", &live_session_count);
}
