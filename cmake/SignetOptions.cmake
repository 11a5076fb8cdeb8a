# signet_target_options(<target>): warnings, -Werror and sanitizers for
# signet's own targets (never set globally, so users' flags stay theirs).
# signet_target_library(<target>): what makes libsignet and libsignet_mqtt
# C libraries when they are built shared (BUILD_SHARED_LIBS).
#
# SIGNET_SANITIZE is a comma-separated list handed to -fsanitize=
# ("address,undefined" or "thread"). A static library does not link, so its
# sanitizer runtime must reach whatever links it: for static libraries the
# link flag becomes part of the target's interface (and of the installed
# package, which is then a sanitizer build too). A shared library links
# the sanitizer runtime itself and passes the flag on as well: the
# runtime must come first in the program that loads the library.
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
    elseif(_type STREQUAL "SHARED_LIBRARY")
      target_link_options(${target} PUBLIC -fsanitize=${SIGNET_SANITIZE})
    else()
      target_link_options(${target} PRIVATE -fsanitize=${SIGNET_SANITIZE})
    endif()
  endif()
endfunction()

# Every symbol is hidden (-fvisibility=hidden) except the declarations of
# the public header, which it wraps in #pragma GCC visibility push(default):
# the signet_* API and the two signet__* functions its inline helpers call
# from generated code. The internal headers of src/ come after it, so their
# functions stay inside the library (tests/abi checks the exported set).
# The shared library's soname carries major.minor while the version is 0.x
# (libsignet.so.0.1), because a 0.x minor version may break the ABI: the
# same rule as the package's version file (SameMinorVersion). From 1.0 on
# it is the major version alone.
function(signet_target_library target)
  if(PROJECT_VERSION_MAJOR EQUAL 0)
    set(_soversion ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
  else()
    set(_soversion ${PROJECT_VERSION_MAJOR})
  endif()
  set_target_properties(${target} PROPERTIES
    C_VISIBILITY_PRESET hidden
    VERSION ${PROJECT_VERSION}
    SOVERSION ${_soversion})
endfunction()
