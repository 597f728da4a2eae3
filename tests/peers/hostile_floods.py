"""Flood scenarios of tests/peers/hostile_server.py: a server that tries to
stall or bloat the client with cheap input (empty Pings, one-byte fragments,
endless headers, a handshake dripped a byte a second) or by not reading.

Each takes (client, argument) like the server's other scenarios; <n> is a
count of frames. Report lines, beyond the server's usual ones:
  FLOOD-SENT <bytes>        the flood is written (to the kernel)
  CLIENT-PONGS <n>          Pongs the client sent before its Close or EOF
  CLIENT-DATA <bytes>       data payload bytes the client sent before its Close or EOF
  PONG-AT <bytes>           data payload bytes the client had sent when its Pong came
  PINGED-AT <bytes>         data payload bytes read when the server sent its Ping
"""

import asyncio
import struct

from hostile_wire import OP_BINARY, OP_CLOSE, OP_PING, OP_PONG, OP_TEXT, close_frame, frame, handshake_response, report

PING = b"\x89\x00"
PONG = b"\x8a\x00"
EMPTY_BINARY = b"\x82\x00"


async def read_frame_head(reader):
    """(opcode, payload length, mask) of the client's next frame."""
    b0, b1 = await reader.readexactly(2)
    n = b1 & 0x7F
    if n == 126:
        (n,) = struct.unpack("!H", await reader.readexactly(2))
    elif n == 127:
        (n,) = struct.unpack("!Q", await reader.readexactly(8))
    mask = await reader.readexactly(4) if b1 & 0x80 else b"\0\0\0\0"
    return b0 & 0x0F, n, mask


async def skip(reader, n):
    while n > 0:
        chunk = await reader.read(min(n, 1 << 20))
        if not chunk:
            raise asyncio.IncompleteReadError(b"", n)
        n -= len(chunk)


async def count_frames(c, on_pong=None):
    """Reads the client's frames until its Close or EOF without unmasking
    data (megabytes stay cheap); reports the Pongs and data bytes seen and
    the Close (CLIENT-CLOSE <code>) or CLIENT-EOF. Returns True on a Close."""
    pongs = data = 0
    closed = False
    try:
        while True:
            opcode, n, mask = await read_frame_head(c.reader)
            if opcode == OP_CLOSE:
                body = bytes(b ^ mask[i % 4] for i, b in enumerate(await c.reader.readexactly(n)))
                code = struct.unpack("!H", body[:2])[0] if len(body) >= 2 else "none"
                report(f"CLIENT-PONGS {pongs}")
                report(f"CLIENT-DATA {data}")
                report(f"CLIENT-CLOSE {code} {body[2:].decode('utf-8', 'replace')}")
                closed = True
                return True
            if opcode == OP_PONG:
                pongs += 1
                if on_pong:
                    on_pong(data)
                await skip(c.reader, n)
            else:
                data += n
                await skip(c.reader, n)
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        if not closed:
            report(f"CLIENT-PONGS {pongs}")
            report(f"CLIENT-DATA {data}")
            report("CLIENT-EOF")
    return False


async def finish_closing(c):
    """After the client's Close: echo it, then close TCP (RFC 6455 §7.1.1)."""
    try:
        await c.send(close_frame(1000))
    except ConnectionError:
        pass
    c.writer.close()
    report("SERVER-CLOSED")


def burst(make_flood):
    """Accepts, writes the flood in one go followed by a text "done", then
    counts what the client sends until its Close, and closes."""

    async def play(c, arg):
        await c.accept()
        flood = make_flood(int(arg))
        await c.send(flood + frame(OP_TEXT, b"done"))
        report(f"FLOOD-SENT {len(flood)}")
        if await count_frames(c):
            await finish_closing(c)

    return play


def fragments(n):
    """One binary message of n one-byte fragments (n >= 2)."""
    return b"\x02\x01x" + b"\x00\x01x" * (n - 2) + b"\x80\x01x"


async def play_ping_flood_unread(c, arg):
    # The client is sending more than the socket buffers hold; this server
    # reads none of it, and pings it with `arg` empty Pings.
    await c.accept()
    await asyncio.sleep(0.5)
    flood = PING * int(arg)
    for at in range(0, len(flood), 1 << 16):
        await c.send(flood[at : at + (1 << 16)])
    report(f"FLOOD-SENT {len(flood)}")
    # The client decides meanwhile: 2 s was too short under a sanitizer on a
    # loaded machine (the server then read everything the client had sent).
    await asyncio.sleep(6)
    await count_frames(c)


async def play_close_flood(c, arg):
    # Answers the client's Close, then sends `arg` more Close frames.
    await c.accept()
    if await count_frames(c):
        await c.send(close_frame(1000) + close_frame(1000) * int(arg))
        report(f"FLOOD-SENT {len(close_frame(1000)) * int(arg)}")
        c.writer.close()
        report("SERVER-CLOSED")


async def play_drip_handshake(c, arg):
    # The 101 response, one byte a second.
    await c.trickle(handshake_response(c.key), 1.0)


def endless(head, unit):
    """Sends `head`, then `unit` over and over (up to 64 MiB) until the client hangs up."""

    async def play(c, arg):
        await c.send(head)
        sent = len(head)
        chunk = unit * max(1, (1 << 16) // len(unit))
        try:
            while sent < (64 << 20):
                await c.send(chunk)
                sent += len(chunk)
        except ConnectionError:
            pass
        report(f"FLOOD-SENT {sent}")
        await c.drain_raw()

    return play


async def play_drip_frame(c, arg):
    # A binary frame announcing `arg` bytes, then a byte every 50 ms until the
    # client closes; its Close is answered by closing TCP (mid-frame, no Close
    # frame can be sent).
    await c.accept()
    await c.send(frame(OP_BINARY, b"", length=int(arg)))

    async def drip():
        while True:
            await c.send(b"d")
            await asyncio.sleep(0.05)

    dripping = asyncio.ensure_future(drip())
    try:
        await count_frames(c)
    finally:
        dripping.cancel()
    c.writer.close()
    report("SERVER-CLOSED")


async def play_never_read(c, arg):
    # Accepts, then reads nothing for `arg` ms; then counts what arrived.
    await c.accept()
    await asyncio.sleep(int(arg) / 1000)
    await count_frames(c)


async def play_ping_behind_bulk(c, arg):
    # Reads the first MiB of the client's data, pings, and reports how much
    # data came before the Pong: the Pong must not wait for the whole message.
    await c.accept()
    data = 0
    while data < (1 << 20):
        opcode, n, _ = await read_frame_head(c.reader)
        await skip(c.reader, n)
        data += n
    await c.send(frame(OP_PING, b"probe"))
    report(f"PINGED-AT {data}")
    base = data
    if await count_frames(c, on_pong=lambda d: report(f"PONG-AT {base + d}")):
        await finish_closing(c)


FLOODS = {
    "ping-flood": burst(lambda n: PING * n),
    "pong-flood": burst(lambda n: PONG * n),
    "empty-messages": burst(lambda n: EMPTY_BINARY * n),
    "fragment-flood": burst(fragments),
    "ping-flood-unread": play_ping_flood_unread,
    "close-flood": play_close_flood,
    "drip-handshake": play_drip_handshake,
    "endless-header-line": endless(b"HTTP/1.1 101 Switching Protocols\r\nX-Endless: ", b"a"),
    "endless-headers": endless(b"HTTP/1.1 101 Switching Protocols\r\n", b"X-Many: header\r\n"),
    "drip-frame": play_drip_frame,
    "never-read": play_never_read,
    "ping-behind-bulk": play_ping_behind_bulk,
}
