#!/usr/bin/env python3
"""Starts the Autobahn|Testsuite fuzzing server for duplex's conformance run.

Usage: fuzzingserver.py AUTOBAHN_TESTSUITE_DIR SPEC_JSON

AUTOBAHN_TESTSUITE_DIR is a checkout of the Python 3 port of the suite (the
directory holding the `autobahntestsuite` package); it is run from there and
never copied into this project. The suite's report writer cannot serialize a
close reason that is bytes (case 7.3.2 with Debian's autobahn 22.7), so JSON
encoding here falls back to decoding bytes.
"""
import json
import sys

if len(sys.argv) != 3:
    sys.exit(__doc__)

sys.path.insert(0, sys.argv[1])
_dumps = json.dumps


def _bytes_as_text(value):
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "replace")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


json.dumps = lambda *args, **kwargs: _dumps(*args, **{"default": _bytes_as_text, **kwargs})

from autobahntestsuite import wstest  # noqa: E402  (after the path and the patch)

sys.argv = ["wstest", "-m", "fuzzingserver", "-s", sys.argv[2], "-u", "0"]
wstest.run()
