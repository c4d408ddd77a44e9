#include <malloc.h>

/// glibc gives each thread that allocates its own malloc arena (up to 8 per core). lfmaint's threads
/// mostly wait on I/O, so one shared arena costs no measurable time and keeps the resident set small.
static inline int lfmaint_share_one_malloc_arena(void) { return mallopt(M_ARENA_MAX, 1); }
