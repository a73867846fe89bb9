//! Binary form of commands as they are written to the command log. Decoding checks every
//! length, so a damaged entry is refused, never trusted.
//!
//! command := 1 txn | 2 revision:u64
//! txn     := compares:u32 compare* success:u32 op* failure:u32 op*
//! compare := key target:u8 op:u8 value:u64
//! op      := 1 key value | 2 key
//! key, value := length:u32 bytes          (integers little-endian)

use crate::types::{Command, Compare, CompareOp, CompareTarget, Txn, TxnOp, Value};

const TXN: u8 = 1;
const COMPACT: u8 = 2;
const PUT: u8 = 1;
const DELETE: u8 = 2;

pub fn encode_commands<'a>(
    out: &mut Vec<u8>,
    commands: impl ExactSizeIterator<Item = &'a Command>,
) {
    // Batches are bounded by Options::max_batch, far below u32::MAX.
    put_u32(out, commands.len() as u32);
    for command in commands {
        match command {
            Command::Txn(txn) => {
                out.push(TXN);
                put_u32(out, txn.compare.len() as u32);
                for compare in &txn.compare {
                    put_bytes(out, compare.key.as_bytes());
                    out.push(match compare.target {
                        CompareTarget::Mod => 1,
                        CompareTarget::Create => 2,
                        CompareTarget::Version => 3,
                    });
                    out.push(match compare.op {
                        CompareOp::Equal => 1,
                        CompareOp::NotEqual => 2,
                        CompareOp::Less => 3,
                        CompareOp::Greater => 4,
                    });
                    out.extend_from_slice(&compare.value.to_le_bytes());
                }
                ops(out, &txn.success);
                ops(out, &txn.failure);
            }
            Command::Compact { revision } => {
                out.push(COMPACT);
                out.extend_from_slice(&revision.to_le_bytes());
            }
        }
    }
}

/// Bytes `command` takes in a log entry (as `encode_commands` writes it).
pub fn encoded_len(command: &Command) -> usize {
    match command {
        Command::Compact { .. } => 1 + 8,
        Command::Txn(txn) => 1 + txn_encoded_len(txn),
    }
}

pub fn txn_encoded_len(txn: &Txn) -> usize {
    let compares: usize = txn
        .compare
        .iter()
        .map(|compare| 4 + compare.key.len() + 1 + 1 + 8)
        .sum();
    let ops = |ops: &[TxnOp]| -> usize {
        ops.iter()
            .map(|op| match op {
                TxnOp::Put { key, value } => 1 + 4 + key.len() + 4 + value.len(),
                TxnOp::Delete { key } => 1 + 4 + key.len(),
            })
            .sum()
    };
    4 + compares + 4 + ops(&txn.success) + 4 + ops(&txn.failure)
}

fn ops(out: &mut Vec<u8>, ops: &[TxnOp]) {
    put_u32(out, ops.len() as u32);
    for op in ops {
        match op {
            TxnOp::Put { key, value } => {
                out.push(PUT);
                put_bytes(out, key.as_bytes());
                put_bytes(out, value);
            }
            TxnOp::Delete { key } => {
                out.push(DELETE);
                put_bytes(out, key.as_bytes());
            }
        }
    }
}

fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    // Keys and values are bounded by the validate limits, far below u32::MAX.
    put_u32(out, bytes.len() as u32);
    out.extend_from_slice(bytes);
}

pub struct Decoder<'a> {
    bytes: &'a [u8],
}

impl<'a> Decoder<'a> {
    pub fn new(bytes: &'a [u8]) -> Decoder<'a> {
        Decoder { bytes }
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn take(&mut self, count: usize) -> Option<&'a [u8]> {
        if count > self.bytes.len() {
            return None;
        }
        let (head, tail) = self.bytes.split_at(count);
        self.bytes = tail;
        Some(head)
    }

    pub fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|bytes| bytes[0])
    }

    pub fn u32(&mut self) -> Option<u32> {
        let mut word = [0u8; 4];
        word.copy_from_slice(self.take(4)?);
        Some(u32::from_le_bytes(word))
    }

    pub fn u64(&mut self) -> Option<u64> {
        let mut word = [0u8; 8];
        word.copy_from_slice(self.take(8)?);
        Some(u64::from_le_bytes(word))
    }

    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let length = self.u32()? as usize;
        self.take(length)
    }

    pub fn string(&mut self) -> Option<String> {
        std::str::from_utf8(self.bytes()?).ok().map(str::to_string)
    }

    pub fn commands(&mut self) -> Option<Vec<Command>> {
        let count = self.u32()?;
        let mut commands = Vec::new();
        for _ in 0..count {
            commands.push(match self.u8()? {
                TXN => Command::Txn(self.txn()?),
                COMPACT => Command::Compact {
                    revision: self.u64()?,
                },
                _ => return None,
            });
        }
        Some(commands)
    }

    fn txn(&mut self) -> Option<Txn> {
        let count = self.u32()?;
        let mut compare = Vec::new();
        for _ in 0..count {
            let key = self.string()?;
            let target = match self.u8()? {
                1 => CompareTarget::Mod,
                2 => CompareTarget::Create,
                3 => CompareTarget::Version,
                _ => return None,
            };
            let op = match self.u8()? {
                1 => CompareOp::Equal,
                2 => CompareOp::NotEqual,
                3 => CompareOp::Less,
                4 => CompareOp::Greater,
                _ => return None,
            };
            compare.push(Compare {
                key,
                target,
                op,
                value: self.u64()?,
            });
        }
        Some(Txn {
            compare,
            success: self.ops()?,
            failure: self.ops()?,
        })
    }

    fn ops(&mut self) -> Option<Vec<TxnOp>> {
        let count = self.u32()?;
        let mut ops = Vec::new();
        for _ in 0..count {
            ops.push(match self.u8()? {
                PUT => TxnOp::Put {
                    key: self.string()?,
                    value: Value::from(self.bytes()?),
                },
                DELETE => TxnOp::Delete {
                    key: self.string()?,
                },
                _ => return None,
            });
        }
        Some(ops)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn sample() -> Vec<Command> {
        vec![
            Command::Txn(Txn {
                compare: vec![Compare {
                    key: "/a".into(),
                    target: CompareTarget::Version,
                    op: CompareOp::Greater,
                    value: 7,
                }],
                success: vec![
                    TxnOp::Put {
                        key: "/a".into(),
                        value: Arc::from(&[0x91u8, 0x01][..]),
                    },
                    TxnOp::Delete { key: "/b".into() },
                ],
                failure: vec![TxnOp::Delete { key: "/c".into() }],
            }),
            Command::Compact { revision: 42 },
        ]
    }

    #[test]
    fn commands_round_trip() {
        let commands = sample();
        let mut bytes = Vec::new();
        encode_commands(&mut bytes, commands.iter());
        assert_eq!(
            bytes.len(),
            4 + commands.iter().map(encoded_len).sum::<usize>()
        );
        let mut decoder = Decoder::new(&bytes);
        assert_eq!(decoder.commands(), Some(commands));
        assert!(decoder.is_empty());
    }

    #[test]
    fn damaged_bytes_are_refused() {
        let mut bytes = Vec::new();
        encode_commands(&mut bytes, sample().iter());
        for cut in 0..bytes.len() {
            assert_eq!(Decoder::new(&bytes[..cut]).commands(), None, "cut at {cut}");
        }
        bytes[4] = 9;
        assert_eq!(Decoder::new(&bytes).commands(), None);
    }
}
