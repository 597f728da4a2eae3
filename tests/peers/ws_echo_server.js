#!/usr/bin/env node
// WebSocket test peer built on the npm `ws` package.
//
// Usage:
//   node ws_echo_server.js [--tls-cert FILE --tls-key FILE]
//                          [--tls-client-ca FILE] [--tls-max-version V]
//                          [--tls-session-timeout SECONDS]
//                          [--max-payload BYTES]
//                          [--deflate] [--port N] [--only-from ADDRESS]
//                          [--exit-with-stdin]
//
// Listens on 127.0.0.1 on an ephemeral port (or port N) and prints `LISTENING <port>` on
// stdout once ready. With --tls-cert/--tls-key it serves wss:// (https). With
// --tls-client-ca it also requires a client certificate signed by that CA.
// --tls-max-version (TLSv1.2 or TLSv1.3) caps the TLS versions it accepts.
// --tls-session-timeout sets how long its TLS sessions can be resumed (node's
// sessionTimeout, also the lifetime hint of the tickets it sends; default 300).
// With --deflate it accepts permessage-deflate (RFC 7692) and compresses
// every message it sends (threshold 0); without it the extension is refused.
// With --only-from it answers 403 to every upgrade from a client address other
// than ADDRESS (e.g. 127.0.0.2, the address a test's proxy connects from).
// With --exit-with-stdin it exits when its stdin, a pipe, reaches EOF (the
// parent died).
//
// Behaviour by request path:
//   /, /echo, anything unknown  echo every message with its type
//   /close/<code>[/<reason>]    close with code and URL-decoded reason on open
//                               (1005: a Close frame without a body; codes ws
//                               refuses to send are written as a raw frame)
//   /close-after/<n>/<code>     echo n messages, then close with code
//   /drop                       destroy the TCP connection on open, no Close
//   /text-after-close           on open, write a Close frame (1000, "bye") and
//                               then a text frame ("late") in one write, as a
//                               misbehaving server would (RFC 6455 §5.5.1
//                               forbids data after Close); the client's Close
//                               is answered as ws does
//   /drop-after/<n>             echo n messages, then destroy the TCP connection
//   /no-close-reply             complete the handshake, then ignore every
//                               frame (a Close is never answered) and keep the
//                               TCP connection open; with ?id=<id> remember
//                               the client's Close frame and how and when the
//                               client ended the TCP connection
//   /report/<id>                one text message about the /no-close-reply
//                               connection <id>, once the client ended it (or
//                               after 3 s): `close=<code|none> tcp=<fin|reset|
//                               open> after_close_ms=<ms from the Close frame
//                               to the end, -1 if either is missing>`
//                               (`tcp=unknown` for an unknown id); then close
//                               with 1000
//   /headers                    send the request headers as one JSON text
//                               message, then echo
//   /cookies                    answer the upgrade with two Set-Cookie fields
//                               (session=abc, theme=dark) and
//                               `X-Duplex-Test: yes`, then echo
//   /status/<code>              refuse the upgrade with HTTP status <code>,
//                               a text body, `Set-Cookie: refused=<code>` and,
//                               with ?retry-after=<value>, that Retry-After;
//                               with ?id=<id>&times=<n>, only the first n
//                               upgrades with that id are refused and later
//                               ones echo
//   /stop-reading               complete the handshake, then stop reading the
//                               TCP connection (Pings are never answered)
//   /tls-info                   send `protocol=<TLS version> sni=<host name
//                               the client sent, or none>` as one text
//                               message, then echo
//   /tls-resumed[/close/<code>] send `resumed` if the client resumed a TLS
//                               session, else `full`, as one text message,
//                               then echo (or close with <code>)
//   /wire-size                  answer each message with the number of bytes
//                               its frames took on the TCP connection (as
//                               text); the client waits for each answer
//   /discard                    read and drop binary messages; answer each
//                               text message with the total payload bytes of
//                               the binary messages received so far (as text)
// Subprotocols: the first one the client offers out of chat, json, superchat.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const https = require('https');
const { WebSocketServer } = require('ws');

