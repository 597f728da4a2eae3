#pragma once
// Private to core: the SIMD UTF-8 validator (utf8_simd.cpp), on CPUs that have
// one. utf8.cpp dispatches to it and keeps the DFA for everything else.

#include <cstddef>

namespace duplex::utf8_simd {

/// Validates a whole buffer: true if [p, p + n) is well-formed UTF-8
/// (RFC 3629 §4) that ends on a code point boundary.
using Validator = bool (*)(const unsigned char* p, std::size_t n) noexcept;

/// The fastest validator this build and CPU can run, chosen once on the first
/// call; nullptr when there is none (not x86, Emscripten, no AVX2).
Validator best_validator() noexcept;

}  // namespace duplex::utf8_simd
