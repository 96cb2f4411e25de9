//! The allocator, for the binary and everything linked with the library (tests, the bench).
//!
//! mimalloc: a province's run allocates and frees tens of millions of small blocks on both
//! cores (cells, records, trace lines); glibc's allocator spent about a sixth of the run's CPU
//! time on them and on returning pages it then had to fault back in.

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (the same place in its v2 and v3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// While a run reads and scores, freed memory is kept this long (milliseconds, times
/// mimalloc's arena multiplier): longer than any run. Not "never" (-1): memory freed under
/// -1 is never marked as purgeable, so [`release_freed_memory`] could not give it back.
const KEEP_MS: libc::c_long = 1_000_000;

/// While a run lays out its workbooks, freed memory goes back at once.
const LAYOUT_MS: libc::c_long = 0;

/// A run is a batch: memory it frees while reading and scoring is soon needed again by the
/// next rows or workers, and all of it goes back at exit. mimalloc by default returns freed
/// memory to the system after a second; a province's phases last longer than that, so each
/// phase faulted its memory back in, zeroed (127,000 page faults against 1,600), while a
/// county's phases are too short for it to happen — which made the time grow faster than the
/// input. Called first thing in `main`, and again once a run's workbooks are laid out.
pub fn keep_freed_memory() {
    // SAFETY: sets a process-wide allocator option by value; mimalloc reads it when it next
    // considers purging, and any value is valid.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, KEEP_MS) };
}

/// Gives the memory freed so far back to the system, and from now on what is freed at once.
/// Called when a run has let its records go and starts laying out its workbooks: those are
/// made of large buffers each made once (a sheet's XML, the shared strings, a deflated part),
/// which the records' small freed blocks do not serve, so kept memory only added to the peak.
/// A province (2026-12-07, alternating runs, medians): kept through the layout 971 MB, given
/// back after a second 772 MB (and now and then 980 MB, when the layout's buffers came and
/// went within the second), given back at once 751–763 MB and never above 800 MB in nine
/// runs, at the same time within the machine's drift (1.01× and 1.04× against a second).
/// [`keep_freed_memory`] goes back to keeping it.
pub fn release_freed_memory() {
    // SAFETY: mi_collect takes no pointer and may be called from any thread at any time;
    // the option is set by value as above.
    unsafe {
        libmimalloc_sys::mi_collect(true);
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, LAYOUT_MS);
    }
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
        let delay = || unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(
            delay(),
            1_000_000,
            "kept for a thousand seconds (times the arena multiplier)"
        );
        super::release_freed_memory();
        assert_eq!(delay(), 0, "while the workbooks are laid out, none");
        super::keep_freed_memory();
        assert_eq!(delay(), 1_000_000);
    }
}
