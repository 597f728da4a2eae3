// The test paths on Windows. The build directories are compiled in as the
// build machine spelled them: under Wine (a Linux build machine) those are
// Unix paths, opened through the drive Wine maps them to (Z:), while the
// peers are the machine's Unix programs and get Unix paths. Wine's kernel32
// exports the two conversions (wine_get_dos_file_name,
// wine_get_unix_file_name); on Windows itself there is nothing to convert.

#include "support/test_paths.hpp"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <system_error>

#include <windows.h>

#ifndef DUPLEX_SOURCE_DIR
#error "DUPLEX_SOURCE_DIR must be defined by the build"
#endif
#ifndef DUPLEX_BINARY_DIR
#error "DUPLEX_BINARY_DIR must be defined by the build"
#endif

namespace duplex::test {
namespace {

using dos_name_fn = WCHAR* (*)(const char*);
using unix_name_fn = char* (*)(const WCHAR*);

template <typename Fn>
Fn wine_function(const char* name) {
  const HMODULE kernel32 = ::GetModuleHandleW(L"kernel32.dll");
  return kernel32 ? reinterpret_cast<Fn>(reinterpret_cast<void*>(::GetProcAddress(kernel32, name))) : nullptr;
}

std::string narrow(const std::wstring& wide) {
  if (wide.empty()) return {};
  const int n = ::WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()), nullptr, 0, nullptr,
                                      nullptr);
  std::string out(static_cast<std::size_t>(n), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()), out.data(), n, nullptr, nullptr);
  return out;
}

std::wstring widen(const std::string& text) {
  if (text.empty()) return {};
  const int n = ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), n);
  return out;
}

// Wine allocates the converted names on the process heap.
std::string from_unix(const std::string& unix_path) {
  static const auto convert = wine_function<dos_name_fn>("wine_get_dos_file_name");
  if (!convert) return unix_path;
  WCHAR* dos = convert(unix_path.c_str());
  if (!dos) return unix_path;
  std::string out = narrow(dos);
  ::HeapFree(::GetProcessHeap(), 0, dos);
  return out;
}

std::string to_unix(const std::string& windows_path) {
  static const auto convert = wine_function<unix_name_fn>("wine_get_unix_file_name");
  if (!convert) return windows_path;
  char* unix_name = convert(widen(windows_path).c_str());
  if (!unix_name) return windows_path;
  std::string out = unix_name;
  ::HeapFree(::GetProcessHeap(), 0, unix_name);
  return out;
}

bool is_drive_path(const std::string& path) {
  return path.size() >= 3 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':' &&
         (path[2] == '\\' || path[2] == '/');
}

// `name` (e.g. "node.exe") in a directory of PATH, or "".
std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  std::string rest = path;
  for (std::size_t start = 0;;) {
    const auto semicolon = rest.find(';', start);
    const std::string dir = rest.substr(start, semicolon == std::string::npos ? std::string::npos : semicolon - start);
    std::error_code ec;
    if (!dir.empty() && std::filesystem::is_regular_file(std::filesystem::path(dir) / name, ec))
      return (std::filesystem::path(dir) / name).string();
    if (semicolon == std::string::npos) return {};
    start = semicolon + 1;
  }
}

}  // namespace

bool running_under_wine() {
  static const bool wine = [] {
    const HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
    return ntdll != nullptr && ::GetProcAddress(ntdll, "wine_get_version") != nullptr;
  }();
  return wine;
}

std::string local_path(const std::string& path) {
  return running_under_wine() && !path.empty() && path.front() == '/' ? from_unix(path) : path;
}

std::string peer_path(const std::string& path) {
  return running_under_wine() && is_drive_path(path) ? to_unix(path) : path;
}

std::string source_dir() { return local_path(DUPLEX_SOURCE_DIR); }

std::string binary_dir() { return local_path(DUPLEX_BINARY_DIR); }

std::string node_binary() {
  if (running_under_wine()) return local_path("/usr/bin/node");
  const std::string found = find_on_path("node.exe");
  return found.empty() ? std::string("node.exe") : found;
}

std::string python_binary() {
  if (running_under_wine()) return local_path("/usr/bin/python3");
  const std::string found = find_on_path("python.exe");
  return found.empty() ? std::string("python.exe") : found;
}

std::string make_temp_dir(std::string_view prefix) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path base = fs::path(binary_dir()) / "tmp";
  fs::create_directories(base, ec);
  if (ec) base = fs::temp_directory_path();
  std::random_device random;
  static constexpr char letters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string name(prefix);
    name += '-';
    for (int i = 0; i < 6; ++i) name += letters[random() % (sizeof letters - 1)];
    const fs::path dir = base / name;
    if (fs::create_directory(dir, ec)) return dir.string();
  }
  throw std::runtime_error("cannot create a directory under " + base.string());
}

}  // namespace duplex::test
