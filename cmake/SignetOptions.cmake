# signet_target_options(<target>): warnings, -Werror and sanitizers for
# signet's own targets (never set globally, so users' flags stay theirs).
#
# SIGNET_SANITIZE is a comma-separated list handed to -fsanitize=
# ("address,undefined" or "thread"). A static library does not link, so its
# sanitizer runtime must reach whatever links it: for static libraries the
# link flag becomes part of the target's interface (and of the installed
# package, which is then a sanitizer build too).
function(signet_target_options target)
  get_target_property(_type ${target} TYPE)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(SIGNET_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(SIGNET_SANITIZE)
    target_compile_options(${target} PRIVATE
      -fsanitize=${SIGNET_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    if(_type STREQUAL "STATIC_LIBRARY" OR _type STREQUAL "OBJECT_LIBRARY")
      target_link_options(${target} INTERFACE -fsanitize=${SIGNET_SANITIZE})
    else()
      target_link_options(${target} PRIVATE -fsanitize=${SIGNET_SANITIZE})
    endif()
  endif()
endfunction()
