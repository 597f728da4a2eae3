"""Runs the bench workloads against one echo server and prints a table.

Client and server are pinned to different CPUs; the clients run interleaved
(duplex, Beast, raw, websocketpp, duplex, ...) several times and each figure is
the median over the runs. duplex_co and duplex_asio are duplex's coroutine
clients (client_duplex_co.cpp: duplex::Task and WebSocketStream;
client_duplex_asio.cpp: asio::awaitable over the Asio completion tokens)
beside its callback client; duplex runs on Linux's io_uring I/O path and
duplex_epoll, the same binary, on the epoll path. Called by tools/bench.sh.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

CLIENTS = ["duplex", "duplex_epoll", "duplex_co", "duplex_asio", "beast", "raw", "websocketpp"]
# Clients that are another client's binary on another I/O path (DUPLEX_IO):
# duplex is bench_client_duplex on io_uring, duplex_epoll the same on epoll.
CLIENT_BINARY = {"duplex_epoll": "duplex"}
CLIENT_ENV = {"duplex": {"DUPLEX_IO": "io_uring"}, "duplex_epoll": {"DUPLEX_IO": "epoll"}}
KiB, MiB = 1024, 1024 * 1024


def workloads(smoke, tls=False):
    """(id, description, args, goal) — `msgs` is cut down in smoke mode; `tls` runs W1–W5 over wss."""
    def n(full, small):
        return str(small if smoke else full)

    w = []
    for size, msgs in ((16, 10000), (KiB, 10000), (64 * KiB, 1500), (MiB, 150)):
        w.append(("W1", f"1 conn ping-pong {fmt(size)}", ["--mode", "pingpong", "--size", str(size), "--msgs", n(msgs, 50)],
                  "big" if size >= 64 * KiB else None))
    for size in (16, KiB):
        w.append(("W2", f"100 conns ping-pong {fmt(size)}",
                  ["--mode", "pingpong", "--conns", n(100, 10), "--size", str(size), "--msgs", n(40000, 200)], "small"))
    for size, msgs in ((64 * KiB, 2000), (MiB, 150)):
        w.append(("W3", f"1 conn bulk (window 8) {fmt(size)}", ["--mode", "bulk", "--size", str(size), "--msgs", n(msgs, 20)],
                  "big"))
    for payload in ("ascii", "utf8"):
        w.append(("W4", f"100 conns ping-pong 1 KiB text {payload}",
                  ["--mode", "pingpong", "--conns", n(100, 10), "--size", str(KiB), "--msgs", n(40000, 200),
                   "--payload", payload], None))
        w.append(("W4", f"1 conn bulk 1 MiB text {payload}",
                  ["--mode", "bulk", "--size", str(MiB), "--msgs", n(150, 10), "--payload", payload], None))
    w.append(("W5", "100 conns ping-pong 1 KiB JSON, deflate",
              ["--mode", "pingpong", "--conns", n(100, 10), "--size", str(KiB), "--msgs", n(20000, 200),
               "--payload", "json", "--deflate"], None))
    w.append(("W5", "1 conn bulk 64 KiB JSON, deflate",
              ["--mode", "bulk", "--size", str(64 * KiB), "--msgs", n(300, 10), "--payload", "json", "--deflate"], None))
    if tls:
        w = [(wid, desc + " wss", args + ["--tls"], goal) for wid, desc, args, goal in w]
    for tls in (False, True):
        for seq in (False, True):
            args = ["--mode", "handshake", "--conns", n(1000, 20)] + (["--sequential"] if seq else []) + (
                ["--tls"] if tls else [])
            w.append(("W6", f"{n(1000, 20)} handshakes {'sequential' if seq else 'parallel'} {'wss' if tls else 'ws'}",
                      args, "handshake"))
    # A reconnecting client: open, close, open again, one at a time, with TLS
    # session resumption (Beast: as a user could write it, see client_beast.cpp)
    # and without (every handshake a full one).
    for resume in ("on", "off"):
        w.append(("W6", f"{n(1000, 20)} reconnects sequential wss, resumption {resume}",
                  ["--mode", "reconnect", "--conns", n(1000, 20), "--tls", "--resume", resume], f"reconnect-{resume}"))
    for deflate in (False, True):
        w.append(("W7", f"{n(10000, 200)} idle conns{' deflate' if deflate else ''}",
                  ["--mode", "idle", "--conns", n(10000, 200)] + (["--deflate"] if deflate else []), "idle"))
    w.append(("W7", f"{n(10000, 200)} idle conns wss", ["--mode", "idle", "--conns", n(10000, 200), "--tls"], "idle_tls"))
    return w


def fmt(size):
    return f"{size // MiB} MiB" if size >= MiB else f"{size // KiB} KiB" if size >= KiB else f"{size} B"


def run_client(bin_dir, client, args, port, ca, cpu):
    binary = CLIENT_BINARY.get(client, client)
    cmd = [os.path.join(bin_dir, f"bench_client_{binary}"), "--port", str(port), "--cpu", str(cpu)] + args
    env = dict(os.environ)
    env.update(CLIENT_ENV.get(client, {}))
    if "--tls" in args:
        # Every client loads the test CA as its CA file (duplex: Options::ca_file,
        # one context for all connections from the backend's TLS context cache).
        cmd += ["--ca", ca]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    except subprocess.TimeoutExpired:
        return "timeout"
    if p.returncode == 3:
        return None  # this client does not do this workload
    if p.returncode != 0:
        return f"failed ({p.returncode}): {p.stderr.strip()[:200]}"
    return dict((k, float(v)) for k, v in (kv.split("=") for kv in p.stdout.split()))


def median(rs, key):
    return statistics.median(r[key] for r in rs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--port", type=int, default=9301)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated workload ids, e.g. W1,W2")
    ap.add_argument("--clients", default="", help="comma-separated clients (default: all), e.g. duplex,duplex_co")
    ap.add_argument("--ca", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--tls", action="store_true", help="W1–W5 over wss:// (TLS 1.3) instead of ws://")
    o = ap.parse_args()
    if o.clients:
        CLIENTS[:] = [c for c in CLIENTS if c in o.clients.split(",")]
    server_cpu, client_cpu = (0, 1) if os.cpu_count() >= 2 else (0, 0)
    server = subprocess.Popen([os.path.join(o.bin_dir, "bench_echo_server"), "--port", str(o.port), "--cpu",
                               str(server_cpu), "--cert", o.ca, "--key", o.key], stdout=subprocess.PIPE, text=True)
    server.stdout.readline()
    failures = 0
    rows = []
    try:
        for wid, desc, args, goal in workloads(o.smoke, o.tls):
            if o.only and wid not in o.only.split(","):
                continue
            results = {c: [] for c in CLIENTS}
            for _ in range(o.runs):  # interleaved: A B C D A B C D ...
                for c in CLIENTS:
                    r = run_client(o.bin_dir, c, args, o.port, o.ca, client_cpu)
                    if isinstance(r, str):
                        print(f"{wid} {desc} {c}: {r}", file=sys.stderr)
                        failures += 1
                    elif r is not None:
                        results[c].append(r)
            rows.append((wid, desc, goal, results))
            print_row(wid, desc, goal, results)
            sys.stdout.flush()
    finally:
        server.terminate()
        server.wait()
    print_goals(rows)
    return 1 if failures else 0


HEADER_DONE = [False]


def print_row(wid, desc, goal, results):
    if not HEADER_DONE[0]:
        print("| W | workload | client | CPU µs/op | ops/s | MB/s | p50 µs | p99 µs | RSS KiB/conn | duplex ÷ this |")
        print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
        HEADER_DONE[0] = True
    base = results.get("duplex")
    for c in CLIENTS:
        rs = results[c]
        if not rs:
            continue
        cpu = median(rs, "cpu_us_per_op")
        ratio = "" if c == "duplex" or not base else f"{median(base, 'cpu_us_per_op') / cpu:.2f}"
        print(f"| {wid} | {desc} | {c} | {cpu:.2f} | {median(rs, 'ops_per_s'):.0f} | {median(rs, 'mb_per_s'):.1f} | "
              f"{median(rs, 'p50_us'):.0f} | {median(rs, 'p99_us'):.0f} | {median(rs, 'rss_per_conn_kib'):.1f} | {ratio} |")


def print_resumption_goals(rows):
    """W6 reconnects: resumed handshakes/s ≥ 2× Beast's (full, and resumed as a user could),
    CPU per resumed handshake ≤ 0.4× duplex's full one."""
    by_goal = {goal: results for _, _, goal, results in rows if goal in ("reconnect-on", "reconnect-off")}
    on, off = by_goal.get("reconnect-on", {}), by_goal.get("reconnect-off", {})
    d_on, d_off, b_on, b_off = on.get("duplex"), off.get("duplex"), on.get("beast"), off.get("beast")
    if d_on and b_off:
        r = median(d_on, "ops_per_s") / median(b_off, "ops_per_s")
        print(f"  W6 reconnects: duplex resumed/s ÷ Beast full/s {r:.2f} (≥ 2): {'holds' if r >= 2 else 'MISSED'}")
    if d_on and b_on:
        r = median(d_on, "ops_per_s") / median(b_on, "ops_per_s")
        print(f"  W6 reconnects: duplex resumed/s ÷ Beast resumed (user-written)/s {r:.2f}")
    if d_on and d_off:
        r = median(d_on, "cpu_us_per_op") / median(d_off, "cpu_us_per_op")
        print(f"  W6 reconnects: duplex CPU resumed ÷ full {r:.2f} (≤ 0.4): {'holds' if r <= 0.4 else 'MISSED'}")


