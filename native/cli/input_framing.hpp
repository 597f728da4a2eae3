#pragma once
// How bytes read from standard input (or a file) become messages: cut at
// newlines, at NUL bytes, or not at all; then decoded from hex or base64 and
// given a kind (text or binary).

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace duplex::cli {

/// Where one message ends in the input.
enum class Framing {
  lines,  ///< at each "\n" (a last line without one is a message too)
  nul,    ///< at each NUL byte (find -print0, xargs -0)
  whole,  ///< the whole input is one message (--file)
};

/// What a line's "\r" before its "\n" becomes (--crlf).
enum class CrlfMode { strip, keep };

/// One message cut from the input, before decoding.
struct Frame {
  std::string data;
  bool stripped_cr = false;  ///< lines with CrlfMode::strip: a "\r" was removed from its end
};

/// Cuts a byte stream into frames; feed() takes the bytes as they arrive,
/// finish() at end of input.
class Framer {
 public:
  explicit Framer(Framing framing, CrlfMode crlf = CrlfMode::strip) : framing_(framing), crlf_(crlf) {}

  /// Appends `bytes` and returns the frames they complete.
  std::vector<Frame> feed(std::string_view bytes);

  /// At end of input: the unterminated rest (lines, nul), if any; for
  /// Framing::whole the whole input, even when empty. Call once.
  std::optional<Frame> finish();

 private:
  Frame make_frame(std::string data) const;

  Framing framing_;
  CrlfMode crlf_;
  std::string buffer_;
};

/// How each input message is written (--input).
enum class InputEncoding { none, hex, base64 };

/// A message ready to send.
struct OutgoingMessage {
  std::string data;
  bool binary = false;
};

/// Decodes a frame with `encoding` into a message of the kind asked for (a
/// text message's UTF-8 is checked by WebSocket::send). Returns why not when
/// the frame is not valid hex or base64.
std::variant<OutgoingMessage, std::string> decode_frame(std::string data, InputEncoding encoding, bool binary);

}  // namespace duplex::cli
