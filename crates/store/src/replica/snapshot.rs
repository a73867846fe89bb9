//! The data of a Raft snapshot: the state machine at one applied index (every live key's latest
//! record, the revision) and the replicas' addresses, so a new or wiped replica can start from
//! it alone.
//!
//! snapshot := magic applied_index:u64 revision:u64 peers records:u64 record*
//! peers    := count:u32 (id:u64 address)*          record := revision:u64 sub:u32 bytes
//! (bytes: length:u32 then the bytes; integers little-endian; a record as `record.rs` writes it)

use crate::codec::Decoder;
use crate::record::Record;
use crate::replica::storage::Peers;
use crate::state_machine::StateImage;

const MAGIC: &[u8; 8] = b"RDRSNAP1";

pub fn write_peers(out: &mut Vec<u8>, peers: &Peers) {
    out.extend_from_slice(&(peers.len() as u32).to_le_bytes());
    for (id, address) in peers {
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&(address.len() as u32).to_le_bytes());
        out.extend_from_slice(address.as_bytes());
    }
}

pub fn read_peers(decoder: &mut Decoder<'_>) -> Option<Peers> {
    let count = decoder.u32()?;
    let mut peers = Peers::new();
    for _ in 0..count {
        let id = decoder.u64()?;
        peers.insert(id, decoder.string()?);
    }
    Some(peers)
}

pub fn encode(image: &StateImage, peers: &Peers) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        64 + image
            .records
            .iter()
            .map(|(_, record)| 40 + record.key.len() + record.value.as_ref().map_or(0, |v| v.len()))
            .sum::<usize>(),
    );
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&image.applied_index.to_le_bytes());
    out.extend_from_slice(&image.revision.to_le_bytes());
    write_peers(&mut out, peers);
    out.extend_from_slice(&(image.records.len() as u64).to_le_bytes());
    for ((revision, sub), record) in &image.records {
        out.extend_from_slice(&revision.to_le_bytes());
        out.extend_from_slice(&sub.to_le_bytes());
        let bytes = record.encode();
        out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(&bytes);
    }
    out
}

pub fn decode(bytes: &[u8]) -> Option<(StateImage, Peers)> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return None;
    }
    let mut decoder = Decoder::new(&bytes[MAGIC.len()..]);
    let applied_index = decoder.u64()?;
    let revision = decoder.u64()?;
    let peers = read_peers(&mut decoder)?;
    let count = decoder.u64()?;
    let mut records = Vec::with_capacity(count.min(1 << 24) as usize);
    for _ in 0..count {
        let record_revision = decoder.u64()?;
        let sub = decoder.u32()?;
        let record = Record::decode(record_revision, sub, decoder.bytes()?).ok()?;
        records.push(((record_revision, sub), record));
    }
    decoder.is_empty().then_some((
        StateImage {
            applied_index,
            revision,
            records,
        },
        peers,
    ))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn snapshots_round_trip_and_damage_is_refused() {
        let image = StateImage {
            applied_index: 42,
            revision: 9,
            records: vec![(
                (7, 1),
                Record {
                    key: Arc::from("/a"),
                    value: Some(Arc::from(&[0xc0u8][..])),
                    create_revision: 3,
                    version: 2,
                },
            )],
        };
        let peers = Peers::from([
            (1, "127.0.0.1:1".to_string()),
            (2, "127.0.0.1:2".to_string()),
        ]);
        let bytes = encode(&image, &peers);
        let (decoded, decoded_peers) = decode(&bytes).unwrap();
        assert_eq!(decoded.applied_index, 42);
        assert_eq!(decoded.revision, 9);
        assert_eq!(decoded.records, image.records);
        assert_eq!(decoded_peers, peers);
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
    }
}
