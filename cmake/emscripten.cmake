# Toolchain file of the wasm presets: finds Emscripten's own toolchain file
#   1. in the emsdk that $EMSDK names (emsdk_env.sh sets it);
#   2. next to the em++ on PATH (an emsdk or a source checkout put there by hand);
#   3. at Debian's path (package emscripten).
# Any other install: pass its Emscripten.cmake with --toolchain, or use emcmake.
set(duplex_emscripten_module cmake/Modules/Platform/Emscripten.cmake)
set(duplex_emscripten_candidates)
if(DEFINED ENV{EMSDK})
  list(APPEND duplex_emscripten_candidates "$ENV{EMSDK}/upstream/emscripten/${duplex_emscripten_module}")
endif()
find_program(duplex_empp em++ NO_CACHE)
if(duplex_empp)
  file(REAL_PATH "${duplex_empp}" duplex_empp_real)
  get_filename_component(duplex_empp_dir "${duplex_empp_real}" DIRECTORY)
  list(APPEND duplex_emscripten_candidates "${duplex_empp_dir}/${duplex_emscripten_module}")
endif()
list(APPEND duplex_emscripten_candidates "/usr/share/emscripten/${duplex_emscripten_module}")

foreach(candidate IN LISTS duplex_emscripten_candidates)
  if(EXISTS "${candidate}")
    include("${candidate}")
    return()
  endif()
endforeach()
list(JOIN duplex_emscripten_candidates "\n  " duplex_emscripten_tried)
message(FATAL_ERROR "no Emscripten toolchain file found; tried:\n  ${duplex_emscripten_tried}\n"
        "Activate an emsdk (source emsdk_env.sh), install Debian's emscripten, or pass --toolchain")
