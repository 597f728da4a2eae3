#pragma once
// Runs the `duplex` command-line client as a person would: through a shell,
// with standard input piped in.

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace duplex::test {

/// What one run of the client printed and its exit status.
struct CliRun {
  int status = -1;
  std::string output;  // stdout and stderr together
};

/// Runs `printf INPUT | duplex ARGS` through /bin/sh (INPUT uses printf escapes).
inline CliRun run_cli(const std::string& input, const std::string& args) {
  const std::string command = "printf '" + input + "' | '" + std::string(DUPLEX_CLI_PATH) + "' " + args + " 2>&1";
  CliRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) run.output.append(buffer, n);
  const int status = ::pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace duplex::test
