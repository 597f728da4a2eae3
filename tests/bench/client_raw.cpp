// The floor: the same echo workloads over plain TCP with epoll, no WebSocket
// framing at all. A "message" is `size` bytes written and the same number
// read back from the raw echo port.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "bench_common.hpp"

namespace {

struct Conn {
  int fd = -1;
  std::size_t to_write = 0;   // bytes of queued messages not yet written
  std::size_t write_pos = 0;  // offset into the payload of the message being written
  std::size_t got = 0;        // bytes of the message being echoed so far
  bool want_out = false;
};

int connect_one(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(fd, F_SETFL, O_NONBLOCK);
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  const bench::Args a = bench::parse_args(argc, argv);
  bench::pin_cpu(a.cpu);
  if ((a.mode != "pingpong" && a.mode != "bulk") || a.tls) {  // no handshake, no TLS: the floor of plain TCP
    std::printf("unsupported\n");
    return 3;
  }
  const std::string payload = bench::make_payload(a.payload, a.size);
  std::vector<char> in(256 * 1024);
  std::vector<Conn> conns(std::size_t(a.conns));
  const int ep = epoll_create1(0);
  for (int c = 0; c < a.conns; ++c) {
    conns[std::size_t(c)].fd = connect_one(a.port);
    epoll_event ev{EPOLLIN, {}};
    ev.data.u32 = std::uint32_t(c);
    epoll_ctl(ep, EPOLL_CTL_ADD, conns[std::size_t(c)].fd, &ev);
  }
  bench::Meter meter;
  bench::Flow flow(a);

  // Writes what is queued on `c` until done or the socket is full.
  auto pump = [&](int c) {
    Conn& k = conns[std::size_t(c)];
    while (k.to_write > 0) {
      const ssize_t n = write(k.fd, payload.data() + k.write_pos, payload.size() - k.write_pos);
      if (n < 0) {
        if (errno != EAGAIN) std::exit(1);
        break;
      }
      k.write_pos += std::size_t(n);
      if (k.write_pos == payload.size()) {
        k.write_pos = 0;
        --k.to_write;
      }
    }
    const bool want = k.to_write > 0;
    if (want != k.want_out) {
      k.want_out = want;
      epoll_event ev{EPOLLIN | (want ? EPOLLOUT : 0u), {}};
      ev.data.u32 = std::uint32_t(c);
      epoll_ctl(ep, EPOLL_CTL_MOD, k.fd, &ev);
    }
  };
  auto send = [&](int c) {
    if (!flow.may_send(c)) return;
    ++conns[std::size_t(c)].to_write;
  };

  meter.start();
  for (int c = 0; c < a.conns; ++c) {
    for (int i = 0; i < flow.initial(); ++i) send(c);
    pump(c);
  }
  std::vector<epoll_event> events(1024);
  while (!flow.done()) {
    const int n = epoll_wait(ep, events.data(), int(events.size()), -1);
    for (int i = 0; i < n; ++i) {
      const int c = int(events[std::size_t(i)].data.u32);
      Conn& k = conns[std::size_t(c)];
      if (events[std::size_t(i)].events & EPOLLIN) {
        for (;;) {
          const ssize_t r = read(k.fd, in.data(), in.size());
          if (r <= 0) {
            if (r < 0 && errno == EAGAIN) break;
            std::fprintf(stderr, "error: server closed\n");
            return 1;
          }
          k.got += std::size_t(r);
          while (k.got >= a.size) {
            k.got -= a.size;
            flow.echoed(c, meter);
            send(c);
          }
          if (std::size_t(r) < in.size()) break;
        }
      }
      pump(c);
      if (flow.done()) break;
    }
  }
  meter.report(flow.received(), a.size, a.conns);
  return 0;
}
