// --pre-js of the WebAssembly tests: in node, the process ends with the
// program's status as soon as the program exits (emscripten_force_exit in
// catch_main_wasm.cpp). emscripten 3.1.6 calls process.exit() itself; later
// ones (6.0.5 seen) only set process.exitCode and leave node running until
// its loop is empty, which a host socket can prevent for good: node's own
// WebSocket never drops a connection whose Close the server leaves unanswered.
if (typeof process === 'object' && process.versions && process.versions.node && typeof window === 'undefined') {
  var duplexTestOnExit = Module['onExit'];
  Module['onExit'] = function(status) {
    if (duplexTestOnExit) duplexTestOnExit(status);
    process.exit(status);
  };
}
