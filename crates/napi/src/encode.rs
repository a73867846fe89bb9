//! Encodes results as msgpack for JavaScript. Read results embed each stored value RAW (it is
//! already one msgpack value), so one `unpack` yields plain objects with decoded values; events
//! carry their values as `bin`, decoded in JavaScript only when a listener reads them. Map keys
//! are the field names of the TypeScript types.

use rmp::encode::{self as mp, ValueWriteError};
use rudder_store::{
    Commit, Event, EventKind, KeyValue, Outcome, ProposalOutcome, RangeResult, StoreError,
    TxnResult,
};

struct EncodeError(String);

impl From<ValueWriteError> for EncodeError {
    fn from(error: ValueWriteError) -> Self {
        EncodeError(error.to_string())
    }
}

impl From<std::io::Error> for EncodeError {
    fn from(error: std::io::Error) -> Self {
        EncodeError(error.to_string())
    }
}

type Written = Result<(), EncodeError>;

fn field(out: &mut Vec<u8>, name: &str) -> Written {
    Ok(mp::write_str(out, name)?)
}

fn array_len(out: &mut Vec<u8>, len: usize) -> Written {
    let len = u32::try_from(len)
        .map_err(|_| EncodeError(format!("{len} items are too many for one msgpack array")))?;
    mp::write_array_len(out, len)?;
    Ok(())
}

fn raw_or_nil(out: &mut Vec<u8>, value: Option<&[u8]>) -> Written {
    match value {
        Some(bytes) => out.extend_from_slice(bytes),
        None => mp::write_nil(out)?,
    }
    Ok(())
}

fn bin_or_nil(out: &mut Vec<u8>, value: Option<&[u8]>) -> Written {
    match value {
        Some(bytes) => mp::write_bin(out, bytes)?,
        None => mp::write_nil(out)?,
    }
    Ok(())
}

fn uint(out: &mut Vec<u8>, name: &str, value: u64) -> Written {
    field(out, name)?;
    mp::write_uint(out, value)?;
    Ok(())
}

fn key_value(out: &mut Vec<u8>, kv: &KeyValue) -> Written {
    mp::write_map_len(out, 5)?;
    field(out, "key")?;
    mp::write_str(out, &kv.key)?;
    uint(out, "createRevision", kv.create_revision)?;
    uint(out, "modRevision", kv.mod_revision)?;
    uint(out, "version", kv.version)?;
    field(out, "value")?;
    raw_or_nil(out, Some(&kv.value))
}

fn key_values<'a>(
    out: &mut Vec<u8>,
    kvs: impl ExactSizeIterator<Item = Option<&'a KeyValue>>,
) -> Written {
    array_len(out, kvs.len())?;
    for kv in kvs {
        match kv {
            Some(kv) => key_value(out, kv)?,
            None => mp::write_nil(out)?,
        }
    }
    Ok(())
}

fn event(out: &mut Vec<u8>, event: &Event) -> Written {
    mp::write_map_len(out, 7)?;
    field(out, "type")?;
    mp::write_str(
        out,
        if event.kind == EventKind::Put {
            "put"
        } else {
            "delete"
        },
    )?;
    uint(out, "revision", event.revision)?;
    field(out, "key")?;
    mp::write_str(out, &event.key)?;
    // Values travel as `bin`: JavaScript decodes one only when a listener reads it.
    field(out, "value")?;
    bin_or_nil(out, event.value.as_deref())?;
    field(out, "prevValue")?;
    bin_or_nil(out, event.prev_value.as_deref())?;
    uint(out, "createRevision", event.create_revision)?;
    uint(out, "version", event.version)
}

fn event_list(out: &mut Vec<u8>, events: &[Event]) -> Written {
    array_len(out, events.len())?;
    events.iter().try_for_each(|item| event(out, item))
}

fn txn_result(out: &mut Vec<u8>, result: &TxnResult) -> Written {
    mp::write_map_len(out, 4)?;
    field(out, "succeeded")?;
    mp::write_bool(out, result.succeeded)?;
    uint(out, "revision", result.revision)?;
    field(out, "prev")?;
    key_values(out, result.prev.iter().map(Option::as_ref))?;
    field(out, "current")?;
    key_values(out, result.current.iter().map(Option::as_ref))
}

fn error(out: &mut Vec<u8>, error: &StoreError) -> Written {
    mp::write_map_len(out, 2)?;
    field(out, "code")?;
    mp::write_str(out, error.code())?;
    field(out, "message")?;
    Ok(mp::write_str(out, &error.to_string())?)
}

