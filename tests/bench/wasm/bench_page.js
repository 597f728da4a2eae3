// The bench page's entry point for the driver: benchRun('js' | 'wasm', params)
// runs one ping-pong run with the plain JavaScript client or the duplex wasm
// client (same page, same parameters) and resolves with {ms, msgs} or {error}.
'use strict';

let wasmResolve = null;

// Settings of the emscripten module wasm_bench_client.js (loaded after this).
var Module = {
  onBenchResult(ms, msgs, error) {
    const resolve = wasmResolve;
    wasmResolve = null;
    if (resolve) resolve(error ? { error } : { ms, msgs });
  },
};
const wasmReady = new Promise((resolve) => { Module.onRuntimeInitialized = resolve; });

async function benchRun(client, params) {
  if (client === 'js') return jsBenchRun(params);
  await wasmReady;
  if (wasmResolve) return { error: 'a wasm run is still going' };
  const result = new Promise((resolve) => { wasmResolve = resolve; });
  Module._wasm_bench_start(params.port, params.conns, params.size, params.warmup, params.msgs, params.text ? 1 : 0);
  return result;
}
