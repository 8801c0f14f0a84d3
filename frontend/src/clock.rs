//! The simulated wall clock: the session's start time plus the seconds the page has been
//! open. It only moves forward.

use std::cell::Cell;

pub struct Clock {
    start_unix: i64,
    loaded_ms: f64,
    last: Cell<i64>,
}

impl Clock {
    pub fn new(start_unix: i64) -> Clock {
        Clock { start_unix, loaded_ms: js_sys::Date::now(), last: Cell::new(start_unix) }
    }

    /// Current simulated Unix time in seconds, never earlier than a previous reading.
    pub fn now(&self) -> i64 {
        let elapsed_ms = (js_sys::Date::now() - self.loaded_ms).max(0.0);
        // Whole seconds; an f64 of milliseconds since page load fits an i64 easily.
        let now = self.start_unix + (elapsed_ms / 1000.0) as i64;
        let now = now.max(self.last.get());
        self.last.set(now);
        now
    }
}
