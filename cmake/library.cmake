# The libraries duplex is built as, and the targets applications link.
#
# Static (the default): one archive per part, as the tests link them:
#   duplex::core      libduplex_core.a     the WHATWG state machine
#   duplex::rfc6455   libduplex_rfc6455.a  the sans-IO RFC 6455 engine (native)
#   duplex::native    libduplex_native.a   the Asio / OpenSSL backend
#   duplex::wasm      libduplex_wasm.a     the WebAssembly backend
#   duplex::duplex    core plus this platform's backend (what applications link)
# Shared (BUILD_SHARED_LIBS or DUPLEX_SHARED_LIBS, native only): the parts are
# compiled once into one library, libduplex.so.<SOVERSION>, since native calls
# into the engine's and core's internals, which a split into three shared
# libraries would have to export. duplex::core, duplex::rfc6455 and
# duplex::native are then names for that library, so a project written against
# the static parts links unchanged. Only DUPLEX_API declarations are exported
# (hidden visibility elsewhere).

# duplex_add_component(<target> <sources>...): one part of the library: a
# static library, or in a shared build the objects that go into libduplex.
function(duplex_add_component target)
  if(duplex_shared)
    add_library(${target} OBJECT ${ARGN})
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON
      CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
    target_compile_definitions(${target} PUBLIC DUPLEX_SHARED PRIVATE DUPLEX_EXPORTS)
  else()
    add_library(${target} STATIC ${ARGN})
  endif()
endfunction()

# SONAME: while the major version is 0, every minor release may change the ABI
# (Semantic Versioning §4), so the SOVERSION is major.minor (0.1:
# libduplex.so.0.1); from 1.0 on it is the major version alone. The CMake
# package's version file (SameMinorVersion) makes the same promise.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(duplex_soversion ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
else()
  set(duplex_soversion ${PROJECT_VERSION_MAJOR})
endif()

# duplex_add_library(): the `duplex` target and the duplex:: names, once the
# parts exist; sets duplex_export_targets, what the CMake package exports.
function(duplex_add_library)
  if(EMSCRIPTEN)
    set(duplex_components core wasm)
  else()
    set(duplex_components core rfc6455 native)
  endif()

  if(NOT duplex_shared)
    add_library(duplex INTERFACE)
    if(EMSCRIPTEN)
      target_link_libraries(duplex INTERFACE duplex_core duplex_wasm)
    else()
      target_link_libraries(duplex INTERFACE duplex_core duplex_native)
    endif()
    set(duplex_export_targets duplex)
    foreach(component IN LISTS duplex_components)
      set_target_properties(duplex_${component} PROPERTIES EXPORT_NAME ${component})
      add_library(duplex::${component} ALIAS duplex_${component})
      list(APPEND duplex_export_targets duplex_${component})
    endforeach()
  else()
    add_library(duplex SHARED)
    # The objects of every part (an object library gives them to the target
    # that links it directly), with the parts' private dependencies.
    target_link_libraries(duplex PRIVATE duplex_core duplex_rfc6455 duplex_native)
    set_target_properties(duplex PROPERTIES VERSION ${PROJECT_VERSION} SOVERSION ${duplex_soversion}
      CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
    # What a program using the public headers needs (the parts' usage
    # requirements, less OpenSSL and zlib: the library carries those itself).
    target_include_directories(duplex PUBLIC
      $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/core/include>
      $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/native/include>
      $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    target_compile_features(duplex PUBLIC cxx_std_20)
    target_compile_definitions(duplex PUBLIC DUPLEX_SHARED BOOST_ASIO_NO_DEPRECATED)
    # asio_backend.hpp brings Asio's inline code into the program.
    target_link_libraries(duplex PUBLIC Boost::headers Threads::Threads)
    if(WIN32)
      target_compile_definitions(duplex PUBLIC _WIN32_WINNT=0x0A00)
      target_link_libraries(duplex PUBLIC ws2_32 mswsock)
    endif()
    set(duplex_export_targets duplex)
    foreach(component IN LISTS duplex_components)
      add_library(duplex_${component}_name INTERFACE)
      target_link_libraries(duplex_${component}_name INTERFACE duplex)
      set_target_properties(duplex_${component}_name PROPERTIES EXPORT_NAME ${component})
      add_library(duplex::${component} ALIAS duplex_${component}_name)
      list(APPEND duplex_export_targets duplex_${component}_name)
    endforeach()
  endif()
  add_library(duplex::duplex ALIAS duplex)
  set(duplex_export_targets ${duplex_export_targets} PARENT_SCOPE)
endfunction()
