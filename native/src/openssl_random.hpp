#pragma once
// The engine's random source for native builds: OpenSSL's CSPRNG.

#include "duplex/rfc6455/random_source.hpp"

namespace duplex::native {

/// Fills `out` from OpenSSL's RAND_bytes (RFC 6455 §5.3 requires masking keys
/// "derived from a strong source of entropy"). Small requests are served from a
/// per-thread pool refilled 512 bytes at a time, so a 4-byte masking key does not
/// cost a RAND_bytes call. Throws std::runtime_error if OpenSSL cannot supply bytes.
void openssl_random_bytes(std::span<std::byte> out);

/// Loads OpenSSL's configuration and seeds its generator now (about a
/// millisecond, once per process) rather than on the first connection.
void prepare_openssl_random();

}  // namespace duplex::native
