//! The maritime picture, pure: AIS observations in; vessel state, identity history,
//! down-sampled tracks and behaviour events out.
//!
//! Nothing here does I/O or reads the clock: time is the messages' own (tag-block `c:`
//! or CSV time, else the receive time the caller passes), and the caller moves it on with
//! [`Engine::advance`]. The same observations always give the same output.
//!
//! # Two ways to use it
//!
//! **Incrementally** (a server with live feeds): build one [`Engine`], then for every
//! message make [`Observation`]s ([`observation::from_ais`] for a decoded AIS message,
//! [`CsvReader::row`] for a CSV row) and [`Engine::push`] each with an [`Output`]. After
//! each push (or batch), drain the output: persist `output.track` (down-sampled track
//! points) and `output.identity` (identity history), upsert `output.events` by
//! [`Event::id`] (an event with a duration is reported when it is known, `end: None`,
//! and again with the same id when it ends), and record `output.flagged`. Call
//! [`Engine::advance`] with the server's clock every so often (a minute is plenty) so
//! that silences are noticed without new messages (gaps open; encounters end).
//! [`Engine::vessel`] and [`Engine::vessels`] give the current [`VesselState`] of each
//! vessel, plain serialisable data.
//!
//! **Over a file** (`interdict maritime detect`): the same, then [`Engine::finish`] at
//! the end of the input; events still going on keep `end: None`.
//!
//! ```
//! use std::sync::Arc;
//! use interdict_maritime::{Config, Engine, Geography, Observation, Output, Position,
//!     SourceId, Watchlist, Zones};
//!
//! let geo = Arc::new(Geography::embedded().unwrap());
//! let mut engine = Engine::new(Config::default(), geo, Zones::default(), Watchlist::default());
//! let mut out = Output::default();
//! let source = engine.source_id("kcg-feed-1");
//! engine.push(Observation::Position(Position {
//!     mmsi: 440123450, time: 1_700_000_000, received_at: Some(1_700_000_001),
//!     lat: 33.0, lon: 127.5, sog: Some(11.5), cog: Some(45.0), heading: Some(44),
//!     status: Some(0), source,
//! }), &mut out);
//! engine.finish(&mut out);
//! assert_eq!(out.track.len(), 1);
//! assert_eq!(engine.vessel(440123450).unwrap().positions, 1);
//! ```
//!
//! # Input policy
//!
//! * A message whose time is more than `input.future_tolerance_secs` (5 min) after its
//!   receive time, or more than `input.max_age_secs` (24 h) before it, is flagged and not
//!   used. Without a receive time the reference is the latest time seen (and a jump
//!   forward of more than `input.max_jump_secs` is flagged as future).
//! * Observations wait `input.reorder_window_secs` (120 s of data time) and are used in
//!   time order. A position older than one already used for its vessel is flagged
//!   `late`; one with the same vessel, time and place as the last used is a duplicate
//!   and dropped.
//!
//! # Detectors
//!
//! Encounter, loitering, AIS gap, identity anomalies, zone entry, watch list and
//! high-risk arrival; definitions, defaults and sources in `docs/maritime.md` and on
//! [`Config`]. No encounter, loitering or gap is reported for a vessel in port or at an
//! anchorage (within `port.in_port_m`, 10 km, of a listed port or anchorage).

pub mod config;
pub mod csv_input;
pub mod engine;
pub mod event;
pub mod geodesy;
pub mod geography;
pub mod observation;
pub mod state;
pub mod watchlist;
pub mod zones;

pub use config::Config;
pub use csv_input::{CsvFormat, CsvReader};
pub use engine::{Engine, FlagReason, Flagged, Output, Snapshot, Stats};
pub use event::{Event, EventKind};
pub use geography::{Geography, Port, PortIndex, ShoreGrid};
pub use observation::{Observation, Position, SourceId, StaticReport};
pub use state::{Identity, IdentityChange, IdentityField, PortCall, TrackPoint, VesselState};
pub use watchlist::{WatchEntry, Watchlist};
pub use zones::{Zone, Zones};
