// SIMD UTF-8 validation: the "lookup" algorithm of John Keiser and Daniel
// Lemire, "Validating UTF-8 In Less Than One Instruction Per Byte", Software:
// Practice and Experience 51(5), 2021 (arXiv:2010.03090), the algorithm of
// simdjson and simdutf, written here for AVX2 (32 bytes per vector).
//
// Every byte is checked against the byte before it. The ways a pair of bytes
// (prev1, cur) can break RFC 3629 §4 are eight error kinds, one bit each (see
// the constants below). Three 16-entry tables map a nibble to the set of kinds
// that nibble is part of:
//
//   prev1_high[prev1 >> 4]  &  prev1_low[prev1 & 0xF]  &  cur_high[cur >> 4]
//
// and the AND of the three lookups (one vpshufb each) is the set of kinds all
// three nibbles agree on: nonzero exactly when the pair is an error. A lead
// byte followed by a non-continuation is "too short", ASCII followed by a
// continuation "too long"; the overlong, surrogate and > U+10FFFF forms are
// told apart by the lead byte's low nibble and the next byte's high nibble
// (E0 80..9F, ED A0..BF, F0 80..8F, F4 90..BF, F5..FF anything).
//
// One rule needs more than a pair: the third and fourth bytes of a sequence
// must be continuations. A byte whose prev2 is E0..FF or prev3 is F0..FF must
// be a continuation after a continuation, which is the pair kind
// "two continuations" (bit 7); any other continuation after a continuation is
// one too many. So that bit is XORed with "must be a 3rd/4th byte" and an error
// remains when exactly one of them holds.
//
// The vector is checked with the last bytes of the previous one shifted in
// (vpalignr), so sequences across vectors are seen whole; at the end of the
// input, its last three bytes must not begin an unfinished sequence. Blocks of
// pure ASCII (the common case) take one OR and one vpmovmskb.

#include "utf8_simd.hpp"

#include <cstdint>
#include <cstring>

#if (defined(__x86_64__) || defined(__i386__) || defined(_M_X64) || defined(_M_IX86)) && !defined(__EMSCRIPTEN__) && \
    (defined(__GNUC__) || defined(__clang__) || defined(_MSC_VER))
#define DUPLEX_UTF8_AVX2 1
#include <immintrin.h>
#if defined(_MSC_VER)
#include <intrin.h>  // __cpuid, __cpuidex, _xgetbv (cl and clang-cl)
#endif
#endif

