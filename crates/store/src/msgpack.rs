//! Checks that a byte string is exactly one well-formed msgpack value, so the binding can embed
//! stored values raw inside its own msgpack responses. Iterative (a count of values still
//! expected) so deeply nested input cannot overflow the stack, and it never allocates.

use rmp::Marker;

/// `Ok(())` when `bytes` holds one complete msgpack value and nothing after it.
pub fn validate_value(bytes: &[u8]) -> Result<(), String> {
    let mut reader = Reader { bytes, position: 0 };
    // Values still to read; arrays and maps add their elements as they are met.
    let mut expected: u64 = 1;
    while expected > 0 {
        expected -= 1;
        let at = reader.position;
        let marker = Marker::from_u8(reader.byte()?);
        match marker {
            Marker::FixPos(_) | Marker::FixNeg(_) | Marker::Null | Marker::False | Marker::True => {
            }
            Marker::Reserved => return Err(format!("reserved byte 0xc1 at offset {at}")),
            Marker::U8 | Marker::I8 => reader.skip(1)?,
            Marker::U16 | Marker::I16 => reader.skip(2)?,
            Marker::U32 | Marker::I32 | Marker::F32 => reader.skip(4)?,
            Marker::U64 | Marker::I64 | Marker::F64 => reader.skip(8)?,
            Marker::FixStr(length) => reader.string(u64::from(length))?,
            Marker::Str8 => {
                let length = reader.length(1)?;
                reader.string(length)?
            }
            Marker::Str16 => {
                let length = reader.length(2)?;
                reader.string(length)?
            }
            Marker::Str32 => {
                let length = reader.length(4)?;
                reader.string(length)?
            }
            Marker::Bin8 => {
                let length = reader.length(1)?;
                reader.skip(length)?
            }
            Marker::Bin16 => {
                let length = reader.length(2)?;
                reader.skip(length)?
            }
            Marker::Bin32 => {
                let length = reader.length(4)?;
                reader.skip(length)?
            }
            // Fixed-size extensions: one type byte and the payload.
            Marker::FixExt1 => reader.skip(2)?,
            Marker::FixExt2 => reader.skip(3)?,
            Marker::FixExt4 => reader.skip(5)?,
            Marker::FixExt8 => reader.skip(9)?,
            Marker::FixExt16 => reader.skip(17)?,
            Marker::Ext8 => {
                let length = reader.length(1)?;
                reader.skip(length + 1)?
            }
            Marker::Ext16 => {
                let length = reader.length(2)?;
                reader.skip(length + 1)?
            }
            Marker::Ext32 => {
                let length = reader.length(4)?;
                reader.skip(length + 1)?
            }
            Marker::FixArray(length) => expected += u64::from(length),
            Marker::Array16 => expected += reader.length(2)?,
            Marker::Array32 => expected += reader.length(4)?,
            Marker::FixMap(length) => expected += 2 * u64::from(length),
            Marker::Map16 => expected += 2 * reader.length(2)?,
            Marker::Map32 => expected += 2 * reader.length(4)?,
        }
        // Every value takes at least one byte, so a count beyond the bytes left is a lie.
        if expected > reader.remaining() {
            return Err(format!(
                "truncated: {expected} more values announced but {} bytes left",
                reader.remaining()
            ));
        }
    }
    if reader.remaining() > 0 {
        return Err(format!(
            "{} trailing bytes after the value",
            reader.remaining()
        ));
    }
    Ok(())
}

struct Reader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl Reader<'_> {
    fn remaining(&self) -> u64 {
        (self.bytes.len() - self.position) as u64
    }

    fn take(&mut self, count: u64) -> Result<&[u8], String> {
        if count > self.remaining() {
            return Err(format!(
                "truncated: {count} bytes needed at offset {}, {} left",
                self.position,
                self.remaining()
            ));
        }
        // count <= remaining <= usize::MAX, so the cast is exact.
        let start = self.position;
        self.position += count as usize;
        Ok(&self.bytes[start..self.position])
    }

    fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn skip(&mut self, count: u64) -> Result<(), String> {
        self.take(count).map(|_| ())
    }

    /// A big-endian length of `width` bytes.
    fn length(&mut self, width: u64) -> Result<u64, String> {
        Ok(self
            .take(width)?
            .iter()
            .fold(0u64, |length, byte| (length << 8) | u64::from(*byte)))
    }

    fn string(&mut self, length: u64) -> Result<(), String> {
        let at = self.position;
        let bytes = self.take(length)?;
        std::str::from_utf8(bytes)
            .map(|_| ())
            .map_err(|_| format!("string at offset {at} is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::validate_value;

    #[test]
    fn accepts_one_complete_value() {
        let cases: &[&[u8]] = &[
            &[0x00],
            &[0xc0],
            &[0xa3, b'a', b'b', b'c'],
            // {"a": [1, -1, 1.5]}
            &[
                0x81, 0xa1, b'a', 0x93, 0x01, 0xff, 0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0,
            ],
            &[0xc4, 0x02, 0xde, 0xad],
            &[0xd6, 0xff, 0, 0, 0, 1],
            &[0x90],
            &[0x80],
        ];
        for case in cases {
            assert_eq!(validate_value(case), Ok(()), "{case:x?}");
        }
    }

    #[test]
    fn rejects_malformed_values() {
        let cases: &[&[u8]] = &[
            &[],
            &[0xc1],
            &[0x01, 0x02],
            &[0x92, 0x01],
            &[0xa3, b'a'],
            &[0xa2, 0xff, 0xfe],
            &[0xdd, 0xff, 0xff, 0xff, 0xff],
            &[0xdf, 0xff, 0xff, 0xff, 0xff, 0x01],
            &[0xc6, 0xff, 0xff, 0xff, 0xff],
            &[0xcb, 0x00],
            &[0x81, 0x01],
        ];
        for case in cases {
            assert!(
                validate_value(case).is_err(),
                "{case:x?} should be rejected"
            );
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let mut deep = vec![0x91u8; 1_000_000];
        deep.push(0xc0);
        assert_eq!(validate_value(&deep), Ok(()));
        deep.pop();
        assert!(validate_value(&deep).is_err());
    }
}
