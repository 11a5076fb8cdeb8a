# run_shared_schema.cmake: configures shared_schema/ (four targets, one
# schema, one output directory) from scratch, builds it with four parallel
# jobs and checks that signetc and re2c each ran exactly once, then runs
# the four programs. cmake -P script; inputs (-D): PROJECT_SOURCE,
# SIGNET_SOURCE_DIR, WORK_DIR, C_COMPILER, GENERATOR, SANITIZE.
cmake_minimum_required(VERSION 3.20)

include(${CMAKE_CURRENT_LIST_DIR}/run.cmake)

file(REMOVE_RECURSE "${WORK_DIR}")
run(${CMAKE_COMMAND} -S "${PROJECT_SOURCE}" -B "${WORK_DIR}" -G "${GENERATOR}"
    -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_BUILD_TYPE=Debug
    -DSIGNET_SOURCE_DIR=${SIGNET_SOURCE_DIR} -DSIGNET_SANITIZE=${SANITIZE})
run(${CMAKE_COMMAND} --build "${WORK_DIR}" --parallel 4)
foreach(tool "signetc: generating" "re2c: generating")
  string(REGEX MATCHALL "${tool}[^\n]*hello" runs "${last_output}")
  list(LENGTH runs n)
  if(NOT n EQUAL 1)
    message(FATAL_ERROR "'${tool}' ran ${n} times for hello.signet, not once:\n${last_output}")
  endif()
endforeach()
foreach(n RANGE 1 4)
  file(GLOB_RECURSE exe "${WORK_DIR}/user${n}")
  if(NOT exe)
    message(FATAL_ERROR "user${n} was not built")
  endif()
  run("${exe}")
  if(NOT last_output STREQUAL "user${n}: shared ${n}\n")
    message(FATAL_ERROR "user${n} printed: ${last_output}")
  endif()
endforeach()
