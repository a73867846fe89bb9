#![allow(dead_code)]

pub mod cluster;
pub mod peer_client;
pub mod pki;

use std::path::Path;
use std::sync::Arc;

use rudder_store::{Compare, CompareOp, CompareTarget, Options, Store, Txn, TxnOp, Value};

/// `text` as one msgpack string value.
pub fn value(text: &str) -> Value {
    let mut out = Vec::new();
    rmp::encode::write_str(&mut out, text).expect("writing to a Vec cannot fail");
    Value::from(out)
}

/// The text of a value written by [`value`].
pub fn text(value: &[u8]) -> String {
    let mut bytes = value;
    let length = rmp::decode::read_str_len(&mut bytes).expect("a msgpack string") as usize;
    String::from_utf8(bytes[..length].to_vec()).expect("UTF-8")
}

pub fn put(key: &str, text: &str) -> TxnOp {
    TxnOp::Put {
        key: key.to_string(),
        value: value(text),
    }
}

pub fn delete(key: &str) -> TxnOp {
    TxnOp::Delete {
        key: key.to_string(),
    }
}

pub fn compare(key: &str, target: CompareTarget, op: CompareOp, value: u64) -> Compare {
    Compare {
        key: key.to_string(),
        target,
        op,
        value,
    }
}

/// Put `key` only if it does not exist yet (create revision 0).
pub fn create(key: &str, text: &str) -> Txn {
    Txn {
        compare: vec![compare(key, CompareTarget::Create, CompareOp::Equal, 0)],
        success: vec![put(key, text)],
        failure: vec![],
    }
}

/// Put `key` only if its mod revision is still `revision`.
pub fn update(key: &str, revision: u64, text: &str) -> Txn {
    Txn {
        compare: vec![compare(key, CompareTarget::Mod, CompareOp::Equal, revision)],
        success: vec![put(key, text)],
        failure: vec![],
    }
}

pub fn plain(ops: Vec<TxnOp>) -> Txn {
    Txn {
        compare: vec![],
        success: ops,
        failure: vec![],
    }
}

pub fn open(dir: &Path) -> Store {
    Store::open(dir, Options::default()).expect("open store")
}

pub fn open_with(dir: &Path, options: Options) -> Store {
    Store::open(dir, options).expect("open store")
}

pub fn key_of(kv: &rudder_store::KeyValue) -> &str {
    &kv.key
}

pub fn arc(text: &str) -> Arc<str> {
    Arc::from(text)
}
