// The browser demo page: a text box whose message is sent and whose echo is
// shown, a canvas whose picture is sent as one binary message and drawn from the
// echo into a second canvas, and a status line with every readyState change and
// the close code. Plain duplex::WebSocket API, as in native/demo/demo.cpp; the
// emscripten glue below only reads and writes the DOM.

#include <duplex/duplex.hpp>

#include <emscripten/em_js.h>
#include <emscripten/html5.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

// ---- DOM access (the only JavaScript the C++ side calls) -------------------
// clang-format off

// emscripten >= 3.1.35 links the runtime's string helpers only when asked:
// EM_JS code that calls them lists them (EM_JS_DEPS, emscripten >= 3.1.24), or
// the page fails at its first call ("lengthBytesUTF8 is not defined").
// Older emscripten always has them and no such macro.
#ifdef EM_JS_DEPS
EM_JS_DEPS(duplex_demo_page, "$lengthBytesUTF8,$stringToUTF8,$UTF8ToString");
#endif

/// The length in UTF-8 bytes of this page's echo endpoint: ws(s)://<host>/echo.
EM_JS(int, dom_echo_url_length, (), {
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  return lengthBytesUTF8(scheme + location.host + '/echo');
});

/// Writes the echo endpoint's URL (NUL-terminated) into `out` of `size` bytes.
EM_JS(void, dom_echo_url, (char* out, int size), {
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  stringToUTF8(scheme + location.host + '/echo', out, size);
});

/// Shows the current readyState and appends `line` to the status log.
EM_JS(void, dom_status, (const char* state, const char* line), {
  const name = UTF8ToString(state);
  const badge = document.getElementById('state');
  badge.textContent = name;
  badge.className = 'state ' + name.toLowerCase();
  const log = document.getElementById('status');
  const item = document.createElement('li');
  item.textContent = UTF8ToString(line);
  log.appendChild(item);
  log.scrollTop = log.scrollHeight;
});

/// Enables the controls that fit readyState `state`: sending and closing
/// while OPEN, connecting again once CLOSED.
EM_JS(void, dom_enable_controls, (int state), {
  for (const id of ['send-text', 'send-drawing', 'close']) {
    document.getElementById(id).disabled = state !== 1;
  }
  document.getElementById('connect').disabled = state !== 3;
});

/// The UTF-8 length of the text box's value.
EM_JS(int, dom_message_length, (), {
  return lengthBytesUTF8(document.getElementById('message').value);
});

/// Writes the text box's value (NUL-terminated) into `out` of `size` bytes.
EM_JS(void, dom_message, (char* out, int size), {
  stringToUTF8(document.getElementById('message').value, out, size);
});

/// Shows a text echo.
EM_JS(void, dom_show_text_echo, (const char* text), {
  document.getElementById('echo-text').textContent = UTF8ToString(text);
});

/// Writes the drawing canvas's size into `width` and `height`.
EM_JS(void, dom_drawing_size, (int* width, int* height), {
  const canvas = document.getElementById('drawing');
  HEAP32[width >> 2] = canvas.width;
  HEAP32[height >> 2] = canvas.height;
});

/// Copies the drawing canvas's RGBA pixels (width * height * 4 bytes) to `out`.
EM_JS(void, dom_read_drawing, (std::uint8_t* out, int width, int height), {
  const context = document.getElementById('drawing').getContext('2d');
  HEAPU8.set(context.getImageData(0, 0, width, height).data, out);
});

/// Draws RGBA pixels (copied out of wasm memory) into the echo canvas.
EM_JS(void, dom_draw_echo, (const std::uint8_t* pixels, int width, int height), {
  const canvas = document.getElementById('echo-canvas');
  canvas.width = width;
  canvas.height = height;
  const copy = new Uint8ClampedArray(HEAPU8.slice(pixels, pixels + width * height * 4));
  canvas.getContext('2d').putImageData(new ImageData(copy, width, height), 0, 0);
  document.getElementById('echo-canvas-note').textContent =
      'echo: ' + width + ' × ' + height + ' pixels, ' + (width * height * 4 + 8) + ' bytes';
});

// clang-format on

// ---- the demo --------------------------------------------------------------

