// The demo client: exchanges a text and a binary message with an echo server,
// printing every readyState change, then closes. Plain duplex::WebSocket API,
// nothing platform-specific.

#include <duplex/duplex.hpp>

#include <iostream>
#include <string>

namespace {

const char* state_name(duplex::ReadyState state) {
  static const char* names[] = {"CONNECTING", "OPEN", "CLOSING", "CLOSED"};
  return names[static_cast<int>(state)];
}

}  // namespace

int main(int argc, char* argv[]) {
  const std::string url = argc > 1 ? argv[1] : "ws://127.0.0.1:8080/";
  duplex::WebSocket ws(url);
  ws.binary_type(duplex::BinaryType::arraybuffer);
  auto show = [&ws](const std::string& what) {
    std::cout << "[" << state_name(ws.ready_state()) << "] " << what << std::endl;
  };
  show("connecting to " + ws.url());

  int echoes = 0;
  ws.onopen([&](const duplex::Event&) {
    show("open");
    ws.send("héllo, duplex ✓");
    const std::uint8_t picture[] = {0x89, 'P', 'N', 'G', 0x00, 0xFF};
    ws.send(std::span<const std::uint8_t>(picture));
    show("sent a text and a 6-byte binary message, bufferedAmount=" + std::to_string(ws.buffered_amount()));
  });
  ws.onmessage([&](const duplex::MessageEvent& e) {
    if (e.is_text())
      show("echo (text): " + e.text());
    else
      show("echo (binary): " + std::to_string(e.bytes().size()) + " bytes");
    if (++echoes == 2) {
      ws.close(1000, "demo done");
      show("close(1000, \"demo done\") called");
    }
  });
  ws.onerror([&](const duplex::ErrorEvent& e) { show("error: " + e.message()); });
  ws.onclose([&](const duplex::CloseEvent& e) {
    show("close: code=" + std::to_string(e.code()) + " reason=\"" + e.reason() +
         "\" wasClean=" + (e.was_clean() ? "true" : "false"));
  });

  duplex::run();  // until the socket is closed
  return echoes == 2 ? 0 : 1;
}
