# Windows (MSVC, clang-cl, MinGW-w64): settings every target shares.

# Windows 10 APIs; <windows.h> without its rarely used parts and without the
# min/max macros that break std::min and std::numeric_limits<>::max.
add_compile_definitions(_WIN32_WINNT=0x0A00 WIN32_LEAN_AND_MEAN NOMINMAX)

# A static OpenSSL (the mingw preset builds one) also calls CryptoAPI's
# random source and the event log (advapi32) and the window station (user32);
# FindOpenSSL adds only ws2_32 and crypt32. Found once for every directory
# (GLOBAL), so native/ and tests/ link the same.
if(OPENSSL_USE_STATIC_LIBS)
  find_package(OpenSSL 3 REQUIRED GLOBAL)
  set_property(TARGET OpenSSL::Crypto APPEND PROPERTY INTERFACE_LINK_LIBRARIES user32 advapi32)
endif()
