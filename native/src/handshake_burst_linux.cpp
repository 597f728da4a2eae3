// HandshakeBurst on Linux: glibc's malloc_trim returns every whole free page
// of the heap, including those between chunks in use (other C libraries:
// nothing to do here).

#include <algorithm>

#include "handshake_burst.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace duplex::native {

void HandshakeBurst::begin() noexcept {
  ++in_flight_;
  peak_ = std::max(peak_, in_flight_);
}

void HandshakeBurst::end() noexcept {
  if (in_flight_ == 0 || --in_flight_ > 0) return;
  const bool burst = peak_ >= min_burst;
  peak_ = 0;
#if defined(__GLIBC__)
  if (burst) malloc_trim(0);
#else
  (void)burst;
#endif
}

}  // namespace duplex::native