namespace duplex::utf8_simd {

#if defined(DUPLEX_UTF8_AVX2)
namespace {

// Compiled for AVX2 whatever the target flags; only called after the CPU
// check in best_validator(). cl compiles AVX2 intrinsics without being asked.
#if defined(__GNUC__) || defined(__clang__)
#define DUPLEX_AVX2 __attribute__((target("avx2")))
#else
#define DUPLEX_AVX2
#endif

using v256 = __m256i;
using Table = std::uint8_t[16];

// Error kinds of a pair of bytes (prev1, cur); underscores are any bits.
constexpr std::uint8_t too_short = 1 << 0;       // 11______ 0_______  or  11______ 11______
constexpr std::uint8_t too_long = 1 << 1;        // 0_______ 10______
constexpr std::uint8_t overlong_3 = 1 << 2;      // 11100000 100_____
constexpr std::uint8_t too_large = 1 << 3;       // 11110100 1001____, 11110100 101_____, and F5..FF 1001/101
constexpr std::uint8_t surrogate = 1 << 4;       // 11101101 101_____
constexpr std::uint8_t overlong_2 = 1 << 5;      // 1100000_ 10______
constexpr std::uint8_t too_large_1000 = 1 << 6;  // 11110101..11111111 1000____
constexpr std::uint8_t overlong_4 = 1 << 6;      // 11110000 1000____ (shares the bit: see prev1_low)
constexpr std::uint8_t two_conts = 1 << 7;       // 10______ 10______
// Kinds decided by prev1's high nibble alone: any low nibble allows them.
constexpr std::uint8_t carry = too_short | too_long | two_conts;

// clang-format off
// Indexed by prev1 >> 4.
alignas(16) constexpr Table prev1_high = {
    too_long, too_long, too_long, too_long, too_long, too_long, too_long, too_long,  // 0___: ASCII
    two_conts, two_conts, two_conts, two_conts,                                      // 10__: continuation
    too_short | overlong_2,                                                          // 1100: C0..CF
    too_short,                                                                       // 1101: D0..DF
    too_short | overlong_3 | surrogate,                                              // 1110: E0..EF
    too_short | too_large | too_large_1000 | overlong_4,                             // 1111: F0..FF
};

// Indexed by prev1 & 0xF.
alignas(16) constexpr Table prev1_low = {
    carry | overlong_3 | overlong_2 | overlong_4,     // ____0000: C0, E0, F0
    carry | overlong_2,                               // ____0001: C1
    carry,
    carry,
    carry | too_large,                                // ____0100: F4
    carry | too_large | too_large_1000,               // ____0101..____1111: F5..FF
    carry | too_large | too_large_1000,
    carry | too_large | too_large_1000,
    carry | too_large | too_large_1000,
    carry | too_large | too_large_1000,
    carry | too_large | too_large_1000,
    carry | too_large | too_large_1000,
    carry | too_large | too_large_1000,
    carry | too_large | too_large_1000 | surrogate,   // ____1101: ED
    carry | too_large | too_large_1000,
    carry | too_large | too_large_1000,
};

// Indexed by cur >> 4.
alignas(16) constexpr Table cur_high = {
    too_short, too_short, too_short, too_short, too_short, too_short, too_short, too_short,  // 0___: ASCII
    too_long | overlong_2 | two_conts | overlong_3 | too_large_1000 | overlong_4,           // 1000: 80..8F
    too_long | overlong_2 | two_conts | overlong_3 | too_large,                             // 1001: 90..9F
    too_long | overlong_2 | two_conts | surrogate | too_large,                              // 1010: A0..AF
    too_long | overlong_2 | two_conts | surrogate | too_large,                              // 1011: B0..BF
    too_short, too_short, too_short, too_short,                                             // 11__: lead
};
// clang-format on

// Per-byte maximum of the last 32 bytes that still completes a sequence: the
// last byte must be below C0, the one before below E0, the one before that
// below F0. A byte above its maximum (saturating subtraction) is unfinished.
alignas(32) constexpr std::uint8_t complete_max[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xEF, 0xDF, 0xBF,
};

DUPLEX_AVX2 inline v256 broadcast(std::uint8_t b) { return _mm256_set1_epi8(static_cast<char>(b)); }

// Replaces every byte of `nibbles` (each 0..15) by its entry in `table`.
DUPLEX_AVX2 inline v256 lookup(const Table& table, v256 nibbles) {
  const v256 t = _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(table)));
  return _mm256_shuffle_epi8(t, nibbles);
}

DUPLEX_AVX2 inline v256 high_nibbles(v256 v) { return _mm256_and_si256(_mm256_srli_epi16(v, 4), broadcast(0x0F)); }
DUPLEX_AVX2 inline v256 low_nibbles(v256 v) { return _mm256_and_si256(v, broadcast(0x0F)); }

// The 32 bytes that start N bytes before `cur`: the last N of `prev`, then the
// first 32 - N of `cur` (vpalignr works per 128-bit lane, hence the permute).
template <int N>
DUPLEX_AVX2 inline v256 shifted_in(v256 cur, v256 prev) {
  return _mm256_alignr_epi8(cur, _mm256_permute2x128_si256(prev, cur, 0x21), 16 - N);
}

// Nonzero bytes where the pair (prev1, cur) is an error.
DUPLEX_AVX2 inline v256 pair_errors(v256 cur, v256 prev1) {
  const v256 a = lookup(prev1_high, high_nibbles(prev1));
  const v256 b = lookup(prev1_low, low_nibbles(prev1));
  const v256 c = lookup(cur_high, high_nibbles(cur));
  return _mm256_and_si256(_mm256_and_si256(a, b), c);
}

