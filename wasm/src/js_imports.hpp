#pragma once
// The functions of wasm/src/duplex_websocket.js that C++ calls. Sizes that may
// exceed 2^31 cross as double (JavaScript numbers), the rest as int.

#include <cstddef>

extern "C" {
/// Ask the host for a macrotask that calls duplex_wasm_run_tasks (once).
void duplex_ws_schedule_tasks();
/// `new WebSocket(url, protocols)`; returns the socket's id. `protocols` is
/// the list joined with ','. A timeout of 0 means none.
int duplex_ws_create(const char* url, std::size_t url_length, const char* protocols, std::size_t protocols_length,
                     double open_timeout_ms, double max_message_size);
/// `ws.send(copy)`: text decoded from UTF-8 with its length (U+0000 kept).
void duplex_ws_send(int id, int binary, const char* data, std::size_t length);
/// `ws.close(code, reason)`; code < 0: `ws.close()`.
void duplex_ws_close(int id, int code, const char* reason, std::size_t reason_length, double close_timeout_ms);
/// Forget the socket (no further fact) and close it in the background.
void duplex_ws_destroy(int id, int going_away);
/// `setTimeout` that calls duplex_wasm_on_timer(id); returns the id.
int duplex_ws_set_timer(double delay_ms);
/// `clearTimeout` of a timer set by duplex_ws_set_timer.
void duplex_ws_clear_timer(int id);
/// 1 when the host has a WebSocket constructor (globalThis.WebSocket), else 0.
int duplex_ws_host_has_websocket();
/// Sockets in the js-library's Map.
int duplex_ws_socket_count();
}
