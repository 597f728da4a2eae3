# The README's "Coroutines" example, taken from README.md (the ```cpp block
# after its marker comment) at configure time and compiled into a test program
# with main() renamed to duplex_readme_coroutine_example, which
# tests/integration/websocket_stream_test.cpp runs against real servers: the
# README cannot show code that does not build or work.
function(duplex_add_readme_example target)
  set(readme ${PROJECT_SOURCE_DIR}/README.md)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${readme})
  file(READ ${readme} text)
  set(marker "<!-- coroutine example: compiled and run by tests/integration/websocket_stream_test.cpp -->")
  string(FIND "${text}" "${marker}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "README.md: the coroutine example's marker is missing: ${marker}")
  endif()
  string(SUBSTRING "${text}" ${at} -1 text)
  string(FIND "${text}" "```cpp\n" start)
  math(EXPR start "${start} + 7")
  string(SUBSTRING "${text}" ${start} -1 text)
  string(FIND "${text}" "\n```" end)
  math(EXPR end "${end} + 1")
  string(SUBSTRING "${text}" 0 ${end} code)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/readme_coroutine_example.cpp)
  file(WRITE ${out}.new "${code}")
  configure_file(${out}.new ${out} COPYONLY)  # unchanged text: no rebuild
  target_sources(${target} PRIVATE ${out})
  set_source_files_properties(${out} PROPERTIES COMPILE_DEFINITIONS "main=duplex_readme_coroutine_example")
endfunction()
