# node, and the flags a WebAssembly program built here needs to run in it.
#
# DUPLEX_NODE_COMMAND: node followed by those flags, for CROSSCOMPILING_EMULATOR
# and add_test(). The only flag so far is --no-experimental-fetch, and only
# where both hold:
#   - emscripten's loader fetch()es the .wasm under node when node has a
#     global fetch: emscripten before 3.1.14 (fixed by emscripten PR 16917,
#     "Don't use fetch() in Node.js environment", May 2022); fetch() of a file
#     path fails, so the program aborts before main;
#   - node has a global fetch (node >= 18).
# node >= 23 has no such flag ("is an invalid negation because it is not a
# boolean option"): with an emscripten that old, configuring fails and says so.
find_program(DUPLEX_NODE NAMES node nodejs REQUIRED)

set(DUPLEX_NODE_COMMAND ${DUPLEX_NODE})
if(EMSCRIPTEN AND EMSCRIPTEN_VERSION VERSION_LESS 3.1.14)
  execute_process(COMMAND ${DUPLEX_NODE} -e "process.stdout.write(typeof fetch)"
                  OUTPUT_VARIABLE duplex_node_fetch RESULT_VARIABLE duplex_node_status)
  if(duplex_node_status EQUAL 0 AND duplex_node_fetch STREQUAL "function")
    execute_process(COMMAND ${DUPLEX_NODE} --no-experimental-fetch -e ""
                    RESULT_VARIABLE duplex_node_status ERROR_VARIABLE duplex_node_error)
    if(NOT duplex_node_status EQUAL 0)
      message(FATAL_ERROR "emscripten ${EMSCRIPTEN_VERSION} loads the .wasm with fetch() when node has it, "
              "and ${DUPLEX_NODE} cannot turn fetch off (${duplex_node_error}): "
              "use emscripten >= 3.1.14 or node <= 22")
    endif()
    list(APPEND DUPLEX_NODE_COMMAND --no-experimental-fetch)
  endif()
endif()
