#include "input_framing.hpp"

#include <utility>

#include "encoding.hpp"

namespace duplex::cli {

Frame Framer::make_frame(std::string data) const {
  Frame frame;
  if (framing_ == Framing::lines && crlf_ == CrlfMode::strip && !data.empty() && data.back() == '\r') {
    data.pop_back();
    frame.stripped_cr = true;
  }
  frame.data = std::move(data);
  return frame;
}

std::vector<Frame> Framer::feed(std::string_view bytes) {
  std::vector<Frame> frames;
  if (framing_ == Framing::whole) {
    buffer_.append(bytes);
    return frames;
  }
  const char separator = framing_ == Framing::lines ? '\n' : '\0';
  // Only the new bytes are searched: the buffer holds no separator.
  std::size_t start = 0;
  for (std::size_t end; (end = bytes.find(separator, start)) != std::string_view::npos; start = end + 1) {
    buffer_.append(bytes.substr(start, end - start));
    frames.push_back(make_frame(std::exchange(buffer_, {})));
  }
  buffer_.append(bytes.substr(start));
  return frames;
}

std::optional<Frame> Framer::finish() {
  if (framing_ != Framing::whole && buffer_.empty()) return std::nullopt;
  return make_frame(std::exchange(buffer_, {}));
}

std::variant<OutgoingMessage, std::string> decode_frame(std::string data, InputEncoding encoding, bool binary) {
  switch (encoding) {
    case InputEncoding::none:
      return OutgoingMessage{std::move(data), binary};
    case InputEncoding::hex:
      if (auto bytes = hex_decode(data)) return OutgoingMessage{std::move(*bytes), binary};
      return std::string("not hex (pairs of digits 0-9 a-f, spaces allowed between bytes)");
    case InputEncoding::base64:
      // Base64 text may be wrapped (base64(1) wraps at 76 columns): line ends go.
      std::erase_if(data, [](char c) { return c == '\n' || c == '\r'; });
      if (auto bytes = base64_decode(data)) return OutgoingMessage{std::move(*bytes), binary};
      return std::string("not base64 (RFC 4648 alphabet A-Z a-z 0-9 + /, '=' padding)");
  }
  return std::string("unknown input encoding");
}

}  // namespace duplex::cli
