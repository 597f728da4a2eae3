// Preloaded (node -r) into WebAssembly tests: gives node a browser-like
// WebSocket global, the one duplex's js-library drives.
//
// The npm `ws` package rather than node 20's built-in (undici) WebSocket: the
// built-in one needs --experimental-websocket, and on a refused connection it
// fires only `error` — no `close`, readyState stays CONNECTING — where browsers
// (and ws) fire error, then close 1006. ws also takes the same constructor
// arguments, binaryType 'arraybuffer', bufferedAmount and the on* handlers.
'use strict';

globalThis.WebSocket = require(require('path').join(__dirname, '..', 'peers', 'node_modules', 'ws'));
