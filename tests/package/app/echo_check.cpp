// A program that uses duplex through its public headers only, built by
// tests/package/run.sh each way a project can take duplex (find_package,
// add_subdirectory, pkg-config; native and WebAssembly). It connects to the
// echo server whose URL is argv[1], sends a text and a binary message, checks
// that both come back unchanged and that the close is clean. Exit status 0 on
// success; otherwise 1, with what went wrong on stderr.
//
// It also checks what a shared library boundary can break: an exception
// thrown inside duplex caught here by type, an event dynamic_cast here, and
// (natively) a socket on an io_context this program owns, whose Asio code is
// compiled partly here and partly into the library.

#include <duplex/duplex.hpp>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#ifndef __EMSCRIPTEN__
#include <boost/asio/io_context.hpp>
#include <duplex/native/asio_backend.hpp>
#endif

namespace {

const std::string text = "h\xC3\xA9llo, duplex \xE2\x9C\x93";  // "héllo, duplex ✓"
const std::string binary("\x00\x01\x7F\x80\xFE\xFF binary", 13);

/// Sends `text` and `binary` on `ws` once it opens, closes after both echoes;
/// `run_loop` runs the socket's event loop until it is closed. Returns what
/// went wrong, or "" if nothing did.
std::string exchange(duplex::WebSocket& ws, const std::function<void()>& run_loop) {
  std::string problem;
  auto fail = [&problem](const std::string& why) {
    if (problem.empty()) problem = why;
  };
  bool got_text = false;
  bool got_binary = false;
  std::optional<duplex::CloseEvent> closed;

  ws.binary_type(duplex::BinaryType::arraybuffer);
  ws.onopen([&](const duplex::Event&) {
    ws.send(text);
    ws.send(duplex::ArrayBuffer(binary));
  });
  // A listener gets the base class: the cast needs the event's type
  // information to be the same here and inside the library.
  ws.add_event_listener("message", [&](const duplex::Event& event) {
    const auto* message = dynamic_cast<const duplex::MessageEvent*>(&event);
    if (message == nullptr) return fail("a message event is not a duplex::MessageEvent (dynamic_cast)");
    if (message->is_text()) {
      if (message->text() != text) fail("the text came back as \"" + message->text() + "\"");
      got_text = true;
    } else if (const auto* bytes = std::get_if<duplex::ArrayBuffer>(&message->data())) {
      if (bytes->str() != binary) fail("the binary message came back different");
      got_binary = true;
    } else {
      fail("a binary message is not an ArrayBuffer with binaryType arraybuffer");
    }
    if (got_text && got_binary) ws.close(1000, "done");
  });
  ws.onerror([&](const duplex::ErrorEvent& event) { fail("error event: " + event.message()); });
  ws.onclose([&](const duplex::CloseEvent& event) { closed = event; });

  run_loop();
  if (!got_text || !got_binary) fail("an echo is missing");
  if (!closed)
    fail("no close event");
  else if (!closed->was_clean() || closed->code() != 1000)
    fail("the close was not clean: code " + std::to_string(closed->code()) + " \"" + closed->reason() + "\"");
  return problem;
}

/// duplex::Error is thrown inside the library and caught here by type.
std::string catch_error() {
  try {
    duplex::WebSocket ws("ftp://127.0.0.1/");
  } catch (const duplex::Error& error) {
    return error.name() == "SyntaxError" ? "" : "Error named " + error.name() + ", not SyntaxError";
  } catch (...) {
    return "an ftp:// URL threw something other than duplex::Error";
  }
  return "an ftp:// URL did not throw";
}

}  // namespace

int main(int argc, char* argv[]) {
  if (argc != 2) {
    std::cerr << "usage: echo_check ws://HOST:PORT/\n";
    std::exit(2);
  }
  const std::string url = argv[1];
  std::vector<std::string> problems;
  auto check = [&problems](const std::string& what, const std::string& problem) {
    if (!problem.empty()) problems.push_back(what + ": " + problem);
  };

  check("duplex::Error", catch_error());
  {
    duplex::WebSocket ws(url);
    check("default backend", exchange(ws, [] { duplex::run(); }));
  }
#ifndef __EMSCRIPTEN__
  {
    boost::asio::io_context io;
    duplex::native::AsioBackend backend(io);
    duplex::WebSocket ws(backend, url);
    check("own io_context", exchange(ws, [&io] { io.run(); }));
  }
#endif

  for (const auto& problem : problems) std::cerr << "echo_check: " << problem << "\n";
  if (problems.empty()) std::cout << "echo_check: text and binary echoed, clean close, errors caught by type\n";
  // std::exit, not return: under Emscripten 3.1.6 main's return value is lost
  // once ASYNCIFY has slept in it (duplex::run()); exit() reaches node.
  std::exit(problems.empty() ? 0 : 1);
}
