//! The wire format between replicas, spoken inside TLS. Every length is checked against what is
//! left before anything is allocated for it, and a frame is read into a buffer that grows with
//! the bytes that actually arrive, so a declared length costs nothing until it is sent.
//!
//! frame := length:u32 payload                                   (integers little-endian)
//! hello := "RDRRAFT2" sender_id:u64 address      first frame of a connection, client → server
//! ack   := 0x01                                  one byte, server → client, hello accepted
//! batch := count:u32 (length:u32 message)*       every later frame; count 0 is a keepalive
//!
//! A message is in Raft's protobuf form. The hello names the sender's listen address, so a
//! replica that joined knowing no one learns where to answer the leader that contacted it.

use std::io::{self, Read, Write};

use protobuf::Message as _;
use raft::prelude::Message;

use crate::codec::Decoder;

pub const MAGIC: &[u8; 8] = b"RDRRAFT2";
pub const ACK: u8 = 1;
/// The magic, an id and a host:port.
pub const MAX_HELLO_BYTES: usize = 1024;
/// Largest frame either side sends or takes. A snapshot (every live key of the store) travels
/// as one message, so this bounds the store a new replica can catch up from: 2 GiB, etcd's
/// default backend quota. Reading is incremental, so the bound is memory only for bytes a peer
/// really sent.
pub const MAX_FRAME_BYTES: usize = 1 << 31;
/// The buffer of a frame grows by at most this much ahead of the bytes received.
const READ_CHUNK: usize = 1 << 20;

pub fn malformed(why: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why)
}

/// Reads one frame of at most `max` bytes.
pub fn read_frame(reader: &mut impl Read, max: usize) -> io::Result<Vec<u8>> {
    let mut length = [0u8; 4];
    reader.read_exact(&mut length)?;
    let length = u32::from_le_bytes(length) as usize;
    if length > max {
        return Err(malformed("frame longer than allowed"));
    }
    let mut payload = Vec::with_capacity(length.min(READ_CHUNK));
    while payload.len() < length {
        let start = payload.len();
        let step = (length - start).min(READ_CHUNK.max(start));
        payload.reserve_exact(step);
        payload.resize(start + step, 0);
        reader.read_exact(&mut payload[start..])?;
    }
    Ok(payload)
}

pub fn write_frame(writer: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let length = u32::try_from(payload.len())
        .ok()
        .filter(|length| *length as usize <= MAX_FRAME_BYTES)
        .ok_or_else(|| malformed("frame longer than allowed"))?;
    writer.write_all(&length.to_le_bytes())?;
    writer.write_all(payload)
}

pub fn encode_hello(sender: u64, address: &str) -> Vec<u8> {
    let mut hello = Vec::with_capacity(16 + address.len());
    hello.extend_from_slice(MAGIC);
    hello.extend_from_slice(&sender.to_le_bytes());
    hello.extend_from_slice(address.as_bytes());
    hello
}

#[derive(Debug, PartialEq, Eq)]
pub struct Hello {
    pub sender: u64,
    pub address: String,
}

pub fn decode_hello(payload: &[u8]) -> Result<Hello, &'static str> {
    if payload.len() < 16 || &payload[..8] != MAGIC {
        return Err("not a Rudder Raft hello");
    }
    let mut decoder = Decoder::new(&payload[8..]);
    let sender = decoder.u64().ok_or("not a Rudder Raft hello")?;
    let address = std::str::from_utf8(&payload[16..]).map_err(|_| "hello address is not UTF-8")?;
    Ok(Hello {
        sender,
        address: address.to_string(),
    })
}

/// Messages as frames of at most `max` bytes each, in order; a message too large for any frame
/// is left out and returned (the caller reports it undelivered).
pub fn encode_batches(messages: &[Message], max: usize) -> (Vec<Vec<u8>>, Vec<&Message>) {
    let mut frames = Vec::new();
    let mut oversized = Vec::new();
    let mut payload = 0u32.to_le_bytes().to_vec();
    let mut count = 0u32;
    for message in messages {
        // Encoding an in-memory message into a Vec cannot fail.
        let bytes = message.write_to_bytes().unwrap_or_default();
        if 4 + 4 + bytes.len() > max {
            oversized.push(message);
            continue;
        }
        if payload.len() + 4 + bytes.len() > max {
            payload[..4].copy_from_slice(&count.to_le_bytes());
            frames.push(std::mem::replace(&mut payload, 0u32.to_le_bytes().to_vec()));
            count = 0;
        }
        payload.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        payload.extend_from_slice(&bytes);
        count += 1;
    }
    if count > 0 {
        payload[..4].copy_from_slice(&count.to_le_bytes());
        frames.push(payload);
    }
    (frames, oversized)
}

