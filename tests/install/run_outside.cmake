# run_outside.cmake: builds examples/pkg_config, a project outside CMake,
# against signet installed into a prefix, found only through pkg-config,
# then runs it and compares its output with the expected lines. With
# WITH_MQTT (signet was built with the MQTT bridge) it also builds
# greet_mqtt against signet_mqtt.pc and runs it with no broker there.
# cmake -P script; inputs (-D): MODE (make|meson), SIGNET_BUILD_DIR,
# EXAMPLE_SOURCE, WORK_DIR, C_COMPILER, CONFIG, PKG_CONFIG, WITH_MQTT, and
# TOOL (make, or meson).
cmake_minimum_required(VERSION 3.20)

include(${CMAKE_CURRENT_LIST_DIR}/run.cmake)

set(config_arg)
if(CONFIG)
  set(config_arg --config ${CONFIG})
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
file(COPY "${EXAMPLE_SOURCE}/" DESTINATION "${WORK_DIR}/src")
set(prefix "${WORK_DIR}/prefix")
run(${CMAKE_COMMAND} --install "${SIGNET_BUILD_DIR}" --prefix "${prefix}" ${config_arg})
file(GLOB_RECURSE pc "${prefix}/*/pkgconfig/signet.pc")
if(NOT pc)
  message(FATAL_ERROR "not installed: lib/pkgconfig/signet.pc")
endif()
get_filename_component(pc_dir "${pc}" DIRECTORY)
if(WITH_MQTT AND NOT EXISTS "${pc_dir}/signet_mqtt.pc")
  message(FATAL_ERROR "not installed: lib/pkgconfig/signet_mqtt.pc")
endif()
# Only the installed package: no other pkg-config directory is searched.
set(env ${CMAKE_COMMAND} -E env PKG_CONFIG_LIBDIR=${pc_dir} PKG_CONFIG_PATH= CC=${C_COMPILER})

# The installed signetc, named by the .pc file, is the one in the prefix.
run(${env} ${PKG_CONFIG} --variable=signetc signet)
string(STRIP "${last_output}" signetc)
file(REAL_PATH "${signetc}" signetc)
file(REAL_PATH "${prefix}/bin/signetc" expected_signetc)
if(NOT signetc STREQUAL expected_signetc)
  message(FATAL_ERROR "signet.pc names ${signetc}, not the installed ${expected_signetc}")
endif()

if(MODE STREQUAL "make")
  run(${env} ${TOOL} -C "${WORK_DIR}/src" CC=${C_COMPILER})
  set(exe "${WORK_DIR}/src/greet")
  # Nothing to do the second time.
  run(${env} ${TOOL} -C "${WORK_DIR}/src" CC=${C_COMPILER})
  if(NOT last_output MATCHES "is up to date")
    message(FATAL_ERROR "a second make rebuilt something:\n${last_output}")
  endif()
  if(WITH_MQTT)
    run(${env} ${TOOL} -C "${WORK_DIR}/src" CC=${C_COMPILER} greet_mqtt)
  endif()
  set(mqtt_exe "${WORK_DIR}/src/greet_mqtt")
elseif(MODE STREQUAL "meson")
  run(${env} ${TOOL} setup "${WORK_DIR}/build" "${WORK_DIR}/src")
  run(${env} ${TOOL} compile -C "${WORK_DIR}/build")
  set(exe "${WORK_DIR}/build/greet")
  set(mqtt_exe "${WORK_DIR}/build/greet_mqtt")
else()
  message(FATAL_ERROR "MODE must be make or meson")
endif()

run("${exe}")
set(expected "greet: greetings/world: hello world (1)\ngreet: greetings/make: hello make (2)\ngreet: 2 greetings\n")
if(NOT last_output STREQUAL expected)
  message(FATAL_ERROR "greet printed:\n${last_output}\nexpected:\n${expected}")
endif()

# greet_mqtt, linked with nothing but what signet_mqtt.pc gives, runs: with
# no broker on port 1 it says so and exits 1.
if(WITH_MQTT)
  if(NOT EXISTS "${mqtt_exe}")
    message(FATAL_ERROR "greet_mqtt was not built: ${mqtt_exe}")
  endif()
  execute_process(COMMAND "${mqtt_exe}" 1 RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 1 OR NOT err MATCHES "greet_mqtt: the broker at 127.0.0.1:1: not connected to the broker")
    message(FATAL_ERROR "greet_mqtt without a broker exited ${rc}:\n${out}${err}")
  endif()
endif()
