#pragma once
// DUPLEX_API marks what a shared duplex library exports: the public classes and
// functions of core/, native/ and wasm/ (one macro, since a shared build is one
// library, libduplex). The same header serves every build, so native and
// WebAssembly installs can share one include directory:
//   DUPLEX_SHARED   defined for duplex and its users when duplex is a shared
//                   library (CMake and pkg-config pass it on);
//   DUPLEX_EXPORTS  defined only while compiling duplex itself.
// Static builds: DUPLEX_API and DUPLEX_LOCAL are empty.

#if defined(DUPLEX_SHARED)
#  if defined(_WIN32) || defined(__CYGWIN__)
#    if defined(DUPLEX_EXPORTS)
#      define DUPLEX_API __declspec(dllexport)
#    else
#      define DUPLEX_API __declspec(dllimport)
#    endif
#  elif defined(__GNUC__)
// duplex compiles with hidden visibility: only what carries this is exported,
// and the typeinfo of exported classes (duplex::Error, the events) is one
// object, so `catch (const duplex::Error&)` and dynamic_cast work across the
// library boundary.
#    define DUPLEX_API __attribute__((visibility("default")))
#  endif
#endif

#ifndef DUPLEX_API
#  define DUPLEX_API
#endif

// DUPLEX_LOCAL: not exported even inside an exported class. For the private
// State classes nested in WebSocket and ReconnectingWebSocket, which GCC and
// clang would otherwise export along with the class around them.
#if defined(DUPLEX_SHARED) && defined(__GNUC__) && !defined(_WIN32) && !defined(__CYGWIN__)
#  define DUPLEX_LOCAL __attribute__((visibility("hidden")))
#else
#  define DUPLEX_LOCAL
#endif
