# llmbench_sanitizers: ASan + UBSan when LLMBENCH_SANITIZE is on (preset "asan").
add_library(llmbench_sanitizers INTERFACE)
if(LLMBENCH_SANITIZE)
  target_compile_options(llmbench_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(llmbench_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
