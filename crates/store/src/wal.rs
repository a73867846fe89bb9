//! The command log file (write-ahead log) of a single replica. Each batch of commands is one
//! frame, made durable with one fdatasync before the batch is applied; the state machine
//! (redb) is then written without waiting for the disk and made durable by periodic
//! checkpoints, after which the log starts over.
//!
//! frame := length:u32 crc32(payload):u32 payload      payload := index:u64 commands
//!
//! The file is grown with zeros and then overwritten in place, so an fdatasync only flushes
//! data blocks, not file-size metadata. Reading stops at the first frame that is empty,
//! damaged or not the next index: a torn tail (never acknowledged) or frames left from before
//! the last restart of the log, which all carry lower indexes.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::path::Path;

use crate::codec::{self, Decoder};
use crate::types::Command;
use crate::{Result, StoreError};

pub const FILE_NAME: &str = "wal.log";
const HEADER: usize = 8;
const GROW_BYTES: u64 = 4 << 20;
static ZEROS: [u8; 64 << 10] = [0; 64 << 10];

/// One batch read back from the log.
pub struct Frame {
    pub index: u64,
    pub commands: Vec<Command>,
}

pub struct Wal {
    file: File,
    /// Where the next frame goes; also the bytes a checkpoint releases.
    end: u64,
    /// Bytes of the file already written (zeros or old frames).
    allocated: u64,
    buffer: Vec<u8>,
}

impl Wal {
    /// Opens the log in `dir` and returns the consecutive frames it holds.
    pub fn open(dir: &Path) -> Result<(Wal, Vec<Frame>)> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join(FILE_NAME))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let mut frames: Vec<Frame> = Vec::new();
        let mut offset = 0usize;
        while let Some((frame, next)) = read_frame(&bytes, offset) {
            if frames
                .last()
                .is_some_and(|last| frame.index != last.index + 1)
            {
                break;
            }
            frames.push(frame);
            offset = next;
        }
        let wal = Wal {
            file,
            end: offset as u64,
            allocated: bytes.len() as u64,
            buffer: Vec::new(),
        };
        Ok((wal, frames))
    }

    /// Appends one frame and returns once it is on disk.
    pub fn append<'a>(
        &mut self,
        index: u64,
        commands: impl ExactSizeIterator<Item = &'a Command>,
    ) -> Result<()> {
        self.buffer.clear();
        self.buffer.extend_from_slice(&[0; HEADER]);
        self.buffer.extend_from_slice(&index.to_le_bytes());
        codec::encode_commands(&mut self.buffer, commands);
        let payload_length = u32::try_from(self.buffer.len() - HEADER).map_err(|_| {
            StoreError::invalid("a batch of proposals is too large for one log entry")
        })?;
        let crc = crc32fast::hash(&self.buffer[HEADER..]);
        self.buffer[0..4].copy_from_slice(&payload_length.to_le_bytes());
        self.buffer[4..8].copy_from_slice(&crc.to_le_bytes());

        let needed = self.end + self.buffer.len() as u64;
        if needed > self.allocated {
            self.grow(needed)?;
        }
        self.file.write_all_at(&self.buffer, self.end)?;
        self.file.sync_data()?;
        self.end = needed;
        Ok(())
    }

    /// Extends the file with zeros past `needed`, so appends overwrite written blocks.
    fn grow(&mut self, needed: u64) -> Result<()> {
        let target = needed.div_ceil(GROW_BYTES) * GROW_BYTES;
        let mut at = self.allocated;
        while at < target {
            let chunk = (target - at).min(ZEROS.len() as u64) as usize;
            self.file.write_all_at(&ZEROS[..chunk], at)?;
            at += chunk as u64;
        }
        self.file.sync_all()?;
        self.allocated = target;
        Ok(())
    }

    /// Bytes of frames written since the log last started over.
    pub fn len(&self) -> u64 {
        self.end
    }

    /// Starts over at the beginning: every frame so far is durable in the state machine.
    pub fn restart(&mut self) {
        self.end = 0;
    }
}

fn read_frame(bytes: &[u8], offset: usize) -> Option<(Frame, usize)> {
    let header = bytes.get(offset..offset.checked_add(HEADER)?)?;
    let mut word = [0u8; 4];
    word.copy_from_slice(&header[0..4]);
    let length = u32::from_le_bytes(word) as usize;
    word.copy_from_slice(&header[4..8]);
    let crc = u32::from_le_bytes(word);
    if length == 0 {
        return None;
    }
    let start = offset + HEADER;
    let payload = bytes.get(start..start.checked_add(length)?)?;
    if crc32fast::hash(payload) != crc {
        return None;
    }
    let mut decoder = Decoder::new(payload);
    let index = decoder.u64()?;
    let commands = decoder.commands()?;
    if !decoder.is_empty() {
        return None;
    }
    Some((Frame { index, commands }, start + length))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Command;

    fn compact(revision: u64) -> Command {
        Command::Compact { revision }
    }

    #[test]
    fn frames_survive_reopen_and_a_torn_tail_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (mut wal, frames) = Wal::open(dir.path()).unwrap();
            assert!(frames.is_empty());
            for index in 1..=3 {
                wal.append(index, [compact(index * 10)].iter()).unwrap();
            }
        }
        // A torn write after the last frame: a header announcing more than was written.
        let path = dir.path().join(FILE_NAME);
        let (wal, frames) = Wal::open(dir.path()).unwrap();
        assert_eq!(
            frames.iter().map(|f| f.index).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        let file = OpenOptions::new().write(true).open(&path).unwrap();
        file.write_all_at(&[200, 0, 0, 0, 1, 2, 3, 4, 5], wal.len())
            .unwrap();
        drop(wal);
        let (_, frames) = Wal::open(dir.path()).unwrap();
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[2].commands, vec![compact(30)]);
    }

    #[test]
    fn after_a_restart_old_frames_are_not_read_as_new_ones() {
        let dir = tempfile::tempdir().unwrap();
        let (mut wal, _) = Wal::open(dir.path()).unwrap();
        for index in 1..=5 {
            wal.append(index, [compact(index)].iter()).unwrap();
        }
        wal.restart();
        wal.append(6, [compact(6)].iter()).unwrap();
        drop(wal);
        let (_, frames) = Wal::open(dir.path()).unwrap();
        assert_eq!(frames.iter().map(|f| f.index).collect::<Vec<_>>(), vec![6]);
    }
}