/// The frame a connection sends when it has had nothing to say for a while.
pub fn keepalive() -> Vec<u8> {
    0u32.to_le_bytes().to_vec()
}

/// The messages of a batch; every count and length is checked against the bytes left, and
/// trailing bytes make the batch malformed.
pub fn decode_batch(payload: &[u8]) -> Result<Vec<Message>, &'static str> {
    let mut decoder = Decoder::new(payload);
    let count = decoder.u32().ok_or("batch without a count")? as usize;
    // Every message takes at least its 4-byte length.
    if count > (payload.len() - 4) / 4 {
        return Err("batch count larger than its bytes allow");
    }
    let mut messages = Vec::with_capacity(count);
    for _ in 0..count {
        let bytes = decoder.bytes().ok_or("message longer than its batch")?;
        messages
            .push(Message::parse_from_bytes(bytes).map_err(|_| "message is not Raft protobuf")?);
    }
    if !decoder.is_empty() {
        return Err("bytes after the last message of a batch");
    }
    Ok(messages)
}

#[cfg(test)]
mod tests {
    use raft::prelude::MessageType;

    use super::*;

    fn message(to: u64, data: usize) -> Message {
        let mut message = Message::default();
        message.set_msg_type(MessageType::MsgAppend);
        message.to = to;
        message.context = vec![7u8; data].into();
        message
    }

    #[test]
    fn a_declared_length_is_refused_before_anything_is_allocated_for_it() {
        let mut bytes: &[u8] = &[0xff, 0xff, 0xff, 0xff, 1, 2, 3];
        let error = read_frame(&mut bytes, MAX_FRAME_BYTES).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        let mut truncated: &[u8] = &[100, 0, 0, 0, 1, 2, 3];
        let error = read_frame(&mut truncated, MAX_FRAME_BYTES).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn frames_larger_than_a_chunk_are_read_whole() {
        let payload: Vec<u8> = (0..(3 * READ_CHUNK + 17)).map(|i| i as u8).collect();
        let mut wire = Vec::new();
        write_frame(&mut wire, &payload).unwrap();
        assert_eq!(
            read_frame(&mut wire.as_slice(), MAX_FRAME_BYTES).unwrap(),
            payload
        );
    }

    #[test]
    fn batches_round_trip_split_by_size_and_refuse_bad_counts() {
        let messages: Vec<Message> = (1..=5).map(|to| message(to, 100)).collect();
        let (frames, oversized) = encode_batches(&messages, 300);
        assert!(oversized.is_empty());
        assert!(frames.len() > 1 && frames.iter().all(|frame| frame.len() <= 300));
        let decoded: Vec<Message> = frames
            .iter()
            .flat_map(|frame| decode_batch(frame).unwrap())
            .collect();
        assert_eq!(decoded, messages);

        let large = [message(1, 1000)];
        let (frames, oversized) = encode_batches(&large, 300);
        assert!(frames.is_empty());
        assert_eq!(oversized.len(), 1);

        assert!(decode_batch(&u32::MAX.to_le_bytes()).is_err());
        assert!(decode_batch(&[1, 0, 0, 0, 9, 0, 0, 0, 1]).is_err());
        let mut trailing = encode_batches(&messages[..1], 300).0.remove(0);
        trailing.push(0);
        assert!(decode_batch(&trailing).is_err());
        assert_eq!(decode_batch(&keepalive()).unwrap(), Vec::<Message>::new());
    }

    #[test]
    fn hellos_round_trip_and_strangers_are_refused() {
        let hello = encode_hello(3, "127.0.0.1:7445");
        assert_eq!(
            decode_hello(&hello).unwrap(),
            Hello {
                sender: 3,
                address: "127.0.0.1:7445".into()
            }
        );
        assert!(decode_hello(b"RDRRAFT1\x03\0\0\0\0\0\0\0").is_err());
        assert!(decode_hello(b"short").is_err());
    }
}