namespace {

// A drawing travels as one binary message: width and height (uint32,
// little-endian), then the RGBA pixels row by row.
constexpr std::size_t header_size = 8;

const char* state_name(duplex::ReadyState state) {
  static const char* names[] = {"CONNECTING", "OPEN", "CLOSING", "CLOSED"};
  return names[static_cast<int>(state)];
}

std::string read_string(int (*length)(), void (*read)(char*, int)) {
  std::string text(static_cast<std::size_t>(length()) + 1, '\0');
  read(text.data(), static_cast<int>(text.size()));
  text.pop_back();
  return text;
}

void put_u32(std::uint8_t* out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

std::uint32_t get_u32(const std::byte* in) {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value |= std::to_integer<std::uint32_t>(in[i]) << (8 * i);
  return value;
}

/// The page's one socket and what the status line last showed.
struct Demo {
  std::optional<duplex::WebSocket> ws;
  std::optional<duplex::ReadyState> shown;

  /// Reports `what`, prefixed with a readyState change if there was one.
  void status(const std::string& what) {
    const duplex::ReadyState state = ws->ready_state();
    std::string line;
    if (state != shown) {
      line = std::string("readyState ") + (shown ? state_name(*shown) : "—") + " → " + state_name(state);
      if (!what.empty()) line += ": ";
      shown = state;
    }
    line += what;
    dom_status(state_name(state), line.c_str());
    dom_enable_controls(static_cast<int>(state));
  }

  void connect() {
    if (ws && ws->ready_state() != duplex::ReadyState::CLOSED) return;
    std::string url = read_string(dom_echo_url_length, dom_echo_url);
    ws.emplace(url);
    ws->binary_type(duplex::BinaryType::arraybuffer);
    shown.reset();
    status("connecting to " + ws->url());
    ws->onopen([this](const duplex::Event&) { status("open"); });
    ws->onmessage([this](const duplex::MessageEvent& e) { on_message(e); });
    ws->onerror(
        [this](const duplex::ErrorEvent& e) { status("error" + (e.message().empty() ? "" : ": " + e.message())); });
    ws->onclose([this](const duplex::CloseEvent& e) {
      status("close: code " + std::to_string(e.code()) + (e.reason().empty() ? "" : " reason \"" + e.reason() + "\"") +
             (e.was_clean() ? ", clean" : ", not clean"));
    });
  }

  void on_message(const duplex::MessageEvent& e) {
    if (e.is_text()) {
      dom_show_text_echo(e.text().c_str());
      status("echo: text, " + std::to_string(e.text().size()) + " bytes");
      return;
    }
    const std::span<const std::byte> bytes = e.bytes();
    if (bytes.size() < header_size) {
      status("echo: binary, " + std::to_string(bytes.size()) + " bytes (not a drawing)");
      return;
    }
    const std::uint32_t width = get_u32(bytes.data());
    const std::uint32_t height = get_u32(bytes.data() + 4);
    if (width == 0 || height == 0 || width > 4096 || height > 4096 ||
        bytes.size() != header_size + std::size_t{width} * height * 4) {
      status("echo: binary, " + std::to_string(bytes.size()) + " bytes (not a drawing)");
      return;
    }
    dom_draw_echo(reinterpret_cast<const std::uint8_t*>(bytes.data() + header_size), static_cast<int>(width),
                  static_cast<int>(height));
    status("echo: drawing, " + std::to_string(bytes.size()) + " bytes");
  }

  void send_text() {
    if (ws->ready_state() != duplex::ReadyState::OPEN) return;
    std::string text = read_string(dom_message_length, dom_message);
    const std::size_t size = text.size();
    ws->send(std::move(text));
    status("sent text, " + std::to_string(size) + " bytes, bufferedAmount " + std::to_string(ws->buffered_amount()));
  }

  void send_drawing() {
    if (ws->ready_state() != duplex::ReadyState::OPEN) return;
    int width = 0;
    int height = 0;
    dom_drawing_size(&width, &height);
    std::vector<std::uint8_t> message(header_size + std::size_t(width) * std::size_t(height) * 4);
    put_u32(message.data(), static_cast<std::uint32_t>(width));
    put_u32(message.data() + 4, static_cast<std::uint32_t>(height));
    dom_read_drawing(message.data() + header_size, width, height);
    ws->send(std::span<const std::uint8_t>(message));
    status("sent drawing, " + std::to_string(message.size()) + " bytes, bufferedAmount " +
           std::to_string(ws->buffered_amount()));
  }

  void close() {
    if (ws->ready_state() != duplex::ReadyState::OPEN) return;
    ws->close(1000, "bye from the page");
    status("close(1000, \"bye from the page\") called");
  }
};

Demo demo;

/// A button of the page and what clicking it does.
struct Button {
  const char* selector;
  void (*action)();
};

const Button buttons[] = {
    {"#send-text", [] { demo.send_text(); }},
    {"#send-drawing", [] { demo.send_drawing(); }},
    {"#close", [] { demo.close(); }},
    {"#connect", [] { demo.connect(); }},
};

EM_BOOL on_click(int, const EmscriptenMouseEvent*, void* button) {
  static_cast<const Button*>(button)->action();
  return EM_TRUE;
}

EM_BOOL on_key(int, const EmscriptenKeyboardEvent* e, void*) {
  if (std::strcmp(e->key, "Enter") != 0) return EM_FALSE;
  demo.send_text();
  return EM_TRUE;
}

}  // namespace

int main() {
  for (const Button& button : buttons)
    emscripten_set_click_callback(button.selector, const_cast<Button*>(&button), EM_FALSE, on_click);
  emscripten_set_keydown_callback("#message", nullptr, EM_FALSE, on_key);
  demo.connect();
  // No duplex::run(): without -sASYNCIFY it cannot wait. Returning hands
  // over to the browser's event loop, which runs the socket; the runtime
  // stays alive (-sEXIT_RUNTIME=0).
  return 0;
}
