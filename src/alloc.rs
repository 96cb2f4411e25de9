//! The allocator, for the binary and everything linked with the library (tests, the bench).
//!
//! mimalloc: a province's run allocates and frees tens of millions of small blocks on both
//! cores (cells, records, trace lines); glibc's allocator spent about a sixth of the run's CPU
//! time on them and on returning pages it then had to fault back in.

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (the same place in its v2 and v3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// A run is a batch: memory it frees is soon needed again by its next phase, and all of it
/// goes back at exit. mimalloc by default returns freed memory to the system after a second;
/// a province's phases last longer than that, so each phase faulted its memory back in,
/// zeroed (127,000 page faults against 1,600), while a county's phases are too short for it
/// to happen — which made the time grow faster than the input. Called first thing in `main`.
pub fn keep_freed_memory() {
    // SAFETY: sets a process-wide allocator option by value; mimalloc reads it when it next
    // considers purging, and any value is valid.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

#[cfg(test)]
mod tests {
    #[test]
    fn freed_memory_is_kept() {
        // The option at that place is the purge delay: its documented default, 1000 ms in the
        // mimalloc (v3) this crate builds, before it is set.
        // SAFETY: reads a process-wide option by value.
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) },
            1000
        );
        super::keep_freed_memory();
        // SAFETY: reads a process-wide option by value.
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) },
            -1
        );
    }
}
