// The test paths on Linux and macOS.

#include "support/test_paths.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <unistd.h>

#ifndef DUPLEX_SOURCE_DIR
#error "DUPLEX_SOURCE_DIR must be defined by the build"
#endif
#ifndef DUPLEX_BINARY_DIR
#error "DUPLEX_BINARY_DIR must be defined by the build"
#endif

namespace duplex::test {
namespace {

std::string find_on_path(std::string_view name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  std::string_view rest = path;
  while (true) {
    const auto colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (dir.empty()) dir = ".";
    std::string candidate = std::move(dir);
    candidate += '/';
    candidate += name;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) return candidate;
    if (colon == std::string_view::npos) return {};
    rest.remove_prefix(colon + 1);
  }
}

}  // namespace

std::string source_dir() { return DUPLEX_SOURCE_DIR; }

std::string binary_dir() { return DUPLEX_BINARY_DIR; }

std::string node_binary() {
  std::string found = find_on_path("node");
  return found.empty() ? std::string("/usr/bin/node") : found;
}

std::string python_binary() { return "/usr/bin/python3"; }

std::string local_path(const std::string& path) { return path; }

std::string peer_path(const std::string& path) { return path; }

bool running_under_wine() { return false; }

std::string make_temp_dir(std::string_view prefix) {
  std::string base = binary_dir() + "/tmp";
  std::error_code ec;
  std::filesystem::create_directories(base, ec);
  if (ec || ::access(base.c_str(), W_OK) != 0) base = "/tmp";
  std::string pattern = base + "/" + std::string(prefix) + "-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
  }
  return std::string(buffer.data());
}

}  // namespace duplex::test
