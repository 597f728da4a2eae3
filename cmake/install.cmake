# `cmake --install` (only with DUPLEX_INSTALL, on by default when duplex is the
# top-level project): headers, libraries, the CMake package and duplex.pc.
# Layout of a prefix; a native and a WebAssembly build may share one:
#   include/duplex/...                     headers (the same core headers from both)
#   lib/libduplex_*.a or libduplex.so.*    native libraries
#   lib/cmake/duplex/, lib/pkgconfig/      native CMake package and pkg-config file
#   lib/wasm32-emscripten/...              the same three for WebAssembly
#   share/duplex/duplex_websocket.js       the WebAssembly backend's js-library
#   bin/duplex                             the command-line client (native)
# Components: duplex_Runtime (shared library, client), duplex_Development (the rest).
install(DIRECTORY core/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT duplex_Development)
if(EMSCRIPTEN)
  install(DIRECTORY wasm/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT duplex_Development)
  install(FILES wasm/src/duplex_websocket.js DESTINATION ${CMAKE_INSTALL_DATADIR}/duplex
          COMPONENT duplex_Development)
else()
  install(DIRECTORY native/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT duplex_Development)
endif()

install(TARGETS ${duplex_export_targets} EXPORT duplexTargets
  ARCHIVE DESTINATION ${duplex_install_libdir} COMPONENT duplex_Development
  LIBRARY DESTINATION ${duplex_install_libdir} COMPONENT duplex_Runtime NAMELINK_COMPONENT duplex_Development
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT duplex_Runtime)
install(EXPORT duplexTargets NAMESPACE duplex:: DESTINATION ${duplex_install_cmakedir}
        COMPONENT duplex_Development)
install(FILES ${PROJECT_BINARY_DIR}/duplexConfig.cmake ${PROJECT_BINARY_DIR}/duplexConfigVersion.cmake
        DESTINATION ${duplex_install_cmakedir} COMPONENT duplex_Development)
install(FILES ${PROJECT_BINARY_DIR}/duplex.pc DESTINATION ${duplex_install_pkgconfigdir}
        COMPONENT duplex_Development)

if(TARGET duplex_cli)
  if(duplex_shared AND UNIX AND NOT APPLE AND NOT IS_ABSOLUTE "${CMAKE_INSTALL_BINDIR}"
     AND NOT IS_ABSOLUTE "${duplex_install_libdir}")
    # The installed client finds the installed libduplex wherever the prefix is.
    file(RELATIVE_PATH duplex_bin_to_lib "/root/${CMAKE_INSTALL_BINDIR}" "/root/${duplex_install_libdir}")
    set_target_properties(duplex_cli PROPERTIES INSTALL_RPATH "$ORIGIN/${duplex_bin_to_lib}")
  endif()
  install(TARGETS duplex_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT duplex_Runtime)
endif()
