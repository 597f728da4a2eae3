#include "openssl_random.hpp"

#include <openssl/rand.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace duplex::native {
namespace {

void fill(unsigned char* data, std::size_t size) {
  if (RAND_bytes(data, static_cast<int>(size)) != 1) throw std::runtime_error("OpenSSL RAND_bytes failed");
}

}  // namespace

void openssl_random_bytes(std::span<std::byte> out) {
  thread_local std::array<unsigned char, 512> pool;
  thread_local std::size_t available = 0;
  auto* dest = reinterpret_cast<unsigned char*>(out.data());
  if (out.size() > pool.size()) return fill(dest, out.size());
  if (available < out.size()) {
    fill(pool.data(), pool.size());
    available = pool.size();
  }
  unsigned char* source = pool.data() + (pool.size() - available);
  std::memcpy(dest, source, out.size());
  std::memset(source, 0, out.size());  // a used key never lingers in the pool
  available -= out.size();
}

void prepare_openssl_random() {
  // RAND_status() loads OpenSSL's configuration and seeds its primary
  // generator, once per process.
  static const bool ready = RAND_status() == 1;
  (void)ready;
}

}  // namespace duplex::native
