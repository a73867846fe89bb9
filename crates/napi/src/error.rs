//! Errors cross into JavaScript as Error objects whose `code` is the store's code string, and
//! no panic crosses the boundary: every entry point runs inside `guard`.

use std::panic::{self, AssertUnwindSafe};

use rudder_store::StoreError;

/// The `code` of a thrown Error. `Internal` marks a bug (a caught panic), never bad input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Compacted,
    FutureRevision,
    InvalidArgument,
    Closed,
    Io,
    Unavailable,
    UnknownNode,
    Internal,
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        match self {
            Code::Compacted => "Compacted",
            Code::FutureRevision => "FutureRevision",
            Code::InvalidArgument => "InvalidArgument",
            Code::Closed => "Closed",
            Code::Io => "Io",
            Code::Unavailable => "Unavailable",
            Code::UnknownNode => "UnknownNode",
            Code::Internal => "Internal",
        }
    }
}

pub type JsResult<T> = napi::Result<T, Code>;

pub fn js_error(error: StoreError) -> napi::Error<Code> {
    let code = match error {
        StoreError::Compacted { .. } => Code::Compacted,
        StoreError::FutureRevision { .. } => Code::FutureRevision,
        StoreError::InvalidArgument(_) => Code::InvalidArgument,
        StoreError::Closed => Code::Closed,
        StoreError::Io(_) => Code::Io,
        StoreError::Unavailable(_) => Code::Unavailable,
    };
    napi::Error::new(code, error.to_string())
}

pub fn sched_error(error: rudder_sched::SchedError) -> napi::Error<Code> {
    let code = match error {
        rudder_sched::SchedError::UnknownNode(_) => Code::UnknownNode,
        rudder_sched::SchedError::InvalidArgument(_) => Code::InvalidArgument,
    };
    napi::Error::new(code, error.to_string())
}

pub fn invalid(message: impl Into<String>) -> napi::Error<Code> {
    napi::Error::new(Code::InvalidArgument, message.into())
}

/// Runs one entry point, turning a panic into an `Internal` error instead of unwinding into
/// Node.
pub fn guard<T>(body: impl FnOnce() -> JsResult<T>) -> JsResult<T> {
    panic::catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(napi::Error::new(
            Code::Internal,
            format!("internal error in the native addon: {message}"),
        ))
    })
}

/// A JavaScript number that must be a whole, non-negative, exactly representable integer.
pub fn whole_number(value: f64, name: &str) -> JsResult<u64> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= MAX_SAFE {
        // Checked above: a whole number in 0..=2^53-1 converts exactly.
        Ok(value as u64)
    } else {
        Err(invalid(format!(
            "{name} must be a non-negative integer, got {value}"
        )))
    }
}
