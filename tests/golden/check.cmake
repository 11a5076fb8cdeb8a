# check.cmake: one golden-directory test, run as
#   cmake -DMODE=<mode> -DSIGNETC=<exe> -DTEMPLATES=<dir> -DSCHEMA=<file>
#         -DWORK=<scratch dir> [...] -P check.cmake
#
# MODE golden         (KIND=header|source|match, GOLDEN=<file>, UPDATE=<bool>)
#   signetc's .h, .private.h, .c or .match.re for SCHEMA equals GOLDEN byte
#   for byte (KIND=header|private|source|match). With UPDATE
#   set, or SIGNET_UPDATE_GOLDEN=1 in the environment, GOLDEN is rewritten
#   instead (review the diff before committing it).
# MODE deterministic  two runs, into different directories, from a relative
#   and an absolute schema path, give byte-identical files.
# MODE depfile        --depfile names the four outputs, the schema and the templates.
# MODE trace          --trace-m4 writes the facts; m4 over them and the
#   templates gives the same header again.
# MODE no_templates   a missing template directory is a clear error, with
#   --templates and without (executable not installed next to templates).
# MODE bad_template   (BAD=leftover|undefined|m4_error) a template bug is an
#   error naming the template, and no output file is left behind.
cmake_minimum_required(VERSION 3.20)

foreach(v MODE SIGNETC TEMPLATES SCHEMA WORK)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check.cmake: -D${v}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
get_filename_component(name "${SCHEMA}" NAME)
string(REGEX REPLACE "\\.signet$" "" base "${name}")

# run(<out dir> [args...]): runs signetc; sets rc, out, err in the caller.
# The expect_* functions read them (functions, so patterns keep their
# backslashes).
macro(run dir)
  execute_process(COMMAND "${SIGNETC}" -o "${dir}" ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
endmacro()

function(expect_ok what)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what}: signetc exited with ${rc}\n${out}${err}")
  endif()
endfunction()

function(expect_error what pattern)
  if(rc EQUAL 0)
    message(FATAL_ERROR "${what}: signetc succeeded; it should have failed")
  endif()
  if(NOT rc EQUAL 1)
    message(FATAL_ERROR "${what}: exit status ${rc}, expected 1\n${err}")
  endif()
  if(NOT err MATCHES "${pattern}")
    message(FATAL_ERROR "${what}: stderr does not match '${pattern}':\n${err}")
  endif()
endfunction()

function(expect_same a b)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${a}" "${b}" RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    execute_process(COMMAND diff -u "${a}" "${b}" OUTPUT_VARIABLE d)
    message(FATAL_ERROR "${a} and ${b} differ\n${d}")
  endif()
endfunction()

if(MODE STREQUAL "golden")
  if(KIND STREQUAL "header")
    set(ext h)
  elseif(KIND STREQUAL "private")
    set(ext private.h)
  elseif(KIND STREQUAL "match")
    set(ext match.re)
  else()
    set(ext c)
  endif()
  run("${WORK}" --templates "${TEMPLATES}" "${SCHEMA}")
  expect_ok("${name}")
  set(got "${WORK}/${base}.signet.${ext}")
  if(UPDATE OR "$ENV{SIGNET_UPDATE_GOLDEN}")
    file(COPY_FILE "${got}" "${GOLDEN}" ONLY_IF_DIFFERENT)
    message(STATUS "updated ${GOLDEN}")
    return()
  endif()
  if(NOT EXISTS "${GOLDEN}")
    message(FATAL_ERROR "no golden file ${GOLDEN}; create it with SIGNET_UPDATE_GOLDEN=1")
  endif()
  execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${GOLDEN}" "${got}"
    RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    execute_process(COMMAND diff -u "${GOLDEN}" "${got}" OUTPUT_VARIABLE d)
    message(FATAL_ERROR "${got} differs from the golden file "
      "(SIGNET_UPDATE_GOLDEN=1 ctest -R golden_ rewrites it):\n${d}")
  endif()

