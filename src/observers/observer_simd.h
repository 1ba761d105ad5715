// SIMD128 for the observers' batch passes: wasm_simd128.h in the browser build, the same intrinsics through
// SIMDe natively (so that the native tests run the SIMD code paths). QWASM_OBSERVER_SIMD is 1 where either is
// available; qwasm_v128 is the vector type.
#pragma once

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define QWASM_OBSERVER_SIMD 1
using qwasm_v128 = v128_t;
#elif defined(QWASM_USE_SIMDE)
#define SIMDE_WASM_SIMD128_ENABLE_NATIVE_ALIASES
#include <simde/wasm/simd128.h>
#define QWASM_OBSERVER_SIMD 1
using qwasm_v128 = simde_v128_t;
#else
#define QWASM_OBSERVER_SIMD 0
#endif
