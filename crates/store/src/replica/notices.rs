//! Refused connections and malformed frames are worth one line to an operator, not one per
//! attempt: a peer retrying every few milliseconds (or someone probing the port) must not flood
//! the apiserver's log. At most one line per interval, counting what it stood in for.

use std::time::{Duration, Instant};

use parking_lot::Mutex;

pub struct Notices {
    interval: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    last: Option<Instant>,
    suppressed: u64,
}

impl Notices {
    pub fn new(interval: Duration) -> Notices {
        Notices {
            interval,
            state: Mutex::new(State::default()),
        }
    }

    /// Reports `what` unless a line was written within the interval; returns whether it was.
    pub fn note(&self, what: impl FnOnce() -> String) -> bool {
        let now = Instant::now();
        let suppressed = {
            let mut state = self.state.lock();
            if state
                .last
                .is_some_and(|last| now.duration_since(last) < self.interval)
            {
                state.suppressed += 1;
                return false;
            }
            state.last = Some(now);
            std::mem::take(&mut state.suppressed)
        };
        if suppressed == 0 {
            eprintln!("rudder-store: {}", what());
        } else {
            eprintln!(
                "rudder-store: {} ({suppressed} more like it since the last report)",
                what()
            );
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_interval() {
        let notices = Notices::new(Duration::from_secs(60));
        assert!(notices.note(|| "first".into()));
        assert!(!notices.note(|| "second".into()));
        assert!(!notices.note(|| "third".into()));
        assert_eq!(notices.state.lock().suppressed, 2);
    }
}
