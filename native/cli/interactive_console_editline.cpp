// InteractiveConsole on POSIX with libedit's readline-compatible interface.
// libedit, not GNU readline: libedit is BSD-licensed, while GNU readline is
// GPL-3, which would bind the duplex binary that links it to the GPL.
//
// The editor runs on the event loop, without a thread: the loop waits for
// standard input to become readable (stream_descriptor::async_wait) and feeds
// libedit one character at a time (rl_callback_read_char), so output printed
// from the loop and the line being typed never interleave: print() erases the
// prompt and the typed text, writes its line, and has libedit draw them again.
#include <editline/readline.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cwchar>

#include "interactive_console.hpp"
#include "interactive_plain_lines.hpp"

namespace duplex::cli {

bool line_editor_available() noexcept { return true; }

namespace {

/// libedit's callback interface takes a plain function and keeps one editor
/// per process: the console reading now, if any.
InteractiveConsole::Handler* g_line_sink = nullptr;
bool g_line_done = false;
bool g_end_of_input = false;

/// Called by libedit with each finished line (malloc'ed, ours to free), or
/// null at end of input (Ctrl-D at an empty line).
extern "C" void on_editline_line(char* line) {
  if (line == nullptr) {
    g_end_of_input = true;
    return;
  }
  g_line_done = true;
  std::string text(line);
  std::free(line);
  if (!text.empty()) {
    // Consecutive repeats are kept once, as shells do.
    const HIST_ENTRY* last = history_get(history_base + history_length - 1);
    if (last == nullptr || last->line == nullptr || text != last->line) add_history(text.c_str());
  }
  if (g_line_sink != nullptr) (*g_line_sink)(std::move(text));
}

/// Columns a terminal gives `text` (UTF-8 in a UTF-8 locale); control and
/// unknown characters count one.
std::size_t display_width(const char* text, std::size_t bytes) {
  std::mbstate_t state{};
  std::size_t width = 0;
  while (bytes > 0) {
    wchar_t c = 0;
    std::size_t n = std::mbrtowc(&c, text, bytes, &state);
    if (n == 0 || n == static_cast<std::size_t>(-1) || n == static_cast<std::size_t>(-2)) {
      n = 1;
      state = {};
      c = L'?';
    }
    const int w = ::wcwidth(c);
    width += w < 0 ? 1 : static_cast<std::size_t>(w);
    text += n;
    bytes -= n;
  }
  return width;
}

std::size_t terminal_columns() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

/// "\n" where the terminal turns it into a new row's start; "\r\n" where
/// output processing is off (a terminal in raw mode).
const char* newline_for(std::FILE* stream) {
  termios mode{};
  if (::tcgetattr(::fileno(stream), &mode) != 0) return "\n";
  return (mode.c_oflag & OPOST) && (mode.c_oflag & ONLCR) ? "\n" : "\r\n";
}

}  // namespace

struct InteractiveConsole::Impl {
  /// What posted lines check: nothing is delivered after stop().
  struct Delivery {
    Handler on_line;
    bool stopped = false;
  };

  Impl(boost::asio::io_context& io, Handler on_line, std::string prompt)
      : io(io), delivery(std::make_shared<Delivery>(Delivery{std::move(on_line)})), prompt(std::move(prompt)) {}

  void start();
  void watch_job_signals();
  void wait_for_input();
  void read_input();
  void deliver(std::optional<std::string> line);
  void erase_input() const;
  void end_editing();

  boost::asio::io_context& io;
  std::shared_ptr<Delivery> delivery;
  std::string prompt;
  Handler sink;                     // what g_line_sink points to while editing
  std::optional<PlainLines> plain;  // standard input or output is not a terminal
  std::optional<boost::asio::posix::stream_descriptor> input;
  std::optional<boost::asio::signal_set> job_signals;  // SIGTSTP, SIGCONT, SIGWINCH while editing
  bool suspended = false;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);  // false once editing ends
  termios saved_mode{};
  bool saved = false;
  bool editing = false;
};

void InteractiveConsole::Impl::start() {
  if (!::isatty(STDIN_FILENO) || !::isatty(STDOUT_FILENO) || g_line_sink != nullptr) {
    plain.emplace(
        io,
        [d = delivery](std::optional<std::string> line) {
          if (!d->stopped) d->on_line(std::move(line));
        },
        prompt);
    return;
  }
  // libedit decodes what is typed with the C library's multibyte functions:
  // without this a UTF-8 character would be edited as separate bytes.
  if (std::string_view(std::setlocale(LC_CTYPE, nullptr)) == "C") std::setlocale(LC_CTYPE, "");
  saved = ::tcgetattr(STDIN_FILENO, &saved_mode) == 0;
  sink = [this](std::optional<std::string> line) { deliver(std::move(line)); };
  g_line_sink = &sink;
  g_end_of_input = false;
  // libedit's own signal handlers would replace the application's SIGINT and
  // SIGTERM handling (which ends the session and calls stop(), restoring the
  // terminal) and re-raise signals to the whole process group; the job
  // control and resize signals are watched here instead.
  rl_catch_signals = 0;
  rl_catch_sigwinch = 0;
  rl_readline_name = "duplex";                                    // "duplex:" lines of ~/.editrc apply
  rl_callback_handler_install(prompt.c_str(), on_editline_line);  // raw mode; draws the prompt
  editing = true;
  input.emplace(io, STDIN_FILENO);
  wait_for_input();
  job_signals.emplace(io, SIGTSTP, SIGCONT, SIGWINCH);
  watch_job_signals();
}

