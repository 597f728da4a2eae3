// InteractiveConsole where no line editor is built in (Windows, or a build
// without libedit): plain lines with the same prompt and markers.
#include "interactive_console.hpp"
#include "interactive_plain_lines.hpp"

namespace duplex::cli {

bool line_editor_available() noexcept { return false; }

struct InteractiveConsole::Impl {
  Impl(boost::asio::io_context& io, Handler on_line, std::string prompt)
      : lines(io, std::move(on_line), std::move(prompt)) {}
  PlainLines lines;
};

InteractiveConsole::InteractiveConsole(boost::asio::io_context& io, Handler on_line, std::string prompt)
    : impl_(std::make_unique<Impl>(io, std::move(on_line), std::move(prompt))) {}

InteractiveConsole::~InteractiveConsole() { stop(); }

void InteractiveConsole::print(std::string_view line, bool error) { impl_->lines.print(line, error); }

void InteractiveConsole::stop() { impl_->lines.stop(); }

}  // namespace duplex::cli
