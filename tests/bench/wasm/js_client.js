// The reference client of the WebAssembly bench: the same ping-pong as
// tests/bench/wasm_bench_client.cpp, on the page's own WebSocket. Each echo's
// onmessage sends the next message on that socket; the clock
// (performance.now()) runs from the `warmup`-th echo to `msgs` echoes later.
'use strict';

/// One run; resolves with {ms, msgs} once every socket has closed after the
/// measured phase, or with {error}.
function jsBenchRun({ port, conns, size, warmup, msgs, text }) {
  return new Promise((resolve) => {
    // ASCII text or random-ish binary, as tests/bench/bench_common.hpp makes them.
    const bytes = new Uint8Array(size);
    let x = 0x12345678;
    for (let i = 0; i < size; ++i) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      bytes[i] = text ? 97 + (i % 26) : x >>> 24;
    }
    const payload = text ? new TextDecoder().decode(bytes) : bytes.buffer;
    const sockets = [];
    let open = 0, closed = 0, received = 0, start = 0, elapsed = 0, stopped = false, failed = false;

    const fail = (what) => {
      if (failed) return;
      failed = stopped = true;
      resolve({ error: what });
    };
    const stop = () => {
      elapsed = performance.now() - start;
      stopped = true;
      for (const ws of sockets) ws.close(1000);
    };
    for (let c = 0; c < conns; ++c) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => {
        if (++open < conns) return;
        if (warmup === 0) start = performance.now();
        for (const s of sockets) s.send(payload);
      };
      // The hot path: count the echo, send the next message on the same socket.
      ws.onmessage = (e) => {
        if (stopped) return;
        const data = e.data;
        if ((typeof data === 'string') !== text || (text ? data.length : data.byteLength) !== size) {
          return fail('echo of the wrong size or type');
        }
        ++received;
        if (received === warmup) start = performance.now();
        if (received === warmup + msgs) return stop();
        ws.send(payload);
      };
      ws.onerror = () => fail('error event');
      ws.onclose = (e) => {
        if (!stopped) return fail(`closed early, code ${e.code}`);
        if (++closed === conns) resolve({ ms: elapsed, msgs });
      };
      sockets.push(ws);
    }
  });
}
