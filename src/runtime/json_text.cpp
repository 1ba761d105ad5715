#include "runtime/json_text.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace qwasm::runtime {

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
      out += buffer;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string json_float(float v) {
  if (!std::isfinite(v)) return "null";
  char buffer[32];
  for (int precision = 6; precision <= 9; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, static_cast<double>(v));
    if (std::strtof(buffer, nullptr) == v) break;
  }
  return buffer;
}

}  // namespace qwasm::runtime