const SERVER_PROTOCOLS = ['chat', 'json', 'superchat'];
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function parseArgs(argv) {
  const opts = { maxPayload: 256 * 1024 * 1024, exitWithStdin: false, deflate: false, port: 0 };
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`missing value for ${arg}`);
      return argv[++i];
    };
    switch (arg) {
      case '--tls-cert': opts.tlsCert = value(); break;
      case '--tls-key': opts.tlsKey = value(); break;
      case '--tls-client-ca': opts.tlsClientCa = value(); break;
      case '--tls-max-version': opts.tlsMaxVersion = value(); break;
      case '--tls-session-timeout': opts.tlsSessionTimeout = Number(value()); break;
      case '--max-payload': opts.maxPayload = Number(value()); break;
      case '--exit-with-stdin': opts.exitWithStdin = true; break;
      case '--deflate': opts.deflate = true; break;
      case '--port': opts.port = Number(value()); break;
      case '--only-from': opts.onlyFrom = value(); break;
      default: fail(`unknown argument: ${arg}`);
    }
  }
  if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey)) {
    fail('--tls-cert and --tls-key go together');
  }
  if (!Number.isInteger(opts.maxPayload) || opts.maxPayload <= 0) {
    fail('--max-payload needs a positive integer');
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    fail('--port needs a port number');
  }
  if (opts.tlsSessionTimeout !== undefined && !(Number.isInteger(opts.tlsSessionTimeout) && opts.tlsSessionTimeout > 0)) {
    fail('--tls-session-timeout needs a positive number of seconds');
  }
  return opts;
}

function fail(message) {
  process.stderr.write(`ws_echo_server: ${message}\n`);
  process.exit(2);
}

function createHttpServer(opts) {
  const onRequest = (req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
    res.end('WebSocket upgrade required\n');
  };
  if (!opts.tlsCert) return http.createServer(onRequest);
  const tls = {
    cert: fs.readFileSync(opts.tlsCert),
    key: fs.readFileSync(opts.tlsKey),
  };
  if (opts.tlsMaxVersion) tls.maxVersion = opts.tlsMaxVersion;
  if (opts.tlsSessionTimeout !== undefined) tls.sessionTimeout = opts.tlsSessionTimeout;
  if (opts.tlsClientCa) {
    tls.ca = fs.readFileSync(opts.tlsClientCa);
    tls.requestCert = true;
    tls.rejectUnauthorized = true;
  }
  return https.createServer(tls, onRequest);
}

function selectProtocol(offered) {
  for (const protocol of offered) {
    if (SERVER_PROTOCOLS.includes(protocol)) return protocol;
  }
  return false;
}

// A Close frame written by hand, for codes the ws package refuses to send.
function rawCloseFrame(code, reason) {
  const body = Buffer.concat([
    Buffer.from([(code >> 8) & 0xff, code & 0xff]),
    Buffer.from(reason, 'utf8'),
  ]);
  const header = body.length < 126
    ? Buffer.from([0x88, body.length])
    : Buffer.from([0x88, 126, (body.length >> 8) & 0xff, body.length & 0xff]);
  return Buffer.concat([header, body]);
}

function closeWith(ws, socket, code, reason) {
  if (code === 1005) {
    ws.close();
    return;
  }
  try {
    ws.close(code, reason);
  } catch (err) {
    socket.end(rawCloseFrame(code, reason));
  }
}

// Echoes messages; after `limit` messages (if given) runs `then()`.
function echo(ws, limit, then) {
  let count = 0;
  if (limit === 0) {
    then();
    return;
  }
  ws.on('message', (data, isBinary) => {
    if (limit !== undefined && count >= limit) return;
    ++count;
    const last = limit !== undefined && count === limit;
    ws.send(data, { binary: isBinary }, last ? () => then() : undefined);
  });
}

