// Input framing (native/cli/input_framing.hpp): every input is fed whole,
// split in two at every point, and byte by byte; the frames must not change.
#include "input_framing.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace duplex::cli {
namespace {

struct Cut {
  std::vector<std::string> frames;
  std::vector<bool> stripped;
};

Cut cut(Framing framing, CrlfMode crlf, const std::vector<std::string_view>& pieces) {
  Framer framer(framing, crlf);
  Cut out;
  auto take = [&](Frame frame) {
    out.frames.push_back(std::move(frame.data));
    out.stripped.push_back(frame.stripped_cr);
  };
  for (auto piece : pieces)
    for (Frame& frame : framer.feed(piece)) take(std::move(frame));
  if (auto rest = framer.finish()) take(std::move(*rest));
  return out;
}

// Whole, at every split point, and byte by byte: the same frames each time.
Cut cut_every_way(Framing framing, CrlfMode crlf, std::string_view input) {
  const Cut whole = cut(framing, crlf, {input});
  for (std::size_t at = 0; at <= input.size(); ++at) {
    INFO("split at " << at);
    const Cut split = cut(framing, crlf, {input.substr(0, at), input.substr(at)});
    CHECK(split.frames == whole.frames);
    CHECK(split.stripped == whole.stripped);
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < input.size(); ++i) bytes.push_back(input.substr(i, 1));
  CHECK(cut(framing, crlf, bytes).frames == whole.frames);
  return whole;
}

}  // namespace

TEST_CASE("lines: a message per line, the last one without a newline too", "[cli][framing]") {
  const Cut c = cut_every_way(Framing::lines, CrlfMode::strip, "one\n\nthree\nlast");
  CHECK(c.frames == std::vector<std::string>{"one", "", "three", "last"});
  CHECK(cut_every_way(Framing::lines, CrlfMode::strip, "").frames.empty());
  CHECK(cut_every_way(Framing::lines, CrlfMode::strip, "a\n").frames == std::vector<std::string>{"a"});
}

TEST_CASE("lines: CR LF is stripped and reported, or kept", "[cli][framing]") {
  const Cut stripped = cut_every_way(Framing::lines, CrlfMode::strip, "a\r\nb\nc\r\n\r\n");
  CHECK(stripped.frames == std::vector<std::string>{"a", "b", "c", ""});
  CHECK(stripped.stripped == std::vector<bool>{true, false, true, true});
  const Cut kept = cut_every_way(Framing::lines, CrlfMode::keep, "a\r\nb\n");
  CHECK(kept.frames == std::vector<std::string>{"a\r", "b"});
  CHECK(kept.stripped == std::vector<bool>{false, false});
  // A CR inside a line is data.
  CHECK(cut_every_way(Framing::lines, CrlfMode::strip, "a\rb\n").frames == std::vector<std::string>{"a\rb"});
}

TEST_CASE("nul: a message per NUL-terminated record, newlines are data", "[cli][framing]") {
  const std::string input("one\ntwo\0\0three\r\n\0tail", 21);
  const Cut c = cut_every_way(Framing::nul, CrlfMode::strip, input);
  CHECK(c.frames == std::vector<std::string>{"one\ntwo", "", "three\r\n", "tail"});
  CHECK(c.stripped == std::vector<bool>{false, false, false, false});
}

TEST_CASE("whole: the input is one message, even empty, bytes unchanged", "[cli][framing]") {
  const std::string input("a\r\nb\0c\n", 7);
  CHECK(cut_every_way(Framing::whole, CrlfMode::strip, input).frames == std::vector<std::string>{input});
  CHECK(cut_every_way(Framing::whole, CrlfMode::strip, "").frames == std::vector<std::string>{""});
}

TEST_CASE("decode_frame: hex and base64 become binary, bad input says why", "[cli][framing]") {
  auto message = [](std::string data, InputEncoding encoding, bool binary) {
    auto decoded = decode_frame(std::move(data), encoding, binary);
    REQUIRE(std::holds_alternative<OutgoingMessage>(decoded));
    return std::get<OutgoingMessage>(decoded);
  };
  CHECK(message("hi", InputEncoding::none, false).data == "hi");
  CHECK_FALSE(message("hi", InputEncoding::none, false).binary);
  CHECK(message("68 69", InputEncoding::hex, true).data == "hi");
  CHECK(message("68 69", InputEncoding::hex, true).binary);
  // base64(1) wraps its output: the line ends are not data.
  CHECK(message("aGVs\nbG8=\n", InputEncoding::base64, true).data == "hello");
  CHECK(message("aGk=", InputEncoding::base64, false).data == "hi");
  CHECK_FALSE(message("aGk=", InputEncoding::base64, false).binary);
  const auto bad_hex = decode_frame("6g", InputEncoding::hex, true);
  REQUIRE(std::holds_alternative<std::string>(bad_hex));
  CHECK(std::get<std::string>(bad_hex).find("not hex") != std::string::npos);
  const auto bad_base64 = decode_frame("a$b=", InputEncoding::base64, true);
  REQUIRE(std::holds_alternative<std::string>(bad_base64));
  CHECK(std::get<std::string>(bad_base64).find("not base64") != std::string::npos);
}

}  // namespace duplex::cli
