// --pre-js of the WebAssembly tests: getenv() in emscripten 3.1.6 does not see
// process.env, so copy it into ENV before main (and before libc reads ENV).
Module['preRun'] = Module['preRun'] || [];
Module['preRun'].push(function() {
  if (typeof process === 'object' && process.env && typeof ENV === 'object') {
    for (var name in process.env) ENV[name] = process.env[name];
  }
});
