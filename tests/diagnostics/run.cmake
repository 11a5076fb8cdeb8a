# run.cmake: runs signetc on one diagnostics case and compares its stderr
# (and stdout, when a NAME.stdout golden exists) byte for byte with the
# goldens, and its exit status with the expected one.
#
#   cmake -DSIGNETC=<signetc> -DDIR=<tests/diagnostics> -DCASE=<name>
#         [-DARGS=a|b|c] [-DEXPECT_RC=n] [-DGENERATE=<kind> -DWORK=<dir>]
#         [-DCLEAN=1 -DWORK=<dir>] [-DUPDATE=1] -P run.cmake
#
# By default it runs `signetc --check [extra] NAME.signet` in DIR, where
# extra comes from a first line "// signetc-args: ..." of the schema.
# ARGS ('|'-separated) replaces the whole command line. GENERATE writes
# NAME.signet into WORK first (big: a ~10 MB valid schema; deep: lines of
# a million '('), and runs there. CLEAN runs in an empty WORK directory and
# requires silence, exit 0 and no files written. The expected exit status
# is EXPECT_RC, else 1 when the stderr golden holds an error, else 0.
# -DUPDATE=1 or the environment variable SIGNET_UPDATE_GOLDEN=1 rewrites
# the goldens instead of comparing, so changes show up as reviewable diffs.
cmake_minimum_required(VERSION 3.20)

foreach(var SIGNETC DIR CASE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED UPDATE AND DEFINED ENV{SIGNET_UPDATE_GOLDEN})
  set(UPDATE "$ENV{SIGNET_UPDATE_GOLDEN}")
endif()

set(rundir "${DIR}")
if(DEFINED GENERATE OR CLEAN)
  file(REMOVE_RECURSE "${WORK}")
  file(MAKE_DIRECTORY "${WORK}")
  set(rundir "${WORK}")
endif()

if(GENERATE STREQUAL "big")
  # ~10 MB of valid declarations: structs, signals with captured topics,
  # patterns that each match one signal.
  set(path "${WORK}/${CASE}.signet")
  file(WRITE "${path}" "// A generated 10 MB schema: signetc must stay linear.\nnamespace big;\n")
  set(chunk "")
  foreach(i RANGE 1 65000)
    string(APPEND chunk
      "struct s${i} { u32 a; f64 b; str c; u8 raw[4]; }\n"
      "signal sig${i}(s${i} p, u32 id, str room) topic \"big/${i}/{room}/{id}\";\n"
      "pattern p${i} \"big/${i}/+/7\";\n")
    math(EXPR rem "${i} % 2000")
    if(rem EQUAL 0)
      file(APPEND "${path}" "${chunk}")
      set(chunk "")
    endif()
  endforeach()
  file(APPEND "${path}" "${chunk}")
elseif(GENERATE STREQUAL "deep")
  # No nesting in the grammar, but a million '(' must still be one clean
  # error per declaration, with a bounded excerpt.
  string(REPEAT "(" 1000000 parens)
  file(WRITE "${WORK}/${CASE}.signet"
    "namespace deep;\nsignal a${parens};\n${parens}\nsignal b;\n")
elseif(DEFINED GENERATE)
  message(FATAL_ERROR "run.cmake: unknown GENERATE kind '${GENERATE}'")
endif()

if(DEFINED ARGS)
  string(REPLACE "|" ";" args "${ARGS}")
else()
  set(extra "")
  if(EXISTS "${rundir}/${CASE}.signet")
    file(READ "${rundir}/${CASE}.signet" head LIMIT 200)
    if(head MATCHES "^// signetc-args:([^\n]*)")
      separate_arguments(extra UNIX_COMMAND "${CMAKE_MATCH_1}")
    endif()
  endif()
  set(args --check ${extra} "${CASE}.signet")
endif()

execute_process(
  COMMAND "${SIGNETC}" ${args}
  WORKING_DIRECTORY "${rundir}"
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)

if(CLEAN)
  file(GLOB left "${WORK}/*")
  if(NOT rc EQUAL 0 OR NOT out STREQUAL "" OR NOT err STREQUAL "" OR left)
    message(FATAL_ERROR "signetc ${args}: exit ${rc}, stdout '${out}', stderr '${err}', "
                        "files written: '${left}' (expected exit 0, silence, no files)")
  endif()
  return()
endif()

set(golden_err "${DIR}/${CASE}.expected")
set(golden_out "${DIR}/${CASE}.stdout")
if(UPDATE)
  file(WRITE "${golden_err}" "${err}")
  if(NOT out STREQUAL "" OR EXISTS "${golden_out}")
    file(WRITE "${golden_out}" "${out}")
  endif()
  message(STATUS "updated ${golden_err}")
endif()

if(NOT EXISTS "${golden_err}")
  message(FATAL_ERROR "missing golden ${golden_err} (run with -DUPDATE=1 to create it)")
endif()
file(READ "${golden_err}" want_err)
set(want_out "")
if(EXISTS "${golden_out}")
  file(READ "${golden_out}" want_out)
endif()

if(NOT DEFINED EXPECT_RC)
  if(want_err MATCHES ": (fatal )?error: ")
    set(EXPECT_RC 1)
  else()
    set(EXPECT_RC 0)
  endif()
endif()

set(failed "")
if(NOT err STREQUAL want_err)
  string(APPEND failed "stderr differs from ${CASE}.expected\n--- expected\n${want_err}--- actual\n${err}---\n")
endif()
if(NOT out STREQUAL want_out)
  string(APPEND failed "stdout differs from ${CASE}.stdout\n--- expected\n${want_out}--- actual\n${out}---\n")
endif()
if(NOT rc STREQUAL EXPECT_RC)
  string(APPEND failed "exit status ${rc}, expected ${EXPECT_RC}\n")
endif()
if(failed)
  message(FATAL_ERROR "signetc ${args}:\n${failed}")
endif()
