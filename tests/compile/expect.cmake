# expect.cmake: compiles one source file and checks the verdict, as
#   cmake -DCOMPILER=<cc> -DSOURCE=<file> -DFLAGS=<flag;...> -DWORK=<dir>
#         -DEXPECT=pass|fail [-DMATCH=<regex;...>] -P expect.cmake
#
# EXPECT pass: the compiler must accept the file. EXPECT fail: it must
# reject it, and its diagnostics must match every regex of MATCH, so the
# file fails for the reason the test names and not for another one.
cmake_minimum_required(VERSION 3.20)

foreach(v COMPILER SOURCE WORK EXPECT)
  if(NOT DEFINED ${v} OR "${${v}}" STREQUAL "")
    message(FATAL_ERROR "expect.cmake: -D${v}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(cmd "${COMPILER}" ${FLAGS} -c "${SOURCE}" -o "${WORK}/out.o")
string(REPLACE ";" " " shown "${cmd}")
execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)

if(EXPECT STREQUAL "pass")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${shown}\nfailed (${rc}), expected to compile:\n${out}${err}")
  endif()
elseif(EXPECT STREQUAL "fail")
  if(rc EQUAL 0)
    message(FATAL_ERROR "${shown}\ncompiled, expected to be rejected")
  endif()
  foreach(re IN LISTS MATCH)
    if(NOT "${out}${err}" MATCHES "${re}")
      message(FATAL_ERROR "${shown}\nwas rejected, but not with a diagnostic matching '${re}':\n"
                          "${out}${err}")
    endif()
  endforeach()
else()
  message(FATAL_ERROR "expect.cmake: EXPECT must be pass or fail, not '${EXPECT}'")
endif()
