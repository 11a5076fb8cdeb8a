# man_page.cmake: the signetc(1) manual page (docs/signetc.1) against
# signetc --help: every option and every warning --help lists must be in
# the page, so the two cannot drift apart. cmake -P script; inputs (-D):
# SIGNETC, PAGE.
cmake_minimum_required(VERSION 3.20)

execute_process(COMMAND ${SIGNETC} --help RESULT_VARIABLE rc OUTPUT_VARIABLE help)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "signetc --help failed (${rc})")
endif()
file(READ ${PAGE} page)
# The page spells '-' as '\-': compare with that undone.
string(REPLACE "\\-" "-" page "${page}")

# The two sections of --help: "options:" and "warnings:".
string(FIND "${help}" "\noptions:\n" o)
string(FIND "${help}" "\nwarnings:\n" w)
if(o EQUAL -1 OR w EQUAL -1 OR w LESS o)
  message(FATAL_ERROR "signetc --help has no options: and warnings: sections:\n${help}")
endif()
math(EXPR olen "${w} - ${o}")
string(SUBSTRING "${help}" ${o} ${olen} option_lines)
string(SUBSTRING "${help}" ${w} -1 warning_lines)
# Each option's literal part: "-o", "--check", "-Werror=" (not its
# argument's name, "DIR" or "NAME").
string(REGEX MATCHALL "\n  --?W?[a-z0-9=-]*" options "${option_lines}")
string(REGEX MATCHALL "\n  -W[a-z-]+" warnings "${warning_lines}")
list(LENGTH options n)
if(n LESS 8)
  message(FATAL_ERROR "found only ${n} options in signetc --help:\n${help}")
endif()
set(missing)
foreach(opt IN LISTS options)
  string(STRIP "${opt}" opt)
  string(FIND "${page}" "${opt}" at)
  if(at EQUAL -1)
    list(APPEND missing "${opt}")
  endif()
endforeach()
foreach(w IN LISTS warnings)
  string(STRIP "${w}" w)
  string(REGEX REPLACE "^-W" "" w "${w}")
  string(FIND "${page}" ".B ${w}" at)
  if(at EQUAL -1)
    list(APPEND missing "warning ${w}")
  endif()
endforeach()
if(missing)
  message(FATAL_ERROR "docs/signetc.1 does not describe: ${missing}")
endif()
message(STATUS "${n} options of signetc --help are in the page")
