//! The binary's allocator: mimalloc, tuned for a build's waves of short
//! allocations. Only the binary sets it; the library and its tests use
//! whatever allocator their program chose.

// Parsing, highlighting and templating allocate many short strings on every
// thread. Interleaved runs on the 10,000-briefing benchmark: mimalloc median
// 3.70 s, glibc malloc 4.14 s (bench/README.md), for ~20 MiB more peak memory.
// The `override` feature routes C's malloc to it too: oniguruma, syntect's
// regex engine, allocates a match region per search (glibc's malloc and free
// were 3.5% of a build; callgrind on the 1,000-briefing site, one thread:
// 6.21 -> 5.98 billion instructions).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (v3's `mimalloc.h`; the Rust
/// bindings name no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Call first thing in `main`, before any other thread starts.
///
/// By default mimalloc hands freed memory back to the kernel 10 ms after it
/// is freed, and a build frees and reallocates in waves (per briefing, then
/// per stage), so the kernel zeroes the same pages again and again. brief
/// keeps what it freed instead: its peak is its footprint either way (a
/// build is short; `serve` holds the whole site). 10,000-briefing benchmark:
/// 5,000 page faults become 900, about 0.2 s of a 4.5 s build.
///
/// mimalloc also asks for transparent huge pages, and the kernel then backs
/// every touched 2 MiB of an arena in full. Without them, 10 interleaved
/// runs each on the 10,000-briefing site (tmpfs output): peak 224 -> 197
/// MiB, median wall 3.37 -> 3.30 s: 46,700 small page faults instead of
/// 590, which zeroing less memory pays for. mimalloc's own `allow_thp`
/// option is read at start-up, before `main`, so the process-wide switch it
/// would set (`PR_SET_THP_DISABLE`, which overrides mimalloc's madvise) is
/// set here instead.
pub fn tune() {
    // SAFETY: sets one documented integer option; no other thread runs yet.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    #[cfg(target_os = "linux")]
    {
        // The kernel reads four `unsigned long`s and rejects the call unless
        // the last three are 0; a variadic call must pass them at that width.
        let (on, zero): (libc::c_ulong, libc::c_ulong) = (1, 0);
        // SAFETY: a plain prctl with integer arguments; it only sets a flag
        // on this process's memory map and fails harmlessly on old kernels.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, on, zero, zero, zero) };
    }
}
