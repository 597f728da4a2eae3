// TlsFileStamp on Linux, macOS and other POSIX systems
// (tls_file_stamp_windows.cpp on Windows).

#include <sys/stat.h>

#include "tls_context_cache.hpp"

namespace duplex::native {
namespace {

std::int64_t nanoseconds(const timespec& t) { return std::int64_t(t.tv_sec) * 1'000'000'000 + t.tv_nsec; }

// POSIX.1-2008 names the times st_mtim and st_ctim; macOS st_mtimespec and st_ctimespec.
#if defined(__APPLE__)
const timespec& modified(const struct stat& st) { return st.st_mtimespec; }
const timespec& changed(const struct stat& st) { return st.st_ctimespec; }
#else
const timespec& modified(const struct stat& st) { return st.st_mtim; }
const timespec& changed(const struct stat& st) { return st.st_ctim; }
#endif

}  // namespace

TlsFileStamp TlsFileStamp::of(const std::string& path) {
  TlsFileStamp stamp;
  stamp.path = path;
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return stamp;
  stamp.device = std::uint64_t(st.st_dev);
  stamp.inode = std::uint64_t(st.st_ino);
  stamp.size = std::uint64_t(st.st_size);
  stamp.mtime_ns = nanoseconds(modified(st));
  stamp.ctime_ns = nanoseconds(changed(st));
  return stamp;
}

}  // namespace duplex::native
