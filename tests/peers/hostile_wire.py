"""What tests/peers/hostile_server.py and its flood scenarios
(hostile_floods.py) share: report lines, and WebSocket frames built by hand,
standard library only."""

import base64
import contextvars
import hashlib
import struct
import sys

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


# The id of the connection being served (the request's ?id= query, "-" if none).
connection_id = contextvars.ContextVar("connection_id", default=None)


def report(line):
    tag = connection_id.get()
    sys.stdout.write((line if tag is None else f"{tag} {line}") + "\n")
    sys.stdout.flush()


def accept_value(key):
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


def frame(opcode, payload=b"", fin=True, rsv=0, mask=None, length=None):
    """One server frame; `length` overrides the encoded payload length."""
    first = (0x80 if fin else 0) | (rsv << 4) | opcode
    n = len(payload) if length is None else length
    mask_bit = 0x80 if mask is not None else 0
    if n <= 125:
        head = struct.pack("!BB", first, mask_bit | n)
    elif n <= 0xFFFF:
        head = struct.pack("!BBH", first, mask_bit | 126, n)
    else:
        head = struct.pack("!BBQ", first, mask_bit | 127, n)
    if mask is not None:
        head += mask
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + payload


def close_frame(code, reason=b""):
    return frame(OP_CLOSE, struct.pack("!H", code) + reason)


def handshake_response(key, extra=()):
    lines = [
        "HTTP/1.1 101 Switching Protocols",
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Accept: " + accept_value(key),
        *extra,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()
