# macOS: settings every target shares. Not exercised by CI (no macOS here).

# Homebrew's OpenSSL 3 is keg-only (not linked into /opt/homebrew or
# /usr/local), so FindOpenSSL does not find it by itself; point it there
# unless the user chose an OpenSSL.
if(NOT DEFINED OPENSSL_ROOT_DIR AND NOT DEFINED ENV{OPENSSL_ROOT_DIR})
  foreach(prefix /opt/homebrew/opt/openssl@3 /usr/local/opt/openssl@3)
    if(EXISTS "${prefix}/include/openssl/ssl.h")
      set(OPENSSL_ROOT_DIR "${prefix}")
      break()
    endif()
  endforeach()
endif()
