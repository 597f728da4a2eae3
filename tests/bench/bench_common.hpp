#pragma once
// What every bench client shares: the command line, payloads, CPU pinning,
// latency samples and the one-line result the runner parses.

#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace bench {

using clock = std::chrono::steady_clock;

/// Command line shared by all clients:
///   --port P --mode pingpong|bulk|handshake|idle|reconnect --conns N --size BYTES
///   --msgs TOTAL --window W --payload binary|ascii|utf8|json --deflate --tls
///   --sequential --cpu C --ca FILE --resume on|off
/// reconnect: opens one connection, closes it once open, opens the next once
/// closed, `conns` times. --resume: TLS session resumption on or off (default:
/// what the client does unless told, i.e. duplex on, the others off).
struct Args {
  int port = 9001;
  std::string mode = "pingpong";
  int conns = 1;
  std::size_t size = 16;
  long msgs = 10000;
  int window = 8;  // bulk: messages in flight per connection
  std::string payload = "binary";
  bool deflate = false;
  bool tls = false;
  bool sequential = false;
  int cpu = -1;
  std::string ca;
  std::string resume;  // "", "on" or "off"

  bool text() const { return payload != "binary"; }
};

inline Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto v = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "missing value for %s\n", k.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "--port")
      a.port = std::stoi(v());
    else if (k == "--mode")
      a.mode = v();
    else if (k == "--conns")
      a.conns = std::stoi(v());
    else if (k == "--size")
      a.size = std::stoul(v());
    else if (k == "--msgs")
      a.msgs = std::stol(v());
    else if (k == "--window")
      a.window = std::stoi(v());
    else if (k == "--payload")
      a.payload = v();
    else if (k == "--deflate")
      a.deflate = true;
    else if (k == "--tls")
      a.tls = true;
    else if (k == "--sequential")
      a.sequential = true;
    else if (k == "--cpu")
      a.cpu = std::stoi(v());
    else if (k == "--ca")
      a.ca = v();
    else if (k == "--resume")
      a.resume = v();
    else {
      std::fprintf(stderr, "unknown argument %s\n", k.c_str());
      std::exit(2);
    }
  }
  return a;
}

/// Pins the calling process to one CPU (no-op for a negative cpu).
inline void pin_cpu(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof set, &set);
}

/// A payload of exactly `size` bytes: random-ish binary, ASCII text, mixed
/// UTF-8 (1- to 4-byte code points, padded with ASCII), or JSON-like text.
inline std::string make_payload(const std::string& kind, std::size_t size) {
  std::string s;
  s.reserve(size + 64);
  if (kind == "binary") {
    std::uint32_t x = 0x12345678;
    for (std::size_t i = 0; i < size; ++i) {
      x = x * 1664525u + 1013904223u;
      s.push_back(static_cast<char>(x >> 24));
    }
    return s;
  }
  if (kind == "ascii") {
    for (std::size_t i = 0; i < size; ++i) s.push_back(static_cast<char>('a' + i % 26));
    return s;
  }
  if (kind == "json") {
    for (int i = 0; s.size() < size; ++i)
      s += "{\"id\":" + std::to_string(i) + ",\"name\":\"user" + std::to_string(i * 7 % 1000) +
           "\",\"active\":" + (i % 3 ? "true" : "false") + ",\"score\":" + std::to_string(i * 31 % 977) + "},";
    s.resize(size);
    return s;
  }
  // Mixed UTF-8: "héllo wörld € 𝄞 " style text (about 60% non-ASCII bytes).
  static const char* pieces[] = {"h",
                                 "\xC3\xA9",
                                 "llo ",
                                 "w",
                                 "\xC3\xB6",
                                 "rld ",
                                 "\xE2\x82\xAC",
                                 " ",
                                 "\xF0\x9D\x84\x9E",
                                 "\xD0\xB4\xD0\xB0",
                                 "\xE4\xB8\xAD\xE6\x96\x87"};
  for (std::size_t i = 0;; ++i) {
    const char* p = pieces[i % (sizeof pieces / sizeof *pieces)];
    if (s.size() + std::strlen(p) > size) break;
    s += p;
  }
  while (s.size() < size) s.push_back('.');
  return s;
}

/// CPU time (user + system) of this process in microseconds.
inline double cpu_us() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec;
}

/// Resident set size of this process in KiB (VmRSS).
inline long rss_kib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

/// Measures one phase: CPU, wall time, latency samples, RSS.
class Meter {
 public:
  void start() {
    cpu0_ = cpu_us();
    t0_ = clock::now();
    rss0_ = rss_kib();
  }
  void sample(clock::duration d) {
    if (samples_.size() < 2'000'000) samples_.push_back(std::chrono::duration<double, std::micro>(d).count());
  }
  /// Prints "key=value ..." for `ops` operations of `bytes_per_op` bytes each.
  void report(long ops, std::size_t bytes_per_op, int conns) {
    const double cpu = cpu_us() - cpu0_;
    const double wall = std::chrono::duration<double>(clock::now() - t0_).count();
    const long rss = rss_kib();
    std::sort(samples_.begin(), samples_.end());
    auto pct = [&](double p) { return samples_.empty() ? 0.0 : samples_[std::size_t(p * (samples_.size() - 1))]; };
    std::printf(
        "cpu_us_per_op=%.3f ops_per_s=%.0f mb_per_s=%.1f p50_us=%.1f p99_us=%.1f rss_kib=%ld "
        "rss_per_conn_kib=%.2f wall_s=%.3f ops=%ld\n",
        cpu / double(ops), double(ops) / wall, double(ops) * double(bytes_per_op) / wall / 1e6, pct(0.5), pct(0.99),
        rss, double(rss - rss0_) / std::max(conns, 1), wall, ops);
    std::fflush(stdout);
  }

 private:
  double cpu0_ = 0;
  clock::time_point t0_;
  long rss0_ = 0;
  std::vector<double> samples_;
};

/// Who sends next: ping-pong keeps one message in flight per connection,
/// bulk keeps `window`; both stop after `msgs` echoes in all.
class Flow {
 public:
  explicit Flow(const Args& a) : a_(a), in_flight_(std::size_t(a.conns)) {}

  /// Messages connection `c` may send now that everything is open.
  int initial() const { return a_.mode == "bulk" ? a_.window : 1; }
  /// Call before sending on connection `c`; false: send nothing more.
  bool may_send(int c) {
    if (sent_ >= a_.msgs) return false;
    ++sent_;
    in_flight_[std::size_t(c)].push_back(clock::now());
    return true;
  }
  /// Call on each echo on connection `c`: records its latency.
  void echoed(int c, Meter& m) {
    auto& q = in_flight_[std::size_t(c)];
    if (!q.empty()) {
      m.sample(clock::now() - q.front());
      q.erase(q.begin());
    }
    ++received_;
  }
  bool done() const { return received_ >= a_.msgs; }
  long received() const { return received_; }

 private:
  const Args& a_;
  long sent_ = 0, received_ = 0;
  std::vector<std::vector<clock::time_point>> in_flight_;
};

}  // namespace bench
