#include "loop_thread.hpp"

#include <string>

#include "duplex/error.hpp"
#include "duplex/sender.hpp"

namespace duplex {

namespace detail {

void throw_wrong_thread(const char* member) {
  throw Error("WrongThreadError", std::string(member) +
                                      " called from a thread that is not its loop's; hand work over with "
                                      "sender() or Backend::post");
}

}  // namespace detail

bool thread_checks_enabled() noexcept { return DUPLEX_CHECKS_THREADS != 0; }

}  // namespace duplex
