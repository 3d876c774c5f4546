# Paths of this checkout and build (LLMBENCH_SOURCE_DIR, LLMBENCH_BINARY) are defined only for
# the source files that name them, not for a whole target: a compile definition that differs
# between checkouts changes every file's compiler-cache key, so only those few files are
# compiled again in another checkout (a git worktree, CI's fresh clone). A file that starts to
# use one of these macros needs a re-run of cmake to get it.
function(llmbench_define_where_used macro value)
  foreach(source IN LISTS ARGN)
    file(READ ${source} text)
    string(FIND "${text}" "${macro}" at)
    if(NOT at EQUAL -1)
      set_property(SOURCE ${source} APPEND PROPERTY COMPILE_DEFINITIONS "${macro}=\"${value}\"")
    endif()
  endforeach()
endfunction()
