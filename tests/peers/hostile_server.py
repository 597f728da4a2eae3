#!/usr/bin/python3
"""A scripted, deliberately broken WebSocket server on raw TCP (standard library
only), for tests of how the client copes with hostile or buggy servers.

Usage:
  /usr/bin/python3 hostile_server.py [--exit-with-stdin]

Listens on 127.0.0.1 on an ephemeral port and prints ``LISTENING <port>`` on
stdout once ready. With --exit-with-stdin it exits when its stdin, a pipe,
reaches EOF (the parent died). Exits on SIGTERM and SIGINT.

The request path names the scenario (GET /<scenario>[/<argument>][?id=<id>]); see
SCENARIOS below, and FLOODS in hostile_floods.py. Extension offers are ignored
(permessage-deflate is never negotiated, so RSV1 stays illegal) except by the
deflate-* scenarios, which accept permessage-deflate, and unoffered-extension,
which selects x-unknown.

The server serves any number of connections, each in turn or at once. What
a client did is reported on stdout, one flushed line per fact, each prefixed
with the connection's id (the request's ``?id=`` query, ``-`` without one):
  REQUEST <path>            a request arrived (path without the query)
  OFFER <extensions>        its Sec-WebSocket-Extensions, if any
  CLIENT-CLOSE <code> <reason>   a Close frame from the client (code "none"
                            for an empty body), unmasked
  CLIENT-PONG <hex>         a Pong frame from the client, payload in hex
  CLIENT-FRAME <op> <hex>   any other frame from the client
  CLIENT-UNMASKED           a client frame without the mask bit
  CLIENT-BYTES <n>          bytes sent after a failed handshake (none expected)
  CLIENT-EOF                the client closed (or reset) the TCP connection
  SERVER-CLOSED             the server closed TCP (after the closing handshake,
                            or on purpose during the opening one)
  SERVER-RESET              the server reset the TCP connection
"""

import argparse
import asyncio
import signal
import socket
import struct
import urllib.parse
import zlib

from hostile_floods import FLOODS
from hostile_wire import (
    OP_BINARY,
    OP_CLOSE,
    OP_CONT,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    accept_value,
    close_frame,
    connection_id,
    frame,
    handshake_response,
    report,
)
from peer_lifetime import watch_stdin

MAX_REQUEST_HEAD = 64 * 1024