elseif(MODE STREQUAL "deterministic")
  get_filename_component(dir "${SCHEMA}" DIRECTORY)
  file(MAKE_DIRECTORY "${WORK}/one" "${WORK}/two/deeper")
  run("${WORK}/one" --templates "${TEMPLATES}" "${SCHEMA}")
  expect_ok("first run")
  file(RELATIVE_PATH rel "${dir}" "${SCHEMA}")
  execute_process(COMMAND "${SIGNETC}" -o "${WORK}/two/deeper" --templates "${TEMPLATES}" "${rel}"
    WORKING_DIRECTORY "${dir}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  expect_ok("second run")
  foreach(ext h private.h c match.re)
    expect_same("${WORK}/one/${base}.signet.${ext}" "${WORK}/two/deeper/${base}.signet.${ext}")
    file(READ "${WORK}/one/${base}.signet.${ext}" text)
    string(FIND "${text}" "${WORK}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "${base}.signet.${ext} contains the output path")
    endif()
  endforeach()
  file(GLOB left "${WORK}/one/*" "${WORK}/two/deeper/*")
  list(LENGTH left n)
  if(NOT n EQUAL 8)
    message(FATAL_ERROR "expected exactly the .h, .private.h, .c and .match.re in each output directory, "
                        "found: ${left}")
  endif()

elseif(MODE STREQUAL "depfile")
  run("${WORK}" --templates "${TEMPLATES}" --depfile "${WORK}/${base}.d" "${SCHEMA}")
  expect_ok("signetc --depfile")
  file(READ "${WORK}/${base}.d" d)
  set(want "${WORK}/${base}.signet.h ${WORK}/${base}.signet.private.h ${WORK}/${base}.signet.c ${WORK}/${base}.signet.match.re: ${SCHEMA}")
  foreach(t lib.m4 header.m4 private.m4 source.m4 matcher.m4)
    string(APPEND want " ${TEMPLATES}/${t}")
  endforeach()
  string(APPEND want "\n")
  if(NOT d STREQUAL want)
    message(FATAL_ERROR "depfile is\n${d}\nexpected\n${want}")
  endif()

elseif(MODE STREQUAL "trace")
  run("${WORK}" --templates "${TEMPLATES}" --trace-m4 "${WORK}/facts.m4" "${SCHEMA}")
  expect_ok("signetc --trace-m4")
  file(READ "${WORK}/facts.m4" facts)
  if(NOT facts MATCHES "m4_define\\(@{sig4_schema\\(ns\\)}@, @{[a-z_]+}@\\)")
    message(FATAL_ERROR "the trace holds no sig4_schema(ns) fact:\n${facts}")
  endif()
  find_program(M4 NAMES m4 REQUIRED)
  execute_process(COMMAND "${M4}" -P "${TEMPLATES}/lib.m4" "${WORK}/facts.m4"
      "${TEMPLATES}/header.m4"
    OUTPUT_FILE "${WORK}/by_hand.h" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "m4 over the traced facts failed (${rc})")
  endif()
  expect_same("${WORK}/${base}.signet.h" "${WORK}/by_hand.h")

elseif(MODE STREQUAL "no_templates")
  run("${WORK}" --templates "${WORK}/nowhere" "${SCHEMA}")
  expect_error("--templates <missing dir>"
    "signetc: cannot find templates in '[^']*nowhere' \\(no lib.m4 there\\); pass --templates DIR")
  # A copy of signetc with no ../share/signet/templates beside it.
  file(MAKE_DIRECTORY "${WORK}/bin")
  file(COPY "${SIGNETC}" DESTINATION "${WORK}/bin")
  get_filename_component(exe "${SIGNETC}" NAME)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E env --unset=SIGNET_TEMPLATE_DIR
      "${WORK}/bin/${exe}" -o "${WORK}" "${SCHEMA}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  expect_error("no --templates" "^signetc: cannot find templates; pass --templates DIR\n$")
  # SIGNET_TEMPLATE_DIR is used when there is no --templates.
  execute_process(COMMAND "${CMAKE_COMMAND}" -E env "SIGNET_TEMPLATE_DIR=${TEMPLATES}"
      "${WORK}/bin/${exe}" -o "${WORK}" "${SCHEMA}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  expect_ok("SIGNET_TEMPLATE_DIR")
  if(NOT EXISTS "${WORK}/${base}.signet.h")
    message(FATAL_ERROR "SIGNET_TEMPLATE_DIR: no header written")
  endif()

elseif(MODE STREQUAL "bad_template")
  # A copy of the templates with one bug in header.m4.
  file(COPY "${TEMPLATES}/" DESTINATION "${WORK}/tmpl")
  file(READ "${WORK}/tmpl/header.m4" h)
  if(BAD STREQUAL "leftover")
    string(APPEND h "sig4_not_a_macro\n")
    set(pattern "signetc: header.m4: unexpanded template macro or quote 'sig4_not_a_macro' in line [0-9]+ of the output")
  elseif(BAD STREQUAL "undefined")
    string(APPEND h "sig4_schema(no_such_fact)\n")
    set(pattern "signetc: header.m4:[0-9]+: undefined fact sig4_schema\\(no_such_fact\\)\nsignetc: header.m4: [^\n]* failed \\(exit status 1\\)")
  else()
    string(APPEND h "m4_include(@{no-such-file.m4}@)\n")
    set(pattern "signetc: header.m4: [^\n]* failed \\(exit status 1\\)")
  endif()
  file(WRITE "${WORK}/tmpl/header.m4" "${h}")
  file(MAKE_DIRECTORY "${WORK}/out")
  # An older header must survive a failed run untouched.
  file(WRITE "${WORK}/out/${base}.signet.h" "/* previous */\n")
  run("${WORK}/out" --templates "${WORK}/tmpl" "${SCHEMA}")
  expect_error("template bug '${BAD}'" "${pattern}")
  file(READ "${WORK}/out/${base}.signet.h" h)
  if(NOT h STREQUAL "/* previous */\n")
    message(FATAL_ERROR "the failed run overwrote ${base}.signet.h")
  endif()
  file(GLOB left RELATIVE "${WORK}/out" "${WORK}/out/*")
  if(NOT left STREQUAL "${base}.signet.h")
    message(FATAL_ERROR "the failed run left files behind: ${left}")
  endif()

else()
  message(FATAL_ERROR "check.cmake: unknown MODE '${MODE}'")
endif()
