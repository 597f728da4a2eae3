# Cross build for 64-bit Windows with Debian bookworm's MinGW-w64 (the mingw
# preset); tests run under Wine. tools/mingw_deps.sh installs the packages,
# builds OpenSSL and initialises the Wine prefix; the cache paths below are
# the ones it uses.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

# The posix flavour: std::thread and std::mutex (the win32 one has neither).
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)

if(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
  set(_duplex_cache "$ENV{XDG_CACHE_HOME}/duplex")
else()
  set(_duplex_cache "$ENV{HOME}/.cache/duplex")
endif()

# OpenSSL: the upstream version of Debian's libssl-dev, built for MinGW-w64.
if(NOT OPENSSL_ROOT_DIR)
  execute_process(COMMAND dpkg-query -W -f=\${Version} libssl-dev
                  OUTPUT_VARIABLE _duplex_ssl_version OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  string(REGEX REPLACE "^[0-9]+:" "" _duplex_ssl_version "${_duplex_ssl_version}")
  string(REGEX REPLACE "-[^-]*$" "" _duplex_ssl_version "${_duplex_ssl_version}")
  set(OPENSSL_ROOT_DIR "${_duplex_cache}/openssl-${_duplex_ssl_version}-mingw64" CACHE PATH
      "OpenSSL built for MinGW-w64 (tools/mingw_deps.sh)")
endif()
set(OPENSSL_USE_STATIC_LIBS ON)  # no DLLs to ship next to each program
set(ZLIB_USE_STATIC_LIBS ON)     # libz-mingw-w64-dev has both; zlib1.dll would have to be on Wine's PATH

# Boost.Asio is header-only: Debian's headers, seen through a directory that
# holds only a `boost` link, since /usr/include itself would bring glibc's.
set(_duplex_boost_shim "${CMAKE_BINARY_DIR}/mingw-boost-include")
get_property(_duplex_in_try_compile GLOBAL PROPERTY IN_TRY_COMPILE)
if(NOT _duplex_in_try_compile AND NOT EXISTS "${_duplex_boost_shim}/boost")
  file(MAKE_DIRECTORY "${_duplex_boost_shim}")
  file(CREATE_LINK /usr/include/boost "${_duplex_boost_shim}/boost" SYMBOLIC)
endif()
set(Boost_INCLUDE_DIR "${_duplex_boost_shim}" CACHE PATH "Debian's Boost headers, alone")
set(Boost_NO_BOOST_CMAKE ON)  # Debian's BoostConfig.cmake describes the host's libraries

# Libraries and headers come from the MinGW-w64 sysroot and OpenSSL's prefix
# only; programs (perl, wine) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32 "${OPENSSL_ROOT_DIR}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Static libstdc++, libgcc and winpthread: a program runs without MinGW's DLLs
# beside it. Big objects: template-heavy units pass COFF's 32k-section limit.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_CXX_FLAGS_INIT "-Wa,-mbig-obj")

# Tests run under Wine, quietly, in the prefix tools/mingw_deps.sh prepared
# (one Wine version, one prefix), without Mono or Gecko installers.
find_program(DUPLEX_WINE64 NAMES wine64 PATHS /usr/lib/wine NO_CMAKE_FIND_ROOT_PATH)
if(DUPLEX_WINE64)
  execute_process(COMMAND dpkg-query -W -f=\${Version} wine64
                  OUTPUT_VARIABLE _duplex_wine_version OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  set(DUPLEX_WINEPREFIX "${_duplex_cache}/wine-${_duplex_wine_version}-prefix" CACHE PATH "Wine prefix of the tests")
  set(CMAKE_CROSSCOMPILING_EMULATOR
      /usr/bin/env "WINEPREFIX=${DUPLEX_WINEPREFIX}" WINEDEBUG=-all "WINEDLLOVERRIDES=mscoree,mshtml="
      "${DUPLEX_WINE64}")
endif()
