# run_consumer.cmake: builds and runs consumer/ as an outside project.
# cmake -P script; inputs (-D): MODE (install|subdir), CONSUMER_SOURCE,
# WORK_DIR, C_COMPILER, GENERATOR, SANITIZE, CONFIG, WITH_MQTT (signet was
# built with the MQTT bridge: the consumer must find signet::mqtt, and its
# consumer_mqtt is built and run too), and SIGNET_BUILD_DIR (install) or
# SIGNET_SOURCE_DIR (subdir).
cmake_minimum_required(VERSION 3.20)

include(${CMAKE_CURRENT_LIST_DIR}/run.cmake)

# CONFIG is the configuration of signet's own build ($<CONFIG>, empty for a
# single-configuration build without CMAKE_BUILD_TYPE): install exactly that.
set(config_arg)
if(CONFIG)
  set(config_arg --config ${CONFIG})
else()
  set(CONFIG Debug)
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
# A copy, so the regeneration checks below can touch the schema.
file(COPY "${CONSUMER_SOURCE}/" DESTINATION "${WORK_DIR}/src")
set(bld "${WORK_DIR}/build")
set(configure_args -S "${WORK_DIR}/src" -B "${bld}" -G "${GENERATOR}"
  -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_BUILD_TYPE=${CONFIG} -DCONSUMER_MQTT=${WITH_MQTT})

if(MODE STREQUAL "install")
  set(prefix "${WORK_DIR}/prefix")
  run(${CMAKE_COMMAND} --install "${SIGNET_BUILD_DIR}" --prefix "${prefix}" ${config_arg})
  # The documentation too: generated headers and signet.h cite docs/*.md.
  foreach(f bin/signetc include/signet.h share/man/man1/signetc.1 share/doc/signet/README.md
      share/doc/signet/docs/design.md share/doc/signet/docs/topics.md)
    if(NOT EXISTS "${prefix}/${f}")
      message(FATAL_ERROR "not installed: ${f}")
    endif()
  endforeach()
  if(WITH_MQTT)
    file(GLOB_RECURSE mqtt_lib "${prefix}/*/libsignet_mqtt.a" "${prefix}/*/libsignet_mqtt.so")
    if(NOT EXISTS "${prefix}/include/signet_mqtt.h" OR NOT mqtt_lib)
      message(FATAL_ERROR "not installed: include/signet_mqtt.h or libsignet_mqtt (.a or .so)")
    endif()
  endif()
  file(GLOB_RECURSE cfg "${prefix}/*/signetConfig.cmake")
  file(GLOB tmpl "${prefix}/share/signet/templates/*.m4")
  if(NOT cfg OR NOT tmpl)
    message(FATAL_ERROR "not installed: signetConfig.cmake or share/signet/templates/")
  endif()
  # The installed signetc finds its templates by itself (bin/../share/...).
  file(MAKE_DIRECTORY "${WORK_DIR}/bare")
  run("${prefix}/bin/signetc" -o "${WORK_DIR}/bare" "${WORK_DIR}/src/hello.signet")
  if(NOT EXISTS "${WORK_DIR}/bare/hello.signet.h" OR NOT EXISTS "${WORK_DIR}/bare/hello.signet.c")
    message(FATAL_ERROR "the installed signetc without --templates wrote nothing")
  endif()
  run(${CMAKE_COMMAND} ${configure_args} -DCMAKE_PREFIX_PATH=${prefix}
      -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
  # It must be the installed package that was found, not the build tree.
  file(STRINGS "${bld}/CMakeCache.txt" dir REGEX "^signet_DIR:")
  string(FIND "${dir}" "${prefix}/" at)
  if(NOT at GREATER -1)
    message(FATAL_ERROR "found the wrong signet package: ${dir}")
  endif()
elseif(MODE STREQUAL "subdir")
  run(${CMAKE_COMMAND} ${configure_args} -DSIGNET_SOURCE_DIR=${SIGNET_SOURCE_DIR}
      -DSIGNET_SANITIZE=${SANITIZE})
else()
  message(FATAL_ERROR "MODE must be install or subdir")
endif()

set(build_cmd ${CMAKE_COMMAND} --build "${bld}" --config ${CONFIG})
run(${build_cmd})
if(NOT last_output MATCHES "signetc: generating")
  message(FATAL_ERROR "the first build did not run signetc:\n${last_output}")
endif()

file(GLOB_RECURSE exe "${bld}/consumer" "${bld}/consumer.exe")
if(NOT exe)
  message(FATAL_ERROR "consumer executable not found under ${bld}")
endif()
list(GET exe 0 exe)
run("${exe}")
message(STATUS "consumer says: ${last_output}")
if(NOT last_output MATCHES "consumer: ok")
  message(FATAL_ERROR "the consumer did not report success")
endif()

if(WITH_MQTT)
  file(GLOB_RECURSE exe "${bld}/consumer_mqtt" "${bld}/consumer_mqtt.exe")
  if(NOT exe)
    message(FATAL_ERROR "consumer_mqtt executable not found under ${bld}")
  endif()
  list(GET exe 0 exe)
  run("${exe}")
  message(STATUS "consumer_mqtt says: ${last_output}")
  if(NOT last_output MATCHES "consumer_mqtt: ok")
    message(FATAL_ERROR "consumer_mqtt did not report success")
  endif()
endif()

if(MODE STREQUAL "install")
  # Regeneration: a build with nothing changed runs nothing; touching the
  # schema or a template runs signetc again.
  run(${build_cmd})
  if(last_output MATCHES "signetc: generating")
    message(FATAL_ERROR "an up-to-date build ran signetc again:\n${last_output}")
  endif()
  list(GET tmpl 0 one_template)
  foreach(touched "${WORK_DIR}/src/hello.signet" "${one_template}")
    execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
    file(TOUCH "${touched}")
    run(${build_cmd})
    if(NOT last_output MATCHES "signetc: generating")
      message(FATAL_ERROR "touching ${touched} did not regenerate:\n${last_output}")
    endif()
  endforeach()
endif()
