// What the test process holds, on Linux: /proc/self/status. CPU time:
// process_stats_posix.cpp.

#include "support/process_stats.hpp"

#include <fstream>
#include <string>

namespace duplex::test {
namespace {

/// A "<field>: <n> kB" line of /proc/self/status, in bytes (Linux).
std::uint64_t proc_status_bytes(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1)) * 1024;
  }
  return 0;
}

}  // namespace

std::uint64_t resident_bytes() { return proc_status_bytes("VmRSS"); }

// Linux: writing 5 to /proc/self/clear_refs resets VmHWM to the current RSS.
bool reset_peak_resident() {
  std::ofstream clear_refs("/proc/self/clear_refs");
  clear_refs << "5";
  clear_refs.flush();
  return static_cast<bool>(clear_refs);
}

std::uint64_t peak_resident_bytes() { return proc_status_bytes("VmHWM"); }

}  // namespace duplex::test
