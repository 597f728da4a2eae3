// The Catch2 main of WebAssembly test programs. emscripten keeps the runtime
// alive after main returns (and with ASYNCIFY loses main's return value), so
// the status is handed to the host with emscripten_force_exit.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <emscripten/emscripten.h>

int main(int argc, char* argv[]) {
  const int status = Catch::Session().run(argc, argv);
  emscripten_force_exit(status);
  return status;
}
