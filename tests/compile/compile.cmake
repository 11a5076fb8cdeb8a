# compile.cmake: generates the code of one schema and compiles it, as
#   cmake -DLANG=c|cxx -DCOMPILER=<cc> -DSIGNETC=<exe> -DTEMPLATES=<dir>
#         -DSCHEMA=<file> -DRUNTIME_INCLUDE=<dir> -DWORK=<dir> [-DOPT=-O2]
#         -P compile.cmake
#
# LANG c:   <base>.signet.c with -std=c11 -Wall -Wextra -Wpedantic -Werror
#           and OPT (an optimisation flag, none when empty), and the topic
#           matcher <base>.signet.match.c that re2c makes from
#           <base>.signet.match.re (-DRE2C=<re2c>), with the same flags.
# LANG cxx: a C++ translation unit that includes <base>.signet.h and
#           <base>.signet.private.h and uses the schema table, with
#           -std=c++11 -Wall -Wextra -Wpedantic -Werror.
cmake_minimum_required(VERSION 3.20)

foreach(v LANG COMPILER SIGNETC TEMPLATES SCHEMA RUNTIME_INCLUDE WORK)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "compile.cmake: -D${v}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
get_filename_component(name "${SCHEMA}" NAME)
string(REGEX REPLACE "\\.signet$" "" base "${name}")

execute_process(COMMAND "${SIGNETC}" -o "${WORK}" --templates "${TEMPLATES}" "${SCHEMA}"
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "signetc failed on ${name} (${rc}):\n${err}")
endif()

# The namespace, for the C++ unit to name the schema table.
file(STRINGS "${SCHEMA}" ns_line REGEX "^[ \t]*namespace[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*;")
string(REGEX REPLACE "^[ \t]*namespace[ \t]+([A-Za-z0-9_]+).*" "\\1" ns "${ns_line}")

set(warn -Wall -Wextra -Wpedantic -Werror)
if(LANG STREQUAL "c" AND DEFINED OPT AND NOT OPT STREQUAL "")
  list(APPEND warn ${OPT})
endif()
if(LANG STREQUAL "c")
  set(cmd "${COMPILER}" -std=c11 ${warn} -I "${RUNTIME_INCLUDE}" -I "${WORK}"
      -c "${WORK}/${base}.signet.c" -o "${WORK}/${base}.o")
else()
  file(WRITE "${WORK}/use.cpp"
    "// Includes the generated headers from C++ and refers to the tables.\n"
    "#include \"${base}.signet.h\"\n"
    "#include \"${base}.signet.private.h\"\n"
    "\n"
    "const signet_schema_info *schema_of_${ns}()\n"
    "{\n"
    "    return &${ns}_schema;\n"
    "}\n")
  set(cmd "${COMPILER}" -std=c++11 ${warn} -I "${RUNTIME_INCLUDE}" -I "${WORK}"
      -c "${WORK}/use.cpp" -o "${WORK}/use.o")
endif()
execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  string(REPLACE ";" " " shown "${cmd}")
  message(FATAL_ERROR "${shown}\nfailed (${rc}):\n${out}${err}")
endif()

if(LANG STREQUAL "c" AND DEFINED RE2C)
  set(re "${WORK}/${base}.signet.match.re")
  set(mc "${WORK}/${base}.signet.match.c")
  foreach(cmd_name re2c cc)
    if(cmd_name STREQUAL "re2c")
      set(cmd "${RE2C}" -W -Werror --no-generation-date --no-version -i -o "${mc}" "${re}")
    else()
      set(cmd "${COMPILER}" -std=c11 ${warn} -I "${RUNTIME_INCLUDE}" -I "${WORK}"
          -c "${mc}" -o "${WORK}/${base}.match.o")
    endif()
    execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      string(REPLACE ";" " " shown "${cmd}")
      message(FATAL_ERROR "${shown}\nfailed (${rc}):\n${out}${err}")
    endif()
  endforeach()
endif()
