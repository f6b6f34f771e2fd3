//! The engine: observations in, in time order, vessel state, track points and events out.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde_json::json;

use crate::config::Config;
use crate::event::{Event, EventKind};
use crate::geodesy::{angle_diff_deg, distance_fast_cos_m, distance_m, MPS_PER_KNOT};
use crate::geography::{port_key, Geography, PortIndex};
use crate::observation::{Observation, Position, SourceId, StaticReport};
use crate::state::{IdentityChange, IdentityField, PortCall, TrackPoint, VesselState};
use crate::watchlist::{MatchedBy, Watchlist};
use crate::zones::Zones;

/// Why an observation was set aside rather than used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagReason {
    /// Its time is ahead of its receive time (or of the data) by more than the tolerance.
    Future,
    /// Its time is behind its receive time (or the data) by more than the maximum age.
    Stale,
    /// It arrived after later positions of the same vessel were already used.
    Late,
}

/// An observation set aside, with the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Flagged {
    /// The vessel.
    pub mmsi: u32,
    /// The message time.
    pub time: i64,
    /// The receive time, if known.
    pub received_at: Option<i64>,
    /// Why.
    pub reason: FlagReason,
}

/// What the engine produced since the output was last cleared.
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// Events, new or updated (same `id`: keep the last).
    pub events: Vec<Event>,
    /// Down-sampled track points.
    pub track: Vec<TrackPoint>,
    /// Identity history entries.
    pub identity: Vec<IdentityChange>,
    /// Observations set aside.
    pub flagged: Vec<Flagged>,
}

impl Output {
    /// Empties every list (keeping their memory).
    pub fn clear(&mut self) {
        self.events.clear();
        self.track.clear();
        self.identity.clear();
        self.flagged.clear();
    }
}

/// Counts kept by the engine.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    /// Observations pushed.
    pub pushed: u64,
    /// Positions used.
    pub positions: u64,
    /// Static reports used.
    pub statics: u64,
    /// Flagged as future.
    pub future: u64,
    /// Flagged as stale.
    pub stale: u64,
    /// Flagged as late (after later positions of the same vessel).
    pub late: u64,
    /// Duplicates dropped (same vessel, time and position).
    pub duplicates: u64,
    /// Event reports (new and updated).
    pub events: u64,
    /// Nearest-port searches (the rest were answered from each vessel's last search).
    pub port_searches: u64,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Pending {
    time: i64,
    seq: u64,
    /// The vessel's index in `Engine::vessels`.
    idx: u32,
    obs: Item,
}

/// An observation waiting in the reorder buffer; static data out of line, so that the
/// buffer's entries stay small.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
enum Item {
    Position(Position),
    Static(Box<StaticReport>),
}

impl Pending {
    fn copy(&self) -> Self {
        Pending {
            time: self.time,
            seq: self.seq,
            idx: self.idx,
            obs: match &self.obs {
                Item::Position(p) => Item::Position(*p),
                Item::Static(s) => Item::Static(s.clone()),
            },
        }
    }
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.time, self.seq).cmp(&(other.time, other.seq))
    }
}

/// The result of a nearest-port search, reused while it still decides every threshold:
/// after moving `m` from where it searched, the vessel is at least `d - m` from every port
/// (`d` the distance found then) and at most its distance to the port found. A new
/// search is needed only when a threshold falls between the two.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
struct NearCache {
    lat: f64,
    lon: f64,
    /// Distance to the nearest port at the search, or the search radius when none was
    /// within it; NaN before the first search.
    dist: f64,
    idx: Option<u32>,
    /// Where the port found is.
    port_lat: f64,
    port_lon: f64,
}

impl Default for NearCache {
    fn default() -> Self {
        Self {
            lat: 0.0,
            lon: 0.0,
            dist: f64::NAN,
            idx: None,
            port_lat: 0.0,
            port_lon: 0.0,
        }
    }
}

impl NearCache {
    /// A distance to a port that decides every threshold as the distance to the nearest
    /// port would (an upper bound on it), the index of that port, and whether a search
    /// was made. Ports beyond `cap` are not looked for.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn get(
        &mut self,
        index: &PortIndex,
        lat: f64,
        lon: f64,
        coslat: f64,
        cap: f64,
        thresholds: &[f64],
    ) -> (f64, Option<u32>, bool) {
        if !self.dist.is_nan() {
            // The fast distance is within 1 % at these ranges; 2 % of margin.
            let moved = distance_fast_cos_m(self.lat, self.lon, lat, lon, coslat);
            let lower = self.dist - moved * 1.02;
            let upper = match self.idx {
                Some(_) => {
                    distance_fast_cos_m(lat, lon, self.port_lat, self.port_lon, coslat) * 1.02
                }
                None => f64::INFINITY,
            };
            if thresholds.iter().all(|&t| upper < t || lower >= t) {
                return (upper, self.idx, false);
            }
        }
        let (idx, dist) = match index.nearest(lat, lon, cap) {
            Some((i, d)) => (Some(i), d),
            None => (None, cap),
        };
        let (port_lat, port_lon) = idx
            .and_then(|i| index.get(i))
            .map_or((0.0, 0.0), |p| (p.lat, p.lon));
        *self = NearCache {
            lat,
            lon,
            dist,
            idx,
            port_lat,
            port_lon,
        };
        (dist, idx, true)
    }
}

#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
struct Run {
    start: i64,
    last: i64,
    sum_lat: f64,
    sum_lon: f64,
    n: u32,
    min_sog: f64,
    max_sog: f64,
    reported: bool,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Episode {
    start: i64,
    last: i64,
    lat: f64,
    lon: f64,
    jumps: u32,
    max_speed_kn: f64,
    first: serde_json::Value,
}

#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
struct Inside {
    zone: u32,
    start: i64,
    last: i64,
    lat: f64,
    lon: f64,
    /// First seen inside while in port: not an entry.
    silent: bool,
    /// First seen inside (no earlier position outside).
    first: bool,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Call {
    port: u32,
    group: Option<u32>,
    arrival: i64,
    last_in: i64,
    /// Already in the vessel's list of port calls.
    listed: bool,
}

/// A vessel: its public state and the detectors' working state. The fields every position
/// touches come first and together (`repr(C)` keeps the order), the public state last
/// (its own hot fields first), so that a position touches few cache lines.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[repr(C)]
struct Vessel {
    /// The shore-grid cell of the last position and its distance to shore.
    shore: (usize, f64),
    port: NearCache,
    home: NearCache,
    track_last: Option<(i64, Option<f32>, Option<f32>)>,
    cell: (i32, i32),
    /// The source of the last position.
    last_source: Option<SourceId>,
    in_port: bool,
    in_home: Option<bool>,
    candidate: bool,
    open_gap: bool,
    loiter: Option<Box<Run>>,
    call: Option<Box<Call>>,
    episode: Option<Box<Episode>>,
    /// What only some vessels need, out of line.
    extra: Option<Box<Extra>>,
    state: VesselState,
}

/// Detector state that only some vessels have: encounter partners, areas they are in,
/// watch-list matches.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct Extra {
    partners: Vec<u32>,
    inside: Vec<Inside>,
    matches: Vec<(u32, MatchedBy)>,
    last_sighting: Option<i64>,
    bad_imo: Option<u32>,
}

static NO_EXTRA: Extra = Extra {
    partners: Vec::new(),
    inside: Vec::new(),
    matches: Vec::new(),
    last_sighting: None,
    bad_imo: None,
};

impl Vessel {
    /// Reads a word from each cache line the processing of a position reads, so that
    /// the loads are issued together.
    #[inline]
    fn touch(&self) -> u64 {
        (self.shore.0 as u64)
            ^ self.home.dist.to_bits()
            ^ self.track_last.map_or(0, |t| t.0 as u64)
            ^ u64::from(self.candidate)
            ^ self.state.position.map_or(0, |p| p.time as u64)
            ^ self.state.positions
            ^ self.loiter.as_ref().map_or(0, |r| r.last as u64)
            ^ self.call.as_ref().map_or(0, |c| c.last_in as u64)
            ^ self.extra.as_ref().map_or(0, |x| x.inside.len() as u64)
    }

