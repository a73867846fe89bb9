//! Columns indexed by node slot that grow on write and read as their default past their end,
//! so a rarely used column (a scalar resource, a label key) costs nothing for other nodes.

#[derive(Debug, Clone)]
pub struct Column<T: Copy> {
    values: Vec<T>,
    default: T,
}

impl<T: Copy> Column<T> {
    pub fn new(default: T) -> Self {
        Column {
            values: Vec::new(),
            default,
        }
    }

    #[inline]
    pub fn get(&self, slot: usize) -> T {
        match self.values.get(slot) {
            Some(value) => *value,
            None => self.default,
        }
    }

    /// The stored values (slots past the end read as `default_value`).
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        &self.values
    }

    #[inline]
    pub fn default_value(&self) -> T {
        self.default
    }

    pub fn set(&mut self, slot: usize, value: T) {
        if slot >= self.values.len() {
            self.values.resize(slot + 1, self.default);
        }
        self.values[slot] = value;
    }

    pub fn update(&mut self, slot: usize, change: impl FnOnce(T) -> T) {
        let value = change(self.get(slot));
        self.set(slot, value);
    }
}
