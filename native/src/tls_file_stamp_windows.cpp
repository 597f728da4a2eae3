// TlsFileStamp on Windows (tls_file_stamp_posix.cpp elsewhere).

#include <windows.h>

#include <filesystem>
#include <string_view>

#include "tls_context_cache.hpp"

namespace duplex::native {

// Windows: the file's volume and index stand for device and inode; write and
// change times come in 100 ns ticks since 1601 (MinGW's std::filesystem
// rounds them to seconds). Options paths are UTF-8, as OpenSSL reads them.
TlsFileStamp TlsFileStamp::of(const std::string& path) {
  TlsFileStamp stamp;
  stamp.path = path;
  if (path.empty()) return stamp;
  const std::wstring wide =
      std::filesystem::path(std::u8string_view(reinterpret_cast<const char8_t*>(path.data()), path.size())).wstring();
  const HANDLE file =
      CreateFileW(wide.c_str(), FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                  OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
  if (file == INVALID_HANDLE_VALUE) return stamp;
  BY_HANDLE_FILE_INFORMATION info{};
  FILE_BASIC_INFO times{};
  if (GetFileInformationByHandle(file, &info) &&
      GetFileInformationByHandleEx(file, FileBasicInfo, &times, sizeof times)) {
    constexpr std::int64_t unix_epoch_ticks = 116'444'736'000'000'000;  // 1970-01-01 in ticks since 1601
    stamp.device = info.dwVolumeSerialNumber;
    stamp.inode = (std::uint64_t(info.nFileIndexHigh) << 32) | info.nFileIndexLow;
    stamp.size = (std::uint64_t(info.nFileSizeHigh) << 32) | info.nFileSizeLow;
    stamp.mtime_ns = (times.LastWriteTime.QuadPart - unix_epoch_ticks) * 100;
    stamp.ctime_ns = (times.ChangeTime.QuadPart - unix_epoch_ticks) * 100;
  }
  CloseHandle(file);
  return stamp;
}

}  // namespace duplex::native