    /// The out-of-line state (empty if none).
    #[inline]
    fn x(&self) -> &Extra {
        self.extra.as_deref().unwrap_or(&NO_EXTRA)
    }

    /// The out-of-line state, made if needed.
    fn xm(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Box::default)
    }

    fn new(mmsi: u32, time: i64) -> Self {
        Self {
            state: VesselState::new(mmsi, time),
            track_last: None,
            port: NearCache::default(),
            home: NearCache::default(),
            in_port: false,
            in_home: None,
            call: None,
            loiter: None,
            candidate: false,
            cell: (0, 0),
            episode: None,
            open_gap: false,
            extra: None,
            shore: (usize::MAX, 0.0),
            last_source: None,
        }
    }
}

#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
struct Cand {
    lat: f64,
    lon: f64,
    time: i64,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Pair {
    start: i64,
    last_close: i64,
    n: u32,
    sum_lat: f64,
    sum_lon: f64,
    min_dist: f64,
    max_dist: f64,
    first: [f64; 4],
    reported: bool,
}

/// How many observations ahead the engine loads a vessel's working state.
const LOOK_AHEAD: usize = 2;

/// Cell size of the encounter grid, degrees (about 1.1 km of latitude).
const ENCOUNTER_CELL_DEG: f64 = 0.01;

/// The working state of an [`Engine`] ([`Engine::snapshot`], [`Engine::restore`]).
/// Its contents are private; it is meant for a compact serde format (maps have
/// non-string keys).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    watchlist: Vec<crate::watchlist::WatchEntry>,
    sources: Vec<String>,
    vessels: Vec<Vessel>,
    inorder: Vec<Pending>,
    buffer: Vec<Pending>,
    seq: u64,
    watermark: Option<i64>,
    grid: FxHashMap<(i32, i32), Vec<u32>>,
    cands: FxHashMap<u32, Cand>,
    pairs: FxHashMap<(u32, u32), Pair>,
    reception: Reception,
    stats: Stats,
}

/// The maritime engine: push observations (in any order within the reorder window),
/// get events, track points and identity history out; read vessel state at any time.
///
/// Everything is deterministic: the same observations give the same output, whatever the
/// wall clock; time only moves with the observations and with [`Engine::advance`].
#[derive(Debug)]
pub struct Engine {
    config: Config,
    geo: Arc<Geography>,
    home_ports: PortIndex,
    zones: Zones,
    watchlist: Watchlist,
    sources: Vec<String>,
    source_ids: FxHashMap<String, SourceId>,
    index: FxHashMap<u32, u32>,
    vessels: Vec<Vessel>,
    /// Observations that arrived in time order (the usual case): a queue.
    inorder: VecDeque<Pending>,
    /// Observations that arrived out of order: a heap.
    buffer: BinaryHeap<Reverse<Pending>>,
    seq: u64,
    watermark: Option<i64>,
    grid: FxHashMap<(i32, i32), Vec<u32>>,
    cands: FxHashMap<u32, Cand>,
    pairs: FxHashMap<(u32, u32), Pair>,
    reception: Reception,
    stats: Stats,
    scratch: Vec<u32>,
}

/// Positions received per one-degree cell and hour: the current hour in an array, past
/// hours in a map (positions are used in time order, so the current hour only moves on).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Reception {
    hour: i64,
    current: Vec<u32>,
    touched: Vec<u32>,
    past: FxHashMap<u64, u32>,
    pruned: i64,
}

impl Reception {
    fn new() -> Self {
        Self {
            hour: i64::MIN,
            current: vec![0; 360 * 180],
            touched: Vec::new(),
            past: FxHashMap::default(),
            pruned: i64::MIN,
        }
    }

    fn copy(&self) -> Self {
        Self {
            hour: self.hour,
            current: self.current.clone(),
            touched: self.touched.clone(),
            past: self.past.clone(),
            pruned: self.pruned,
        }
    }

    fn cell(lat: f64, lon: f64) -> Option<u32> {
        let row = floor_i64(lat) + 90;
        if !(0..180).contains(&row) {
            return None;
        }
        let col = (floor_i64(lon) + 180).rem_euclid(360);
        Some((row * 360 + col) as u32)
    }

    fn key(hour: i64, cell: u32) -> u64 {
        (hour as u64) << 17 | u64::from(cell)
    }

    #[inline]
    fn add(&mut self, lat: f64, lon: f64, hour: i64, keep_hours: i64) {
        let Some(cell) = Self::cell(lat, lon) else {
            return;
        };
        if hour > self.hour {
            for &c in &self.touched {
                let n = std::mem::take(&mut self.current[c as usize]);
                self.past.insert(Self::key(self.hour, c), n);
            }
            self.touched.clear();
            self.hour = hour;
            if hour.saturating_sub(self.pruned) > keep_hours + 24 {
                let oldest = hour - keep_hours;
                self.past.retain(|k, _| (k >> 17) as i64 >= oldest);
                self.pruned = hour;
            }
        }
        if hour == self.hour {
            let n = &mut self.current[cell as usize];
            if *n == 0 {
                self.touched.push(cell);
            }
            *n += 1;
        } else {
            *self.past.entry(Self::key(hour, cell)).or_insert(0) += 1;
        }
    }

    fn get(&self, lat: f64, lon: f64, hour: i64) -> u32 {
        let Some(cell) = Self::cell(lat, lon) else {
            return 0;
        };
        if hour == self.hour {
            self.current[cell as usize]
        } else {
            self.past.get(&Self::key(hour, cell)).copied().unwrap_or(0)
        }
    }
}

/// `x.floor() as i64` without a call to `floor` (which the baseline x86-64 target does
/// not have as an instruction).
#[inline]
fn floor_i64(x: f64) -> i64 {
    let t = x as i64;
    if (t as f64) > x {
        t - 1
    } else {
        t
    }
}

fn encounter_cell(lat: f64, lon: f64) -> (i32, i32) {
    (
        floor_i64(lat / ENCOUNTER_CELL_DEG) as i32,
        floor_i64(lon / ENCOUNTER_CELL_DEG) as i32,
    )
}

impl Engine {
    /// An engine with this configuration, geography, areas and watch list.
    pub fn new(config: Config, geo: Arc<Geography>, zones: Zones, watchlist: Watchlist) -> Self {
        let home_ports = geo.ports.filter_countries(&config.arrival.home_countries);
        Self {
            config,
            geo,
            home_ports,
            zones,
            watchlist,
            sources: Vec::new(),
            source_ids: FxHashMap::default(),
            index: FxHashMap::default(),
            vessels: Vec::new(),
            inorder: VecDeque::new(),
            buffer: BinaryHeap::new(),
            seq: 0,
            watermark: None,
            grid: FxHashMap::default(),
            cands: FxHashMap::default(),
            pairs: FxHashMap::default(),
            reception: Reception::new(),
            stats: Stats::default(),
            scratch: Vec::new(),
        }
    }

