# SignetGenerate.cmake: signet_generate(), which runs signetc on schemas at
# build time and compiles the generated code into a target.
#
#   signet_generate(TARGET <target> SCHEMAS <file.signet>...
#                   [OUTPUT_DIR <dir>] [TEMPLATES <dir>]
#                   [SIGNETC_OPTIONS <option>...])
#
# For every schema <base>.signet it writes <dir>/<base>.signet.h (the API),
# <dir>/<base>.signet.private.h (the topic matcher's declarations, included
# by the generated sources), <dir>/<base>.signet.c and the topic matcher
# <dir>/<base>.signet.match.re, which re2c turns into
# <dir>/<base>.signet.match.c (default <dir>:
# ${CMAKE_CURRENT_BINARY_DIR}/signet), adds both .c files to <target>, adds
# <dir> to its include directories (PUBLIC, so code that links <target> can
# include "<base>.signet.h") and links signet::runtime (PUBLIC).
# SIGNETC_OPTIONS go to signetc (for example -Werror or
# -Wno-unmatched-pattern). Several targets may generate the same schema
# into the same directory: it is generated once, by a custom target
# signet_generate_<base>_<hash> they all depend on. The code is regenerated when the schema, a
# template or signetc changes; signetc also writes a depfile.
#
# Needs re2c (3.0 or later) at build time: found here as SIGNET_RE2C.
# Depends on two things the includer provides: the executable target
# signet::signetc (an alias of the in-tree signetc target, or the imported
# one from the installed package) and the template directory, taken from
# SIGNET_TEMPLATE_DIR as set when this file is included (the signet project
# and signetConfig.cmake both set it), unless TEMPLATES names another.
include_guard(GLOBAL)

if(DEFINED SIGNET_TEMPLATE_DIR)
  # A global property, so a parent project that add_subdirectory()s signet
  # sees the value its signet subdirectory set.
  set_property(GLOBAL PROPERTY SIGNET_TEMPLATE_DIR "${SIGNET_TEMPLATE_DIR}")
endif()

find_program(SIGNET_RE2C NAMES re2c DOC "re2c, which compiles signet's topic matchers")

function(signet_generate)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "TARGET;OUTPUT_DIR;TEMPLATES" "SCHEMAS;SIGNETC_OPTIONS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "signet_generate: unexpected arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_TARGET)
    message(FATAL_ERROR "signet_generate: TARGET is required")
  endif()
  if(NOT TARGET ${arg_TARGET})
    message(FATAL_ERROR "signet_generate: ${arg_TARGET} is not a target")
  endif()
  if(NOT arg_SCHEMAS)
    message(FATAL_ERROR "signet_generate: SCHEMAS is required")
  endif()
  if(NOT TARGET signet::signetc)
    message(FATAL_ERROR "signet_generate: the signet::signetc target is not defined "
                        "(use find_package(signet CONFIG) or add_subdirectory(signet))")
  endif()

  if(NOT SIGNET_RE2C)
    message(FATAL_ERROR "signet_generate: re2c not found (install re2c 3.0 or later, or set "
                        "SIGNET_RE2C to its path)")
  endif()

  set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/signet")
  if(arg_OUTPUT_DIR)
    get_filename_component(out_dir "${arg_OUTPUT_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  endif()

  set(tmpl_dir "${arg_TEMPLATES}")
  if(NOT tmpl_dir)
    get_property(tmpl_dir GLOBAL PROPERTY SIGNET_TEMPLATE_DIR)
  endif()
  if(NOT tmpl_dir OR NOT IS_DIRECTORY "${tmpl_dir}")
    message(FATAL_ERROR "signet_generate: no template directory (got '${tmpl_dir}')")
  endif()
  get_filename_component(tmpl_dir "${tmpl_dir}" ABSOLUTE)
  # CONFIGURE_DEPENDS: a template added later re-runs the configure step, so
  # it becomes a dependency too.
  file(GLOB_RECURSE templates CONFIGURE_DEPENDS "${tmpl_dir}/*")

  # In-tree the alias resolves to the real target, which DEPENDS turns into
  # a target-level and a file-level dependency; an imported signetc is a file.
  get_target_property(signetc signet::signetc ALIASED_TARGET)
  if(signetc)
    set(signetc_dep ${signetc})
  else()
    set(signetc signet::signetc)
    set(signetc_dep "$<TARGET_FILE:signet::signetc>")
  endif()

  foreach(schema IN LISTS arg_SCHEMAS)
    get_filename_component(schema "${schema}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    get_filename_component(name "${schema}" NAME)
    string(REGEX REPLACE "\\.signet$" "" base "${name}")
    set(h "${out_dir}/${base}.signet.h")
    set(ph "${out_dir}/${base}.signet.private.h")
    set(c "${out_dir}/${base}.signet.c")
    set(d "${out_dir}/${base}.signet.d")
    set(re "${out_dir}/${base}.signet.match.re")
    set(mc "${out_dir}/${base}.signet.match.c")

    # One rule per output file and directory, driven by one custom target:
    # the targets using the schema depend on it, so a parallel build runs
    # signetc and re2c once even when several targets list the outputs
    # (each target would otherwise run its own copy of the rules, at once).
    string(MD5 key "${c}")
    string(SUBSTRING "${key}" 0 12 key)
    set(gen_target "signet_generate_${base}_${key}")
    get_property(seen DIRECTORY PROPERTY SIGNET_GENERATED_OUTPUTS)
    if(NOT c IN_LIST seen)
      set_property(DIRECTORY APPEND PROPERTY SIGNET_GENERATED_OUTPUTS "${c}")
      file(RELATIVE_PATH rel_h "${CMAKE_BINARY_DIR}" "${h}")
      add_custom_command(
        OUTPUT "${h}" "${ph}" "${c}" "${re}"
        COMMAND "${CMAKE_COMMAND}" -E make_directory "${out_dir}"
        COMMAND ${signetc} ${arg_SIGNETC_OPTIONS} -o "${out_dir}" --templates "${tmpl_dir}"
                --depfile "${d}" "${schema}"
        DEPENDS "${schema}" ${templates} ${signetc_dep}
        DEPFILE "${d}"
        COMMENT "signetc: generating ${rel_h}, .private.h, .c and .match.re from ${name}"
        VERBATIM)
      add_custom_command(
        OUTPUT "${mc}"
        COMMAND ${SIGNET_RE2C} -W -Werror --no-generation-date --no-version -i -o "${mc}" "${re}"
        DEPENDS "${re}"
        COMMENT "re2c: generating the topic matcher of ${name}"
        VERBATIM)
      add_custom_target(${gen_target} DEPENDS "${h}" "${ph}" "${c}" "${re}" "${mc}")
    endif()
    target_sources(${arg_TARGET} PRIVATE "${h}" "${ph}" "${c}" "${mc}")
    add_dependencies(${arg_TARGET} ${gen_target})
  endforeach()

  target_include_directories(${arg_TARGET} PUBLIC "$<BUILD_INTERFACE:${out_dir}>")
  target_link_libraries(${arg_TARGET} PUBLIC signet::runtime)
endfunction()
