// What the test process costs, on Windows: GetProcessTimes for CPU time,
// GetProcessMemoryInfo for the working set and its peak. Windows keeps the
// peak working set for the whole process life and offers no way to reset it:
// reset_peak_resident() returns false.

#include "support/process_stats.hpp"

#include <windows.h>
#include <psapi.h>

namespace duplex::test {
namespace {

double seconds(const FILETIME& t) {  // 100 ns units
  const ULONGLONG ticks = (static_cast<ULONGLONG>(t.dwHighDateTime) << 32) | t.dwLowDateTime;
  return static_cast<double>(ticks) / 1e7;
}

PROCESS_MEMORY_COUNTERS memory() {
  PROCESS_MEMORY_COUNTERS counters{};
  counters.cb = sizeof counters;
  if (!::GetProcessMemoryInfo(::GetCurrentProcess(), &counters, sizeof counters)) return {};
  return counters;
}

}  // namespace

double process_cpu_seconds() {
  FILETIME created, exited, kernel, user;
  if (!::GetProcessTimes(::GetCurrentProcess(), &created, &exited, &kernel, &user)) return 0;
  return seconds(kernel) + seconds(user);
}

std::uint64_t resident_bytes() { return memory().WorkingSetSize; }

bool reset_peak_resident() { return false; }

std::uint64_t peak_resident_bytes() { return memory().PeakWorkingSetSize; }

}  // namespace duplex::test
