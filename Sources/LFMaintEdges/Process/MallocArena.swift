import CMalloc

public enum MallocArena {
    /// One arena for every thread (`CMalloc/shim.h` says why); called first thing in `main`.
    public static func shareOne() {
        _ = lfmaint_share_one_malloc_arena()
    }
}
