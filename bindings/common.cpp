#include "common.h"

namespace qwasm::bindings {

namespace {
std::string last_error;
bool has_error = false;

// The message of the last failed call, once; undefined if the last call succeeded.
val take_error() {
  if (!has_error) return val::undefined();
  has_error = false;
  val message(last_error);
  last_error.clear();
  return message;
}
}  // namespace

void record_error(const std::string& message) {
  last_error = message;
  has_error = true;
}

int64_t to_dim(double d) {
  qwasm::check(d >= 0 && d == static_cast<double>(static_cast<int64_t>(d)), "shape: dimension ", d,
               " is not a non-negative integer");
  return static_cast<int64_t>(d);
}

qwasm::Shape to_shape(const val& shape) {
  qwasm::Shape out;
  for (double d : to_vector<double>(shape, "shape")) out.push_back(to_dim(d));
  return out;
}

val from_shape(const qwasm::Shape& shape) {
  val out = val::array();
  for (int64_t d : shape) out.call<void>("push", static_cast<double>(d));
  return out;
}

qwasm::QParams to_qparams(const val& q) {
  qwasm::QParams p;
  p.dtype = qwasm::parse_dtype(q["dtype"].as<std::string>());
  p.qscheme = qwasm::parse_qscheme(q["qscheme"].as<std::string>());
  p.scales = to_vector<float>(q["scales"], "qparams.scales");
  p.zero_points = to_vector<int32_t>(q["zeroPoints"], "qparams.zeroPoints");
  p.axis = q["axis"].as<int>();
  p.quant_min = static_cast<int64_t>(q["quantMin"].as<double>());
  p.quant_max = static_cast<int64_t>(q["quantMax"].as<double>());
  p.validate();
  return p;
}

val from_qparams(const qwasm::QParams& p) {
  val out = val::object();
  out.set("dtype", std::string(qwasm::dtype_name(p.dtype)));
  out.set("qscheme", std::string(qwasm::qscheme_name(p.qscheme)));
  out.set("scales", copy_to_js("Float32Array", p.scales.data(), p.scales.size()));
  out.set("zeroPoints", copy_to_js("Int32Array", p.zero_points.data(), p.zero_points.size()));
  out.set("axis", p.axis);
  out.set("quantMin", static_cast<double>(p.quant_min));
  out.set("quantMax", static_cast<double>(p.quant_max));
  return out;
}

}  // namespace qwasm::bindings

EMSCRIPTEN_BINDINGS(qwasm_common) { emscripten::function("takeError", &qwasm::bindings::take_error); }
