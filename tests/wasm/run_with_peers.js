#!/usr/bin/env node
// Runs a WebAssembly test program in node with the peers it needs.
//
// Usage: node run_with_peers.js <test.js> [test arguments...]
//
// A wasm program cannot spawn processes, so this launcher starts the echo
// servers of tests/peers (npm ws, and Debian's python3-websockets through
// /usr/bin/python3) on 127.0.0.1, picks a port where nothing listens (listen,
// then close), listens on one more that accepts TCP and never answers, passes
// the ports as DUPLEX_WS_PEER_PORT, DUPLEX_PYTHON_PEER_PORT,
// DUPLEX_REFUSED_PORT and DUPLEX_SILENT_PORT, runs the test in a child
// node with host_websocket.js preloaded (the WebSocket global) and the node
// flags this launcher was given (cmake/node.cmake), then stops the
// servers by PID and exits with the test's status. A Catch2 listing
// (--list-*) needs no peers and starts none.
'use strict';

const { spawn } = require('child_process');
const net = require('net');
const path = require('path');

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

async function main() {
  const [testJs, ...args] = process.argv.slice(2);
  if (!testJs) {
    process.stderr.write('usage: run_with_peers.js <test.js> [args...]\n');
    process.exit(2);
  }
  const env = { ...process.env };
  if (!args.some((a) => a.startsWith('--list'))) {
    const [wsPort, pythonPort, refused, silent] = await Promise.all([
      startPeer(process.execPath, [path.join(peersDir, 'ws_echo_server.js')]),
      startPeer('/usr/bin/python3', [path.join(peersDir, 'python_echo_server.py')]),
      refusedPort(),
      silentListener(),
    ]);
    Object.assign(env, {
      DUPLEX_WS_PEER_PORT: String(wsPort),
      DUPLEX_PYTHON_PEER_PORT: String(pythonPort),
      DUPLEX_REFUSED_PORT: String(refused),
      DUPLEX_SILENT_PORT: String(silent),
    });
  }
  const test = spawn(process.execPath,
    [...process.execArgv, '-r', path.join(__dirname, 'host_websocket.js'), testJs, ...args],
    { stdio: 'inherit', env });
  test.on('exit', (code, signal) => {
    stopPeers();
    process.exit(code === null ? 128 + (signal === 'SIGKILL' ? 9 : 15) : code);
  });
  for (const sig of ['SIGTERM', 'SIGINT']) {
    process.on(sig, () => { test.kill(sig); stopPeers(); });
  }
}

main().catch((err) => {
  process.stderr.write(`run_with_peers: ${err.stack || err}\n`);
  stopPeers();
  process.exit(1);
});
