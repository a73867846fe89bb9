//! Checks a command before it enters the log, so that applying it can never fail on input:
//! apply must be a pure function of the state and the command (a Raft follower replays it).

use std::collections::HashSet;

use crate::msgpack;
use crate::types::{Command, Txn, TxnOp};
use crate::{Result, StoreError};

/// Longest key accepted, in bytes (etcd's default request limit is far larger; Kubernetes keys
/// are a few hundred bytes at most).
pub const MAX_KEY_BYTES: usize = 4096;
/// Most ops in one branch of a transaction (etcd's default `--max-txn-ops` is 128; a
/// Kubernetes write touches one or two keys).
pub const MAX_TXN_OPS: usize = 10_000;
/// Largest transaction accepted, counting its keys and values, in bytes: a log entry must hold
/// it whole (etcd's default request limit is 1.5 MiB).
pub const MAX_TXN_BYTES: usize = 16 << 20;
/// Largest value accepted, in bytes (etcd's default request size limit).
pub const MAX_VALUE_BYTES: usize = 1536 * 1024;

pub fn command(command: &Command) -> Result<()> {
    match command {
        Command::Txn(txn) => self::txn(txn),
        Command::Compact { revision } => {
            if *revision == 0 {
                Err(StoreError::invalid("compact revision must be at least 1"))
            } else {
                Ok(())
            }
        }
    }
}

pub fn txn(txn: &Txn) -> Result<()> {
    if txn.compare.len() > MAX_TXN_OPS {
        return Err(StoreError::invalid(format!(
            "a transaction has {} compares; the limit is {MAX_TXN_OPS}",
            txn.compare.len()
        )));
    }
    for compare in &txn.compare {
        key(&compare.key)?;
    }
    branch(&txn.success, "success")?;
    branch(&txn.failure, "failure")?;
    let size = crate::codec::txn_encoded_len(txn);
    if size > MAX_TXN_BYTES {
        return Err(StoreError::invalid(format!(
            "the transaction is {size} bytes; the limit is {MAX_TXN_BYTES}"
        )));
    }
    Ok(())
}

fn branch(ops: &[TxnOp], name: &str) -> Result<()> {
    if ops.len() > MAX_TXN_OPS {
        return Err(StoreError::invalid(format!(
            "the {name} branch has {} ops; the limit is {MAX_TXN_OPS}",
            ops.len()
        )));
    }
    let mut seen = HashSet::with_capacity(ops.len());
    for op in ops {
        key(op.key())?;
        if !seen.insert(op.key()) {
            return Err(StoreError::invalid(format!(
                "duplicate key {:?} in the {name} branch of a transaction",
                op.key()
            )));
        }
        if let TxnOp::Put { key, value } = op {
            if value.len() > MAX_VALUE_BYTES {
                return Err(StoreError::invalid(format!(
                    "value of {key:?} is {} bytes; the limit is {MAX_VALUE_BYTES}",
                    value.len()
                )));
            }
            msgpack::validate_value(value).map_err(|why| {
                StoreError::invalid(format!(
                    "value of {key:?} is not one well-formed msgpack value: {why}"
                ))
            })?;
        }
    }
    Ok(())
}

pub fn key(key: &str) -> Result<()> {
    if key.is_empty() {
        return Err(StoreError::invalid("key must not be empty"));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(StoreError::invalid(format!(
            "key is {} bytes; the limit is {MAX_KEY_BYTES}",
            key.len()
        )));
    }
    Ok(())
}
