//! The on-disk form of one write, stored under (revision, sub) like etcd's backend: a put of a
//! value or a delete (tombstone) of a key, with the key's create revision and version.
//!
//! Layout: kind (1 byte: 1 put, 2 delete) | create_revision u64 LE | version u64 LE |
//! key length u32 LE | key (UTF-8) | value (the rest; empty for a delete).

use std::sync::Arc;

use crate::types::Value;
use crate::{Result, StoreError};

const PUT: u8 = 1;
const DELETE: u8 = 2;
const HEADER: usize = 1 + 8 + 8 + 4;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub key: Arc<str>,
    /// `None` marks a delete.
    pub value: Option<Value>,
    pub create_revision: u64,
    pub version: u64,
}

impl Record {
    pub fn encode(&self) -> Vec<u8> {
        let value = self.value.as_deref().unwrap_or(&[]);
        let mut out = Vec::with_capacity(HEADER + self.key.len() + value.len());
        out.push(if self.value.is_some() { PUT } else { DELETE });
        out.extend_from_slice(&self.create_revision.to_le_bytes());
        out.extend_from_slice(&self.version.to_le_bytes());
        // Keys are bounded by validate::MAX_KEY_BYTES, far below u32::MAX.
        out.extend_from_slice(&(self.key.len() as u32).to_le_bytes());
        out.extend_from_slice(self.key.as_bytes());
        out.extend_from_slice(value);
        out
    }

    pub fn decode(revision: u64, sub: u32, bytes: &[u8]) -> Result<Record> {
        let corrupt = |why: &str| {
            StoreError::Io(format!(
                "corrupt record at revision {revision}.{sub}: {why}"
            ))
        };
        if bytes.len() < HEADER {
            return Err(corrupt("shorter than its header"));
        }
        let (header, rest) = bytes.split_at(HEADER);
        let u64_at = |at: usize| {
            let mut word = [0u8; 8];
            word.copy_from_slice(&header[at..at + 8]);
            u64::from_le_bytes(word)
        };
        let create_revision = u64_at(1);
        let version = u64_at(9);
        let mut length = [0u8; 4];
        length.copy_from_slice(&header[17..21]);
        let key_length = u32::from_le_bytes(length) as usize;
        if key_length > rest.len() {
            return Err(corrupt("key runs past the end"));
        }
        let (key, value) = rest.split_at(key_length);
        let key = std::str::from_utf8(key).map_err(|_| corrupt("key is not UTF-8"))?;
        let value = match header[0] {
            PUT => Some(Value::from(value)),
            DELETE if value.is_empty() => None,
            DELETE => return Err(corrupt("delete with a value")),
            _ => return Err(corrupt("unknown kind")),
        };
        Ok(Record {
            key: Arc::from(key),
            value,
            create_revision,
            version,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_puts_and_deletes() {
        let put = Record {
            key: Arc::from("/a/b"),
            value: Some(Value::from(&[0x01u8][..])),
            create_revision: 3,
            version: 2,
        };
        assert_eq!(Record::decode(5, 0, &put.encode()), Ok(put));
        let delete = Record {
            key: Arc::from("/a/b"),
            value: None,
            create_revision: 0,
            version: 0,
        };
        assert_eq!(Record::decode(6, 1, &delete.encode()), Ok(delete));
    }

    #[test]
    fn rejects_damaged_bytes() {
        assert!(Record::decode(1, 0, &[1, 2, 3]).is_err());
        let mut bytes = Record {
            key: Arc::from("/k"),
            value: None,
            create_revision: 0,
            version: 0,
        }
        .encode();
        bytes[0] = 9;
        assert!(Record::decode(1, 0, &bytes).is_err());
    }
}
