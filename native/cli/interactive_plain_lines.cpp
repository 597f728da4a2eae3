#include "interactive_plain_lines.hpp"

#include <cstdio>

namespace duplex::cli {

void write_line(std::string_view line, bool error) {
  std::FILE* stream = error ? stderr : stdout;
  std::fwrite(line.data(), 1, line.size(), stream);
  std::fputc('\n', stream);
  std::fflush(stream);
}

PlainLines::PlainLines(boost::asio::io_context& io, Handler on_line, std::string prompt)
    : prompt_(std::move(prompt)), on_line_(std::move(on_line)), reader_(io, [this](std::optional<std::string> line) {
        if (stopped_) return;
        if (line) show_prompt();
        on_line_(std::move(line));
      }) {
  show_prompt();
}

void PlainLines::print(std::string_view line, bool error) {
  if (!prompt_shown_) return write_line(line, error);
  // Over the prompt, without terminal escapes (a Windows console may not take
  // them): back to the row's start, the line padded to cover the prompt.
  std::fputc('\r', stdout);
  std::fflush(stdout);
  std::string padded(line);
  if (padded.size() < prompt_.size()) padded.append(prompt_.size() - padded.size(), ' ');
  write_line(padded, error);
  prompt_shown_ = false;
  if (!stopped_) show_prompt();
}

void PlainLines::stop() {
  if (!stopped_ && prompt_shown_) {  // what is written next starts its row
    std::fputs(("\r" + std::string(prompt_.size(), ' ') + "\r").c_str(), stdout);
    std::fflush(stdout);
    prompt_shown_ = false;
  }
  stopped_ = true;
  reader_.stop();
}

void PlainLines::show_prompt() {
  prompt_shown_ = true;
  std::fwrite(prompt_.data(), 1, prompt_.size(), stdout);
  std::fflush(stdout);
}

}  // namespace duplex::cli