class Client:
    """One accepted connection: the request, and helpers to play a scenario."""

    def __init__(self, reader, writer, path, headers):
        self.reader = reader
        self.writer = writer
        self.path = path
        self.headers = headers
        self.key = headers.get("sec-websocket-key", "")
        self.close_sent = False  # a Close frame went out: don't answer the client's with another

    async def send(self, data):
        self.writer.write(data)
        await self.writer.drain()

    async def send_close(self, code, reason=b""):
        self.close_sent = True
        await self.send(close_frame(code, reason))

    async def accept(self, extra=()):
        await self.send(handshake_response(self.key, extra))

    async def trickle(self, data, delay):
        """Writes `data` one byte at a time, `delay` seconds apart."""
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(len(data)):
            await self.send(data[i : i + 1])
            await asyncio.sleep(delay)

    async def read_frame(self):
        """The next client frame as (fin, opcode, payload), or None at EOF."""
        try:
            b0, b1 = await self.reader.readexactly(2)
            n = b1 & 0x7F
            if n == 126:
                (n,) = struct.unpack("!H", await self.reader.readexactly(2))
            elif n == 127:
                (n,) = struct.unpack("!Q", await self.reader.readexactly(8))
            masked = b1 & 0x80
            if not masked:
                report("CLIENT-UNMASKED")
            key = await self.reader.readexactly(4) if masked else b"\0\0\0\0"
            data = await self.reader.readexactly(n)
        except (asyncio.IncompleteReadError, ConnectionError):
            return None
        payload = bytes(b ^ key[i % 4] for i, b in enumerate(data))
        return bool(b0 & 0x80), b0 & 0x0F, payload

    async def serve_frames(self, until_close=False, before_echo=b""):
        """Reports the client's frames until EOF. Answers a Close with a Close
        echoing its code (preceded by the bytes `before_echo`) unless one was
        sent already, then closes TCP; returns after the client's Close
        instead when until_close."""
        while True:
            got = await self.read_frame()
            if got is None:
                report("CLIENT-EOF")
                return
            _, opcode, payload = got
            if opcode == OP_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else "none"
                report(f"CLIENT-CLOSE {code} {payload[2:].decode('utf-8', 'replace')}")
                if until_close:
                    return
                try:
                    if not self.close_sent:
                        await self.send(before_echo)
                        await self.send_close_echo(payload[:2])
                except ConnectionError:
                    pass
                # A client that failed the connection hangs up at once; else
                # the server closes TCP first (RFC 6455 §7.1.1).
                try:
                    data = await asyncio.wait_for(self.reader.read(4096), 0.1)
                    report("CLIENT-EOF" if not data else f"CLIENT-BYTES {len(data)}")
                except asyncio.TimeoutError:
                    report("SERVER-CLOSED")
                except ConnectionError:
                    report("CLIENT-EOF")
                self.writer.close()
                return
            elif opcode == OP_PONG:
                report(f"CLIENT-PONG {payload.hex()}")
            else:
                report(f"CLIENT-FRAME {opcode} {payload.hex()}")

    async def send_close_echo(self, body):
        self.close_sent = True
        await self.send(frame(OP_CLOSE, body))

    async def drain_raw(self):
        """After a refused handshake: counts what the client still sends until EOF."""
        total = 0
        try:
            while True:
                data = await self.reader.read(4096)
                if not data:
                    break
                total += len(data)
        except ConnectionError:
            pass
        if total:
            report(f"CLIENT-BYTES {total}")
        report("CLIENT-EOF")

    def reset(self):
        """Closes with SO_LINGER 0: the kernel sends RST instead of FIN."""
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()


# ---------------------------------------------------------------- scenarios --
# Each takes (client, argument) where argument is the path after the scenario
# name ("" if none).


def refuse(response):
    async def play(c, arg):
        await c.send(response(c) if callable(response) else response)
        await c.drain_raw()

    return play


def fields(c, *lines):
    """A 101 response built from the given field lines (the accept value of
    the request's key is available as {accept})."""
    text = "HTTP/1.1 101 Switching Protocols\r\n"
    for line in lines:
        text += line.format(accept=accept_value(c.key)) + "\r\n"
    return (text + "\r\n").encode()


def after_accept(*frames, extra=()):
    """Accepts, sends the frames, then reports what the client does."""

    async def play(c, arg):
        await c.accept(extra)
        c.close_sent = any(f[:1] == b"\x88" for f in frames)
        for f in frames:
            await c.send(f)
        await c.serve_frames()

    return play


async def play_redirect(c, arg):
    port = c.writer.get_extra_info("sockname")[1]
    status = {"301": "301 Moved Permanently", "302": "302 Found"}.get(arg, "302 Found")
    await c.send(
        f"HTTP/1.1 {status}\r\nLocation: ws://127.0.0.1:{port}/redirected\r\n"
        "Content-Length: 0\r\n\r\n".encode()
    )
    await c.drain_raw()


async def play_never_finish(c, arg):
    # Half a status line, then silence until the client gives up.
    await c.send(b"HTTP/1.1 101 Swi")
    await c.drain_raw()


