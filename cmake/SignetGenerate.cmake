# SignetGenerate.cmake: signet_generate(), which runs signetc on schemas at
# build time and compiles the generated code into a target.
#
#   signet_generate(TARGET <target> SCHEMAS <file.signet>...
#                   [OUTPUT_DIR <dir>] [TEMPLATES <dir>])
#
# For every schema <base>.signet it writes <dir>/<base>.signet.h and
# <dir>/<base>.signet.c (default <dir>: ${CMAKE_CURRENT_BINARY_DIR}/signet),
# adds the .c to <target>, adds <dir> to its include directories (PUBLIC, so
# code that links <target> can include "<base>.signet.h") and links
# signet::runtime (PUBLIC). The code is regenerated when the schema, a
# template or signetc changes; signetc also writes a depfile.
#
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

function(signet_generate)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "TARGET;OUTPUT_DIR;TEMPLATES" "SCHEMAS")
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
    set(c "${out_dir}/${base}.signet.c")
    set(d "${out_dir}/${base}.signet.d")

    # One rule per output file and directory: a second target using the same
    # schema and output directory shares the first rule.
    get_property(seen DIRECTORY PROPERTY SIGNET_GENERATED_OUTPUTS)
    if(NOT c IN_LIST seen)
      set_property(DIRECTORY APPEND PROPERTY SIGNET_GENERATED_OUTPUTS "${c}")
      file(RELATIVE_PATH rel_h "${CMAKE_BINARY_DIR}" "${h}")
      add_custom_command(
        OUTPUT "${h}" "${c}"
        COMMAND "${CMAKE_COMMAND}" -E make_directory "${out_dir}"
        COMMAND ${signetc} -o "${out_dir}" --templates "${tmpl_dir}" --depfile "${d}" "${schema}"
        DEPENDS "${schema}" ${templates} ${signetc_dep}
        DEPFILE "${d}"
        COMMENT "signetc: generating ${rel_h} and .c from ${name}"
        VERBATIM)
    endif()
    target_sources(${arg_TARGET} PRIVATE "${h}" "${c}")
  endforeach()

  target_include_directories(${arg_TARGET} PUBLIC "$<BUILD_INTERFACE:${out_dir}>")
  target_link_libraries(${arg_TARGET} PUBLIC signet::runtime)
endfunction()
