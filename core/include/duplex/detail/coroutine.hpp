#pragma once
// The C++20 coroutine library under one name, duplex::coro: <coroutine> where
// the standard library has it, else <experimental/coroutine> (the libc++ of
// emscripten 3.1.x, where clang compiles co_await against
// std::experimental and warns -Wdeprecated-experimental-coroutine).

#if __has_include(<coroutine>)
#  include <coroutine>
namespace duplex::coro {
using std::coroutine_handle;
using std::noop_coroutine;
using std::suspend_always;
using std::suspend_never;
}  // namespace duplex::coro
#else
#  include <experimental/coroutine>
namespace duplex::coro {
using std::experimental::coroutine_handle;
using std::experimental::noop_coroutine;
using std::experimental::suspend_always;
using std::experimental::suspend_never;
}  // namespace duplex::coro
#endif
