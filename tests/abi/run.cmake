# run.cmake: the steps of tests/abi (CMakeLists.txt there lists the tests).
#   -DMODE=build    configure and build signet shared in WORK_DIR: only the
#                   libraries, with debug information (source paths made
#                   relative, so the baselines do not name a checkout), no
#                   sanitizer
#   -DMODE=exports  -DLIB=<lib>: the library's defined dynamic symbols are
#                   all signet_* and all declared in its public header
#   -DMODE=soname   -DLIB=<lib>: its DT_SONAME is lib<lib>.so.<soversion>
#   -DMODE=consumer a project outside signet finds the installed shared
#                   package with find_package(signet), links signet::runtime,
#                   runs, and needs libsignet.so.<soversion> (DT_NEEDED)
#   -DMODE=diff     -DLIB=<lib>: abidw of the library against
#                   BASELINE_DIR/lib<lib>.abi with abidiff; with -DUPDATE=1 or
#                   SIGNET_UPDATE_GOLDEN=1 in the environment, rewrites the
#                   baseline instead
cmake_minimum_required(VERSION 3.20)
include(${CMAKE_CURRENT_LIST_DIR}/../install/run.cmake)

if(NOT DEFINED UPDATE AND DEFINED ENV{SIGNET_UPDATE_GOLDEN})
  set(UPDATE "$ENV{SIGNET_UPDATE_GOLDEN}")
endif()
set(build "${WORK_DIR}/build")
if(LIB STREQUAL "signet")
  set(file "${build}/runtime/libsignet.so")
  set(header "${SIGNET_SOURCE_DIR}/runtime/include/signet.h")
elseif(LIB STREQUAL "signet_mqtt")
  set(file "${build}/mqtt/libsignet_mqtt.so")
  set(header "${SIGNET_SOURCE_DIR}/mqtt/include/signet_mqtt.h")
endif()

if(MODE STREQUAL "build")
  file(REMOVE_RECURSE "${WORK_DIR}")
  file(MAKE_DIRECTORY "${WORK_DIR}")
  set(targets --target signet_runtime)
  if(WITH_MQTT)
    list(APPEND targets signet_mqtt)
  endif()
  run(${CMAKE_COMMAND} -S "${SIGNET_SOURCE_DIR}" -B "${build}" -G "${GENERATOR}"
      -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_BUILD_TYPE=Debug -DBUILD_SHARED_LIBS=ON
      "-DCMAKE_C_FLAGS=-fdebug-prefix-map=${SIGNET_SOURCE_DIR}=signet"
      -DSIGNET_BUILD_TESTS=OFF -DSIGNET_BUILD_EXAMPLES=OFF -DSIGNET_BUILD_BENCH=OFF
      -DSIGNET_INSTALL=ON "-DCMAKE_INSTALL_PREFIX=${WORK_DIR}/prefix" -DSIGNET_MQTT=${WITH_MQTT})
  run(${CMAKE_COMMAND} --build "${build}")
  run(${CMAKE_COMMAND} --install "${build}")
  return()
endif()

