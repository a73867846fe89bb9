//! Decodes a batch of proposals sent from JavaScript: a msgpack array of `[id, txn]`, where a
//! txn is `{compare, success, failure}` and each put carries its value as msgpack `bin` (the
//! value's own msgpack bytes, kept as they are).

use rudder_store::{Compare, CompareOp, CompareTarget, StoreError, Txn, TxnOp, Value};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct WireProposal(pub u64, pub WireTxn);

#[derive(Deserialize)]
pub struct WireTxn {
    #[serde(default)]
    compare: Option<Vec<WireCompare>>,
    #[serde(default)]
    success: Option<Vec<WireOp>>,
    #[serde(default)]
    failure: Option<Vec<WireOp>>,
}

#[derive(Deserialize)]
struct WireCompare {
    key: String,
    target: String,
    op: String,
    value: u64,
}

#[derive(Deserialize)]
struct WireOp {
    #[serde(rename = "type")]
    kind: String,
    key: String,
    #[serde(default)]
    value: Option<serde_bytes::ByteBuf>,
}

pub fn batch(bytes: &[u8]) -> Result<Vec<WireProposal>, StoreError> {
    rmp_serde::from_slice(bytes)
        .map_err(|error| StoreError::InvalidArgument(format!("malformed proposal batch: {error}")))
}

impl TryFrom<WireTxn> for Txn {
    type Error = StoreError;

    fn try_from(wire: WireTxn) -> Result<Txn, StoreError> {
        let compare = wire
            .compare
            .unwrap_or_default()
            .into_iter()
            .map(Compare::try_from_wire)
            .collect::<Result<_, _>>()?;
        let ops = |ops: Option<Vec<WireOp>>| {
            ops.unwrap_or_default()
                .into_iter()
                .map(TxnOp::try_from_wire)
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Txn {
            compare,
            success: ops(wire.success)?,
            failure: ops(wire.failure)?,
        })
    }
}

trait FromWire<W>: Sized {
    fn try_from_wire(wire: W) -> Result<Self, StoreError>;
}

impl FromWire<WireCompare> for Compare {
    fn try_from_wire(wire: WireCompare) -> Result<Compare, StoreError> {
        let target = match wire.target.as_str() {
            "mod" => CompareTarget::Mod,
            "create" => CompareTarget::Create,
            "version" => CompareTarget::Version,
            other => {
                return Err(StoreError::InvalidArgument(format!(
                    "compare target must be mod, create or version, got {other:?}"
                )))
            }
        };
        let op = match wire.op.as_str() {
            "=" => CompareOp::Equal,
            "!=" => CompareOp::NotEqual,
            "<" => CompareOp::Less,
            ">" => CompareOp::Greater,
            other => {
                return Err(StoreError::InvalidArgument(format!(
                    "compare op must be =, !=, < or >, got {other:?}"
                )))
            }
        };
        Ok(Compare {
            key: wire.key,
            target,
            op,
            value: wire.value,
        })
    }
}

impl FromWire<WireOp> for TxnOp {
    fn try_from_wire(wire: WireOp) -> Result<TxnOp, StoreError> {
        match (wire.kind.as_str(), wire.value) {
            ("put", Some(value)) => Ok(TxnOp::Put {
                key: wire.key,
                value: Value::from(value.into_vec()),
            }),
            ("put", None) => Err(StoreError::InvalidArgument(format!(
                "put of {:?} has no value",
                wire.key
            ))),
            ("delete", _) => Ok(TxnOp::Delete { key: wire.key }),
            (other, _) => Err(StoreError::InvalidArgument(format!(
                "op type must be put or delete, got {other:?}"
            ))),
        }
    }
}
