//! Strings (label keys and values, taint keys, images, resource and node names) are interned
//! once, so the per-pod loops compare integers. A pod's strings are only looked up: a string no
//! node has ever carried becomes `UNKNOWN`, which equals no interned symbol.

use rustc_hash::FxHashMap;

pub type Sym = u32;

/// The symbol of a string that was never interned; it matches nothing a node carries.
pub const UNKNOWN: Sym = u32::MAX;

#[derive(Debug, Default)]
pub struct Interner {
    ids: FxHashMap<String, Sym>,
    names: Vec<String>,
    /// Each string read as a base-10 int64 the way Go's strconv.ParseInt does (for Gt/Lt).
    ints: Vec<Option<i64>>,
}

impl Interner {
    pub fn intern(&mut self, text: &str) -> Sym {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = self.names.len() as Sym;
        self.ids.insert(text.to_string(), id);
        self.names.push(text.to_string());
        self.ints.push(parse_int64(text));
        id
    }

    pub fn lookup(&self, text: &str) -> Sym {
        self.ids.get(text).copied().unwrap_or(UNKNOWN)
    }

    pub fn name(&self, id: Sym) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }

    pub fn int(&self, id: Sym) -> Option<i64> {
        self.ints.get(id as usize).copied().flatten()
    }
}

/// Go's `strconv.ParseInt(text, 10, 64)`: an optional sign, then decimal digits, within int64.
pub fn parse_int64(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let mut value: i64 = 0;
    for byte in digits.bytes() {
        let digit = i64::from(byte - b'0');
        value = if negative {
            value.checked_mul(10)?.checked_sub(digit)?
        } else {
            value.checked_mul(10)?.checked_add(digit)?
        };
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_go() {
        assert_eq!(parse_int64("42"), Some(42));
        assert_eq!(parse_int64("+7"), Some(7));
        assert_eq!(parse_int64("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int64("9223372036854775808"), None);
        assert_eq!(parse_int64(""), None);
        assert_eq!(parse_int64("-"), None);
        assert_eq!(parse_int64(" 1"), None);
        assert_eq!(parse_int64("1_000"), None);
        assert_eq!(parse_int64("0x10"), None);
    }

    #[test]
    fn unknown_strings_match_nothing() {
        let mut strings = Interner::default();
        let zone = strings.intern("zone");
        assert_eq!(strings.intern("zone"), zone);
        assert_eq!(strings.lookup("zone"), zone);
        assert_eq!(strings.lookup("region"), UNKNOWN);
        let twelve = strings.intern("12");
        assert_eq!(strings.int(twelve), Some(12));
    }
}
