// Windows: the C runtime's argv is in the ANSI code page and its streams are
// in text mode ("\n" written as "\r\n", "\x1A" read as end of file), so the
// arguments are taken from the UTF-16 command line and the streams switched
// to binary; a console is switched to UTF-8 while the program runs.
#include "console.hpp"

#include <windows.h>  // first: the other Windows headers build on it

#include <fcntl.h>
#include <io.h>
#include <shellapi.h>  // CommandLineToArgvW

#include <cstdio>
#include <cstdlib>

namespace duplex::cli {
namespace {

UINT saved_input_cp = 0, saved_output_cp = 0;

void restore_console_code_pages() {
  if (saved_input_cp != 0) SetConsoleCP(saved_input_cp);
  if (saved_output_cp != 0) SetConsoleOutputCP(saved_output_cp);
}

std::string to_utf8(const wchar_t* wide) {
  const int size = WideCharToMultiByte(CP_UTF8, 0, wide, -1, nullptr, 0, nullptr, nullptr);
  if (size <= 1) return {};
  std::string out(static_cast<std::size_t>(size), '\0');
  WideCharToMultiByte(CP_UTF8, 0, wide, -1, out.data(), size, nullptr, nullptr);
  out.pop_back();  // the terminating NUL
  return out;
}

}  // namespace

void prepare_standard_streams() {
  _setmode(_fileno(stdin), _O_BINARY);
  _setmode(_fileno(stdout), _O_BINARY);
  _setmode(_fileno(stderr), _O_BINARY);
  // The console's code pages belong to the console, not the process: restored at exit.
  saved_input_cp = GetConsoleCP();
  saved_output_cp = GetConsoleOutputCP();
  if (saved_input_cp != 0 || saved_output_cp != 0) {
    SetConsoleCP(CP_UTF8);
    SetConsoleOutputCP(CP_UTF8);
    std::atexit(restore_console_code_pages);
  }
}

std::vector<std::string> utf8_arguments(int argc, char* argv[]) {
  int count = 0;
  LPWSTR* wide = CommandLineToArgvW(GetCommandLineW(), &count);
  if (wide == nullptr) return {argv, argv + argc};  // out of memory: the ANSI arguments
  std::vector<std::string> args;
  args.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) args.push_back(to_utf8(wide[i]));
  LocalFree(wide);
  return args;
}

bool standard_streams_are_terminals() { return _isatty(_fileno(stdin)) != 0 && _isatty(_fileno(stdout)) != 0; }

std::ptrdiff_t read_standard_input(char* buffer, std::size_t size) {
  // _read takes an unsigned int count; the stream is in binary mode (above).
  const unsigned int count = size > 0x10000000 ? 0x10000000u : static_cast<unsigned int>(size);
  return _read(_fileno(stdin), buffer, count);
}

}  // namespace duplex::cli