// 0x80 where cur must be the 3rd or 4th byte of a sequence: prev2 is E0..FF
// or prev3 is F0..FF (saturating subtraction leaves the high bit only there).
DUPLEX_AVX2 inline v256 must_be_3rd_or_4th(v256 prev2, v256 prev3) {
  const v256 third = _mm256_subs_epu8(prev2, broadcast(0xE0 - 0x80));
  const v256 fourth = _mm256_subs_epu8(prev3, broadcast(0xF0 - 0x80));
  return _mm256_and_si256(_mm256_or_si256(third, fourth), broadcast(0x80));
}

// Nonzero bytes where `cur`, preceded by `prev`, breaks UTF-8.
DUPLEX_AVX2 inline v256 vector_errors(v256 cur, v256 prev) {
  const v256 pairs = pair_errors(cur, shifted_in<1>(cur, prev));
  return _mm256_xor_si256(pairs, must_be_3rd_or_4th(shifted_in<2>(cur, prev), shifted_in<3>(cur, prev)));
}

// What the scan carries from one 64-byte block to the next.
struct Scan {
  v256 errors;      // nonzero once any error is seen
  v256 prev;        // the previous 32 bytes
  v256 unfinished;  // nonzero if `prev` ends inside a sequence
};

DUPLEX_AVX2 inline void scan_block(Scan& s, const unsigned char* p) {
  const v256 a = _mm256_loadu_si256(reinterpret_cast<const v256*>(p));
  const v256 b = _mm256_loadu_si256(reinterpret_cast<const v256*>(p + 32));
  if (_mm256_movemask_epi8(_mm256_or_si256(a, b)) == 0) {
    // All ASCII: fine unless the previous block left a sequence unfinished.
    s.errors = _mm256_or_si256(s.errors, s.unfinished);
    s.unfinished = _mm256_setzero_si256();
  } else {
    s.errors = _mm256_or_si256(s.errors, _mm256_or_si256(vector_errors(a, s.prev), vector_errors(b, a)));
    s.unfinished = _mm256_subs_epu8(b, _mm256_load_si256(reinterpret_cast<const v256*>(complete_max)));
  }
  s.prev = b;
}

DUPLEX_AVX2 inline bool any(v256 v) { return _mm256_testz_si256(v, v) == 0; }

DUPLEX_AVX2 bool validate_avx2(const unsigned char* p, std::size_t n) noexcept {
  const v256 zero = _mm256_setzero_si256();
  Scan s{zero, zero, zero};
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    scan_block(s, p + i);
    if (any(s.errors)) return false;  // stop at the first bad block
  }
  if (i < n) {
    // The last partial block, padded with ASCII: a sequence cut off by the
    // end of input meets a non-continuation and is "too short".
    alignas(32) unsigned char last[64] = {};
    std::memcpy(last, p + i, n - i);
    scan_block(s, last);
  }
  return !any(_mm256_or_si256(s.errors, s.unfinished));
}

#undef DUPLEX_AVX2

#if defined(_MSC_VER)
// cl and clang-cl link no libgcc, so no __builtin_cpu_supports: ask CPUID for
// AVX2, and XGETBV whether the OS saves the YMM registers (XCR0 bits 1 and 2).
bool cpu_has_avx2() noexcept {
  int regs[4] = {};
  __cpuid(regs, 0);
  if (regs[0] < 7) return false;
  __cpuid(regs, 1);
  const bool osxsave = regs[2] & (1 << 27), avx = regs[2] & (1 << 28);
  if (!osxsave || !avx || (_xgetbv(0) & 0x6) != 0x6) return false;
  __cpuidex(regs, 7, 0);
  return (regs[1] & (1 << 5)) != 0;
}
#else
// GCC and Clang: the runtime's CPU model, which checks the OS's YMM support too.
bool cpu_has_avx2() noexcept {
  __builtin_cpu_init();  // the CPU model may be read before libgcc's constructor ran
  return __builtin_cpu_supports("avx2");
}
#endif

}  // namespace

Validator best_validator() noexcept {
  static const Validator chosen = [] { return cpu_has_avx2() ? &validate_avx2 : nullptr; }();
  return chosen;
}

#else

Validator best_validator() noexcept { return nullptr; }

#endif

}  // namespace duplex::utf8_simd
