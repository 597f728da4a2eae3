#pragma once
// Linux: make io_uring unavailable to one thread, as a container's seccomp
// policy makes it unavailable to a whole process.

namespace duplex::test {

/// Installs a seccomp filter on the calling thread (and threads it starts
/// later) under which io_uring_setup fails with EPERM, what Docker's and
/// Podman's default profiles answer. Other threads are untouched; the filter
/// cannot be removed, so call it on a thread made for the purpose. False if
/// the kernel refused the filter.
bool deny_io_uring_setup_in_this_thread();

}  // namespace duplex::test
