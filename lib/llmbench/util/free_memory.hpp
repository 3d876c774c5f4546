#pragma once
// Hands the heap's free pages back to the system. glibc returns freed memory only from the top
// of its heaps; pages freed in the middle (a burst of requests and parsed replies, a dataset
// let go after packing) stay in the process's resident set until reused, and later,
// differently sized allocations leave many of them unused. malloc_trim(0) releases every
// whole free page (madvise), so the resident set follows the memory in use. Costs a walk of
// the free lists (about a millisecond for a heap of tens of MB): call it at a few points, not
// per allocation. Elsewhere than glibc, nothing.

#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace llmbench::util {

inline void release_free_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace llmbench::util
