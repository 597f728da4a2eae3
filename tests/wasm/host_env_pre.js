// --pre-js of the WebAssembly tests: their environment, copied into ENV before
// main (and before libc reads ENV). getenv() in emscripten 3.1.6 does not see
// process.env, and a page has no environment: tests/wasm/browser_host.js
// passes one as Module.env.
Module['preRun'] = Module['preRun'] || [];
Module['preRun'].push(function() {
  if (typeof ENV !== 'object') return;
  var source = Module['env'] || (typeof process === 'object' && process.env) || {};
  for (var name in source) ENV[name] = String(source[name]);
});
