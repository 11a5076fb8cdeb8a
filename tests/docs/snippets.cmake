# snippets.cmake: every C block of one document compiles as written.
#
# The convention, for README.md and docs/*.md:
#   - A fenced block opened by exactly ```c is one translation unit. It is
#     compiled as it stands, with -std=c11 -Wall -Wextra -Wpedantic -Werror
#     (-Wno-unused-parameter: receivers often ignore ctx or ev), against
#     signet.h and the generated headers of schemas/*.signet and
#     examples/sigx/sigx.signet: it includes what it uses, like a user's
#     file. A block that defines main() is also linked with the generated
#     code and libsignet.
#   - A block opened by ```c fragment is shown for reading (it elides with
#     `...` or shows a struct the header already defines) and is not
#     compiled. Any other word after ```c is an error, so a typo cannot
#     hide a block from this test.
#   - Other fences (```cmake, plain ```) are not C and are skipped.
# Each block is written to WORK/<line>.c, named by the line of the
# document where it opens, and every failure is reported with that line.
#
#   cmake -DDOC=<file.md> -DCC=<compiler> -DINCLUDES=<dir;...> -DLIBS=<archive;...>
#         [-DSANITIZE=<list>] -DWORK=<dir> -P snippets.cmake
cmake_minimum_required(VERSION 3.20)
foreach(var DOC CC INCLUDES LIBS WORK)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "snippets.cmake: -D${var}=... is required")
  endif()
endforeach()

set(flags -std=c11 -Wall -Wextra -Wpedantic -Werror -Wno-unused-parameter)
set(link_flags -pthread)
if(SANITIZE)
  list(APPEND flags -fsanitize=${SANITIZE} -fno-omit-frame-pointer)
  list(APPEND link_flags -fsanitize=${SANITIZE})
endif()
foreach(dir IN LISTS INCLUDES)
  list(APPEND flags -I${dir})
endforeach()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

# One list element per line of the document. ';', '[' and ']' would split
# or join CMake list elements, so they travel as @NAME@ escapes and are put
# back when a block is written.
file(READ "${DOC}" text)
string(REPLACE ";" "@SEMICOLON@" text "${text}")
string(REPLACE "[" "@LBRACKET@" text "${text}")
string(REPLACE "]" "@RBRACKET@" text "${text}")
string(REPLACE "\n" ";" lines "${text}")
set(n 0)
set(in_block "")   # "", "c", "skip"
set(errors "")
set(compiled 0)
set(linked 0)
set(fragments 0)
set(body "")
set(start 0)
foreach(line IN LISTS lines)
  math(EXPR n "${n} + 1")
  if(in_block STREQUAL "")
    if(line MATCHES "^```c$")
      set(in_block c)
      set(body "")
      set(start ${n})
    elseif(line MATCHES "^```c fragment$")
      set(in_block skip)
      math(EXPR fragments "${fragments} + 1")
    elseif(line MATCHES "^```c[ \t]")
      string(APPEND errors "${DOC}:${n}: unknown block tag (only ```c and ```c fragment)\n")
      set(in_block skip)
    elseif(line MATCHES "^```")
      set(in_block skip)
    endif()
    continue()
  endif()
  if(NOT line MATCHES "^```$")
    if(in_block STREQUAL "c")
      string(APPEND body "${line}\n")
    endif()
    continue()
  endif()
  # The closing fence.
  if(in_block STREQUAL "c")
    set(src "${WORK}/${start}.c")
    string(REPLACE "@SEMICOLON@" ";" body "${body}")
    string(REPLACE "@LBRACKET@" "[" body "${body}")
    string(REPLACE "@RBRACKET@" "]" body "${body}")
    file(WRITE "${src}" "${body}")
    execute_process(COMMAND "${CC}" ${flags} -c "${src}" -o "${WORK}/${start}.o"
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
      string(APPEND errors "${DOC}:${start}: the block does not compile:\n${out}\n")
    else()
      math(EXPR compiled "${compiled} + 1")
      if(body MATCHES "(^|\n)int main\\(")
        execute_process(COMMAND "${CC}" "${WORK}/${start}.o" ${LIBS} ${link_flags}
            -o "${WORK}/${start}"
          RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
        if(NOT rc EQUAL 0)
          string(APPEND errors "${DOC}:${start}: the block compiles but does not link:\n${out}\n")
        else()
          math(EXPR linked "${linked} + 1")
        endif()
      endif()
    endif()
  endif()
  set(in_block "")
endforeach()
if(NOT in_block STREQUAL "")
  string(APPEND errors "${DOC}: a fenced block is not closed\n")
endif()
if(compiled EQUAL 0 AND errors STREQUAL "")
  string(APPEND errors "${DOC}: no ```c block found\n")
endif()
if(errors)
  message(FATAL_ERROR "${errors}")
endif()
message(STATUS "${DOC}: ${compiled} C blocks compile (${linked} linked), ${fragments} fragments")
