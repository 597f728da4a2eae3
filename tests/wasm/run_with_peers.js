#!/usr/bin/env node
// Runs a WebAssembly test program with the peers it needs, in one of three
// hosts, each with its own WebSocket:
//   node-ws   (default) node with npm ws as the WebSocket global (host_websocket.js)
//   node-own  node's own WebSocket (undici): a global from node 22, behind
//             --experimental-websocket in node 20, which is then added
//   chromium  a page of headless Chromium (browser_host.js, in a child node)
//   firefox   a page of headless Firefox ESR (browser_host.js, WebDriver BiDi)
//
// Usage: node run_with_peers.js [--host node-ws|node-own|chromium|firefox] [--cross-origin-isolated]
//                                <test.js> [test arguments...]
//   --cross-origin-isolated  in a browser host, serve the page with COOP/COEP
//                            headers (SharedArrayBuffer: programs built with
//                            -pthread); node needs nothing
//
// A wasm program cannot spawn processes, so this launcher starts the echo
// servers of tests/peers (npm ws, and Debian's python3-websockets through
// /usr/bin/python3) on 127.0.0.1, picks a port where nothing listens (listen,
// then close), listens on one more that accepts TCP and never answers, passes
// the ports as DUPLEX_WS_PEER_PORT, DUPLEX_PYTHON_PEER_PORT,
// DUPLEX_REFUSED_PORT and DUPLEX_SILENT_PORT and the host's name as
// DUPLEX_TEST_HOST, runs the test (in node: a child node with the node flags
// this launcher was given, cmake/node.cmake), then stops the servers by PID
// and exits with the test's status. A Catch2 listing (--list-*) needs no
// peers, starts none, and runs in node whatever the host: the list is the same.
'use strict';

const { spawn } = require('child_process');
const net = require('net');
const path = require('path');

const HOSTS = ['node-ws', 'node-own', 'chromium', 'firefox'];

const peersDir = path.join(__dirname, '..', 'peers');
const children = [];

function stopPeers() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try { process.kill(child.pid, 'SIGTERM'); } catch (e) {}
    }
  }
}

// Starts a server that prints `LISTENING <port>`; resolves with the port.
function startPeer(command, args) {
  return new Promise((resolve, reject) => {
    // stdin is a pipe: with --exit-with-stdin the peer also exits if we die.
    const child = spawn(command, [...args, '--exit-with-stdin'], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(child);
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`${command} ${args[0]}: no LISTENING line`)), 15000);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${args[0]} exited (${code})`)); });
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const match = /LISTENING (\d+)/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        child.stdout.resume();
        resolve(Number(match[1]));
      }
    });
  });
}

// Accepts connections and never writes a byte (an unanswered handshake).
function silentListener() {
  return new Promise((resolve, reject) => {
    const sockets = new Set();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

function refusedPort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// node flags that give the child node a WebSocket of its own: none where it
// has one (node >= 22, or a flag this launcher already has), else the flag
// node 20 keeps it behind.
function ownWebSocketFlags() {
  if (typeof WebSocket === 'function') return [];
  if (process.allowedNodeEnvironmentFlags.has('--experimental-websocket')) return ['--experimental-websocket'];
  throw new Error(`node ${process.version} has no WebSocket of its own, not even behind --experimental-websocket`);
}

// Runs the test in a child node, or for chromium the node that drives the
// browser (without this launcher's node flags, which are the program's);
// resolves with its status.
function runInHost(host, testJs, args, env, isolated = false) {
  const program = [testJs, ...args];
  const page = isolated ? ['--cross-origin-isolated'] : [];
  const command = {
    'node-ws': () => [...process.execArgv, '-r', path.join(__dirname, 'host_websocket.js'), ...program],
    'node-own': () => [...process.execArgv, ...ownWebSocketFlags(), ...program],
    'chromium': () => [path.join(__dirname, 'browser_host.js'), '--browser', 'chromium', ...page, ...program],
    'firefox': () => [path.join(__dirname, 'browser_host.js'), '--browser', 'firefox', ...page, ...program],
  }[host]();
  // browser_host.js stops the browser when its stdin, a pipe, ends (we died).
  const inBrowser = host === 'chromium' || host === 'firefox';
  const stdin = inBrowser ? 'pipe' : 'inherit';
  const test = spawn(process.execPath, command, { stdio: [stdin, 'inherit', 'inherit'], env });
  for (const sig of ['SIGTERM', 'SIGINT']) {
    process.on(sig, () => { test.kill(sig); stopPeers(); });
  }
  return new Promise((resolve) => {
    test.on('exit', (code, signal) => resolve(code === null ? 128 + (signal === 'SIGKILL' ? 9 : 15) : code));
  });
}

function parseArgs(argv) {
  let host = 'node-ws';
  if (argv[0] === '--host') {
    host = argv[1];
    argv = argv.slice(2);
  }
  const isolated = argv[0] === '--cross-origin-isolated';
  if (isolated) argv = argv.slice(1);
  if (!HOSTS.includes(host) || !argv[0]) {
    process.stderr.write(`usage: run_with_peers.js [--host ${HOSTS.join('|')}] [--cross-origin-isolated] <test.js> [args...]\n`);
    process.exit(2);
  }
  return { host, isolated, testJs: argv[0], args: argv.slice(1) };
}

async function main() {
  const { host, isolated, testJs, args } = parseArgs(process.argv.slice(2));
  if (args.some((a) => a.startsWith('--list'))) return runInHost('node-ws', testJs, args, process.env);
  const [wsPort, pythonPort, silent] = await Promise.all([
    startPeer(process.execPath, [path.join(peersDir, 'ws_echo_server.js')]),
    startPeer('/usr/bin/python3', [path.join(peersDir, 'python_echo_server.py')]),
    silentListener(),
  ]);
  // Picked once the peers listen: a port freed before they start could be
  // the one a peer's listen(0) gets (seen once: "refused" connections opened).
  const refused = await refusedPort();
  const testEnv = {
    DUPLEX_WS_PEER_PORT: String(wsPort),
    DUPLEX_PYTHON_PEER_PORT: String(pythonPort),
    DUPLEX_REFUSED_PORT: String(refused),
    DUPLEX_SILENT_PORT: String(silent),
    DUPLEX_TEST_HOST: host,
  };
  return runInHost(host, testJs, args, { ...process.env, ...testEnv }, isolated);
}

main().then((status) => {
  stopPeers();
  process.exit(status);
}, (err) => {
  process.stderr.write(`run_with_peers: ${err.stack || err}\n`);
  stopPeers();
  process.exit(1);
});
