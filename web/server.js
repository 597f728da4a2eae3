#!/usr/bin/env node
// Serves the browser demo: the page's static files and a WebSocket echo
// endpoint on one port.
//
// Usage:
//   node web/server.js --build-dir DIR [--port N] [--host ADDR] [--exit-with-stdin]
//
// GET /                  web/index.html
// GET /<file>            a file of web/ (html, css, js) or of DIR (the compiled
//                        page: demo_page.js, demo_page.wasm)
// WebSocket /echo        echoes every message with its type (npm ws)
//
// Listens on ADDR (127.0.0.1) port N (0, the default: an ephemeral port) and
// prints `LISTENING <port>` on stdout once ready. Exits on SIGTERM / SIGINT, and
// with --exit-with-stdin when its stdin, a pipe, reaches EOF (the parent died).
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');

// One npm install for the project: the ws package of tests/peers.
const { WebSocketServer } = require(require.resolve('ws', {
  paths: [__dirname, path.join(__dirname, '..', 'tests', 'peers')],
}));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

function fail(message) {
  process.stderr.write(`server: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { port: 0, host: '127.0.0.1', buildDir: null, exitWithStdin: false };
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`missing value for ${arg}`);
      return argv[++i];
    };
    switch (arg) {
      case '--port': opts.port = Number(value()); break;
      case '--host': opts.host = value(); break;
      case '--build-dir': opts.buildDir = path.resolve(value()); break;
      case '--exit-with-stdin': opts.exitWithStdin = true; break;
      default: fail(`unknown argument: ${arg}`);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) fail('--port needs 0..65535');
  if (!opts.buildDir) fail('--build-dir DIR (where demo_page.js and demo_page.wasm are) is required');
  if (!fs.existsSync(path.join(opts.buildDir, 'demo_page.js'))) {
    fail(`${opts.buildDir} has no demo_page.js: build the target duplex_demo_page first`);
  }
  return opts;
}

// The file a request path names: a plain file name looked up in web/, then in
// the build directory. Anything else (subdirectories, dot files, unknown
// types) is not served.
function resolveFile(pathname, roots) {
  const name = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
  if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(name) || !TYPES[path.extname(name)]) return null;
  for (const root of roots) {
    const file = path.join(root, name);
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
  }
  return null;
}

function createHttpServer(roots) {
  return http.createServer((req, res) => {
    let file = null;
    try {
      file = resolveFile(new URL(req.url, 'http://localhost').pathname, roots);
    } catch (err) {
      file = null;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    } else if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    } else {
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)],
        'Cache-Control': 'no-store',
      });
      if (req.method === 'HEAD') res.end();
      else fs.createReadStream(file).pipe(res);
    }
  });
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const server = createHttpServer([__dirname, opts.buildDir]);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });

  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url, 'http://localhost').pathname !== '/echo') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => {});
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
  });
  server.on('clientError', (err, socket) => socket.destroy());

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const ws of wss.clients) ws.terminate();
    server.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // A pipe from a shell is a FIFO; node's stdio 'pipe' (run_with_peers.js,
  // browser_test.js) is a socketpair. A terminal or /dev/null is neither.
  const stdinIsPipe = fs.fstatSync(0).isFIFO() || fs.fstatSync(0).isSocket();
  if (opts.exitWithStdin && stdinIsPipe) {
    process.stdin.on('data', () => {});
    process.stdin.on('end', stop);
    process.stdin.on('error', stop);
    process.stdin.resume();
  }

  server.on('error', (err) => fail(err.message));
  server.listen(opts.port, opts.host, () => {
    process.stdout.write(`LISTENING ${server.address().port}\n`);
  });
}

main();
