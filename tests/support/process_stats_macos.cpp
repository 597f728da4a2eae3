// What the test process holds, on macOS: getrusage for the peak (ru_maxrss is
// in bytes there, not KiB as on Linux), the Mach task for the resident size
// now. The peak cannot be reset. CPU time: process_stats_posix.cpp.

#include "support/process_stats.hpp"

#include <mach/mach.h>
#include <sys/resource.h>

namespace duplex::test {

std::uint64_t resident_bytes() {
  mach_task_basic_info info{};
  mach_msg_type_number_t count = MACH_TASK_BASIC_INFO_COUNT;
  if (task_info(mach_task_self(), MACH_TASK_BASIC_INFO, reinterpret_cast<task_info_t>(&info), &count) !=
      KERN_SUCCESS)
    return 0;
  return info.resident_size;
}

bool reset_peak_resident() { return false; }

std::uint64_t peak_resident_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss);  // bytes on macOS
}

}  // namespace duplex::test
