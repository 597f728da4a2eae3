"""Shared by the Python test peers: exit when the parent test process dies."""
import os
import sys


def watch_stdin(loop, stop):
    """Sets `stop` when stdin, a pipe from the parent, reaches EOF."""
    fd = sys.stdin.fileno()

    def on_readable():
        try:
            data = os.read(fd, 4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            loop.remove_reader(fd)
            stop.set()

    os.set_blocking(fd, False)
    try:
        loop.add_reader(fd, on_readable)
    except (OSError, ValueError):
        # Not a pipe (a file or /dev/null): there is no parent to watch.
        pass

