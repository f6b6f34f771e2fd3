//! Where the current time comes from: the system clock, a fixed instant, or a clock
//! that tests move by hand.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

/// The node's clock.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        #[allow(clippy::disallowed_methods)]
        Clock(Arc::new(Utc::now))
    }

    /// A clock that always reads `at`.
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Clock(Arc::new(move || at))
    }

    /// A clock that reads `at` until moved with the returned handle.
    pub fn manual(at: DateTime<Utc>) -> (Self, ManualClock) {
        let now = Arc::new(Mutex::new(at));
        let reader = now.clone();
        (
            Clock(Arc::new(move || {
                *reader.lock().unwrap_or_else(|e| e.into_inner())
            })),
            ManualClock(now),
        )
    }

    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}

/// Moves a [`Clock::manual`] clock.
#[derive(Clone, Debug)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }

    /// Sets the clock.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }
}