    /// The engine's working state, to be written down (in any serde format) and given
    /// to [`Engine::restore`] later or in another process: restored with the same
    /// configuration and geography, the engine goes on exactly as this one would.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            watchlist: self.watchlist.entries().to_vec(),
            sources: self.sources.clone(),
            vessels: self.vessels.clone(),
            inorder: self.inorder.iter().map(Pending::copy).collect(),
            buffer: self.buffer.iter().map(|Reverse(p)| p.copy()).collect(),
            seq: self.seq,
            watermark: self.watermark,
            grid: self.grid.clone(),
            cands: self.cands.clone(),
            pairs: self.pairs.clone(),
            reception: self.reception.copy(),
            stats: self.stats.clone(),
        }
    }

    /// An engine that goes on from `snapshot`, with this configuration, geography and
    /// areas (the watch list is the snapshot's; change it with
    /// [`Engine::set_watchlist`]).
    pub fn restore(config: Config, geo: Arc<Geography>, zones: Zones, snapshot: Snapshot) -> Self {
        let mut engine = Engine::new(config, geo, zones, Watchlist::new(snapshot.watchlist));
        engine.source_ids = snapshot
            .sources
            .iter()
            .enumerate()
            .map(|(i, name)| (name.clone(), SourceId(i.min(usize::from(u16::MAX)) as u16)))
            .collect();
        engine.sources = snapshot.sources;
        engine.index = snapshot
            .vessels
            .iter()
            .enumerate()
            .map(|(i, v)| (v.state.mmsi, i as u32))
            .collect();
        engine.vessels = snapshot.vessels;
        engine.inorder = snapshot.inorder.into();
        engine.buffer = snapshot.buffer.into_iter().map(Reverse).collect();
        engine.seq = snapshot.seq;
        engine.watermark = snapshot.watermark;
        engine.grid = snapshot.grid;
        engine.cands = snapshot.cands;
        engine.pairs = snapshot.pairs;
        engine.reception = snapshot.reception;
        engine.stats = snapshot.stats;
        engine
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The id of a named source (a feed, a receiver), made on first use.
    pub fn source_id(&mut self, name: &str) -> SourceId {
        if let Some(&id) = self.source_ids.get(name) {
            return id;
        }
        let id = SourceId(self.sources.len().min(usize::from(u16::MAX)) as u16);
        self.sources.push(name.to_owned());
        self.source_ids.insert(name.to_owned(), id);
        id
    }

    /// The name of a source id.
    pub fn source_name(&self, id: SourceId) -> Option<&str> {
        self.sources.get(usize::from(id.0)).map(String::as_str)
    }

    /// The counts so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The latest message time accepted.
    pub fn watermark(&self) -> Option<i64> {
        self.watermark
    }

    /// The state of one vessel.
    pub fn vessel(&self, mmsi: u32) -> Option<&VesselState> {
        self.index
            .get(&mmsi)
            .map(|&i| &self.vessels[i as usize].state)
    }

    /// The state of every vessel, in the order first seen.
    pub fn vessels(&self) -> impl Iterator<Item = &VesselState> {
        self.vessels.iter().map(|v| &v.state)
    }

    /// Number of vessels seen.
    pub fn n_vessels(&self) -> usize {
        self.vessels.len()
    }

    /// Number of observations waiting in the reorder buffer.
    pub fn pending(&self) -> usize {
        self.inorder.len() + self.buffer.len()
    }

    /// Takes one observation. It is checked against its receive time (or the latest time
    /// seen), held until the reorder window has passed, then used in time order; whatever
    /// that produces goes to `out`.
    pub fn push(&mut self, obs: Observation, out: &mut Output) {
        self.stats.pushed += 1;
        let time = obs.time();
        let cfg = &self.config.input;
        let reason = match (obs.received_at(), self.watermark) {
            (Some(rx), _) if time > rx.saturating_add(cfg.future_tolerance_secs) => {
                Some(FlagReason::Future)
            }
            (Some(rx), _) if time < rx.saturating_sub(cfg.max_age_secs) => Some(FlagReason::Stale),
            (None, Some(w)) if time > w.saturating_add(cfg.max_jump_secs) => {
                Some(FlagReason::Future)
            }
            (None, Some(w)) if time < w.saturating_sub(cfg.max_age_secs) => Some(FlagReason::Stale),
            _ => None,
        };
        if let Some(reason) = reason {
            match reason {
                FlagReason::Future => self.stats.future += 1,
                _ => self.stats.stale += 1,
            }
            out.flagged.push(Flagged {
                mmsi: obs.mmsi(),
                time,
                received_at: obs.received_at(),
                reason,
            });
            return;
        }
        if self.watermark.is_none_or(|w| time > w) {
            self.watermark = Some(time);
        }
        self.seq += 1;
        let idx = self.vessel_idx(obs.mmsi(), time) as u32;
        let obs = match obs {
            Observation::Position(p) => Item::Position(p),
            Observation::Static(s) => Item::Static(Box::new(s)),
        };
        let p = Pending {
            time,
            seq: self.seq,
            idx,
            obs,
        };
        if self.inorder.back().is_none_or(|b| time >= b.time) {
            self.inorder.push_back(p);
        } else {
            self.buffer.push(Reverse(p));
        }
        self.release(false, out);
    }

    /// Lets time pass to `now` without messages (the caller's clock): the reorder buffer
    /// releases what is older than the window, and silences are checked (gaps open,
    /// encounters and loitering end).
    pub fn advance(&mut self, now: i64, out: &mut Output) {
        if self.watermark.is_none_or(|w| now > w) {
            self.watermark = Some(now);
        }
        self.release(false, out);
        self.sweep(now, out);
    }

    /// Ends the input: everything buffered is used, silences are checked at the latest
    /// time seen, and events still going on are reported with their evidence so far
    /// (`end: None`).
    /// Replaces the watch list (a server rebuilds it as intelligence changes). Every
    /// vessel is matched again; a vessel with a position that is newly watched (by a
    /// reference it was not watched by before) is reported as sighted at `time`.
    pub fn set_watchlist(&mut self, watchlist: Watchlist, time: i64, out: &mut Output) {
        self.watchlist = watchlist;
        for i in 0..self.vessels.len() {
            let v = &self.vessels[i];
            let old: Vec<String> = v.state.watch.clone();
            let id = &v.state.identity;
            let m = self.watchlist.matches(
                v.state.mmsi,
                id.imo,
                id.callsign.as_deref(),
                id.name.as_deref(),
            );
            let refs: Vec<String> = m
                .iter()
                .filter_map(|&(e, _)| self.watchlist.entries().get(e as usize))
                .map(|e| e.reference.clone())
                .collect();
            let new: Vec<(u32, MatchedBy)> = m
                .iter()
                .filter(|&&(e, _)| {
                    self.watchlist
                        .entries()
                        .get(e as usize)
                        .is_some_and(|w| !old.contains(&w.reference))
                })
                .copied()
                .collect();
            let has_position = v.state.position.is_some();
            let v = &mut self.vessels[i];
            v.state.watch = refs;
            if m.is_empty() {
                if v.extra.is_some() {
                    v.xm().matches = m;
                }
            } else {
                v.xm().matches = m;
            }
            if has_position && !new.is_empty() {
                v.xm().last_sighting = Some(time);
                self.sighting(i, time, &new, out);
            }
        }
    }

    /// Replaces the areas watched for entries (a server's areas change).
    pub fn set_zones(&mut self, zones: Zones) {
        self.zones = zones;
    }

    /// The watch list in use.
    pub fn watchlist(&self) -> &Watchlist {
        &self.watchlist
    }

    pub fn finish(&mut self, out: &mut Output) {
        self.release(true, out);
        let Some(now) = self.watermark else {
            return;
        };
        self.sweep(now, out);
        // Report what is still going on with its latest evidence.
        let mut keys: Vec<(u32, u32)> = self.pairs.keys().copied().collect();
        keys.sort_unstable();
        for k in keys {
            if let Some(p) = self.pairs.get(&k).cloned() {
                if p.last_close - p.start >= self.config.encounter.min_duration_secs {
                    let e = self.encounter_event(k, &p, None);
                    self.emit(e, out);
                }
            }
        }
        for i in 0..self.vessels.len() {
            if let Some(run) = self.vessels[i].loiter.as_deref().copied() {
                if run.last - run.start >= self.config.loitering.min_duration_secs {
                    let e = self.loiter_event(i, &run, None);
                    self.emit(e, out);
                }
            }
        }
    }

    fn release(&mut self, all: bool, out: &mut Output) {
        let Some(w) = self.watermark else {
            return;
        };
        let limit = w.saturating_sub(self.config.input.reorder_window_secs);
        loop {
            // The earlier of the two queues' heads, by (time, arrival).
            let a = self.inorder.front().map(|p| (p.time, p.seq));
            let b = self.buffer.peek().map(|Reverse(p)| (p.time, p.seq));
            let (time, from_queue) = match (a, b) {
                (Some(x), Some(y)) if x < y => (x.0, true),
                (Some(x), None) => (x.0, true),
                (_, Some(y)) => (y.0, false),
                (None, None) => break,
            };
            if !all && time > limit {
                break;
            }
            let next = if from_queue {
                self.inorder.pop_front()
            } else {
                self.buffer.pop().map(|Reverse(p)| p)
            };
            let Some(p) = next else {
                break;
            };
            // Load the working state of the vessel two observations ahead now: its cache
            // misses then overlap with each other and with the work in between.
            if let Some(n) = self.inorder.get(LOOK_AHEAD) {
                if let Some(v) = self.vessels.get(n.idx as usize) {
                    std::hint::black_box(v.touch());
                }
            }
            let i = p.idx as usize;
            match p.obs {
                Item::Position(pos) => self.position(i, pos, out),
                Item::Static(s) => self.static_report(i, *s, out),
            }
        }
    }

    fn vessel_idx(&mut self, mmsi: u32, time: i64) -> usize {
        if let Some(&i) = self.index.get(&mmsi) {
            return i as usize;
        }
        let i = self.vessels.len();
        let mut v = Vessel::new(mmsi, time);
        if !self.watchlist.is_empty() {
            let m = self.watchlist.matches(mmsi, None, None, None);
            if !m.is_empty() {
                v.xm().matches = m;
            }
            v.state.watch = v
                .x()
                .matches
                .iter()
                .filter_map(|&(e, _)| self.watchlist.entries().get(e as usize))
                .map(|e| e.reference.clone())
                .collect();
        }
        self.vessels.push(v);
        self.index.insert(mmsi, i as u32);
        i
    }

    /// Reports an event, and for a watched vessel the watch-list event that goes with it.
    fn emit(&mut self, event: Event, out: &mut Output) {
        self.stats.events += 1;
        let related = matches!(
            event.kind,
            EventKind::Encounter | EventKind::Gap | EventKind::ZoneEntry
        );
        if related {
            let involved = [Some(event.mmsi), event.other_mmsi];
            for mmsi in involved.into_iter().flatten() {
                let Some(&vi) = self.index.get(&mmsi) else {
                    continue;
                };
                let other = if mmsi == event.mmsi {
                    event.other_mmsi
                } else {
                    Some(event.mmsi)
                };
                for &(entry, by) in &self.vessels[vi as usize].x().matches {
                    let Some(w) = self.watchlist.entries().get(entry as usize) else {
                        continue;
                    };
                    self.stats.events += 1;
                    out.events.push(Event {
                        id: format!("watchlist:{}:{}:{}", w.reference, mmsi, event.id),
                        kind: EventKind::Watchlist,
                        mmsi,
                        other_mmsi: other,
                        start: event.start,
                        end: event.end,
                        lat: event.lat,
                        lon: event.lon,
                        evidence: json!({
                            "reference": w.reference,
                            "matched_by": by,
                            "trigger": event.kind,
                            "related": event.id,
                        }),
                    });
                }
            }
        }
        out.events.push(event);
    }

    fn static_report(&mut self, i: usize, s: StaticReport, out: &mut Output) {
        self.stats.statics += 1;
        self.vessels[i].state.first_seen = self.vessels[i].state.first_seen.min(s.time);
        let mut events = Vec::new();
        let mut identity_changed = false;
        {
            let v = &mut self.vessels[i];
            let st = &mut v.state;
            st.last_seen = st.last_seen.max(s.time);
            if !st.sources.contains(&s.source) {
                st.sources.push(s.source);
            }
            let (lat, lon) = st.position.map_or((0.0, 0.0), |p| (p.lat, p.lon));
            let mut change = |field: IdentityField,
                              old: Option<String>,
                              new: Option<String>,
                              reason: Option<&str>| {
                identity_changed = true;
                out.identity.push(IdentityChange {
                    mmsi: s.mmsi,
                    time: s.time,
                    field,
                    old: old.clone(),
                    new: new.clone(),
                });
                if let (Some(reason), Some(old)) = (reason, old) {
                    events.push(Event {
                        id: format!("identity:{}:{}:{}", s.mmsi, reason, s.time),
                        kind: EventKind::Identity,
                        mmsi: s.mmsi,
                        other_mmsi: None,
                        start: s.time,
                        end: Some(s.time),
                        lat,
                        lon,
                        evidence: json!({"reason": reason, "old": old, "new": new}),
                    });
                }
            };
            let id = &mut st.identity;
            if s.name.is_some() && s.name != id.name {
                change(
                    IdentityField::Name,
                    id.name.clone(),
                    s.name.clone(),
                    Some("name_change"),
                );
                id.name = s.name.clone();
            }
            if s.callsign.is_some() && s.callsign != id.callsign {
                change(
                    IdentityField::Callsign,
                    id.callsign.clone(),
                    s.callsign.clone(),
                    Some("callsign_change"),
                );
                id.callsign = s.callsign.clone();
            }
            if s.imo.is_some() && s.imo != id.imo {
                change(
                    IdentityField::Imo,
                    id.imo.map(|v| v.to_string()),
                    s.imo.map(|v| v.to_string()),
                    Some("imo_change"),
                );
                id.imo = s.imo;
            }
            if s.ship_type.is_some() && s.ship_type != id.ship_type {
                change(
                    IdentityField::ShipType,
                    id.ship_type.map(|v| v.to_string()),
                    s.ship_type.map(|v| v.to_string()),
                    None,
                );
                id.ship_type = s.ship_type;
            }
            if s.destination.is_some() {
                id.destination = s.destination.clone();
            }
            if let Some(imo) = s.imo {
                if v.x().bad_imo != Some(imo)
                    && interdict_ident::ImoNumber::from_value(imo).is_err()
                {
                    v.xm().bad_imo = Some(imo);
                    events.push(Event {
                        id: format!("identity:{}:imo_check_digit:{}", s.mmsi, s.time),
                        kind: EventKind::Identity,
                        mmsi: s.mmsi,
                        other_mmsi: None,
                        start: s.time,
                        end: Some(s.time),
                        lat,
                        lon,
                        evidence: json!({"reason": "imo_check_digit", "imo": imo}),
                    });
                }
            }
        }
        for e in events {
            self.emit(e, out);
        }
        if identity_changed {
            self.rematch(i, s.time, out);
        }
    }

    /// Matches a vessel against the watch list again; reports a sighting of a newly
    /// matched vessel that has a position.
    fn rematch(&mut self, i: usize, time: i64, out: &mut Output) {
        if self.watchlist.is_empty() {
            return;
        }
        let v = &self.vessels[i];
        let id = &v.state.identity;
        let m = self.watchlist.matches(
            v.state.mmsi,
            id.imo,
            id.callsign.as_deref(),
            id.name.as_deref(),
        );
        if m == v.x().matches {
            return;
        }
        let new: Vec<(u32, MatchedBy)> = m
            .iter()
            .filter(|e| !v.x().matches.iter().any(|o| o.0 == e.0))
            .copied()
            .collect();
        let v = &mut self.vessels[i];
        v.state.watch = m
            .iter()
            .filter_map(|&(e, _)| self.watchlist.entries().get(e as usize))
            .map(|e| e.reference.clone())
            .collect();
        v.xm().matches = m;
        if v.state.position.is_some() && !new.is_empty() {
            v.xm().last_sighting = Some(time);
            self.sighting(i, time, &new, out);
        }
    }

    fn sighting(&mut self, i: usize, time: i64, entries: &[(u32, MatchedBy)], out: &mut Output) {
        let v = &self.vessels[i];
        let Some(p) = v.state.position else {
            return;
        };
        for &(entry, by) in entries {
            let Some(w) = self.watchlist.entries().get(entry as usize) else {
                continue;
            };
            self.stats.events += 1;
            out.events.push(Event {
                id: format!(
                    "watchlist:{}:{}:sighting:{}",
                    w.reference, v.state.mmsi, time
                ),
                kind: EventKind::Watchlist,
                mmsi: v.state.mmsi,
                other_mmsi: None,
                start: time,
                end: Some(time),
                lat: p.lat,
                lon: p.lon,
                evidence: json!({
                    "reference": w.reference,
                    "matched_by": by,
                    "trigger": "sighting",
                    "name": v.state.identity.name,
                    "imo": v.state.identity.imo,
                    "callsign": v.state.identity.callsign,
                }),
            });
        }
    }

    fn position(&mut self, i: usize, p: Position, out: &mut Output) {
        self.vessels[i].state.first_seen = self.vessels[i].state.first_seen.min(p.time);
        let prev = self.vessels[i].state.position;
        if let Some(q) = prev {
            if p.time < q.time {
                self.stats.late += 1;
                out.flagged.push(Flagged {
                    mmsi: p.mmsi,
                    time: p.time,
                    received_at: p.received_at,
                    reason: FlagReason::Late,
                });
                return;
            }
            if p.time == q.time && p.lat == q.lat && p.lon == q.lon {
                self.stats.duplicates += 1;
                return;
            }
        }
        self.stats.positions += 1;
        let cfg = &self.config;

        // Reception: every position counts for its one-degree cell and hour.
        let hour = p.time.div_euclid(3600);
        self.reception
            .add(p.lat, p.lon, hour, cfg.gap.reception_keep_secs / 3600 + 1);

        // Where the vessel is.
        let shore_nmi = {
            let v = &mut self.vessels[i];
            let cell = self.geo.shore.cell(p.lat, p.lon);
            if v.shore.0 != cell {
                v.shore = (cell, self.geo.shore.distance_at(cell));
            }
            v.shore.1
        };
        // Searching ten times the largest threshold away lets a vessel at sea move far
        // before it needs another search.
        let port_cap = cfg.port.in_port_m.max(cfg.port.call_radius_m) * 10.0;
        let coslat = p.lat.to_radians().cos();
        let (port_m, port_idx, searched_port) = self.vessels[i].port.get(
            &self.geo.ports,
            p.lat,
            p.lon,
            coslat,
            port_cap,
            &[cfg.port.in_port_m, cfg.port.call_radius_m],
        );
        let home_m = cfg.arrival.home_waters_nmi * 1852.0;
        let (home_d, _, searched_home) = if self.home_ports.ports().is_empty() {
            (f64::INFINITY, None, false)
        } else {
            self.vessels[i].home.get(
                &self.home_ports,
                p.lat,
                p.lon,
                coslat,
                home_m * 10.0,
                &[home_m],
            )
        };
        self.stats.port_searches += u64::from(searched_port) + u64::from(searched_home);
        let in_port = port_m < cfg.port.in_port_m;
        let in_home = home_d <= home_m;
        let speed_kn = match (p.sog, prev) {
            (Some(s), _) => Some(f64::from(s)),
            (None, Some(q)) if p.time > q.time => Some(
                distance_m(q.lat, q.lon, p.lat, p.lon) / (p.time - q.time) as f64 / MPS_PER_KNOT,
            ),
            _ => None,
        };

        let mut events: Vec<Event> = Vec::new();
        let was_in_port = self.vessels[i].in_port;

        // Identity: a ship MMSI with a MID outside the allocated ranges.
        if prev.is_none() {
            let v = &self.vessels[i];
            if interdict_ident::Mmsi::from_value(p.mmsi).is_err() {
                events.push(Event {
                    id: format!("identity:{}:invalid_mid:{}", p.mmsi, p.time),
                    kind: EventKind::Identity,
                    mmsi: p.mmsi,
                    other_mmsi: None,
                    start: p.time,
                    end: Some(p.time),
                    lat: p.lat,
                    lon: p.lon,
                    evidence: json!({"reason": "invalid_mid", "mid": p.mmsi / 1_000_000}),
                });
            }
            if let Some(mid) = v.state.mid {
                out.identity.push(IdentityChange {
                    mmsi: p.mmsi,
                    time: p.time,
                    field: IdentityField::Flag,
                    old: None,
                    new: Some(mid.to_string()),
                });
            }
        }

        // Identity: the same MMSI in two places (implied speed).
        if let Some(q) = prev {
            let d = distance_fast_cos_m(q.lat, q.lon, p.lat, p.lon, coslat);
            let dt = (p.time - q.time) as f64;
            let implied_kn = if dt > 0.0 {
                d / dt / MPS_PER_KNOT
            } else {
                f64::INFINITY
            };
            let icfg = &cfg.identity;
            let v = &mut self.vessels[i];
            if d > icfg.min_jump_m && implied_kn > icfg.max_implied_speed_kn {
                let d = distance_m(q.lat, q.lon, p.lat, p.lon);
                let jump = json!({
                    "from": {"time": crate::event::format_time(q.time), "lat": q.lat, "lon": q.lon},
                    "to": {"time": crate::event::format_time(p.time), "lat": p.lat, "lon": p.lon},
                    "distance_m": d.round(),
                    "implied_speed_kn": if implied_kn.is_finite() { json!(implied_kn.round()) } else { json!(null) },
                });
                let reportable = implied_kn.is_finite();
                match &mut v.episode {
                    Some(ep) => {
                        ep.last = p.time;
                        ep.jumps += 1;
                        if reportable {
                            ep.max_speed_kn = ep.max_speed_kn.max(implied_kn);
                        }
                    }
                    None => {
                        let ep = Episode {
                            start: q.time,
                            last: p.time,
                            lat: q.lat,
                            lon: q.lon,
                            jumps: 1,
                            max_speed_kn: if reportable { implied_kn } else { 0.0 },
                            first: jump,
                        };
                        events.push(identity_jump_event(p.mmsi, &ep, None, icfg));
                        v.episode = Some(Box::new(ep));
                    }
                }
            } else if let Some(ep) = &v.episode {
                if p.time - ep.last > icfg.quiet_secs {
                    events.push(identity_jump_event(p.mmsi, ep, Some(ep.last), icfg));
                    v.episode = None;
                }
            }
        }

        // Gap: a silence since the previous position.
        if let Some(q) = prev {
            let dt = p.time - q.time;
            if dt >= cfg.gap.min_secs && !was_in_port {
                let mut e = self.gap_event(i, &q, p.time, Some(p.time));
                if let Some(ev) = e.evidence.as_object_mut() {
                    ev.insert(
                        "reappeared".into(),
                        json!({"lat": p.lat, "lon": p.lon,
                               "distance_nmi": (distance_m(q.lat, q.lon, p.lat, p.lon) / 1852.0 * 10.0).round() / 10.0}),
                    );
                }
                events.push(e);
            }
        }

        // State.
        {
            let v = &mut self.vessels[i];
            v.open_gap = false;
            let st = &mut v.state;
            st.position = Some(p);
            st.positions += 1;
            st.last_seen = st.last_seen.max(p.time);
            if v.last_source != Some(p.source) {
                v.last_source = Some(p.source);
                if !st.sources.contains(&p.source) {
                    st.sources.push(p.source);
                }
            }
            v.in_port = in_port;
        }

        // Track.
        {
            let tc = &cfg.track;
            let v = &mut self.vessels[i];
            let keep = match v.track_last {
                None => true,
                Some((t, s, c)) => {
                    p.time - t >= tc.interval_secs
                        || match (s, p.sog) {
                            (Some(a), Some(b)) => f64::from((a - b).abs()) >= tc.speed_change_kn,
                            (None, Some(_)) | (Some(_), None) => true,
                            _ => false,
                        }
                        || match (c, p.cog) {
                            (Some(a), Some(b)) => {
                                p.sog.is_some_and(|s| s >= 1.0)
                                    && angle_diff_deg(f64::from(a), f64::from(b))
                                        >= tc.course_change_deg
                            }
                            _ => false,
                        }
                }
            };
            if keep {
                v.track_last = Some((p.time, p.sog, p.cog));
                out.track.push(TrackPoint {
                    mmsi: p.mmsi,
                    time: p.time,
                    lat: p.lat,
                    lon: p.lon,
                    sog: p.sog,
                    cog: p.cog,
                    heading: p.heading,
                    source: p.source,
                });
            }
        }

        // Port calls.
        {
            let call_port = port_idx.filter(|_| port_m <= cfg.port.call_radius_m);
            let ports = &self.geo.ports;
            let v = &mut self.vessels[i];

            match (&mut v.call, call_port) {
                (Some(c), Some(pi)) if c.group == ports.group(pi) => c.last_in = p.time,
                (c, pi) => {
                    if let Some(c) = c.take().filter(|c| c.listed) {
                        if let Some(last) = v.state.port_calls.last_mut() {
                            if last.departure.is_none() {
                                last.departure = Some(c.last_in);
                            }
                        }
                    }
                    if let Some(pi) = pi {
                        v.call = Some(Box::new(Call {
                            port: pi,
                            group: ports.group(pi),
                            arrival: p.time,
                            last_in: p.time,
                            listed: false,
                        }));
                    }
                }
            }
            // A stay becomes a port call once long enough.
            if let Some(c) = &mut v.call {
                if !c.listed && c.last_in - c.arrival >= cfg.port.call_min_secs {
                    c.listed = true;
                    if let Some(port) = ports.get(c.port) {
                        v.state.port_calls.push(PortCall {
                            port: port.label.clone(),
                            iso3: port.iso3.clone(),
                            arrival: c.arrival,
                            departure: None,
                        });
                        let n = v.state.port_calls.len();
                        if n > cfg.port.calls_kept {
                            v.state.port_calls.drain(..n - cfg.port.calls_kept);
                        }
                    }
                }
            }
        }

        // Arrival in home waters from a high-risk port.
        {
            let ac = &cfg.arrival;
            let v = &mut self.vessels[i];
            if v.in_home == Some(false) && in_home {
                let hits: Vec<&PortCall> = v
                    .state
                    .port_calls
                    .iter()
                    .filter(|c| c.departure.is_some_and(|d| p.time - d <= ac.lookback_secs))
                    .filter(|c| {
                        ac.high_risk_ports
                            .iter()
                            .any(|h| port_key(h) == port_key(&c.port))
                            || ac
                                .high_risk_countries
                                .iter()
                                .any(|h| h.eq_ignore_ascii_case(&c.iso3))
                    })
                    .collect();
                if !hits.is_empty() {
                    events.push(Event {
                        id: format!("high_risk_arrival:{}:{}", p.mmsi, p.time),
                        kind: EventKind::HighRiskArrival,
                        mmsi: p.mmsi,
                        other_mmsi: None,
                        start: p.time,
                        end: Some(p.time),
                        lat: p.lat,
                        lon: p.lon,
                        evidence: json!({
                            "home_countries": ac.home_countries,
                            "home_waters_nmi": ac.home_waters_nmi,
                            "lookback_days": ac.lookback_secs as f64 / 86_400.0,
                            "port_calls": hits.iter().map(|c| json!({
                                "port": c.port, "iso3": c.iso3,
                                "arrival": crate::event::format_time(c.arrival),
                                "departure": c.departure.map(crate::event::format_time),
                            })).collect::<Vec<_>>(),
                        }),
                    });
                }
            }
            v.in_home = Some(in_home);
        }

        // Areas.
        if !self.zones.is_empty() {
            let mut now_in = std::mem::take(&mut self.scratch);
            now_in.clear();
            self.zones.containing(p.lat, p.lon, &mut now_in);
            let first = prev.is_none();
            let v = &mut self.vessels[i];
            if !now_in.is_empty() || !v.x().inside.is_empty() {
                let zones = &self.zones;
                let x = v.xm();
                let mut changed = false;
                // Left.
                let mut k = 0;
                while k < x.inside.len() {
                    if now_in.contains(&x.inside[k].zone) {
                        x.inside[k].last = p.time;
                        k += 1;
                    } else {
                        let z = x.inside.remove(k);
                        changed = true;
                        if !z.silent {
                            events.push(zone_event(zones, p.mmsi, &z, Some(z.last)));
                        }
                    }
                }
                // Entered.
                for &zi in &now_in {
                    if !x.inside.iter().any(|z| z.zone == zi) {
                        changed = true;
                        let z = Inside {
                            zone: zi,
                            start: p.time,
                            last: p.time,
                            lat: p.lat,
                            lon: p.lon,
                            silent: first && in_port,
                            first,
                        };
                        if !z.silent {
                            events.push(zone_event(zones, p.mmsi, &z, None));
                        }
                        x.inside.push(z);
                    }
                }
                if changed {
                    let ids = x
                        .inside
                        .iter()
                        .filter_map(|z| zones.zones().get(z.zone as usize))
                        .map(|z| z.id.clone())
                        .collect();
                    v.state.zones = ids;
                }
            }
            self.scratch = now_in;
        }

        // Loitering.
        {
            let lc = &cfg.loitering;
            let slow = speed_kn.is_some_and(|s| s < lc.max_speed_kn)
                && shore_nmi >= lc.min_shore_nmi
                && !in_port;
            let mut next = self.vessels[i].loiter.take();
            if let Some(r) = next.as_deref() {
                if !slow || p.time - r.last > lc.max_silence_secs {
                    if r.last - r.start >= lc.min_duration_secs {
                        events.push(self.loiter_event(i, r, Some(r.last)));
                    }
                    next = None;
                }
            }
            if slow {
                let s = speed_kn.unwrap_or(0.0);
                let r = next.get_or_insert_with(|| {
                    Box::new(Run {
                        start: p.time,
                        last: p.time,
                        sum_lat: 0.0,
                        sum_lon: 0.0,
                        n: 0,
                        min_sog: s,
                        max_sog: s,
                        reported: false,
                    })
                });
                r.last = p.time;
                r.sum_lat += p.lat;
                r.sum_lon += p.lon;
                r.n += 1;
                r.min_sog = r.min_sog.min(s);
                r.max_sog = r.max_sog.max(s);
                if !r.reported && r.last - r.start >= lc.min_duration_secs {
                    r.reported = true;
                    let r = **r;
                    events.push(self.loiter_event(i, &r, None));
                }
            }
            self.vessels[i].loiter = next;
        }

        // Encounters.
        let ec = &cfg.encounter;
        let cand = speed_kn.is_some_and(|s| s < ec.max_speed_kn) && !in_port && shore_nmi > 0.0;
        self.encounter(i, &p, cand, &mut events);

        // Watch list: a sighting when first seen, or seen again after a long while.
        if !self.vessels[i].x().matches.is_empty() {
            let v = &self.vessels[i];
            let again = match v.x().last_sighting {
                None => true,
                Some(_) => prev
                    .is_some_and(|q| p.time - q.time >= self.config.watchlist.resight_after_secs),
            };
            if again {
                let m = v.x().matches.clone();
                self.vessels[i].xm().last_sighting = Some(p.time);
                self.sighting(i, p.time, &m, out);
            }
        }

        for e in events {
            self.emit(e, out);
        }
    }

    fn gap_event(&self, i: usize, q: &Position, now: i64, end: Option<i64>) -> Event {
        let gc = &self.config.gap;
        let dt = now - q.time;
        let shore = self.geo.shore.distance_nmi(q.lat, q.lon);
        // Reception: positions of other vessels per hour, in the whole hours of the gap,
        // within the 3 x 3 one-degree cells around the last position.
        let h0 = (q.time + 3599).div_euclid(3600);
        let h1 = now.div_euclid(3600);
        let mut total = 0u64;
        if h1 > h0 {
            for h in h0..h1 {
                for dl in [-1.0, 0.0, 1.0] {
                    for dn in [-1.0, 0.0, 1.0] {
                        total += u64::from(self.reception.get(q.lat + dl, q.lon + dn, h));
                    }
                }
            }
        }
        let per_hour = if h1 > h0 {
            total as f64 / (h1 - h0) as f64
        } else {
            0.0
        };
        let good = per_hour >= gc.reception_min_per_hour;
        let likely = dt >= gc.intentional_min_secs && shore > gc.intentional_min_shore_nmi && good;
        let mmsi = self.vessels[i].state.mmsi;
        Event {
            id: format!("gap:{}:{}", mmsi, q.time),
            kind: EventKind::Gap,
            mmsi,
            other_mmsi: None,
            start: q.time,
            end,
            lat: q.lat,
            lon: q.lon,
            evidence: json!({
                "duration_h": (dt as f64 / 360.0).round() / 10.0,
                "shore_distance_nmi": shore,
                "reception_per_hour": (per_hour * 10.0).round() / 10.0,
                "good_reception": good,
                "likely_intentional": likely,
                "thresholds": {
                    "min_h": gc.min_secs as f64 / 3600.0,
                    "intentional_min_h": gc.intentional_min_secs as f64 / 3600.0,
                    "intentional_min_shore_nmi": gc.intentional_min_shore_nmi,
                    "reception_min_per_hour": gc.reception_min_per_hour,
                },
                "last_position": {"time": crate::event::format_time(q.time), "lat": q.lat, "lon": q.lon,
                                   "sog": q.sog, "cog": q.cog},
            }),
        }
    }

    fn loiter_event(&self, i: usize, r: &Run, end: Option<i64>) -> Event {
        let lc = &self.config.loitering;
        let mmsi = self.vessels[i].state.mmsi;
        let n = f64::from(r.n.max(1));
        let (lat, lon) = (r.sum_lat / n, r.sum_lon / n);
        Event {
            id: format!("loitering:{}:{}", mmsi, r.start),
            kind: EventKind::Loitering,
            mmsi,
            other_mmsi: None,
            start: r.start,
            end,
            lat,
            lon,
            evidence: json!({
                "duration_h": ((r.last - r.start) as f64 / 360.0).round() / 10.0,
                "positions": r.n,
                "speed_kn": {"min": r.min_sog, "max": r.max_sog},
                "shore_distance_nmi": self.geo.shore.distance_nmi(lat, lon),
                "thresholds": {
                    "max_speed_kn": lc.max_speed_kn,
                    "min_h": lc.min_duration_secs as f64 / 3600.0,
                    "min_shore_nmi": lc.min_shore_nmi,
                },
            }),
        }
    }

    fn encounter_event(&self, key: (u32, u32), p: &Pair, end: Option<i64>) -> Event {
        let ec = &self.config.encounter;
        let n = f64::from(p.n.max(1));
        let (lat, lon) = (p.sum_lat / n, p.sum_lon / n);
        Event {
            id: format!("encounter:{}:{}:{}", key.0, key.1, p.start),
            kind: EventKind::Encounter,
            mmsi: key.0,
            other_mmsi: Some(key.1),
            start: p.start,
            end,
            lat,
            lon,
            evidence: json!({
                "duration_h": ((p.last_close - p.start) as f64 / 360.0).round() / 10.0,
                "observations": p.n,
                "distance_m": {"min": p.min_dist.round(), "max": p.max_dist.round()},
                "shore_distance_nmi": self.geo.shore.distance_nmi(lat, lon),
                "first_positions": [[p.first[0], p.first[1]], [p.first[2], p.first[3]]],
                "thresholds": {
                    "max_distance_m": ec.max_distance_m,
                    "max_speed_kn": ec.max_speed_kn,
                    "min_h": ec.min_duration_secs as f64 / 3600.0,
                    "min_port_distance_m": self.config.port.in_port_m,
                },
            }),
        }
    }

    fn close_pair(&mut self, key: (u32, u32), events: &mut Vec<Event>) {
        let Some(pair) = self.pairs.remove(&key) else {
            return;
        };
        for (a, b) in [(key.0, key.1), (key.1, key.0)] {
            if let Some(&vi) = self.index.get(&a) {
                if let Some(x) = self.vessels[vi as usize].extra.as_deref_mut() {
                    x.partners.retain(|&m| m != b);
                }
            }
        }
        if pair.last_close - pair.start >= self.config.encounter.min_duration_secs {
            events.push(self.encounter_event(key, &pair, Some(pair.last_close)));
        }
    }

    fn encounter(&mut self, i: usize, p: &Position, cand: bool, events: &mut Vec<Event>) {
        let ec = self.config.encounter.clone();
        let mmsi = p.mmsi;
        let cell = encounter_cell(p.lat, p.lon);
        // Move in the grid.
        let was = self.vessels[i].candidate;
        let old_cell = self.vessels[i].cell;
        if was && (!cand || old_cell != cell) {
            if let Some(list) = self.grid.get_mut(&old_cell) {
                list.retain(|&m| m != mmsi);
                if list.is_empty() {
                    self.grid.remove(&old_cell);
                }
            }
        }
        if cand {
            if !was || old_cell != cell {
                self.grid.entry(cell).or_default().push(mmsi);
            }
            self.cands.insert(
                mmsi,
                Cand {
                    lat: p.lat,
                    lon: p.lon,
                    time: p.time,
                },
            );
        } else if was {
            self.cands.remove(&mmsi);
        }
        self.vessels[i].candidate = cand;
        self.vessels[i].cell = cell;

        // Close neighbours now.
        let mut close: Vec<(u32, f64, Cand)> = Vec::new();
        if cand {
            for dr in -1..=1 {
                for dc in -1..=1 {
                    let Some(list) = self.grid.get(&(cell.0 + dr, cell.1 + dc)) else {
                        continue;
                    };
                    for &m in list {
                        if m == mmsi {
                            continue;
                        }
                        let Some(c) = self.cands.get(&m) else {
                            continue;
                        };
                        if (p.time - c.time).abs() > ec.max_time_skew_secs {
                            continue;
                        }
                        let d = crate::geodesy::distance_fast_m(p.lat, p.lon, c.lat, c.lon);
                        if d <= ec.max_distance_m {
                            close.push((m, d, *c));
                        }
                    }
                }
            }
        }
        // Partners no longer close.
        let partners = if self.vessels[i].x().partners.is_empty() {
            Vec::new()
        } else {
            self.vessels[i].x().partners.clone()
        };
        for other in partners {
            if close.iter().any(|c| c.0 == other) {
                continue;
            }
            let key = (mmsi.min(other), mmsi.max(other));
            let fresh_far = !cand
                || match self.cands.get(&other) {
                    None => true,
                    Some(c) => (p.time - c.time).abs() <= ec.max_time_skew_secs,
                };
            let silent = self
                .pairs
                .get(&key)
                .is_none_or(|pr| p.time - pr.last_close > ec.max_silence_secs);
            if fresh_far || silent {
                self.close_pair(key, events);
            }
        }
        // Pairs close now.
        for (other, d, c) in close {
            let key = (mmsi.min(other), mmsi.max(other));
            if let Some(pr) = self.pairs.get(&key) {
                if p.time - pr.last_close > ec.max_silence_secs {
                    self.close_pair(key, events);
                }
            }
            let mid_lat = (p.lat + c.lat) * 0.5;
            let mid_lon = (p.lon + c.lon) * 0.5;
            let first = if mmsi < other {
                [p.lat, p.lon, c.lat, c.lon]
            } else {
                [c.lat, c.lon, p.lat, p.lon]
            };
            let start = p.time.min(c.time);
            let mut created = false;
            let pr = self.pairs.entry(key).or_insert_with(|| {
                created = true;
                Pair {
                    start,
                    last_close: start,
                    n: 0,
                    sum_lat: 0.0,
                    sum_lon: 0.0,
                    min_dist: d,
                    max_dist: d,
                    first,
                    reported: false,
                }
            });
            pr.last_close = pr.last_close.max(p.time);
            pr.n += 1;
            pr.sum_lat += mid_lat;
            pr.sum_lon += mid_lon;
            pr.min_dist = pr.min_dist.min(d);
            pr.max_dist = pr.max_dist.max(d);
            let report = !pr.reported && pr.last_close - pr.start >= ec.min_duration_secs;
            if report {
                pr.reported = true;
            }
            let snapshot = report.then(|| pr.clone());
            // Each vessel lists its partners, to notice when a pair comes apart.
            if created {
                for (a, b) in [(mmsi, other), (other, mmsi)] {
                    if let Some(&vi) = self.index.get(&a) {
                        let ps = &mut self.vessels[vi as usize].xm().partners;
                        if !ps.contains(&b) {
                            ps.push(b);
                        }
                    }
                }
            }
            if let Some(pr) = snapshot {
                events.push(self.encounter_event(key, &pr, None));
            }
        }
    }

    /// Checks silences at `now`: gaps open, encounters, loitering runs and identity
    /// episodes whose vessels have gone quiet end.
    fn sweep(&mut self, now: i64, out: &mut Output) {
        let mut events = Vec::new();
        let mut keys: Vec<(u32, u32)> = self
            .pairs
            .iter()
            .filter(|(_, p)| now - p.last_close > self.config.encounter.max_silence_secs)
            .map(|(k, _)| *k)
            .collect();
        keys.sort_unstable();
        for k in keys {
            self.close_pair(k, &mut events);
        }
        for i in 0..self.vessels.len() {
            let Some(q) = self.vessels[i].state.position else {
                continue;
            };
            if !self.vessels[i].open_gap
                && now - q.time >= self.config.gap.min_secs
                && !self.vessels[i].in_port
            {
                self.vessels[i].open_gap = true;
                events.push(self.gap_event(i, &q, now, None));
            }
            if let Some(r) = self.vessels[i].loiter.as_deref().copied() {
                if now - r.last > self.config.loitering.max_silence_secs {
                    if r.last - r.start >= self.config.loitering.min_duration_secs {
                        events.push(self.loiter_event(i, &r, Some(r.last)));
                    }
                    self.vessels[i].loiter = None;
                }
            }
            if let Some(ep) = &self.vessels[i].episode {
                if now - ep.last > self.config.identity.quiet_secs {
                    events.push(identity_jump_event(
                        q.mmsi,
                        ep,
                        Some(ep.last),
                        &self.config.identity,
                    ));
                    self.vessels[i].episode = None;
                }
            }
        }
        for e in events {
            self.emit(e, out);
        }
    }
}