if(MODE STREQUAL "consumer")
  set(src "${WORK_DIR}/consumer")
  file(REMOVE_RECURSE "${src}")
  file(WRITE "${src}/CMakeLists.txt" [=[
cmake_minimum_required(VERSION 3.20)
project(shared_consumer LANGUAGES C)
find_package(signet 0.1 CONFIG REQUIRED)
get_target_property(type signet::runtime TYPE)
if(NOT type STREQUAL "SHARED_LIBRARY")
  message(FATAL_ERROR "signet::runtime is ${type}, expected SHARED_LIBRARY")
endif()
add_executable(consumer main.c)
target_link_libraries(consumer PRIVATE signet::runtime)
]=])
  file(WRITE "${src}/main.c" [=[
#include <stdio.h>
#include <string.h>
#include <signet.h>

int main(void)
{
    signet_bus *bus;
    if (signet_bus_create(NULL, &bus) != 0)
        return 1;
    int rc = signet_bus_destroy(bus);
    puts(signet_strerror(SIGNET_ENOENT));
    return rc == 0 && strstr(signet_strerror(SIGNET_ENOENT), "no such connection") ? 0 : 1;
}
]=])
  run(${CMAKE_COMMAND} -S "${src}" -B "${src}/build" -G "${GENERATOR}"
      -DCMAKE_C_COMPILER=${C_COMPILER} "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix")
  run(${CMAKE_COMMAND} --build "${src}/build")
  run("${src}/build/consumer")
  run(${OBJDUMP} -p "${src}/build/consumer")
  string(REGEX MATCH "^[0-9]+\\.[0-9]+" majmin "${VERSION}")
  if(NOT last_output MATCHES "NEEDED +libsignet\\.so\\.${majmin}\n")
    message(FATAL_ERROR "consumer does not need libsignet.so.${majmin}:\n${last_output}")
  endif()
  return()
endif()

if(NOT EXISTS "${file}")
  message(FATAL_ERROR "${file} is missing (abi_shared_build failed?)")
endif()

if(MODE STREQUAL "exports")
  run(${NM} -D --defined-only "${file}")
  file(READ "${header}" text)
  string(REGEX REPLACE "\n$" "" lines "${last_output}")
  string(REPLACE "\n" ";" lines "${lines}")
  set(bad "")
  set(count 0)
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^.* " "" sym "${line}")
    math(EXPR count "${count} + 1")
    if(NOT sym MATCHES "^signet_")
      string(APPEND bad "  ${sym}: not a signet_ symbol\n")
    elseif(NOT text MATCHES "[^A-Za-z0-9_]${sym}[( ;]")
      string(APPEND bad "  ${sym}: not declared in ${header}\n")
    endif()
  endforeach()
  if(bad OR count EQUAL 0)
    message(FATAL_ERROR "lib${LIB}.so exports ${count} symbols, these wrongly:\n${bad}")
  endif()
  message(STATUS "lib${LIB}.so exports ${count} symbols, each declared in its header")
elseif(MODE STREQUAL "soname")
  run(${OBJDUMP} -p "${file}")
  string(REGEX MATCH "SONAME +([^\n]+)" _ "${last_output}")
  set(soname "${CMAKE_MATCH_1}")
  string(REGEX MATCH "^[0-9]+\\.[0-9]+" majmin "${VERSION}")
  set(want "lib${LIB}.so.${majmin}")
  if(NOT soname STREQUAL want)
    message(FATAL_ERROR "soname of ${file} is '${soname}', expected '${want}'")
  endif()
elseif(MODE STREQUAL "diff")
  set(baseline "${BASELINE_DIR}/lib${LIB}.abi")
  set(current "${WORK_DIR}/lib${LIB}.abi")
  get_filename_component(incdir "${header}" DIRECTORY)
  run(${ABIDW} --no-corpus-path --no-comp-dir-path --no-show-locs --no-architecture
      --headers-dir "${incdir}" --drop-private-types --out-file "${current}" "${file}")
  if(UPDATE)
    file(COPY_FILE "${current}" "${baseline}")
    message(STATUS "updated ${baseline}")
    return()
  endif()
  if(NOT EXISTS "${baseline}")
    message(FATAL_ERROR "missing baseline ${baseline} (run with SIGNET_UPDATE_GOLDEN=1 to create it)")
  endif()
  execute_process(COMMAND ${ABIDIFF} --no-architecture "${baseline}" "${current}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "lib${LIB}.so's ABI differs from ${baseline} (abidiff exit ${rc}):\n${out}\n"
      "If the change is intended, rewrite the baseline:\n"
      "  SIGNET_UPDATE_GOLDEN=1 ctest --test-dir <build> -R abi_\n"
      "and bump SIGNET_ABI or the version where docs/testing.md says so.")
  endif()
else()
  message(FATAL_ERROR "run.cmake: unknown MODE '${MODE}'")
endif()
