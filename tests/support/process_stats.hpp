#pragma once
// What the test process costs: CPU time and resident memory, for tests that
// state a budget (e.g. CPU per MiB received, peak RSS growth).
// process_stats_linux.cpp, process_stats_macos.cpp and
// process_stats_windows.cpp implement it.

#include <cstdint>

namespace duplex::test {

/// CPU time (user + system) this process has used, in seconds.
double process_cpu_seconds();

/// Resident memory now, in bytes (0 if the platform does not tell).
std::uint64_t resident_bytes();

/// Starts measuring the peak from now: peak_resident_bytes() afterwards is
/// the highest resident size since this call. Returns false if the platform
/// cannot reset the peak (the peak then covers the whole process life).
bool reset_peak_resident();

/// Highest resident memory since reset_peak_resident() (or process start), in bytes.
std::uint64_t peak_resident_bytes();

}  // namespace duplex::test
