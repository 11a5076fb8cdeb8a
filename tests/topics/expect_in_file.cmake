# expect_in_file.cmake: cmake -DFILE=<file> -DEXPECT=<text> -P expect_in_file.cmake
# fails unless FILE contains TEXT.
file(READ "${FILE}" text)
string(FIND "${text}" "${EXPECT}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${FILE} does not contain '${EXPECT}'")
endif()