function parseCount(text) {
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function onConnection(ws, req, socket) {
  const segments = new URL(req.url, 'http://localhost').pathname.split('/').slice(1);
  const route = segments[0];
  ws.on('error', () => {});

  if (route === 'close' && segments.length >= 2) {
    const reason = segments.length >= 3 ? decodeURIComponent(segments.slice(2).join('/')) : '';
    closeWith(ws, socket, Number(segments[1]), reason);
  } else if (route === 'close-after' && segments.length >= 3 && parseCount(segments[1]) !== undefined) {
    echo(ws, parseCount(segments[1]), () => closeWith(ws, socket, Number(segments[2]), ''));
  } else if (route === 'drop') {
    ws.terminate();
  } else if (route === 'text-after-close') {
    socket.write(Buffer.concat([rawCloseFrame(1000, 'bye'), Buffer.from([0x81, 0x04]), Buffer.from('late')]));
  } else if (route === 'drop-after' && parseCount(segments[1]) !== undefined) {
    echo(ws, parseCount(segments[1]), () => ws.terminate());
  } else if (route === 'discard') {
    let total = 0;
    ws.on('message', (data, isBinary) => {
      if (isBinary) total += data.length;
      else ws.send(String(total));
    });
  } else if (route === 'tls-info') {
    const protocol = socket.getProtocol ? socket.getProtocol() : null;
    ws.send(`protocol=${protocol || 'none'} sni=${socket.servername || 'none'}`);
    echo(ws);
  } else if (route === 'tls-resumed') {
    ws.send(socket.isSessionReused && socket.isSessionReused() ? 'resumed' : 'full');
    if (segments[1] === 'close' && segments.length >= 3) closeWith(ws, socket, Number(segments[2]), '');
    else echo(ws);
  } else if (route === 'wire-size') {
    // 'message' fires once a message's last frame is read, and the client
    // sends nothing more before the answer: the bytes read since the previous
    // message are exactly this message's frames, as compressed and masked.
    let before = socket.bytesRead;
    ws.on('message', () => {
      const now = socket.bytesRead;
      ws.send(String(now - before));
      before = now;
    });
  } else if (route === 'stop-reading') {
    socket.pause();
  } else if (route === 'headers') {
    ws.send(JSON.stringify(req.headers));
    echo(ws);
  } else if (route === 'report' && segments.length >= 2) {
    reportNoCloseReply(ws, decodeURIComponent(segments[1]));
  } else {
    echo(ws);
  }
}

// What /no-close-reply?id=<id> connections saw, by id, for /report/<id>.
const noCloseReplySeen = new Map();

// Watches a /no-close-reply connection that has an id: the status code of the
// client's first Close frame (client frames are masked: RFC 6455 §5.2), and
// how and when the client ended the TCP connection (a FIN, or a reset).
// `head`: what came after the request head (the start of the frames).
function recordNoCloseReply(req, socket, head) {
  const id = new URL(req.url, 'http://localhost').searchParams.get('id');
  if (!id) return;
  const seen = { close: 'none', closeAt: 0, tcp: 'open', endedAt: 0, waiters: [] };
  noCloseReplySeen.set(id, seen);
  let pending = Buffer.alloc(0);
  const onData = (chunk) => {
    if (seen.closeAt) return;
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const length7 = pending[1] & 0x7f;
      const at = 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0);
      if (pending.length < at) return;
      const length = length7 === 126 ? pending.readUInt16BE(2)
        : length7 === 127 ? Number(pending.readBigUInt64BE(2)) : length7;
      const key = pending[1] & 0x80 ? pending.subarray(at, at + 4) : Buffer.alloc(4);
      const start = at + (pending[1] & 0x80 ? 4 : 0);
      if (pending.length < start + length) return;
      if ((pending[0] & 0x0f) === 0x8) {
        const body = Buffer.from(pending.subarray(start, start + length)).map((b, i) => b ^ key[i % 4]);
        seen.close = body.length >= 2 ? String(body.readUInt16BE(0)) : 'none';
        seen.closeAt = Date.now();
        return;
      }
      pending = pending.subarray(start + length);
    }
  };
  socket.on('data', onData);
  if (head && head.length) onData(head);
  const ended = (how) => {
    if (seen.tcp !== 'open') return;
    seen.tcp = how;
    seen.endedAt = Date.now();
    for (const wake of seen.waiters.splice(0)) wake();
  };
  socket.on('end', () => ended('fin'));
  socket.on('error', () => ended('reset'));
}

