// The JSON text pieces describe(), profile() and the calibration report share.
#pragma once

#include <string>

namespace qwasm::runtime {

// A JSON string literal: quotes and backslashes escaped, control characters as \u00XX.
std::string json_quote(const std::string& s);
// The shortest decimal that reads back as the same float32; "null" for NaN and infinities.
std::string json_float(float v);

}  // namespace qwasm::runtime
