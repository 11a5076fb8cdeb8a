# check_output.cmake: runs EXE (under LAUNCHER, a list, when given) and
# compares its stdout with the file EXPECTED; anything on stderr fails. With
# SIGNET_UPDATE_GOLDEN set in the environment, rewrites EXPECTED instead
# (unless NO_UPDATE is set: the memcheck runs only compare). cmake -P script.
execute_process(COMMAND ${LAUNCHER} "${EXE}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} exited with ${rc}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(NOT err STREQUAL "")
  message(FATAL_ERROR "${EXE} wrote to stderr:\n${err}")
endif()
if(DEFINED ENV{SIGNET_UPDATE_GOLDEN} AND NOT NO_UPDATE)
  file(WRITE "${EXPECTED}" "${out}")
  message(STATUS "updated ${EXPECTED}")
  return()
endif()
file(READ "${EXPECTED}" want)
if(NOT out STREQUAL want)
  get_filename_component(name "${EXPECTED}" NAME)
  set(got "${CMAKE_CURRENT_BINARY_DIR}/${name}.actual")
  file(WRITE "${got}" "${out}")
  execute_process(COMMAND diff -u "${EXPECTED}" "${got}" OUTPUT_VARIABLE diff)
  message(FATAL_ERROR "output differs from ${name} (got: ${got}):\n${diff}")
endif()
