// The test process's CPU time on POSIX systems (Linux, macOS): getrusage.
// Resident sizes differ per system: process_stats_linux.cpp, process_stats_macos.cpp.

#include "support/process_stats.hpp"

#include <sys/resource.h>

namespace duplex::test {
namespace {

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

}  // namespace

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace duplex::test
