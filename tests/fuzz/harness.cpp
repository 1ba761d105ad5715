#include "harness.h"

#include <algorithm>
#include <memory>
#include <string>

#include "core/error.h"
#include "graph/element_type.h"
#include "runtime/session.h"
#include "runtime/thread_pool.h"

namespace qwasm::fuzz {
namespace {

// Limits small enough that the fuzzer cannot ask for gigabytes (an honest model this size stays well inside).
runtime::SessionOptions tight_options() {
  runtime::SessionOptions o;
  o.limits.max_model_bytes = std::size_t{4} << 20;
  o.limits.max_nodes = 2000;
  o.limits.max_tensor_elements = int64_t{1} << 22;
  o.max_activation_bytes = int64_t{64} << 20;
  return o;
}

void run_zeros(runtime::Session& session) {
  std::vector<std::vector<uint8_t>> buffers;
  std::vector<std::pair<std::string, runtime::TensorView>> feeds;
  for (const runtime::IOInfo& in : session.inputs()) {
    if (!in.shape.rank_known || in.type == graph::ElementType::Undefined) return;  // nothing sensible to feed
    runtime::TensorView v;
    v.type = in.type;
    int64_t count = 1;
    for (const graph::Dim& d : in.shape.dims) {
      const int64_t n = d.is_static() ? d.value : 1;
      v.shape.push_back(n);
      count = n == 0 ? 0 : std::min<int64_t>(count * std::max<int64_t>(n, 1), int64_t{1} << 21);
    }
    if (count > (int64_t{1} << 20)) return;  // a declared input this large is not what the fuzzer is after
    buffers.emplace_back(static_cast<std::size_t>(count) * graph::element_size(in.type), 0);
    v.data = buffers.back().data();
    v.bytes = buffers.back().size();
    feeds.emplace_back(in.name, v);
  }
  session.run(feeds);
}

}  // namespace

// One thread: coverage and results then depend on the input only, so a seeded run with a fixed number of
// executions (what npm test does) is reproducible; threads are covered by the doctest and JS suites.
void single_threaded() {
  static const bool once = (set_thread_count(1), true);
  (void)once;
}

void model_bytes(const uint8_t* data, std::size_t size) {
  single_threaded();
  try {
    auto session = runtime::Session::create(data, size, tight_options());
    run_zeros(*session);
  } catch (const Error&) {
    // a clean rejection: what bad input must get
  }
}

void run_inputs(const std::vector<uint8_t>& model, const uint8_t* data, std::size_t size) {
  single_threaded();
  static std::unique_ptr<runtime::Session> session;  // one session for all inputs: reuse after errors is tested too
  if (!session) session = runtime::Session::create(model.data(), model.size(), tight_options());
  std::size_t at = 0;
  const auto next = [&]() -> uint8_t { return at < size ? data[at++] : 0; };
  static const graph::ElementType kTypes[] = {graph::ElementType::Float32, graph::ElementType::UInt8,
                                              graph::ElementType::Int8, graph::ElementType::Int32,
                                              graph::ElementType::Int64, graph::ElementType::Float64};
  runtime::TensorView v;
  v.type = kTypes[next() % 6];
  const int rank = next() % 6;
  int64_t count = 1;
  for (int i = 0; i < rank; ++i) {
    const int64_t d = next() % 40;
    v.shape.push_back(d);
    count *= d;
  }
  // Larger feeds only make each execution slower (filling them byte by byte here), not the search better: every
  // shape the model accepts ([n<40, 1, 28, 28]) stays far below this.
  if (count > (int64_t{1} << 18)) return;
  std::vector<uint8_t> buffer(static_cast<std::size_t>(count) * graph::element_size(v.type));
  for (std::size_t i = 0; i < buffer.size(); ++i) buffer[i] = next();
  v.data = buffer.data();
  v.bytes = buffer.size();
  const std::string name = (next() & 7) == 0 ? std::string("not_an_input") : session->inputs()[0].name;
  try {
    session->run({{name, v}});
  } catch (const Error&) {
  }
}

}  // namespace qwasm::fuzz
