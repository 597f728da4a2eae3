// Preloaded (node -r) into WebAssembly tests: gives node a browser-like
// WebSocket global, the one duplex's js-library drives.
//
// The npm `ws` package: the default host (node-ws) of run_with_peers.js, on
// every node. node's built-in (undici) WebSocket is the node-own host, run
// separately: node 20's needs --experimental-websocket and, on a refused
// connection, fires only `error` — no `close`, readyState stays CONNECTING —
// where browsers (and ws) fire error, then close 1006. ws also takes the same
// constructor arguments, binaryType 'arraybuffer', bufferedAmount and the on*
// handlers.
'use strict';

globalThis.WebSocket = require(require('path').join(__dirname, '..', 'peers', 'node_modules', 'ws'));