fn outcome(out: &mut Vec<u8>, outcome: &ProposalOutcome) -> Written {
    mp::write_map_len(out, 2)?;
    uint(out, "id", outcome.id)?;
    match &outcome.result {
        Ok(Outcome::Txn(result)) => {
            field(out, "txn")?;
            txn_result(out, result)
        }
        Ok(Outcome::Compacted { revision }) => uint(out, "compacted", *revision),
        Err(failure) => {
            field(out, "error")?;
            error(out, failure)
        }
    }
}

fn finish(result: Written, out: Vec<u8>) -> Result<Vec<u8>, StoreError> {
    result
        .map(|_| out)
        .map_err(|error| StoreError::Io(format!("encoding a result failed: {}", error.0)))
}

/// `{type: 'commit', revision, compactRevision, outcomes: [{id, txn | compacted | error}], events}`
pub fn commit(commit: &Commit) -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::with_capacity(
        256 + commit
            .events
            .iter()
            .map(|e| {
                96 + e.key.len()
                    + e.value.as_ref().map_or(0, |v| v.len())
                    + e.prev_value.as_ref().map_or(0, |v| v.len())
            })
            .sum::<usize>(),
    );
    let written = (|| {
        mp::write_map_len(&mut out, 5)?;
        field(&mut out, "type")?;
        mp::write_str(&mut out, "commit")?;
        uint(&mut out, "revision", commit.revision)?;
        uint(&mut out, "compactRevision", commit.compact_revision)?;
        field(&mut out, "outcomes")?;
        array_len(&mut out, commit.outcomes.len())?;
        for item in &commit.outcomes {
            outcome(&mut out, item)?;
        }
        field(&mut out, "events")?;
        event_list(&mut out, &commit.events)
    })();
    finish(written, out)
}

/// `{type: 'closed'}`: the store stopped; nothing follows.
pub fn closed() -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::new();
    let written = (|| {
        mp::write_map_len(&mut out, 1)?;
        field(&mut out, "type")?;
        Ok(mp::write_str(&mut out, "closed")?)
    })();
    finish(written, out)
}

/// `{type: 'reset', revision, compactRevision}`: the state was replaced by a snapshot.
pub fn reset(revision: u64, compact_revision: u64) -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::new();
    let written = (|| {
        mp::write_map_len(&mut out, 3)?;
        field(&mut out, "type")?;
        mp::write_str(&mut out, "reset")?;
        uint(&mut out, "revision", revision)?;
        uint(&mut out, "compactRevision", compact_revision)
    })();
    finish(written, out)
}

/// `{type: 'reads', ids, error?}`: linearizable reads that may now be served (or failed).
pub fn reads(ids: &[u64], failure: Option<&StoreError>) -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::new();
    let written = (|| {
        mp::write_map_len(&mut out, if failure.is_some() { 3 } else { 2 })?;
        field(&mut out, "type")?;
        mp::write_str(&mut out, "reads")?;
        field(&mut out, "ids")?;
        array_len(&mut out, ids.len())?;
        for id in ids {
            mp::write_uint(&mut out, *id)?;
        }
        if let Some(failure) = failure {
            field(&mut out, "error")?;
            error(&mut out, failure)?;
        }
        Ok(())
    })();
    finish(written, out)
}

/// `{revision, kvs, more, count}`
pub fn range(result: &RangeResult) -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::with_capacity(
        64 + result
            .kvs
            .iter()
            .map(|kv| 64 + kv.key.len() + kv.value.len())
            .sum::<usize>(),
    );
    let written = (|| {
        mp::write_map_len(&mut out, 4)?;
        uint(&mut out, "revision", result.revision)?;
        field(&mut out, "kvs")?;
        key_values(&mut out, result.kvs.iter().map(Some))?;
        field(&mut out, "more")?;
        mp::write_bool(&mut out, result.more)?;
        uint(&mut out, "count", result.count)
    })();
    finish(written, out)
}

/// One key-value map.
pub fn single(kv: &KeyValue) -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::with_capacity(64 + kv.key.len() + kv.value.len());
    let written = key_value(&mut out, kv);
    finish(written, out)
}

/// An array of event maps.
pub fn events(events: &[Event]) -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::new();
    let written = event_list(&mut out, events);
    finish(written, out)
}
