// A program linked without -sASYNCIFY that calls duplex::run() twice: run()
// cannot wait there, so each call returns at once, and the first says why on
// stderr (the console's error stream). expect_output.js checks that the
// explanation appears exactly once and that both calls returned.
#include <emscripten.h>

#include <cstdio>

#include "duplex/duplex.hpp"

int main() {
  duplex::run();
  std::puts("first run() returned");
  duplex::run();
  std::puts("second run() returned");
  // Exits the runtime itself (no -sEXIT_RUNTIME), so that a page reports it too.
  emscripten_force_exit(0);
}