def print_goals(rows):
    """The performance goals (listed in tests/bench/RESULTS.md), checked on the medians."""
    print("\nGoals (medians):")
    print_resumption_goals(rows)
    for wid, desc, goal, results in rows:
        d, b, r = results.get("duplex"), results.get("beast"), results.get("raw")
        for co in ("duplex_co", "duplex_asio"):
            rs = results.get(co)
            if d and rs and wid in ("W1", "W2"):
                ratio = median(rs, "cpu_us_per_op") / median(d, "cpu_us_per_op")
                # The goal is the coroutine layer's (duplex::Task over WebSocketStream); the
                # Asio adapter adds asio::use_awaitable's own cost and is recorded, not judged.
                verdict = f"(≤ 1.1): {'holds' if ratio <= 1.1 else 'MISSED'}" if co == "duplex_co" else "(no goal)"
                print(f"  {wid} {desc}: {co}/duplex CPU {ratio:.2f} {verdict}")
        e = results.get("duplex_epoll")
        if d and e and wid == "W2":
            ce, cdd = median(e, "cpu_us_per_op"), median(d, "cpu_us_per_op")
            print(f"  {wid} {desc}: io_uring/epoll CPU {cdd / ce:.2f}, p99 {median(d, 'p99_us'):.0f} vs "
                  f"{median(e, 'p99_us'):.0f} µs (io_uring ≤ epoll: {'holds' if median(d, 'p99_us') <= median(e, 'p99_us') else 'MISSED'})")
            if b and r:
                cb, cr = median(b, "cpu_us_per_op"), median(r, "cpu_us_per_op")
                ok = cdd <= 0.7 * cb and cdd <= 0.8 * cr
                print(f"  {wid} {desc}: io_uring duplex/Beast {cdd / cb:.2f} (≤ 0.7), duplex/raw {cdd / cr:.2f} (≤ 0.8): "
                      f"{'holds' if ok else 'MISSED'}")
        if not goal or not d or not b:
            continue
        cd, cb = median(d, "cpu_us_per_op"), median(b, "cpu_us_per_op")
        if goal in ("small", "big"):
            lim_b, lim_r = (0.8, 1.2) if goal == "small" else (0.5, 1.5)
            cr = median(r, "cpu_us_per_op") if r else float("nan")
            ok = cd <= lim_b * cb and cd <= lim_r * cr
            print(f"  {wid} {desc}: duplex/Beast {cd / cb:.2f} (≤ {lim_b}), duplex/raw {cd / cr:.2f} (≤ {lim_r}): "
                  f"{'holds' if ok else 'MISSED'}")
        elif goal == "handshake":
            hd, hb = median(d, "ops_per_s"), median(b, "ops_per_s")
            print(f"  {wid} {desc}: handshakes/s duplex {hd:.0f} vs Beast {hb:.0f}: {'holds' if hd >= hb else 'MISSED'}")
        elif goal in ("idle", "idle_tls"):
            # wss: OpenSSL's per-connection state is most of it; the goal is half of Beast's.
            limit = 0.5 if goal == "idle_tls" else 1.0
            md, mb = median(d, "rss_per_conn_kib"), median(b, "rss_per_conn_kib")
            print(f"  {wid} {desc}: KiB/conn duplex {md:.2f} vs Beast {mb:.2f} (≤ {limit}× Beast): "
                  f"{'holds' if md <= limit * mb else 'MISSED'}")


if __name__ == "__main__":
    sys.exit(main())