async def play_eof_in_handshake(c, arg):
    await c.send(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n")
    c.writer.close()
    report("SERVER-CLOSED")


async def play_reset_in_handshake(c, arg):
    await c.send(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n")
    await asyncio.sleep(0.05)
    c.reset()
    report("SERVER-RESET")


async def play_data_before_close_echo(c, arg):
    # A message that crosses the client's Close frame on the wire.
    await c.accept()
    await c.serve_frames(before_echo=frame(OP_TEXT, b"too late"))


async def play_oversized_header(c, arg):
    padding = "X-Padding: " + "a" * (20 * 1024)
    await c.send(handshake_response(c.key, [padding]))
    await c.drain_raw()


async def play_huge_length(c, arg):
    # A 2^62-byte frame is announced; only a few bytes ever follow.
    await c.accept()
    await c.send(frame(OP_BINARY, b"", length=1 << 62) + b"abcd")
    await c.serve_frames()


async def play_length_msb(c, arg):
    await c.accept()
    await c.send(struct.pack("!BBQ", 0x82, 127, 1 << 63))
    await c.serve_frames()


async def play_big_message(c, arg):
    await c.accept()
    await c.send(frame(OP_BINARY, b"x" * int(arg)))
    await c.serve_frames()


async def play_big_fragmented(c, arg):
    # Each fragment fits the limit; the message does not.
    size = int(arg)
    await c.accept()
    await c.send(frame(OP_BINARY, b"x" * (size // 2), fin=False))
    await c.send(frame(OP_CONT, b"y" * (size - size // 2)))
    await c.serve_frames()


async def play_close_code(c, arg):
    await c.accept()
    await c.send_close(int(arg))
    await c.serve_frames()


async def play_reset_mid_frame(c, arg):
    await c.accept()
    await c.send(frame(OP_BINARY, b"z" * 100)[:52])
    await asyncio.sleep(0.1)  # let the client read the half frame first
    c.reset()
    report("SERVER-RESET")


async def play_no_close_reply(c, arg):
    # Reports the client's Close but never answers it nor closes TCP.
    await c.accept()
    await c.serve_frames(until_close=True)
    await c.drain_raw()


async def play_close_then_hang(c, arg):
    # Starts the closing handshake, reads the client's Close, keeps TCP open.
    await c.accept()
    await c.send_close(1000, b"bye")
    await c.serve_frames(until_close=True)
    await c.drain_raw()


async def play_trickle(c, arg):
    # Handshake response and a message one byte every 20 ms, then a close.
    await c.trickle(handshake_response(c.key) + frame(OP_TEXT, b"trickled \xe2\x9c\x93"), 0.02)
    await c.send_close(1000, b"done")
    await c.serve_frames()


def ping_payload(n):
    return bytes((i * 7 + 1) % 256 for i in range(n))


async def play_ping(c, arg):
    await c.accept()
    await c.send(frame(OP_PING, ping_payload(int(arg))))
    got = await c.read_frame()
    if got is None:
        report("CLIENT-EOF")
        return
    _, opcode, payload = got
    if opcode == OP_PONG:
        ok = payload == ping_payload(int(arg))
        report(f"CLIENT-PONG {payload.hex()}")
        report("PONG-MATCHES" if ok else "PONG-DIFFERS")
    else:
        report(f"CLIENT-FRAME {opcode} {payload.hex()}")
    await c.send_close(1000)
    await c.serve_frames()


async def play_ping_between_fragments(c, arg):
    await c.accept()
    await c.send(frame(OP_TEXT, b"frag", fin=False))
    await c.send(frame(OP_PING, b"mid"))
    await c.send(frame(OP_CONT, b"mented"))
    await c.send_close(1000)
    await c.serve_frames()


def deflate_accepted(*frames):
    """Accepts permessage-deflate when offered (RFC 7692), then sends the frames."""

    async def play(c, arg):
        offered = "permessage-deflate" in c.headers.get("sec-websocket-extensions", "")
        await c.accept(["Sec-WebSocket-Extensions: permessage-deflate"] if offered else [])
        c.close_sent = any(f[:1] == b"\x88" for f in frames)
        for f in frames:
            await c.send(f)
        await c.serve_frames()

    return play


def deflated(data):
    """`data` compressed as one RFC 7692 message (trailing 00 00 ff ff removed)."""
    compressor = zlib.compressobj(wbits=-15)
    return (compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH))[:-4]


async def play_frame_with_handshake(c, arg):
    # The first frames ride in the same segment as the 101 response.
    c.close_sent = True
    await c.send(handshake_response(c.key) + frame(OP_TEXT, b"early") + close_frame(1000))
    await c.serve_frames()


async def play_pong_only(c, arg):
    # Answers each Ping of the client with a Pong and sends nothing else, so
    # only the Pongs show the client that this end is alive. The Pings are
    # reported as CLIENT-FRAME 9 <hex>.
    await c.accept()
    read_frame = c.read_frame

    async def read_and_answer():
        got = await read_frame()
        if got is not None and got[1] == OP_PING:
            await c.send(frame(OP_PONG, got[2]))
        return got

    c.read_frame = read_and_answer
    await c.serve_frames()


SCENARIOS = {
    # opening handshake: the client must fail without sending a frame
    "status-200": refuse(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
    "status-403": refuse(
        b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 18\r\n\r\n"
        b"go away, stranger\n"
    ),
    "redirect": play_redirect,
    "no-upgrade": refuse(lambda c: fields(c, "Connection: Upgrade", "Sec-WebSocket-Accept: {accept}")),
    "wrong-upgrade": refuse(
        lambda c: fields(c, "Upgrade: h2c", "Connection: Upgrade", "Sec-WebSocket-Accept: {accept}")
    ),
    "no-connection": refuse(lambda c: fields(c, "Upgrade: websocket", "Sec-WebSocket-Accept: {accept}")),
    "wrong-accept": refuse(
        lambda c: fields(
            c, "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        )
    ),
    "no-accept": refuse(lambda c: fields(c, "Upgrade: websocket", "Connection: Upgrade")),
    "unoffered-protocol": refuse(lambda c: handshake_response(c.key, ["Sec-WebSocket-Protocol: superchat"])),
    "two-protocols": refuse(lambda c: handshake_response(c.key, ["Sec-WebSocket-Protocol: chat, json"])),
    "unoffered-extension": refuse(lambda c: handshake_response(c.key, ["Sec-WebSocket-Extensions: x-unknown"])),
    "never-finish": play_never_finish,
    "eof-in-handshake": play_eof_in_handshake,
    "reset-in-handshake": play_reset_in_handshake,
    "garbage": refuse(b"SSH-2.0-OpenSSH_9.2p1\r\n\x00\x01\x02\xff\xfe\r\n\r\n"),
    "oversized-header": play_oversized_header,
    # framing: the client must send Close 1002
    "masked-frame": after_accept(frame(OP_TEXT, b"masked", mask=b"\x01\x02\x03\x04")),
    "rsv1": after_accept(frame(OP_TEXT, b"rsv", rsv=4)),
    "rsv2": after_accept(frame(OP_TEXT, b"rsv", rsv=2)),
    "rsv3": after_accept(frame(OP_TEXT, b"rsv", rsv=1)),
    "rsv1-ping": after_accept(frame(OP_PING, b"rsv", rsv=4)),
    "opcode-3": after_accept(frame(0x3, b"three")),
    "opcode-11": after_accept(frame(0xB, b"eleven")),
    "fragmented-ping": after_accept(frame(OP_PING, b"half", fin=False)),
    "long-ping": after_accept(frame(OP_PING, b"p" * 126)),
    "orphan-continuation": after_accept(frame(OP_CONT, b"orphan")),
    "text-inside-fragmented": after_accept(frame(OP_TEXT, b"first", fin=False), frame(OP_TEXT, b"second")),
    "length-msb": play_length_msb,
    "huge-length": play_huge_length,
    # RFC 7692 §6: with permessage-deflate, RSV1 is legal on the first frame of a data message only
    "deflate-rsv1-ping": deflate_accepted(frame(OP_PING, b"rsv", rsv=4)),
    "deflate-rsv1-continuation": deflate_accepted(
        frame(OP_TEXT, deflated(b"hello"), fin=False, rsv=4), frame(OP_CONT, b"", rsv=4)
    ),
    "deflate-message": deflate_accepted(frame(OP_TEXT, deflated(b"hello, deflated"), rsv=4), close_frame(1000)),
    # a compressed message whose first DEFLATE block has the reserved type 11 (RFC 1951 §3.2.3)
    "deflate-invalid": deflate_accepted(frame(OP_TEXT, b"\xff\xff\xff", rsv=4)),
    # payload
    "invalid-utf8": after_accept(frame(OP_TEXT, b"caf\xc3\x28")),
    "invalid-utf8-fragments": after_accept(frame(OP_TEXT, b"ok \xe2\x82", fin=False), frame(OP_CONT, b"\x28!")),
    "truncated-utf8": after_accept(frame(OP_TEXT, b"euro \xe2\x82")),
    "utf8-across-fragments": after_accept(
        frame(OP_TEXT, b"\xe2", fin=False),
        frame(OP_CONT, b"\x82", fin=False),
        frame(OP_CONT, b"\xac"),
        close_frame(1000),
    ),
    "invalid-close-reason": after_accept(close_frame(1000, b"bad \xff")),
    "close-1-byte": after_accept(frame(OP_CLOSE, b"\x03")),
    "close-code": play_close_code,
    "big-message": play_big_message,
    "big-fragmented": play_big_fragmented,
    # connection behaviour
    "reset-mid-frame": play_reset_mid_frame,
    "no-close-reply": play_no_close_reply,
    "close-then-hang": play_close_then_hang,
    "trickle": play_trickle,
    "ping": play_ping,
    "ping-between-fragments": play_ping_between_fragments,
    "frame-with-handshake": play_frame_with_handshake,
    "data-before-close-echo": play_data_before_close_echo,
    "unsolicited-pong": after_accept(frame(OP_PONG, b"unasked"), frame(OP_TEXT, b"still here"), close_frame(1000)),
    "empty-fragments": after_accept(
        frame(OP_TEXT, b"", fin=False), frame(OP_CONT, b"", fin=False), frame(OP_CONT, b""), close_frame(1000)
    ),
    # 5 bytes announced with the 16-bit length form (RFC 6455 §5.2 asks for the minimal one)
    "non-minimal-length": after_accept(
        struct.pack("!BBH", 0x81, 126, 5) + b"hello", close_frame(1000)
    ),
    "after-close-junk": after_accept(close_frame(1000, b"bye"), frame(OP_TEXT, b"late"), b"\xff\xff junk"),
    # liveness: a server that sends nothing at all (Pings unanswered), and
    # one that sends nothing but Pongs
    "silent": after_accept(),
    "pong-only": play_pong_only,
}


async def read_request(reader):
    """The request head as (path, lower-cased headers), or None."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        return None
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return parts[1], headers


async def handle(reader, writer):
    try:
        request = await read_request(reader)
        if request is None:
            return
        target, headers = request
        path, _, query = target.partition("?")
        ids = urllib.parse.parse_qs(query).get("id", ["-"])
        connection_id.set(ids[0])
        report(f"REQUEST {path}")
        if "sec-websocket-extensions" in headers:
            report(f"OFFER {headers['sec-websocket-extensions']}")
        name, _, arg = path.lstrip("/").partition("/")
        play = SCENARIOS.get(name) or FLOODS.get(name)
        if play is None:
            writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            return
        client = Client(reader, writer, path, headers)
        await play(client, arg)
    except ConnectionError:
        report("CLIENT-EOF")
    finally:
        if not writer.transport.is_closing():
            writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exit-with-stdin", action="store_true")
    args = parser.parse_args()

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    if args.exit_with_stdin:
        watch_stdin(loop, stop)

    server = await asyncio.start_server(handle, "127.0.0.1", 0, limit=MAX_REQUEST_HEAD)
    port = server.sockets[0].getsockname()[1]
    report(f"LISTENING {port}")
    await stop.wait()
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
