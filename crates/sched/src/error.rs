use thiserror::Error;

/// Bad input to the kernel; its state is unchanged when a call returns one.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SchedError {
    #[error("node {0:?} is not known to the kernel")]
    UnknownNode(String),
    #[error("{0}")]
    InvalidArgument(String),
}

impl SchedError {
    pub fn code(&self) -> &'static str {
        match self {
            SchedError::UnknownNode(_) => "UnknownNode",
            SchedError::InvalidArgument(_) => "InvalidArgument",
        }
    }
}
