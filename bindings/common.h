// Shared pieces of the Embind glue (bindings/ is the only place that knows about Emscripten).
//
// Ownership: arguments are copied from JS typed arrays into C++ vectors and results copied out into fresh
// JS typed arrays (views of the wasm heap would die when memory grows), so plain calls leave JS holding no
// wasm memory. Objects that must live across calls (observers, sessions) are Embind classes owned by one JS
// wrapper each, freed by its dispose() (see js/).
//
// Errors: every exported function runs inside guard(). A C++ exception is caught there and its message
// kept; the call returns normally and js/module.mjs, which wraps every call, asks takeError() and throws a
// JS Error with that message. No exception ever crosses into JS: that is leak-free with both exception ABIs
// (see CMakeLists.txt for why the threaded build needs JS-based EH, under which throwing a JS error out of
// C++ would leak the call's emval handles).
#pragma once

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "core/error.h"
#include "core/qparams.h"
#include "core/shape.h"

namespace qwasm::bindings {

using emscripten::val;

// Records the message of a failed call (read once by take_error()).
void record_error(const std::string& message);

template <class F>
auto guard(F&& f) -> decltype(f()) {
  using Result = decltype(f());
  try {
    return f();
  } catch (const std::exception& e) {
    record_error(e.what());
  } catch (...) {
    record_error("qwasm: unknown C++ exception");
  }
  if constexpr (std::is_same_v<Result, val>) {
    return val::undefined();
  } else {
    return Result();
  }
}

template <class T>
std::vector<T> to_vector(const val& array, const char* what) {
  if (array.isUndefined() || array.isNull()) qwasm::fail(what, " is missing");
  return emscripten::convertJSArrayToNumberVector<T>(array);
}

// Copies a JS typed array into a new vector with one TypedArray.set (a memcpy), not element by element.
// The JS layer guarantees the typed array's element type matches T.
template <class T>
std::vector<T> typed_array_to_vector(const val& array, const char* what) {
  if (array.isUndefined() || array.isNull()) qwasm::fail(what, " is missing");
  std::vector<T> out(array["length"].as<std::size_t>());
  if (!out.empty()) val(emscripten::typed_memory_view(out.size(), out.data())).call<void>("set", array);
  return out;
}

// A fresh JS typed array (e.g. "Float32Array") holding a copy of data[0..count).
template <class T>
val copy_to_js(const char* typed_array, const T* data, std::size_t count) {
  return val::global(typed_array).new_(emscripten::typed_memory_view(count, data)).template call<val>("slice");
}

int64_t to_dim(double d);  // a JS number as a dimension; throws unless it is a non-negative integer
qwasm::Shape to_shape(const val& shape);
val from_shape(const qwasm::Shape& shape);
// The JS layer (js/qparams.mjs) has already normalised names and defaults; these only read/write fields.
qwasm::QParams to_qparams(const val& q);
val from_qparams(const qwasm::QParams& p);

}  // namespace qwasm::bindings
