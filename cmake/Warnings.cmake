# llmbench_warnings: linked PRIVATE to our own targets only.
add_library(llmbench_warnings INTERFACE)
target_compile_options(llmbench_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough -Wno-missing-field-initializers)
if(LLMBENCH_WERROR)
  target_compile_options(llmbench_warnings INTERFACE -Werror)
endif()
