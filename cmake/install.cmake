# `cmake --install` puts headers, libraries and a package config in place, so
# another CMake project can `find_package(duplex)` and link `duplex::duplex`.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(duplex_install_targets duplex duplex_core)
if(NOT EMSCRIPTEN)
  list(APPEND duplex_install_targets duplex_rfc6455 duplex_native)
  install(DIRECTORY native/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
else()
  list(APPEND duplex_install_targets duplex_wasm)
  install(DIRECTORY wasm/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(FILES wasm/src/duplex_websocket.js DESTINATION ${CMAKE_INSTALL_DATADIR}/duplex)
endif()
install(DIRECTORY core/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS ${duplex_install_targets} EXPORT duplexTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
if(TARGET duplex_cli)
  install(TARGETS duplex_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(EXPORT duplexTargets NAMESPACE duplex:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/duplex)
configure_package_config_file(cmake/duplexConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/duplexConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/duplex)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/duplexConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/duplexConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/duplexConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/duplex)