void InteractiveConsole::Impl::watch_job_signals() {
  job_signals->async_wait([this, alive = alive](const boost::system::error_code& ec, int signal) {
    if (ec || !*alive) return;
    if (signal == SIGTSTP) {  // Ctrl-Z: the terminal as the shell expects it, then stop
      rl_deprep_terminal();
      suspended = true;
      ::raise(SIGSTOP);
    } else if (signal == SIGCONT && suspended) {  // fg: editing again, on a fresh row
      suspended = false;
      rl_prep_terminal(1);
      rl_forced_update_display();
    } else if (signal == SIGWINCH) {
      rl_resize_terminal();
    }
    watch_job_signals();
  });
}

void InteractiveConsole::Impl::wait_for_input() {
  // The loop is told of new input only (epoll is edge-triggered in Asio):
  // characters already waiting, as after a paste, are read without waiting.
  pollfd ready{STDIN_FILENO, POLLIN, 0};
  if (::poll(&ready, 1, 0) > 0) {
    boost::asio::post(io, [this, alive = alive] {
      if (*alive) read_input();
    });
    return;
  }
  input->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                    [this, alive = alive](const boost::system::error_code& ec) {
                      if (!ec && *alive) read_input();
                    });
}

void InteractiveConsole::Impl::read_input() {
  pollfd ready{STDIN_FILENO, POLLIN, 0};
  if (::poll(&ready, 1, 0) <= 0) return wait_for_input();  // woken for input already read
  int pending = 0;
  if ((ready.revents & (POLLHUP | POLLERR | POLLNVAL)) || ::ioctl(STDIN_FILENO, FIONREAD, &pending) != 0 ||
      pending == 0) {
    g_end_of_input = true;  // the terminal is gone
  } else {
    g_line_done = false;
    rl_callback_read_char();
    // libedit leaves its character-at-a-time mode after a line (the terminal
    // back in its own mode, the line still in the buffer); installing again
    // returns to it with an empty line and the prompt drawn.
    if (g_line_done) rl_callback_handler_install(prompt.c_str(), on_editline_line);
  }
  if (g_end_of_input) {
    end_editing();
    deliver(std::nullopt);
    return;
  }
  wait_for_input();
}

void InteractiveConsole::Impl::deliver(std::optional<std::string> line) {
  boost::asio::post(io, [d = delivery, line = std::move(line)]() mutable {
    if (!d->stopped) d->on_line(std::move(line));
  });
}

void InteractiveConsole::Impl::erase_input() const {
  // From the cursor's row back to the prompt's, then everything below.
  const std::size_t point = rl_point > 0 ? static_cast<std::size_t>(rl_point) : 0;
  const std::size_t column = display_width(prompt.data(), prompt.size()) + display_width(rl_line_buffer, point);
  const std::size_t rows_up = column / terminal_columns();
  std::fputc('\r', stdout);
  if (rows_up > 0) std::fprintf(stdout, "\033[%zuA", rows_up);
  std::fputs("\033[J", stdout);
  std::fflush(stdout);
}

void InteractiveConsole::Impl::end_editing() {
  if (!editing) return;
  editing = false;
  *alive = false;
  erase_input();
  rl_callback_handler_remove();  // the terminal's own mode again
  if (saved) ::tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_mode);
  input->release();  // standard input stays open
  input.reset();
  job_signals.reset();  // their default actions again
  g_line_sink = nullptr;
}

InteractiveConsole::InteractiveConsole(boost::asio::io_context& io, Handler on_line, std::string prompt)
    : impl_(std::make_unique<Impl>(io, std::move(on_line), std::move(prompt))) {
  impl_->start();
}

InteractiveConsole::~InteractiveConsole() { stop(); }

void InteractiveConsole::print(std::string_view line, bool error) {
  if (!impl_->editing) {
    if (impl_->plain) return impl_->plain->print(line, error);
    return write_line(line, error);
  }
  impl_->erase_input();
  std::FILE* stream = error ? stderr : stdout;
  std::fwrite(line.data(), 1, line.size(), stream);
  std::fputs(newline_for(stream), stream);
  std::fflush(stream);
  rl_forced_update_display();  // the prompt and the text typed so far, below the line
}

void InteractiveConsole::stop() {
  impl_->delivery->stopped = true;
  if (impl_->plain) impl_->plain->stop();
  impl_->end_editing();
}

}  // namespace duplex::cli
