// The test client for the Autobahn|Testsuite fuzzing server (`wstest -m
// fuzzingserver`): asks for the case count, runs every case as an echo
// client, then asks the server to write its reports. Plain duplex::WebSocket
// API, so the run exercises exactly what applications get.
//
//   autobahn_client [ws://127.0.0.1:9001] [agent-name] [case-filter-first [last]]

#include <duplex/duplex.hpp>

#include <charconv>
#include <functional>
#include <iostream>
#include <string>

namespace {

/// Opens `url`, calls `on_text` for text messages, runs until closed.
void run_socket(const std::string& url,
                const std::function<void(duplex::WebSocket&, const duplex::MessageEvent&)>& on_message) {
  duplex::WebSocket ws(url);
  ws.binary_type(duplex::BinaryType::arraybuffer);
  ws.onmessage([&](const duplex::MessageEvent& e) { on_message(ws, e); });
  duplex::run();
}

int case_count(const std::string& server) {
  int count = 0;
  run_socket(server + "/getCaseCount", [&](duplex::WebSocket&, const duplex::MessageEvent& e) {
    std::from_chars(e.text().data(), e.text().data() + e.text().size(), count);
  });
  return count;
}

/// Echoes every message back with its type, as the fuzzing server expects.
void run_case(const std::string& server, int index, const std::string& agent) {
  run_socket(server + "/runCase?case=" + std::to_string(index) + "&agent=" + agent,
             [](duplex::WebSocket& ws, const duplex::MessageEvent& e) {
               if (ws.ready_state() != duplex::ReadyState::OPEN) return;
               if (e.is_text())
                 ws.send(e.text());
               else
                 ws.send(e.bytes());
             });
}

}  // namespace

int main(int argc, char* argv[]) {
  const std::string server = argc > 1 ? argv[1] : "ws://127.0.0.1:9001";
  const std::string agent = argc > 2 ? argv[2] : "duplex";
  const int count = case_count(server);
  if (count <= 0) {
    std::cerr << "autobahn_client: no case count from " << server << "\n";
    return 1;
  }
  const int first = argc > 3 ? std::stoi(argv[3]) : 1;
  const int last = argc > 4 ? std::stoi(argv[4]) : count;
  for (int i = first; i <= last && i <= count; ++i) {
    run_case(server, i, agent);
    if (i % 50 == 0 || i == last) std::cerr << "autobahn_client: ran case " << i << " of " << count << "\n";
  }
  run_socket(server + "/updateReports?agent=" + agent, [](duplex::WebSocket&, const duplex::MessageEvent&) {});
  return 0;
}