fn identity_jump_event(
    mmsi: u32,
    ep: &Episode,
    end: Option<i64>,
    icfg: &crate::config::IdentityConfig,
) -> Event {
    Event {
        id: format!("identity:{}:implied_speed:{}", mmsi, ep.start),
        kind: EventKind::Identity,
        mmsi,
        other_mmsi: None,
        start: ep.start,
        end,
        lat: ep.lat,
        lon: ep.lon,
        evidence: json!({
            "reason": "implied_speed",
            "jumps": ep.jumps,
            "max_implied_speed_kn": ep.max_speed_kn.round(),
            "first_jump": ep.first,
            "thresholds": {"max_implied_speed_kn": icfg.max_implied_speed_kn, "min_jump_m": icfg.min_jump_m},
        }),
    }
}

fn zone_event(zones: &Zones, mmsi: u32, z: &Inside, end: Option<i64>) -> Event {
    let (id, name) = zones
        .zones()
        .get(z.zone as usize)
        .map(|zz| (zz.id.as_str(), zz.name.as_str()))
        .unwrap_or(("", ""));
    Event {
        id: format!("zone_entry:{}:{}:{}", mmsi, id, z.start),
        kind: EventKind::ZoneEntry,
        mmsi,
        other_mmsi: None,
        start: z.start,
        end,
        lat: z.lat,
        lon: z.lon,
        evidence: json!({"zone": id, "name": name, "first_seen_inside": z.first}),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The cached nearest-port answer decides every threshold as a fresh search would.
    #[test]
    fn near_cache_agrees_with_fresh_searches() {
        let geo = Geography::embedded().unwrap();
        let thresholds = [10_000.0, 3_000.0];
        let mut cache = NearCache::default();
        let (mut lat, mut lon) = (34.6, 128.6);
        let mut x: u64 = 1;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Steps of up to about 600 m, drifting towards Busan.
            lat += ((x % 1000) as f64 / 1000.0 - 0.45) * 0.005;
            lon += (((x >> 10) % 1000) as f64 / 1000.0 - 0.45) * 0.005;
            let (cached, _, _) = cache.get(
                &geo.ports,
                lat,
                lon,
                lat.to_radians().cos(),
                40_000.0,
                &thresholds,
            );
            let fresh = geo
                .ports
                .nearest(lat, lon, 40_000.0)
                .map_or(40_000.0, |(_, d)| d);
            for t in thresholds {
                assert_eq!(cached < t, fresh < t, "{lat} {lon}: {cached} vs {fresh}");
            }
        }
    }
}
