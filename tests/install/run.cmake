# run.cmake: run(<command>...) for the cmake -P scripts of tests/install:
# runs the command, keeps its stdout and stderr in last_output (in the
# caller's scope) and stops the script with both when it fails.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  set(last_output "${out}" PARENT_SCOPE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
  endif()
endfunction()
