#!/usr/bin/python3
"""WebSocket test peer built on Debian's python3-websockets (10.4 to 17).

Usage:
  /usr/bin/python3 python_echo_server.py [--tls-cert FILE --tls-key FILE]
                                         [--max-payload BYTES]
                                         [--deflate] [--exit-with-stdin]

Listens on 127.0.0.1 on an ephemeral port and prints ``LISTENING <port>`` on
stdout once ready. With --exit-with-stdin it exits when its stdin, a pipe,
reaches EOF (the parent died). With --deflate it accepts permessage-deflate
(RFC 7692, the library's default); without it the extension is refused.

Behaviour by request path:
  /, /echo, anything unknown  echo every message with its type
  /close/<code>[/<reason>]    close with code and URL-decoded reason on open
  /close-after/<n>/<code>     echo n messages, then close with code
  /drop                       abort the TCP connection on open, no Close frame
  /status/<code>              refuse the upgrade with HTTP status <code>
Subprotocols: the first one the client offers out of chat, json, superchat.

websockets >= 13 serves with its new asyncio implementation (the only one
`websockets.serve` gives from 14 on); older releases have only the legacy one.
The two differ in the handler's connection (``request.path`` or ``path``), in
select_subprotocol's and process_request's arguments and in the server's list
of connections; the functions below take either.
"""

import argparse
import asyncio
import http
import os
import signal
import ssl
import sys
import urllib.parse

import websockets

try:  # websockets >= 13
    from websockets.asyncio.server import serve
    NEW_ASYNCIO_API = True
except ImportError:  # websockets 10.x to 12.x: the legacy implementation
    from websockets import serve
    NEW_ASYNCIO_API = False

from peer_lifetime import watch_stdin

SERVER_PROTOCOLS = ["chat", "json", "superchat"]


def first_known_subprotocol(offered):
    for protocol in offered:
        if protocol in SERVER_PROTOCOLS:
            return protocol
    return None


if NEW_ASYNCIO_API:
    def select_subprotocol(connection, offered):
        return first_known_subprotocol(offered)
else:
    def select_subprotocol(offered, server_protocols):
        return first_known_subprotocol(offered)


def refused_status(path):
    """The HTTP status of a /status/<code> path, else None."""
    segments = urllib.parse.urlsplit(path).path.split("/")[1:]
    if len(segments) == 2 and segments[0] == "status" and segments[1].isdigit():
        return http.HTTPStatus(int(segments[1]))
    return None


if NEW_ASYNCIO_API:
    def process_request(connection, request):
        status = refused_status(request.path)
        return None if status is None else connection.respond(status, f"refused with {status.value}\n")
else:
    async def process_request(path, request_headers):
        status = refused_status(path)
        if status is None:
            return None
        return status, [("Content-Type", "text/plain")], f"refused with {status.value}\n".encode()


def request_path(ws):
    return ws.request.path if NEW_ASYNCIO_API else ws.path


def open_connections(server):
    return server.connections if NEW_ASYNCIO_API else server.websockets


async def echo(ws, count=None):
    """Echoes every message, or the first `count` ones."""
    echoed = 0
    while count is None or echoed < count:
        await ws.send(await ws.recv())
        echoed += 1


async def handler(ws):
    path = urllib.parse.urlsplit(request_path(ws)).path
    segments = path.split("/")[1:]
    try:
        if segments[0] == "close" and len(segments) >= 2:
            code = int(segments[1])
            reason = urllib.parse.unquote("/".join(segments[2:]))
            await ws.close(code, reason)
        elif segments[0] == "close-after" and len(segments) >= 3:
            await echo(ws, int(segments[1]))
            await ws.close(int(segments[2]))
        elif segments[0] == "drop":
            ws.transport.abort()
        else:
            await echo(ws)
    except websockets.ConnectionClosed:
        pass


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--max-payload", type=int, default=256 * 1024 * 1024)
    parser.add_argument("--exit-with-stdin", action="store_true")
    parser.add_argument("--deflate", action="store_true")
    args = parser.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    return args


async def main():
    args = parse_args()
    ssl_context = None
    if args.tls_cert:
        ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ssl_context.load_cert_chain(args.tls_cert, args.tls_key)

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    if args.exit_with_stdin:
        watch_stdin(loop, stop)

    async with serve(
        handler,
        "127.0.0.1",
        0,
        ssl=ssl_context,
        subprotocols=SERVER_PROTOCOLS,
        select_subprotocol=select_subprotocol,
        process_request=process_request,
        max_size=args.max_payload,
        max_queue=None,
        compression="deflate" if args.deflate else None,
        ping_interval=None,
        close_timeout=2,
    ) as server:
        port = server.sockets[0].getsockname()[1]
        sys.stdout.write(f"LISTENING {port}\n")
        sys.stdout.flush()
        await stop.wait()
        for ws in list(open_connections(server)):
            ws.transport.abort()


if __name__ == "__main__":
    asyncio.run(main())
