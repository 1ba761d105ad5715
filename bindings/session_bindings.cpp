// Bindings for inference sessions (src/runtime/session.h).
//
// Ownership: a SessionHandle is an Embind class instance owned by exactly one JS qwasm.InferenceSession
// (js/session.mjs). It holds the C++ Session and everything it allocated (decoded graph, packed weights, arena);
// the InferenceSession frees it with delete() from dispose() (a FinalizationRegistry is only the backstop). No
// other JS object ever sees the handle. liveSessions() counts the handles alive, for qwasm.stats().
//
// Data movement: the model bytes are copied into the wasm heap once, decoded, and freed when create() returns.
// A run takes a few calls with numbers and views only (each Embind property read or string costs a JS <-> wasm
// round trip; the pthreads build pays more for each, and a small model's run was a fifth overhead):
//   inputBuffer(i, byteLength)  a Uint8Array view of input i's buffer, which the handle keeps from run to run;
//                               js/session.mjs copies the input into it at once (one TypedArray.set), before
//                               any other call can grow the heap and detach the view;
//   runPrepared(header)         header: Float64Array [type code, rank, dims..., for each input in order]; runs
//                               and keeps the outputs in the handle (until the next run or delete); returns their
//                               count, in the session's output order;
//   outputHeader(i)             a Float64Array view [type code, rank, dims...] of output i;
//   outputBytes(i)              a Uint8Array view of output i's bytes, which js/session.mjs copies out at once
//                               (slice) and reinterprets (Float32Array, BigInt64Array, ...) without copying.
// elementTypeNames() maps the codes to names.
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
  std::vector<std::vector<uint8_t>> input_buffers;  // one per model input, reused by every run
  std::vector<rt::OutputTensor> results;            // the last run's outputs
  std::vector<std::vector<double>> result_headers;  // [type code, rank, dims...] of each
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

val input_buffer(SessionHandle& self, int index, double byte_length) {
  return guard([&] {
    const std::size_t inputs = self.session->inputs().size();
    qwasm::check(index >= 0 && static_cast<std::size_t>(index) < inputs, "input index ", index, " out of range (",
                 inputs, " inputs)");
    qwasm::check(byte_length >= 0 && byte_length == static_cast<double>(static_cast<std::size_t>(byte_length)),
                 "input byte length ", byte_length, " is not a non-negative integer");
    if (self.input_buffers.size() < inputs) self.input_buffers.resize(inputs);
    std::vector<uint8_t>& buffer = self.input_buffers[static_cast<std::size_t>(index)];
    buffer.resize(static_cast<std::size_t>(byte_length));
    return val(emscripten::typed_memory_view(buffer.size(), buffer.data()));
  });
}

int run_prepared(SessionHandle& self, const val& header_js) {
  return guard([&]() -> int {
    self.results.clear();
    self.result_headers.clear();
    const std::vector<double> header = typed_array_to_vector<double>(header_js, "run header");
    const std::vector<rt::IOInfo>& infos = self.session->inputs();
    qwasm::check(self.input_buffers.size() >= infos.size(), "run: inputs were not prepared");
    std::vector<std::pair<std::string, rt::TensorView>> feeds;
    feeds.reserve(infos.size());
    std::size_t at = 0;
    const auto next = [&]() -> double {
      qwasm::check(at < header.size(), "run: the input header is too short");
      return header[at++];
    };
    for (std::size_t i = 0; i < infos.size(); ++i) {
      rt::TensorView view;
      view.type = element_type_of_code(next());
      const double rank = next();
      qwasm::check(rank >= 0 && rank <= 64 && rank == static_cast<double>(static_cast<int>(rank)),
                   "run: input rank ", rank, " is not valid");
      for (int d = 0; d < static_cast<int>(rank); ++d) view.shape.push_back(to_dim(next()));
      const std::vector<uint8_t>& buffer = self.input_buffers[i];
      view.data = buffer.data();
      view.bytes = buffer.size();
      feeds.emplace_back(infos[i].name, view);
    }
    self.results = self.session->run(feeds);
    const std::vector<rt::IOInfo>& outputs = self.session->outputs();
    qwasm::check(self.results.size() == outputs.size(), "run: ", self.results.size(), " outputs for ",
                 outputs.size(), " declared");
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      qwasm::check(self.results[i].name == outputs[i].name, "run: output ", i, " is '", self.results[i].name,
                   "', declared '", outputs[i].name, "'");
    }
    for (const rt::OutputTensor& r : self.results) {
      std::vector<double> h = {element_type_code(r.type), static_cast<double>(r.shape.size())};
      for (int64_t d : r.shape) h.push_back(static_cast<double>(d));
      self.result_headers.push_back(std::move(h));
    }
    return static_cast<int>(self.results.size());
  });
}

// The last run's output `index` (js/session.mjs asks only for indices below runPrepared's count).
std::size_t checked_output(const SessionHandle& self, int index) {
  qwasm::check(index >= 0 && static_cast<std::size_t>(index) < self.results.size(), "output index ", index,
               " out of range");
  return static_cast<std::size_t>(index);
}

val output_header(SessionHandle& self, int index) {
  return guard([&] {
    const std::vector<double>& h = self.result_headers[checked_output(self, index)];
    return val(emscripten::typed_memory_view(h.size(), h.data()));
  });
}

val output_bytes(SessionHandle& self, int index) {
  return guard([&] {
    const std::vector<uint8_t>& b = self.results[checked_output(self, index)].bytes;
    return val(emscripten::typed_memory_view(b.size(), b.data()));
  });
}

std::string output_type_name(SessionHandle& self, int index) {
  return guard([&] { return std::string(graph::element_type_name(self.results[checked_output(self, index)].type)); });
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
      .function("inputBuffer", &input_buffer)
      .function("runPrepared", &run_prepared)
      .function("outputHeader", &output_header)
      .function("outputBytes", &output_bytes)
      .function("outputTypeName", &output_type_name)
      .function("describeJson", &describe_json)
      .function("peakActivationBytes", &peak_activation_bytes)
      .function("enableProfiling", &enable_profiling)
      .function("profileJson", &profile_json);
  emscripten::function("createSession", &create_session, emscripten::allow_raw_pointers());
  emscripten::function("liveSessions", &live_session_count);
  emscripten::function("elementTypeNames", &element_type_names);
}
