//! The kernel's per-call work compiled a second time for x86-64 CPUs with AVX2, POPCNT and
//! BMI (most since 2013), chosen at run time: the loops over nodes then run four f64 lanes
//! wide, compare i64 lanes, and count taint bits in one instruction. Both versions compute
//! the same results (no instruction that changes rounding, such as FMA, is enabled).

/// Runs `body` with the CPU's wider instructions when it has them.
#[inline(always)]
pub fn with_wide_instructions<R>(body: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        if wide_instructions() {
            // SAFETY: `wide` only enables target features, and `wide_instructions()` just
            // checked that this CPU has every one of them.
            return unsafe { wide(body) };
        }
    }
    body()
}

#[cfg(target_arch = "x86_64")]
fn wide_instructions() -> bool {
    // The standard library caches the CPUID answers: this is a few loads after the first call.
    std::is_x86_feature_detected!("avx2")
        && std::is_x86_feature_detected!("popcnt")
        && std::is_x86_feature_detected!("bmi1")
        && std::is_x86_feature_detected!("bmi2")
        && std::is_x86_feature_detected!("lzcnt")
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt,bmi1,bmi2,lzcnt")]
unsafe fn wide<R>(body: impl FnOnce() -> R) -> R {
    body()
}
