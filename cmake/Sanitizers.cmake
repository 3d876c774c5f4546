# llmbench_sanitizers: ASan + UBSan when LLMBENCH_SANITIZE is on (preset "asan").
add_library(llmbench_sanitizers INTERFACE)
if(LLMBENCH_SANITIZE)
  target_compile_options(llmbench_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  # -no-pie: the instrumented binary holds some 90 MB of pointers in .data (ASan's global
  # metadata among them); in a position-independent executable every one is relocated at start,
  # which makes all of those pages resident in every process the tests start. Linked at a fixed
  # address they are resolved by the linker and stay on disk until read.
  target_link_options(llmbench_sanitizers INTERFACE -fsanitize=address,undefined -no-pie)
endif()