function reportNoCloseReply(ws, id) {
  const seen = noCloseReplySeen.get(id);
  let sent = false;
  const send = () => {
    if (sent) return;
    sent = true;
    const afterClose = seen && seen.closeAt && seen.endedAt ? seen.endedAt - seen.closeAt : -1;
    const text = seen ? `close=${seen.close} tcp=${seen.tcp} after_close_ms=${afterClose}` : 'tcp=unknown';
    ws.send(text, () => ws.close(1000));
  };
  if (!seen || seen.tcp !== 'open') return send();
  setTimeout(send, 3000);
  seen.waiters.push(send);
}

// Answers an upgrade from a client address that --only-from excludes.
function refuseClient(socket, allowed) {
  const body = `only ${allowed} may connect, not ${socket.remoteAddress}\n`;
  socket.on('error', () => {});
  socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

// /status/<code>: answers the upgrade with that status, unless ?times=<n>
// upgrades with the same ?id=<id> were refused already. True if it answered.
const refusalsById = new Map();
function refuseWithStatus(req, socket, url) {
  const code = Number(url.pathname.split('/')[2]);
  const id = url.searchParams.get('id');
  const times = url.searchParams.get('times');
  if (id !== null && times !== null) {
    const refused = refusalsById.get(id) || 0;
    if (refused >= Number(times)) return false;
    refusalsById.set(id, refused + 1);
  }
  const reason = http.STATUS_CODES[code] || 'Refused';
  const body = `refused with ${code}\n`;
  const lines = [`HTTP/1.1 ${code} ${reason}`, 'Connection: close', 'Content-Type: text/plain',
    `Set-Cookie: refused=${code}`, `Content-Length: ${Buffer.byteLength(body)}`];
  const retryAfter = url.searchParams.get('retry-after');
  if (retryAfter !== null) lines.push(`Retry-After: ${retryAfter}`);
  socket.on('error', () => {});
  socket.end(lines.join('\r\n') + '\r\n\r\n' + body);
  return true;
}

// Completes the opening handshake by hand and then ignores the connection:
// whatever arrives (a Close frame included) is read and discarded.
function acceptAndIgnore(req, socket) {
  const key = req.headers['sec-websocket-key'];
  if (!key) {
    socket.destroy();
    return;
  }
  const accept = crypto.createHash('sha1').update(key + WS_GUID).digest('base64');
  const lines = [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${accept}`,
  ];
  const offered = (req.headers['sec-websocket-protocol'] || '')
    .split(',').map((s) => s.trim()).filter(Boolean);
  const protocol = selectProtocol(offered);
  if (protocol) lines.push(`Sec-WebSocket-Protocol: ${protocol}`);
  socket.on('error', () => {});
  socket.on('data', () => {});
  socket.on('end', () => socket.end());
  socket.write(lines.join('\r\n') + '\r\n\r\n');
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const server = createHttpServer(opts);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: opts.maxPayload,
    perMessageDeflate: opts.deflate ? { threshold: 0 } : false,
    clientTracking: true,
    handleProtocols: (protocols) => selectProtocol([...protocols]),
  });
  const rawSockets = new Set();
  wss.on('headers', (headers, req) => {
    if (new URL(req.url, 'http://localhost').pathname !== '/cookies') return;
    headers.push('Set-Cookie: session=abc; Path=/', 'Set-Cookie: theme=dark', 'X-Duplex-Test: yes');
  });

  server.on('upgrade', (req, socket, head) => {
    if (opts.onlyFrom && socket.remoteAddress !== opts.onlyFrom) {
      refuseClient(socket, opts.onlyFrom);
      return;
    }
    const url = new URL(req.url, 'http://localhost');
    const pathname = url.pathname;
    if (pathname.startsWith('/status/') && refuseWithStatus(req, socket, url)) return;
    if (pathname === '/no-close-reply') {
      rawSockets.add(socket);
      socket.on('close', () => rawSockets.delete(socket));
      recordNoCloseReply(req, socket, head);
      acceptAndIgnore(req, socket);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, socket));
  });
  server.on('clientError', (err, socket) => socket.destroy());

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const ws of wss.clients) ws.terminate();
    for (const socket of rawSockets) socket.destroy();
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

  server.listen(opts.port, '127.0.0.1', () => {
    process.stdout.write(`LISTENING ${server.address().port}\n`);
  });
}

main();
