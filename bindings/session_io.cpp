#include "session_io.h"

namespace qwasm::bindings {
namespace rt = qwasm::runtime;

namespace {

using T = graph::ElementType;
// The element types JS tensors can carry, in the order of their codes (element_type_code).
constexpr T kElementTypes[] = {T::Float32, T::Float64, T::Float16, T::BFloat16, T::UInt8,  T::Int8, T::UInt16,
                               T::Int16,   T::Int32,   T::Int64,   T::UInt32,   T::UInt64, T::Bool};
constexpr int kElementTypeCount = static_cast<int>(sizeof(kElementTypes) / sizeof(kElementTypes[0]));

}  // namespace

graph::ElementType parse_element_type(const std::string& name) {
  for (T t : kElementTypes) {
    if (name == graph::element_type_name(t)) return t;
  }
  qwasm::fail("unknown tensor type '", name, "'");
}

val element_type_names() {
  val out = val::array();
  for (T t : kElementTypes) out.call<void>("push", std::string(graph::element_type_name(t)));
  return out;
}

graph::ElementType element_type_of_code(double code) {
  qwasm::check(code >= 0 && code < kElementTypeCount && code == static_cast<double>(static_cast<int>(code)),
               "unknown tensor type code ", code);
  return kElementTypes[static_cast<int>(code)];
}

double element_type_code(graph::ElementType type) {
  for (int i = 0; i < kElementTypeCount; ++i) {
    if (kElementTypes[i] == type) return i;
  }
  return -1;  // a type JS has no array for (js/session.mjs reports it by name)
}

namespace {

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

}  // namespace

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

namespace {

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

}  // namespace

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

std::vector<std::pair<std::string, rt::TensorView>> feeds_from_js(const val& feeds,
                                                                  std::vector<std::vector<uint8_t>>& buffers) {
  const std::size_t count = feeds["length"].as<std::size_t>();
  buffers.assign(count, {});
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
  return views;
}

}  // namespace qwasm::bindings
