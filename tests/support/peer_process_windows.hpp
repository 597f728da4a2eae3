#pragma once
// Shared by peer_process_windows.cpp and peer_process_wine.cpp (the Unix
// programs a test started under Wine).

#include <memory>
#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace duplex::test {

/// UTF-8 to UTF-16 and back.
std::wstring widen_text(const std::string& text);
std::string narrow_text(const std::wstring& text);

/// argv as one command line that CommandLineToArgvW (and Wine, for a Unix
/// program) splits back into argv.
std::wstring windows_command_line(const std::vector<std::string>& argv);

/// Whether the file starts like a Windows executable ("MZ"); under Wine,
/// anything else (an ELF file, a script) runs as a Unix program.
bool is_windows_executable(const std::string& path);

/// Starts a Unix program under Wine (argv[0] a local_path(); see
/// peer_process_wine.cpp).
std::unique_ptr<ChildProcess> start_wine_unix_child(const std::vector<std::string>& argv);

/// Runs a Unix program under Wine to completion; returns its exit code.
int run_wine_unix_program(const std::vector<std::string>& argv);

}  // namespace duplex::test
