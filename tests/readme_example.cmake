# The README's examples, taken from README.md (the ```cpp block after each
# marker comment) at configure time and compiled into a test program with
# main() renamed: the README cannot show code that does not build. The
# coroutine example, as duplex_readme_coroutine_example, is also run against
# real servers by tests/integration/websocket_stream_test.cpp; the callback
# example and the native-only Asio example (tests/CMakeLists.txt adds it to
# native_tests) have a made-up server address and are compiled only.

# Adds the ```cpp block after `marker` in README.md to `target`, its main()
# renamed to `function`.
function(duplex_add_readme_block target marker function)
  set(readme ${PROJECT_SOURCE_DIR}/README.md)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${readme})
  file(READ ${readme} text)
  string(FIND "${text}" "${marker}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "README.md: an example's marker is missing: ${marker}")
  endif()
  string(SUBSTRING "${text}" ${at} -1 text)
  string(FIND "${text}" "```cpp\n" start)
  math(EXPR start "${start} + 7")
  string(SUBSTRING "${text}" ${start} -1 text)
  string(FIND "${text}" "\n```" end)
  math(EXPR end "${end} + 1")
  string(SUBSTRING "${text}" 0 ${end} code)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${function}.cpp)
  file(WRITE ${out}.new "${code}")
  configure_file(${out}.new ${out} COPYONLY)  # unchanged text: no rebuild
  target_sources(${target} PRIVATE ${out})
  set_source_files_properties(${out} PROPERTIES COMPILE_DEFINITIONS "main=${function}")
endfunction()

function(duplex_add_readme_example target)
  duplex_add_readme_block(${target}
    "<!-- coroutine example: compiled and run by tests/integration/websocket_stream_test.cpp -->"
    duplex_readme_coroutine_example)
  duplex_add_readme_block(${target} "<!-- callback example: compiled by tests/readme_example.cmake -->"
    duplex_readme_callback_example)
endfunction()
