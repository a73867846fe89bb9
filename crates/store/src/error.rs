//! The one error type of the store. Every variant maps to a stable code string that the
//! binding passes to JavaScript unchanged.

/// What can go wrong. Clone, because one storage failure is reported to every proposal of the
/// commit that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The revision asked for is older than the compacted revision.
    #[error("required revision {requested} has been compacted; the oldest readable revision is {compacted}")]
    Compacted { requested: u64, compacted: u64 },
    /// The revision asked for is newer than the store's current revision.
    #[error(
        "required revision {requested} is a future revision; the current revision is {current}"
    )]
    FutureRevision { requested: u64, current: u64 },
    /// The request itself is malformed (bad key, value that is not one msgpack value, ...).
    #[error("{0}")]
    InvalidArgument(String),
    /// The store was closed (or its writer stopped).
    #[error("the store is closed")]
    Closed,
    /// The durable backend failed or holds data this version cannot read.
    #[error("storage error: {0}")]
    Io(String),
    /// A replicated store could not reach a quorum in time (no leader, or this replica is cut
    /// off); the request may or may not have taken effect.
    #[error("{0}")]
    Unavailable(String),
}

impl StoreError {
    /// The stable code string (`Compacted`, `FutureRevision`, `InvalidArgument`, `Closed`, `Io`).
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Compacted { .. } => "Compacted",
            StoreError::FutureRevision { .. } => "FutureRevision",
            StoreError::InvalidArgument(_) => "InvalidArgument",
            StoreError::Closed => "Closed",
            StoreError::Io(_) => "Io",
            StoreError::Unavailable(_) => "Unavailable",
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        StoreError::InvalidArgument(message.into())
    }
}

impl From<redb::Error> for StoreError {
    fn from(error: redb::Error) -> Self {
        StoreError::Io(error.to_string())
    }
}

macro_rules! from_redb {
    ($($kind:ty),*) => {$(
        impl From<$kind> for StoreError {
            fn from(error: $kind) -> Self {
                StoreError::from(redb::Error::from(error))
            }
        }
    )*};
}

from_redb!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::SetDurabilityError
);

impl From<std::io::Error> for StoreError {
    fn from(error: std::io::Error) -> Self {
        StoreError::Io(error.to_string())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
