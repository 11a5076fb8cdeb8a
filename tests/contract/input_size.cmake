# input_size.cmake: signetc reads a schema of exactly 64 MiB and refuses one
# byte more with a clear error (the cap bounds every other schema size:
# declarations, patterns, enum values).
#
#   cmake -DSIGNETC=<signetc> -DWORK=<dir> -P input_size.cmake
cmake_minimum_required(VERSION 3.20)
foreach(var SIGNETC WORK)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "input_size.cmake: -D${var}=... is required")
  endif()
endforeach()

set(limit 67108864) # 64 MiB
set(head "namespace big;\nsignal s;\n")
string(LENGTH "${head}" head_len)
math(EXPR pad "${limit} - ${head_len}")
string(REPEAT " " ${pad} spaces)
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(WRITE "${WORK}/at_limit.signet" "${head}${spaces}")
file(WRITE "${WORK}/over_limit.signet" "${head}${spaces} ")
set(spaces "")

set(failed "")
foreach(case at_limit over_limit)
  file(SIZE "${WORK}/${case}.signet" size)
  execute_process(COMMAND "${SIGNETC}" --check ${case}.signet WORKING_DIRECTORY "${WORK}"
    RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
  file(REMOVE "${WORK}/${case}.signet")
  if(case STREQUAL "at_limit")
    if(NOT size EQUAL limit OR NOT rc EQUAL 0 OR NOT err STREQUAL "")
      string(APPEND failed "${size} bytes: expected exit 0 and no message, got ${rc}: ${err}\n")
    endif()
  else()
    math(EXPR over "${limit} + 1")
    if(NOT size EQUAL over OR NOT rc EQUAL 1 OR
       NOT err STREQUAL "signetc: cannot read 'over_limit.signet': larger than 64 MiB\n")
      string(APPEND failed
        "${size} bytes: expected exit 1 and 'larger than 64 MiB', got ${rc}: ${err}\n")
    endif()
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "${failed}")
endif()
