# The CMake package (duplexConfig.cmake, its version file, duplexTargets.cmake)
# and the pkg-config file (duplex.pc). find_package(duplex) works from this
# build tree (-Dduplex_DIR=<build dir>) as from an install (install.cmake).
include(CMakePackageConfigHelpers)

# Where libraries and package files go in an install prefix. A WebAssembly
# build puts them under lib/wasm32-emscripten, the directory Emscripten's own
# sysroot uses for its libraries and the one its CMake toolchain searches
# (CMAKE_LIBRARY_ARCHITECTURE), so one prefix holds a native and a WebAssembly
# duplex side by side; headers are the same files for both.
if(EMSCRIPTEN)
  if(CMAKE_LIBRARY_ARCHITECTURE)
    set(duplex_install_libdir ${CMAKE_INSTALL_LIBDIR}/${CMAKE_LIBRARY_ARCHITECTURE})
  else()
    set(duplex_install_libdir ${CMAKE_INSTALL_LIBDIR}/wasm32-emscripten)
  endif()
  set(duplex_webassembly ON)
else()
  set(duplex_install_libdir ${CMAKE_INSTALL_LIBDIR})
  set(duplex_webassembly OFF)
endif()
set(duplex_install_cmakedir ${duplex_install_libdir}/cmake/duplex)
set(duplex_install_pkgconfigdir ${duplex_install_libdir}/pkgconfig)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/duplexConfig.cmake.in
  ${PROJECT_BINARY_DIR}/duplexConfig.cmake INSTALL_DESTINATION ${duplex_install_cmakedir})
# 0.x: a minor release may break compatibility (see SOVERSION, library.cmake).
# The version file also refuses a package whose pointer size is not the
# consumer's (a wasm32 duplex for a 64-bit program and the other way round).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/duplexConfigVersion.cmake COMPATIBILITY SameMinorVersion)
export(TARGETS ${duplex_export_targets} NAMESPACE duplex:: FILE ${PROJECT_BINARY_DIR}/duplexTargets.cmake)

# duplex.pc, relocatable: paths relative to the file's own directory
# (${pcfiledir}), so `cmake --install --prefix` anywhere gives a working file.
function(duplex_pc_path out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  else()
    set(${out} "\${prefix}/${dir}" PARENT_SCOPE)
  endif()
endfunction()
if(IS_ABSOLUTE "${duplex_install_pkgconfigdir}")
  set(duplex_pc_prefix "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH duplex_pc_up "/root/${duplex_install_pkgconfigdir}" "/root")
  string(REGEX REPLACE "/$" "" duplex_pc_up "${duplex_pc_up}")
  set(duplex_pc_prefix "\${pcfiledir}/${duplex_pc_up}")
endif()
duplex_pc_path(duplex_pc_libdir "${duplex_install_libdir}")
duplex_pc_path(duplex_pc_includedir "${CMAKE_INSTALL_INCLUDEDIR}")
duplex_pc_path(duplex_pc_datadir "${CMAKE_INSTALL_DATADIR}")

# Per build: a static library needs its dependencies on every link line, so
# they are in Requires and Libs (plain `pkg-config --libs` links); a shared
# libduplex carries OpenSSL and zlib itself.
set(duplex_pc_requires "")
if(EMSCRIPTEN)
  set(duplex_pc_kind "WebAssembly, static")
  set(duplex_pc_cflags " -fexceptions")
  set(duplex_pc_libs "-lduplex_wasm -lduplex_core -fexceptions -sALLOW_MEMORY_GROWTH=1")
  string(APPEND duplex_pc_libs " --js-library=\${datadir}/duplex/duplex_websocket.js")
elseif(duplex_shared)
  set(duplex_pc_kind "native, shared")
  set(duplex_pc_cflags " -DDUPLEX_SHARED -DBOOST_ASIO_NO_DEPRECATED")
  set(duplex_pc_libs "-lduplex -pthread")
else()
  set(duplex_pc_kind "native, static")
  set(duplex_pc_requires "Requires: openssl >= 3 zlib\n")
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND NOT DUPLEX_PORTABLE_IO)
    set(duplex_pc_requires "Requires: openssl >= 3 zlib liburing\n")  # the io_uring I/O path
  endif()
  set(duplex_pc_cflags " -DBOOST_ASIO_NO_DEPRECATED")
  set(duplex_pc_libs "-lduplex_native -lduplex_rfc6455 -lduplex_core -pthread")
endif()
if(WIN32 AND NOT EMSCRIPTEN)
  string(APPEND duplex_pc_cflags " -D_WIN32_WINNT=0x0A00")
  string(APPEND duplex_pc_libs " -lws2_32 -lmswsock")
  if(NOT duplex_shared)
    string(APPEND duplex_pc_libs " -lcrypt32 -lbcrypt -lwinhttp")
  endif()
elseif(APPLE AND NOT duplex_shared)
  string(APPEND duplex_pc_libs " -framework Security -framework CoreFoundation -framework CFNetwork")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/duplex.pc.in ${PROJECT_BINARY_DIR}/duplex.pc @ONLY)
