//! The maritime picture in the node: surveillance sources of each agency, the pipeline
//! that decodes their AIS lines and runs the behaviour detectors, what they saw
//! (vessels, tracks, identities), areas, and alerts with their life cycle.
//!
//! Each source has a pipeline of its own: one task that owns a line decoder and a
//! detector engine (`interdict_maritime::Engine`), takes lines in order, writes what
//! changed in batches (not audited per row, not in the change feed), pushes track
//! points to live readers, and turns detector events into alerts (audited, in the feed).
//!
//! Who sees what: everything a source saw is the source's, read by the policy's rule for
//! surveillance data (`DataKind::Track`) under the source's label. An alert of the
//! source's agency is shared the same way (`DataKind::Alert`). An alert about a vessel
//! on the watch list is made once for each agency that may see both the report that
//! named the vessel and the source's data, belongs to that agency, and is labelled RED
//! without recipients, so that it reaches no one else.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use interdict_ais::LineDecoder;
use interdict_core::alert::{Alert, AlertKind, AlertOutcome, AlertState};
use interdict_core::policy::{Action, DataKind, Meta, Principal};
use interdict_core::record::{Record, RecordKind};
use interdict_core::{Actor, AgencyCode, Handling, Role, Tlp, Username};
use interdict_maritime::{
    Engine, Event, EventKind, Geography, Output, WatchEntry, Watchlist, Zones,
};
pub use interdict_store::BoundingBox;
use interdict_store::{AreaRow, IdentityRow, MaritimeBatch, SourceRow, TrackRow, VesselRow};
use serde::Serialize;
use tokio::sync::{broadcast, mpsc, oneshot};
use uuid::Uuid;

use crate::error::{ServiceError, ServiceResult};
use crate::records::Page;
use crate::Service;

/// A line of a feed, with when it was received (Unix seconds). A line replayed from a
/// recording that carries its own time has no receive time: the node's clock says
/// nothing about when it was heard, so its time is checked against the data time the
/// pipeline has reached instead (`input.max_jump_secs`, `input.max_age_secs`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Line {
    pub bytes: Vec<u8>,
    pub received_at: Option<i64>,
}

/// What kinds of source there are.
pub const SOURCE_KINDS: [&str; 5] = ["file", "tcp_client", "tcp_listener", "udp", "nats"];

/// A source as its readers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Source {
    pub id: Uuid,
    pub agency: AgencyCode,
    pub name: String,
    pub kind: String,
    /// Shown only to the owning agency.
    pub address: Option<String>,
    pub tlp: Tlp,
    pub enabled: bool,
}

/// A vessel as one source saw it last.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VesselView {
    pub source: Uuid,
    pub agency: AgencyCode,
    pub mmsi: u32,
    pub name: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub last_seen: DateTime<Utc>,
    /// The full state (`interdict_maritime::VesselState`).
    pub state: serde_json::Value,
}

/// A point of a track.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrackPointView {
    pub source: Uuid,
    pub mmsi: u32,
    pub at: DateTime<Utc>,
    pub lat: f64,
    pub lon: f64,
    pub sog: Option<f64>,
    pub cog: Option<f64>,
    pub heading: Option<i64>,
}

/// A change of a vessel's identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IdentityChangeView {
    pub source: Uuid,
    pub at: DateTime<Utc>,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A track point pushed to live readers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LivePosition {
    pub source: Uuid,
    pub mmsi: u32,
    pub name: Option<String>,
    pub at: DateTime<Utc>,
    pub lat: f64,
    pub lon: f64,
    pub sog: Option<f64>,
    pub cog: Option<f64>,
}

/// An area as its readers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AreaView {
    pub id: Uuid,
    pub agency: AgencyCode,
    pub name: String,
    pub geojson: serde_json::Value,
    pub tlp: Tlp,
}

/// How a source's pipeline is doing since the node started.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PipelineStats {
    /// Lines handed to the pipeline.
    pub lines: u64,
    /// Lines (or sentences of a line) that could not be decoded, skipped.
    pub malformed: u64,
    /// Positions and static reports decoded.
    pub observations: u64,
    /// Observations not used because their time is more than
    /// `input.future_tolerance_secs` ahead of their receive time (or, without one, more
    /// than `input.max_jump_secs` ahead of the data time reached).
    pub future: u64,
    /// Observations not used because their time is more than `input.max_age_secs`
    /// behind their receive time (or the data time reached).
    pub stale: u64,
    /// Positions not used because a later one of the same vessel was used already.
    pub late: u64,
    pub track_points: u64,
    pub alerts: u64,
}

/// What a source's feed did since the node started (counted by the feed's reader).
#[derive(Debug, Default)]
pub struct FeedStats {
    /// Lines passed on to the pipeline.
    pub lines: AtomicU64,
    /// Lines a feed sent again after a reconnect, dropped.
    pub duplicates: AtomicU64,
    /// Lines longer than the longest accepted, skipped.
    pub too_long: AtomicU64,
    /// A line cut off by the end of a connection, skipped.
    pub partial: AtomicU64,
    pub connections: AtomicU64,
    pub reconnects: AtomicU64,
}

impl FeedStats {
    /// Adds `n` to a counter.
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    fn counts(&self) -> FeedCounts {
        FeedCounts {
            lines: self.lines.load(Ordering::Relaxed),
            duplicates: self.duplicates.load(Ordering::Relaxed),
            too_long: self.too_long.load(Ordering::Relaxed),
            partial: self.partial.load(Ordering::Relaxed),
            connections: self.connections.load(Ordering::Relaxed),
            reconnects: self.reconnects.load(Ordering::Relaxed),
        }
    }
}

/// The counts of [`FeedStats`] at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FeedCounts {
    pub lines: u64,
    pub duplicates: u64,
    pub too_long: u64,
    pub partial: u64,
    pub connections: u64,
    pub reconnects: u64,
}

/// What a source's feed and pipeline did since the node started.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SourceStats {
    pub source: Uuid,
    pub feed: FeedCounts,
    pub pipeline: PipelineStats,
}

enum Message {
    Lines(Vec<Line>),
    Advance(i64),
    Watchlist(Arc<Watchlist>),
    Zones(Zones),
    /// Answers once everything before it is written.
    Flush(oneshot::Sender<PipelineStats>),
    /// Answers, once everything before it is written, with the pipeline's state
    /// ([`Service::pipeline_snapshot`]).
    Snapshot(oneshot::Sender<Vec<u8>>),
}

/// Lines a pipeline keeps to bring a restored decoder to where it was: the sentences of
/// a message in several parts come within a few lines of each other.
const RECENT_LINES: usize = 16;

/// A pipeline's state, written down: the engine's, the last lines (to bring the decoder
/// back), the header of a CSV recording and the counts.
#[derive(Serialize, serde::Deserialize)]
struct PipelineSnapshot {
    engine: interdict_maritime::Snapshot,
    recent: Vec<Line>,
    csv_header: Option<Vec<u8>>,
    stats: PipelineStats,
    live: bool,
}

/// The node's maritime state: pipelines by source, live readers, the watch list.
pub(crate) struct Maritime {
    geo: std::sync::OnceLock<Arc<Geography>>,
    pipelines: Mutex<HashMap<Uuid, mpsc::Sender<Message>>>,
    pipeline_stats: Mutex<HashMap<Uuid, Arc<Mutex<PipelineStats>>>>,
    feed_stats: Mutex<HashMap<Uuid, Arc<FeedStats>>>,
    live: broadcast::Sender<LivePosition>,
    watchlist: Mutex<Arc<Watchlist>>,
    zones: Mutex<Option<String>>,
    stopped: std::sync::atomic::AtomicBool,
}

impl Maritime {
    pub(crate) fn new() -> Self {
        Self {
            geo: std::sync::OnceLock::new(),
            pipelines: Mutex::new(HashMap::new()),
            pipeline_stats: Mutex::new(HashMap::new()),
            feed_stats: Mutex::new(HashMap::new()),
            live: broadcast::channel(65_536).0,
            watchlist: Mutex::new(Arc::new(Watchlist::default())),
            zones: Mutex::new(None),
            stopped: std::sync::atomic::AtomicBool::new(false),
        }
    }
}

/// The node's detection job, as the author of alerts.
fn detector() -> Username {
    Username::parse("node.detector").unwrap_or_else(|_| unreachable_username())
}

fn unreachable_username() -> Username {
    // "node.detector" is a valid username; this keeps the code total without a panic.
    Username::parse("detector").unwrap_or_else(|_| unreachable_username())
}

fn unix(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap_or_default()
}

fn alert_kind(kind: EventKind) -> AlertKind {
    match kind {
        EventKind::Encounter => AlertKind::Encounter,
        EventKind::Loitering => AlertKind::Loitering,
        EventKind::Gap => AlertKind::Gap,
        EventKind::Identity => AlertKind::Identity,
        EventKind::ZoneEntry => AlertKind::ZoneEntry,
        EventKind::Watchlist => AlertKind::Watchlist,
        EventKind::HighRiskArrival => AlertKind::HighRiskArrival,
    }
}

/// The node's operator acting for `agency`'s watch desk.
fn operator(agency: &AgencyCode) -> ServiceResult<Actor> {
    Ok(Actor {
        user_id: -1,
        username: Username::parse("console").map_err(ServiceError::internal)?,
        agency: agency.clone(),
        roles: [Role::WatchOfficer].into_iter().collect(),
    })
}

/// A user of `agency` who reads and watches: how the policy judges what the agency may
/// see, when the node acts for it.
fn agency_reader(agency: &AgencyCode) -> Principal {
    Principal::User(Actor {
        user_id: -1,
        username: detector(),
        agency: agency.clone(),
        roles: [Role::Analyst, Role::WatchOfficer].into_iter().collect(),
    })
}

impl Service {
    fn maritime(&self) -> &Maritime {
        &self.inner.maritime
    }

    fn geography(&self) -> ServiceResult<Arc<Geography>> {
        if let Some(geo) = self.maritime().geo.get() {
            return Ok(geo.clone());
        }
        let geo = Arc::new(
            Geography::embedded().map_err(|e| ServiceError::internal(anyhow::anyhow!("{e}")))?,
        );
        Ok(self.maritime().geo.get_or_init(|| geo).clone())
    }

    /// Adds a surveillance source of the actor's agency.
    pub async fn create_source(
        &self,
        actor: &Actor,
        name: &str,
        kind: &str,
        address: &str,
        tlp: Tlp,
    ) -> ServiceResult<Source> {
        self.require(actor, Action::ManageSurveillance, "source.create")?;
        let mut errors = interdict_core::FieldErrors::new();
        if name.trim().is_empty() || name.chars().count() > 100 {
            errors.add("name", "must be 1 to 100 characters");
        }
        if !SOURCE_KINDS.contains(&kind) {
            errors.add(
                "kind",
                "must be file, tcp_client, tcp_listener, udp or nats",
            );
        }
        if address.chars().count() > 500 {
            errors.add("address", "must be at most 500 characters");
        }
        if tlp == Tlp::Red {
            errors.add("tlp", "surveillance data is shared up to AMBER+STRICT");
        }
        errors.into_result()?;
        let row = SourceRow {
            id: self.new_id(),
            agency: actor.agency.clone(),
            name: name.trim().to_owned(),
            kind: kind.to_owned(),
            address: address.trim().to_owned(),
            tlp,
            enabled: true,
            created_by: actor.username.to_string(),
            created_at: self.now(),
        };
        let mut event = self.event(Some(actor), "source.create");
        event.target_kind = Some("source".into());
        event.target_id = Some(row.id.to_string());
        event.target_agency = Some(actor.agency.to_string());
        event.detail = serde_json::json!({ "name": row.name, "kind": row.kind, "address": row.address, "tlp": tlp.as_str() }).to_string();
        match self.store().create_source(&row, &event).await {
            Err(interdict_store::StoreError::Duplicate { .. }) => {
                return Err(ServiceError::AlreadyExists(format!("source {}", row.name)))
            }
            other => other?,
        }
        Ok(source_view(row, Some(&actor.agency)))
    }

    /// Adds a source as the node's operator (the demo, imports).
    pub async fn create_source_as_operator(
        &self,
        agency: &AgencyCode,
        name: &str,
        kind: &str,
        address: &str,
        tlp: Tlp,
    ) -> ServiceResult<Source> {
        let actor = operator(agency)?;
        self.create_source(&actor, name, kind, address, tlp).await
    }

    /// Adds an area as the node's operator (the demo, imports).
    pub async fn create_area_as_operator(
        &self,
        agency: &AgencyCode,
        name: &str,
        geojson: &str,
        tlp: Tlp,
    ) -> ServiceResult<AreaView> {
        let actor = operator(agency)?;
        self.create_area(&actor, name, geojson, tlp).await
    }

    /// The sources the principal may see data of.
    async fn visible_sources(&self, principal: &Principal) -> ServiceResult<Vec<SourceRow>> {
        let access = self.access(principal, DataKind::Track).await?;
        Ok(self
            .store()
            .sources()
            .await?
            .into_iter()
            .filter(|s| access.allows(&Meta::plain(DataKind::Track, &s.agency, s.tlp)))
            .collect())
    }

    /// The sources the actor may see.
    pub async fn sources(&self, actor: &Actor) -> ServiceResult<Vec<Source>> {
        self.require(actor, Action::ReadSurveillance, "source.list")?;
        Ok(self
            .visible_sources(&Principal::User(actor.clone()))
            .await?
            .into_iter()
            .map(|s| source_view(s, Some(&actor.agency)))
            .collect())
    }

    /// Every source, for the node's own jobs (the feed supervisor).
    pub async fn all_sources(&self) -> ServiceResult<Vec<Source>> {
        Ok(self
            .store()
            .sources()
            .await?
            .into_iter()
            .map(|s| {
                let agency = s.agency.clone();
                source_view(s, Some(&agency))
            })
            .collect())
    }

    /// Turns a source of the actor's agency on or off.
    pub async fn set_source_enabled(
        &self,
        actor: &Actor,
        id: Uuid,
        enabled: bool,
    ) -> ServiceResult<()> {
        self.require(actor, Action::ManageSurveillance, "source.update")?;
        let source = self
            .store()
            .sources()
            .await?
            .into_iter()
            .find(|s| s.id == id && s.agency == actor.agency)
            .ok_or(ServiceError::NotFound)?;
        let mut event = self.event(
            Some(actor),
            if enabled {
                "source.enable"
            } else {
                "source.disable"
            },
        );
        event.target_kind = Some("source".into());
        event.target_id = Some(source.id.to_string());
        event.target_agency = Some(source.agency.to_string());
        self.store().set_source_enabled(id, enabled, &event).await?;
        Ok(())
    }

    /// Hands lines of a source to its pipeline, in order. Waits while the pipeline is
    /// behind (back-pressure); nothing is dropped.
    pub async fn ingest(&self, source: Uuid, lines: Vec<Line>) -> ServiceResult<()> {
        let sender = self.pipeline(source).await?;
        sender.send(Message::Lines(lines)).await.map_err(|_| {
            ServiceError::internal(anyhow::anyhow!("the pipeline of {source} has stopped"))
        })
    }

    /// Moves every pipeline's clock to `now` (Unix seconds), so that silences are
    /// noticed without new messages.
    pub async fn advance_pipelines(&self, now: i64) {
        let senders: Vec<mpsc::Sender<Message>> = self
            .maritime()
            .pipelines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        for sender in senders {
            let _ = sender.send(Message::Advance(now)).await;
        }
    }

    /// Waits until everything handed to a source's pipeline is written; returns its
    /// counts.
    pub async fn flush_pipeline(&self, source: Uuid) -> ServiceResult<PipelineStats> {
        let sender = self.pipeline(source).await?;
        let (done, wait) = oneshot::channel();
        sender.send(Message::Flush(done)).await.map_err(|_| {
            ServiceError::internal(anyhow::anyhow!("the pipeline of {source} has stopped"))
        })?;
        wait.await.map_err(|_| {
            ServiceError::internal(anyhow::anyhow!("the pipeline of {source} has stopped"))
        })
    }

    /// Receives the track points of every source as they are written; readers filter
    /// them by the sources they may see ([`Service::sources`]).
    pub fn live_positions(&self) -> broadcast::Receiver<LivePosition> {
        self.maritime().live.subscribe()
    }

    /// Waits until everything handed to a source's pipeline is written, then returns
    /// the pipeline's state, written down: given to [`Service::restore_pipeline`] here
    /// or in another process of the node, the pipeline goes on exactly as this one
    /// would.
    pub async fn pipeline_snapshot(&self, source: Uuid) -> ServiceResult<Vec<u8>> {
        let sender = self.pipeline(source).await?;
        let (done, wait) = oneshot::channel();
        let stopped =
            || ServiceError::internal(anyhow::anyhow!("the pipeline of {source} has stopped"));
        sender
            .send(Message::Snapshot(done))
            .await
            .map_err(|_| stopped())?;
        wait.await.map_err(|_| stopped())
    }

    /// Replaces a source's pipeline with one restored from `snapshot` (from
    /// [`Service::pipeline_snapshot`]), or a fresh one without. Lines already handed to
    /// the pipeline replaced are still written.
    pub async fn restore_pipeline(
        &self,
        source: Uuid,
        snapshot: Option<&[u8]>,
    ) -> ServiceResult<()> {
        let snapshot = match snapshot {
            Some(bytes) => Some(
                postcard::from_bytes::<PipelineSnapshot>(bytes).map_err(|e| {
                    ServiceError::internal(anyhow::anyhow!(
                        "the snapshot of {source} cannot be read: {e}"
                    ))
                })?,
            ),
            None => None,
        };
        self.stop_pipeline(source);
        self.start_pipeline(source, snapshot).await.map(drop)
    }

    /// Forgets a source's pipeline (its engine's state is lost; lines already handed to
    /// it are still written). The next lines start a fresh one.
    pub fn stop_pipeline(&self, source: Uuid) {
        self.maritime()
            .pipelines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&source);
    }

    async fn pipeline(&self, source: Uuid) -> ServiceResult<mpsc::Sender<Message>> {
        if let Some(sender) = self
            .maritime()
            .pipelines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&source)
        {
            return Ok(sender.clone());
        }
        self.start_pipeline(source, None).await
    }

    async fn start_pipeline(
        &self,
        source: Uuid,
        snapshot: Option<PipelineSnapshot>,
    ) -> ServiceResult<mpsc::Sender<Message>> {
        let row = self
            .store()
            .sources()
            .await?
            .into_iter()
            .find(|s| s.id == source)
            .ok_or(ServiceError::NotFound)?;
        let geo = self.geography()?;
        let watchlist = self
            .maritime()
            .watchlist
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let zones = self.current_zones()?;
        let restored = snapshot.is_some();
        let (mut engine, recent, csv_header, stats, live) = match snapshot {
            Some(snap) => {
                let engine =
                    Engine::restore(self.config().maritime.clone(), geo, zones, snap.engine);
                (engine, snap.recent, snap.csv_header, snap.stats, snap.live)
            }
            None => (
                Engine::new(
                    self.config().maritime.clone(),
                    geo,
                    zones,
                    (*watchlist).clone(),
                ),
                Vec::new(),
                None,
                PipelineStats::default(),
                false,
            ),
        };
        let id = engine.source_id(&row.id.to_string());
        // The decoder is brought back to where it was by the last lines it read (the
        // first parts of a message in several); what they decode to was used already.
        let mut decoder = LineDecoder::new();
        for line in &recent {
            let mut pushed = decoder.push(&line.bytes, line.received_at);
            while pushed.next().is_some() {}
        }
        let csv = csv_header
            .as_deref()
            .and_then(|h| interdict_maritime::CsvReader::from_header(&String::from_utf8_lossy(h)));
        let (sender, receiver) = mpsc::channel(64);
        let existing = {
            let mut pipelines = self
                .maritime()
                .pipelines
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            match pipelines.get(&source) {
                Some(existing) if !restored => Some(existing.clone()),
                _ => {
                    pipelines.insert(source, sender.clone());
                    None
                }
            }
        };
        if let Some(existing) = existing {
            return Ok(existing);
        }
        let shared = self
            .maritime()
            .pipeline_stats
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(source)
            .or_default()
            .clone();
        let (writer, jobs) = mpsc::channel(WRITER_QUEUE);
        let alerts = Arc::new(AtomicU64::new(stats.alerts));
        tokio::spawn(run_writer(
            Alerter {
                service: self.clone(),
                source: row.clone(),
                alerts: alerts.clone(),
            },
            jobs,
        ));
        tokio::spawn(
            Pipeline {
                service: self.clone(),
                writer,
                alerts,
                dirty: BTreeSet::new(),
                states_due: tokio::time::Instant::now(),
                stored: std::collections::HashSet::new(),
                source: row,
                engine,
                engine_source: id,
                decoder,
                stats,
                shared,
                live,
                csv,
                csv_header,
                recent: recent.into(),
            }
            .run(receiver),
        );
        if restored {
            // The watch list may have changed since the snapshot; the engine compares.
            let _ = sender.send(Message::Watchlist(watchlist)).await;
        }
        Ok(sender)
    }

    fn current_zones(&self) -> ServiceResult<Zones> {
        let text = self
            .maritime()
            .zones
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        match text {
            Some(text) => Zones::from_geojson(&text)
                .map_err(|e| ServiceError::internal(anyhow::anyhow!("areas: {e}"))),
            None => Ok(Zones::default()),
        }
    }

    /// Rebuilds the watch list from every report that names a vessel (by IMO, MMSI,
    /// call sign or name), and hands it to every pipeline. Each entry's reference is the
    /// report's id; who may see an alert from it is decided when it fires.
    pub async fn refresh_watchlist(&self) -> ServiceResult<usize> {
        let mut entries = Vec::new();
        for stored in self.store().records_naming_vessels().await? {
            let Ok(report) = serde_json::from_str::<interdict_core::Report>(&stored.body) else {
                continue;
            };
            if report.status != interdict_core::RecordStatus::Published {
                continue;
            }
            for subject in &report.subjects {
                if let interdict_core::Subject::Vessel(v) = subject {
                    let entry = WatchEntry {
                        reference: report.id.to_string(),
                        mmsi: v.mmsi.as_ref().and_then(|m| m.as_str().parse().ok()),
                        imo: v
                            .imo
                            .as_ref()
                            .and_then(|i| i.as_str().trim_start_matches("IMO").trim().parse().ok()),
                        callsign: v.call_sign.clone(),
                        name: v.name.clone(),
                    };
                    if entry.mmsi.is_some()
                        || entry.imo.is_some()
                        || entry.callsign.is_some()
                        || entry.name.is_some()
                    {
                        entries.push(entry);
                    }
                }
            }
        }
        let n = entries.len();
        let watchlist = Arc::new(Watchlist::new(entries));
        *self
            .maritime()
            .watchlist
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = watchlist.clone();
        let senders: Vec<mpsc::Sender<Message>> = self
            .maritime()
            .pipelines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        for sender in senders {
            let _ = sender.send(Message::Watchlist(watchlist.clone())).await;
        }
        Ok(n)
    }

    /// Rebuilds the areas the detectors watch for entries from every stored area.
    async fn refresh_zones(&self) -> ServiceResult<()> {
        let areas = self.store().areas().await?;
        let features: Vec<serde_json::Value> = areas
            .iter()
            .filter_map(|a| {
                let geometry = serde_json::from_str::<serde_json::Value>(&a.geojson)
                    .ok()
                    .and_then(|g| area_geometry(&g));
                if geometry.is_none() {
                    tracing::warn!(area = %a.id, "an area without polygons is not watched");
                }
                Some(serde_json::json!({
                    "type": "Feature",
                    "id": a.id.to_string(),
                    "properties": { "name": a.name, "id": a.id.to_string() },
                    "geometry": geometry?,
                }))
            })
            .collect();
        let text =
            serde_json::json!({ "type": "FeatureCollection", "features": features }).to_string();
        let zones = Zones::from_geojson(&text)
            .map_err(|e| ServiceError::internal(anyhow::anyhow!("areas: {e}")))?;
        *self
            .maritime()
            .zones
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(text);
        let senders: Vec<mpsc::Sender<Message>> = self
            .maritime()
            .pipelines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        for sender in senders {
            let _ = sender.send(Message::Zones(zones.clone())).await;
        }
        Ok(())
    }

    /// The vessels the actor's visible sources saw since `since`, inside `area` if given.
    pub async fn vessels(
        &self,
        actor: &Actor,
        since: DateTime<Utc>,
        area: Option<BoundingBox>,
        limit: i64,
    ) -> ServiceResult<Vec<VesselView>> {
        self.require(actor, Action::ReadSurveillance, "vessel.list")?;
        let sources = self
            .visible_sources(&Principal::User(actor.clone()))
            .await?;
        let ids: Vec<Uuid> = sources.iter().map(|s| s.id).collect();
        let rows = self
            .store()
            .vessels(&ids, since.timestamp(), area, limit)
            .await?;
        let mut views: Vec<VesselView> = rows
            .into_iter()
            .filter_map(|r| vessel_view(r, &sources))
            .collect();
        self.redact_watch(actor, &mut views).await?;
        Ok(views)
    }

    /// Leaves out of vessel states the watch-list references (the ids of the reports
    /// that named the vessel) of reports the actor may not see, and the areas the
    /// vessel is in that the actor may not see.
    async fn redact_watch(&self, actor: &Actor, views: &mut [VesselView]) -> ServiceResult<()> {
        fn refs(state: &serde_json::Value) -> impl Iterator<Item = &serde_json::Value> {
            state
                .get("watch")
                .and_then(|w| w.as_array())
                .into_iter()
                .flatten()
        }
        let ids: Vec<Uuid> = views
            .iter()
            .flat_map(|v| refs(&v.state))
            .filter_map(|r| r.as_str().and_then(|r| Uuid::parse_str(r).ok()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let visible: BTreeSet<Uuid> = if ids.is_empty() {
            BTreeSet::new()
        } else {
            let access = self
                .access(&Principal::User(actor.clone()), DataKind::Report)
                .await?;
            self.visible_reports(&access, &ids)
                .await?
                .iter()
                .map(|r| r.id)
                .collect()
        };
        // The areas a vessel is in are named by their ids: only those of areas the
        // actor may see are kept.
        let area_access = self
            .access(&Principal::User(actor.clone()), DataKind::Source)
            .await?;
        let visible_areas: BTreeSet<String> = self
            .store()
            .areas()
            .await?
            .into_iter()
            .filter(|a| area_access.allows(&Meta::plain(DataKind::Source, &a.agency, a.tlp)))
            .map(|a| a.id.to_string())
            .collect();
        for view in views.iter_mut() {
            if let Some(zones) = view.state.get_mut("zones").and_then(|z| z.as_array_mut()) {
                zones.retain(|z| z.as_str().is_some_and(|z| visible_areas.contains(z)));
            }
        }
        for view in views {
            if let Some(watch) = view.state.get_mut("watch").and_then(|w| w.as_array_mut()) {
                watch.retain(|r| {
                    r.as_str()
                        .and_then(|r| Uuid::parse_str(r).ok())
                        .is_some_and(|id| visible.contains(&id))
                });
            }
        }
        Ok(())
    }

    /// The counters of a source's feed, shared by the feed's readers over the node's
    /// life (a reconnect or a restarted feed keeps counting).
    pub fn feed_stats(&self, source: Uuid) -> Arc<FeedStats> {
        self.maritime()
            .feed_stats
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(source)
            .or_default()
            .clone()
    }

    /// What a source of the actor's agency received, skipped and found since the node
    /// started. Other agencies' sources are not found.
    pub async fn source_stats(&self, actor: &Actor, id: Uuid) -> ServiceResult<SourceStats> {
        self.require(actor, Action::ReadSurveillance, "source.stats")?;
        let source = self
            .store()
            .sources()
            .await?
            .into_iter()
            .find(|s| s.id == id && s.agency == actor.agency)
            .ok_or(ServiceError::NotFound)?;
        let pipeline = self
            .maritime()
            .pipeline_stats
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&source.id)
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).clone())
            .unwrap_or_default();
        Ok(SourceStats {
            source: source.id,
            feed: self.feed_stats(source.id).counts(),
            pipeline,
        })
    }

    /// One vessel as the actor's visible sources saw it: its states, its track in
    /// `[from, to]`, its identity history.
    pub async fn vessel(
        &self,
        actor: &Actor,
        mmsi: u32,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> ServiceResult<(
        Vec<VesselView>,
        Vec<TrackPointView>,
        Vec<IdentityChangeView>,
    )> {
        self.require(actor, Action::ReadSurveillance, "vessel.read")?;
        let sources = self
            .visible_sources(&Principal::User(actor.clone()))
            .await?;
        let ids: Vec<Uuid> = sources.iter().map(|s| s.id).collect();
        let mut states: Vec<VesselView> = self
            .store()
            .vessels(&ids, 0, None, 10_000)
            .await?
            .into_iter()
            .filter(|v| v.mmsi == i64::from(mmsi))
            .filter_map(|r| vessel_view(r, &sources))
            .collect();
        self.redact_watch(actor, &mut states).await?;
        let track = self
            .store()
            .track(
                &ids,
                i64::from(mmsi),
                from.timestamp(),
                to.timestamp(),
                20_000,
            )
            .await?
            .into_iter()
            .map(track_view)
            .collect();
        let identity = self
            .store()
            .identity_changes(&ids, i64::from(mmsi))
            .await?
            .into_iter()
            .map(|c: IdentityRow| IdentityChangeView {
                source: c.source,
                at: unix(c.t),
                field: c.field,
                old: c.old,
                new: c.new,
            })
            .collect();
        if states.is_empty() {
            return Err(ServiceError::NotFound);
        }
        Ok((states, track, identity))
    }

    /// Track points in an area in `[from, to]`, as the actor's visible sources saw them.
    pub async fn tracks_in_area(
        &self,
        actor: &Actor,
        area: BoundingBox,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
    ) -> ServiceResult<Vec<TrackPointView>> {
        self.require(actor, Action::ReadSurveillance, "track.read")?;
        let ids: Vec<Uuid> = self
            .visible_sources(&Principal::User(actor.clone()))
            .await?
            .iter()
            .map(|s| s.id)
            .collect();
        Ok(self
            .store()
            .tracks_in_area(&ids, area, from.timestamp(), to.timestamp(), limit)
            .await?
            .into_iter()
            .map(track_view)
            .collect())
    }

    /// A page of the alerts the actor may see, newest first.
    pub async fn list_alerts(
        &self,
        actor: &Actor,
        filter: &crate::records::ListFilter,
        cursor: Option<&str>,
        limit: i64,
    ) -> ServiceResult<Page<Alert>> {
        self.list_records::<Alert>(actor, filter, cursor, limit)
            .await
    }

    /// Moves an alert of the actor's agency along its life cycle.
    #[allow(clippy::too_many_arguments)]
    pub async fn update_alert(
        &self,
        actor: &Actor,
        id: Uuid,
        version: i64,
        state: AlertState,
        assignee: Option<&str>,
        outcome: Option<AlertOutcome>,
        note: Option<&str>,
    ) -> ServiceResult<Alert> {
        let mut alert: Alert = self.get_record(actor, id).await?;
        if let Err(denied) = actor.may_modify(&alert.meta()) {
            self.deny_action(actor, "alert.update", &denied.to_string());
            return Err(denied.into());
        }
        if alert.version != version {
            return Err(ServiceError::VersionConflict {
                current: alert.version,
                given: version,
            });
        }
        if !alert.state.may_become(state) {
            return Err(ServiceError::Conflict {
                code: "invalid_transition",
                message: format!(
                    "an alert that is {} cannot become {}",
                    alert.state.as_str(),
                    state.as_str()
                ),
            });
        }
        let mut errors = interdict_core::FieldErrors::new();
        let assignee = match (state, assignee) {
            (AlertState::Assigned, Some(name)) => match Username::parse(name) {
                Ok(name) => match self.store().user_by_name(name.as_str()).await? {
                    Some(user) if user.agency == actor.agency => Some(name),
                    _ => {
                        errors.add("assignee", "is not an officer of your agency");
                        None
                    }
                },
                Err(e) => {
                    errors.add("assignee", e.to_string());
                    None
                }
            },
            (AlertState::Assigned, None) => {
                errors.add("assignee", "an assigned alert needs an officer");
                None
            }
            _ => alert.assignee.clone(),
        };
        if state == AlertState::Closed && outcome.is_none() {
            errors.add("outcome", "a closed alert needs an outcome");
        }
        if note.is_some_and(|n| n.chars().count() > 2000) {
            errors.add("note", "must be at most 2000 characters");
        }
        errors.into_result()?;
        let previous = alert.state;
        alert.state = state;
        alert.assignee = assignee;
        if state == AlertState::Closed {
            alert.outcome = outcome;
        }
        if let Some(note) = note {
            alert.note = note.to_owned();
        }
        alert.version += 1;
        alert.updated_at = self.now();
        let mut event = self.event(Some(actor), &format!("alert.{}", state.as_str()));
        event.target_kind = Some("alert".into());
        event.target_id = Some(id.to_string());
        event.target_agency = Some(alert.agency.to_string());
        event.detail = serde_json::json!({
            "from": previous.as_str(),
            "to": state.as_str(),
            "assignee": alert.assignee.as_ref().map(|a| a.to_string()),
            "outcome": alert.outcome,
        })
        .to_string();
        self.store()
            .replace_record(&alert, actor.username.as_str(), &event)
            .await?;
        Ok(alert)
    }

    /// Adds an area of the actor's agency (a GeoJSON Polygon, MultiPolygon, Feature or
    /// FeatureCollection); the detectors watch it for entries at once.
    pub async fn create_area(
        &self,
        actor: &Actor,
        name: &str,
        geojson: &str,
        tlp: Tlp,
    ) -> ServiceResult<AreaView> {
        self.require(actor, Action::ManageSurveillance, "area.create")?;
        let mut errors = interdict_core::FieldErrors::new();
        if name.trim().is_empty() || name.chars().count() > 100 {
            errors.add("name", "must be 1 to 100 characters");
        }
        if geojson.len() > 512 * 1024 {
            errors.add("geojson", "must be at most 512 KiB");
        } else if let Err(e) = Zones::from_geojson(geojson) {
            errors.add("geojson", e.to_string());
        }
        errors.into_result()?;
        let row = AreaRow {
            id: self.new_id(),
            agency: actor.agency.clone(),
            name: name.trim().to_owned(),
            geojson: geojson.to_owned(),
            tlp,
            created_by: actor.username.to_string(),
            created_at: self.now(),
        };
        let mut event = self.event(Some(actor), "area.create");
        event.target_kind = Some("area".into());
        event.target_id = Some(row.id.to_string());
        event.target_agency = Some(actor.agency.to_string());
        event.detail = serde_json::json!({ "name": row.name, "tlp": tlp.as_str() }).to_string();
        self.store().create_area(&row, &event).await?;
        self.refresh_zones().await?;
        Ok(area_view(row))
    }

    /// Removes an area of the actor's agency.
    pub async fn delete_area(&self, actor: &Actor, id: Uuid) -> ServiceResult<()> {
        self.require(actor, Action::ManageSurveillance, "area.delete")?;
        let area = self
            .store()
            .areas()
            .await?
            .into_iter()
            .find(|a| a.id == id && a.agency == actor.agency)
            .ok_or(ServiceError::NotFound)?;
        let mut event = self.event(Some(actor), "area.delete");
        event.target_kind = Some("area".into());
        event.target_id = Some(id.to_string());
        event.target_agency = Some(area.agency.to_string());
        self.store().delete_area(id, &event).await?;
        self.refresh_zones().await
    }

    /// The areas the actor may see.
    pub async fn areas(&self, actor: &Actor) -> ServiceResult<Vec<AreaView>> {
        self.require(actor, Action::ReadSurveillance, "area.list")?;
        let access = self
            .access(&Principal::User(actor.clone()), DataKind::Source)
            .await?;
        Ok(self
            .store()
            .areas()
            .await?
            .into_iter()
            .filter(|a| access.allows(&Meta::plain(DataKind::Source, &a.agency, a.tlp)))
            .map(area_view)
            .collect())
    }

    /// Starts the node's maritime jobs: the watch list and the areas, refreshed when
    /// intelligence changes, and the pipelines' clock moved every `every`. The job ends
    /// when the service is dropped.
    pub(crate) fn start_maritime_jobs(&self, every: std::time::Duration) {
        let weak = Arc::downgrade(&self.inner);
        let first = self.clone();
        tokio::spawn(async move {
            if let Err(e) = first.refresh_zones().await {
                tracing::warn!(error = %e, "cannot load the areas");
            }
            if let Err(e) = first.refresh_watchlist().await {
                tracing::warn!(error = %e, "cannot build the watch list");
            }
            let mut position = first.store().feed_head().await.unwrap_or(0);
            let mut waker = match first.store().subscribe_feed().await {
                Ok(waker) => waker,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot follow the change feed");
                    return;
                }
            };
            drop(first);
            loop {
                let _ = tokio::time::timeout(every, waker.changed()).await;
                let Some(inner) = weak.upgrade() else {
                    return;
                };
                let service = Service { inner };
                if service
                    .maritime()
                    .stopped
                    .load(std::sync::atomic::Ordering::Relaxed)
                {
                    return;
                }
                let now = service.now().timestamp();
                service.advance_pipelines(now).await;
                let changes = service
                    .store()
                    .changes_after(position, 10_000)
                    .await
                    .unwrap_or_default();
                if let Some(last) = changes.last() {
                    position = last.pos;
                }
                if changes.iter().any(|c| c.kind == DataKind::Report) {
                    if let Err(e) = service.refresh_watchlist().await {
                        tracing::warn!(error = %e, "cannot rebuild the watch list");
                    }
                }
            }
        });
    }

    /// Writes what every pipeline holds and stops them.
    pub(crate) async fn stop_pipelines(&self) {
        self.maritime()
            .stopped
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let senders: Vec<(Uuid, mpsc::Sender<Message>)> = self
            .maritime()
            .pipelines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain()
            .collect();
        for (_, sender) in senders {
            let (done, wait) = oneshot::channel();
            if sender.send(Message::Flush(done)).await.is_ok() {
                let _ = wait.await;
            }
        }
    }
}

/// The polygons of an area as one geometry, whichever of the accepted GeoJSON forms
/// it was given in (Polygon, MultiPolygon, Feature, FeatureCollection).
pub(crate) fn area_geometry(value: &serde_json::Value) -> Option<serde_json::Value> {
    fn collect(value: &serde_json::Value, polygons: &mut Vec<serde_json::Value>) {
        match value.get("type").and_then(|t| t.as_str()) {
            Some("Polygon") => polygons.extend(value.get("coordinates").cloned()),
            Some("MultiPolygon") => {
                if let Some(list) = value.get("coordinates").and_then(|c| c.as_array()) {
                    polygons.extend(list.iter().cloned());
                }
            }
            Some("Feature") => {
                if let Some(geometry) = value.get("geometry") {
                    collect(geometry, polygons);
                }
            }
            Some("FeatureCollection") => {
                for feature in value
                    .get("features")
                    .and_then(|f| f.as_array())
                    .into_iter()
                    .flatten()
                {
                    collect(feature, polygons);
                }
            }
            Some("GeometryCollection") => {
                for geometry in value
                    .get("geometries")
                    .and_then(|f| f.as_array())
                    .into_iter()
                    .flatten()
                {
                    collect(geometry, polygons);
                }
            }
            _ => {}
        }
    }
    let mut polygons = Vec::new();
    collect(value, &mut polygons);
    (!polygons.is_empty())
        .then(|| serde_json::json!({ "type": "MultiPolygon", "coordinates": polygons }))
}

fn source_view(row: SourceRow, reader: Option<&AgencyCode>) -> Source {
    let own = reader == Some(&row.agency);
    Source {
        id: row.id,
        agency: row.agency,
        name: row.name,
        kind: row.kind,
        address: own.then_some(row.address),
        tlp: row.tlp,
        enabled: row.enabled,
    }
}

fn vessel_view(row: VesselRow, sources: &[SourceRow]) -> Option<VesselView> {
    let source = sources.iter().find(|s| s.id == row.source)?;
    Some(VesselView {
        source: row.source,
        agency: source.agency.clone(),
        mmsi: u32::try_from(row.mmsi).ok()?,
        name: row.name,
        lat: row.lat,
        lon: row.lon,
        last_seen: unix(row.last_seen),
        state: serde_json::from_str(&row.state).unwrap_or(serde_json::Value::Null),
    })
}

fn track_view(row: TrackRow) -> TrackPointView {
    TrackPointView {
        source: row.source,
        mmsi: u32::try_from(row.mmsi).unwrap_or_default(),
        at: unix(row.t),
        lat: row.lat,
        lon: row.lon,
        sog: row.sog,
        cog: row.cog,
        heading: row.heading,
    }
}

fn area_view(row: AreaRow) -> AreaView {
    AreaView {
        id: row.id,
        agency: row.agency,
        name: row.name,
        geojson: serde_json::from_str(&row.geojson).unwrap_or(serde_json::Value::Null),
        tlp: row.tlp,
    }
}

/// Batches a pipeline's writer may hold waiting (each of at most a message's lines):
/// beyond it the pipeline waits for the database, and so does whoever feeds it.
const WRITER_QUEUE: usize = 8;

/// Track points and vessel states a writer takes from its queue at most, gathering
/// what is waiting; beyond it the queue fills and the pipeline waits.
const WRITER_COALESCE: usize = 50_000;

/// Track points and vessel states a writer puts in one transaction at most: some tens
/// of milliseconds of writing, the longest an alert waits for the writer.
const WRITER_SLICE: usize = 4_000;

/// How often the vessels' current states are written at most. The engine holds them;
/// the stored copy serves the vessel list and the map's first load (the map moves with
/// the live positions meanwhile), so it may be this far behind, and is brought up to
/// date by every flush and on shutdown.
const STATES_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Seconds of data after the end of an hour before its points are moved into chunks:
/// points within the reorder window of the detectors still come in after the hour.
const COMPACT_AFTER: i64 = 600;

/// What a pipeline hands to its writer.
enum WriteJob {
    /// What to write, and the events to make alerts of once it is written.
    Batch(MaritimeBatch, Vec<(Event, Option<String>)>),
    /// Answered once everything handed before it is written.
    Barrier(oneshot::Sender<()>),
}

/// Writes a pipeline's track points, identity changes and vessel states, in order, on
/// its own task so that decoding and the detectors go on meanwhile, and makes the
/// alerts of its events. What is waiting is gathered (up to `WRITER_COALESCE` rows) and
/// written in transactions of at most `WRITER_SLICE` rows; the alerts of what was
/// gathered are made after the first of them, so that an alert never waits behind a
/// burst of track points (every vessel's point of the minute coming at once) or a
/// turn of vessel states. A failed write is retried until it succeeds: the pipeline
/// waits (the queue is bounded) and nothing is dropped. Moving old hours of points
/// into chunks goes in steps of a few hundred vessels, one after each slice and more
/// while nothing is waiting, so that nothing waits behind the whole of an hour.
async fn run_writer(alerter: Alerter, mut jobs: mpsc::Receiver<WriteJob>) {
    let service = alerter.service.clone();
    let source = alerter.source.id;
    // Hours before this one are in chunks or being moved (but for points that came
    // late since).
    let mut compacted_before = i64::MIN;
    // The compaction under way: up to when, and where its next step starts.
    let mut compacting: Option<(i64, Option<interdict_store::CompactCursor>)> = None;
    // What has been taken from the queue and is not yet written, in order.
    let mut pending = MaritimeBatch::default();
    let mut events: Vec<(Event, Option<String>)> = Vec::new();
    // Answered once everything taken before it is written.
    let mut barrier: Option<oneshot::Sender<()>> = None;
    let mut open = true;
    loop {
        let idle = pending.track.is_empty()
            && pending.identity.is_empty()
            && pending.states.is_empty()
            && events.is_empty();
        if idle {
            if let Some(done) = barrier.take() {
                let _ = done.send(());
            }
            if !open {
                // Stopped: what compaction is left is done after the next start.
                break;
            }
            // Nothing to write: a step of compaction, or wait for the next job.
            let job = if compacting.is_some() {
                match jobs.try_recv() {
                    Ok(job) => Some(job),
                    Err(mpsc::error::TryRecvError::Empty) => {
                        compact_step(&service, source, &mut compacting).await;
                        continue;
                    }
                    Err(mpsc::error::TryRecvError::Disconnected) => None,
                }
            } else {
                jobs.recv().await
            };
            match job {
                Some(job) => take_job(job, &mut pending, &mut events, &mut barrier),
                None => {
                    open = false;
                    continue;
                }
            }
        }
        // Whatever else is waiting, up to a barrier or the most held at once.
        while barrier.is_none() && pending.track.len() + pending.states.len() < WRITER_COALESCE {
            match jobs.try_recv() {
                Ok(job) => take_job(job, &mut pending, &mut events, &mut barrier),
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => {
                    open = false;
                    break;
                }
            }
        }
        let slice = take_slice(&mut pending, WRITER_SLICE);
        until_written(
            source,
            "cannot write the maritime picture; retrying",
            || service.store().write_maritime(&slice),
        )
        .await;
        for (event, vessel_name) in events.drain(..) {
            if let Err(e) = alerter.alert(&event, vessel_name).await {
                tracing::error!(error = %e, event = %event.id, "cannot store an alert");
            }
        }
        // Once the data is COMPACT_AFTER past the end of an hour, the hours before it
        // are moved into chunks (with any point that came late for them since).
        if let Some(latest) = slice.track.iter().map(|p| p.t).max() {
            let before = interdict_store::chunk_hour(latest - COMPACT_AFTER);
            if before > compacted_before {
                compacted_before = before;
                let at = compacting.and_then(|(_, at)| at);
                compacting = Some((before, at));
            }
        }
        if compacting.is_some() {
            compact_step(&service, source, &mut compacting).await;
        }
    }
}

/// Adds a job taken from a writer's queue to what it has to write.
fn take_job(
    job: WriteJob,
    pending: &mut MaritimeBatch,
    events: &mut Vec<(Event, Option<String>)>,
    barrier: &mut Option<oneshot::Sender<()>>,
) {
    match job {
        WriteJob::Batch(batch, more_events) => {
            merge_batches(pending, batch);
            events.extend(more_events);
        }
        WriteJob::Barrier(done) => *barrier = Some(done),
    }
}

/// Takes from `pending` what the next transaction writes: every identity change, and
/// vessel states and track points, oldest first, `most` rows in all.
fn take_slice(pending: &mut MaritimeBatch, most: usize) -> MaritimeBatch {
    // Half each while both wait; what one leaves, the other may take.
    let states = if pending.track.is_empty() {
        most
    } else {
        most / 2
    };
    let states = states
        .max(most.saturating_sub(pending.track.len()))
        .min(pending.states.len());
    let track = (most - states).min(pending.track.len());
    MaritimeBatch {
        identity: std::mem::take(&mut pending.identity),
        states: pending.states.drain(..states).collect(),
        track: pending.track.drain(..track).collect(),
    }
}

/// Takes the next step of the compaction under way (retried until it succeeds), and
/// ends it once nothing is left to move.
async fn compact_step(
    service: &Service,
    source: Uuid,
    compacting: &mut Option<(i64, Option<interdict_store::CompactCursor>)>,
) {
    let Some((before, at)) = *compacting else {
        return;
    };
    let step = until_written(
        source,
        "cannot move track points into chunks; retrying",
        || {
            service
                .store()
                .compact_step(source, before, at, interdict_store::COMPACT_VESSELS)
        },
    )
    .await;
    *compacting = match step.next {
        Some(next) => Some((before, Some(next))),
        None if at.is_none() && step.moved == 0 => None,
        None => Some((before, None)),
    };
}

/// Runs `write` until it succeeds, waiting longer after each failure (up to 10 s).
async fn until_written<T, F, W>(source: Uuid, message: &'static str, mut write: W) -> T
where
    W: FnMut() -> F,
    F: std::future::Future<Output = Result<T, interdict_store::StoreError>>,
{
    let mut delay = std::time::Duration::from_millis(100);
    loop {
        match write().await {
            Ok(done) => return done,
            Err(e) => {
                tracing::error!(error = %e, source = %source, "{message}");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(std::time::Duration::from_secs(10));
            }
        }
    }
}

/// Adds `more` to `batch`: its points and changes after those of `batch`, its vessel
/// states in place of older ones of the same vessels.
fn merge_batches(batch: &mut MaritimeBatch, more: MaritimeBatch) {
    batch.track.extend(more.track);
    batch.identity.extend(more.identity);
    if more.states.is_empty() {
        return;
    }
    let mut at: HashMap<i64, usize> = batch
        .states
        .iter()
        .enumerate()
        .map(|(i, s)| (s.mmsi, i))
        .collect();
    for state in more.states {
        match at.get(&state.mmsi) {
            Some(&i) => batch.states[i] = state,
            None => {
                at.insert(state.mmsi, batch.states.len());
                batch.states.push(state);
            }
        }
    }
}

/// The task that owns one source's decoder and engine.
struct Pipeline {
    service: Service,
    /// The task writing what the engine produced.
    writer: mpsc::Sender<WriteJob>,
    /// Alerts its writer made.
    alerts: Arc<AtomicU64>,
    /// Vessels whose state changed since it was last handed to the writer.
    dirty: BTreeSet<u32>,
    /// When the states are next handed to the writer.
    states_due: tokio::time::Instant,
    /// Vessels whose state has been handed to the writer at least once.
    stored: std::collections::HashSet<u32>,
    source: SourceRow,
    engine: Engine,
    engine_source: interdict_maritime::SourceId,
    decoder: LineDecoder,
    stats: PipelineStats,
    /// What readers of the source's statistics see, updated after every message.
    shared: Arc<Mutex<PipelineStats>>,
    /// Whether the latest lines came from a live feed (with receive times).
    live: bool,
    /// The reader of a CSV recording, from its header.
    csv: Option<interdict_maritime::CsvReader>,
    /// The header of a CSV recording.
    csv_header: Option<Vec<u8>>,
    /// The last lines read, for a snapshot.
    recent: std::collections::VecDeque<Line>,
}

impl Pipeline {
    async fn run(mut self, mut receiver: mpsc::Receiver<Message>) {
        let mut out = Output::default();
        let mut observations = Vec::new();
        loop {
            // States waiting for their turn are written when it comes, lines or not.
            let message = if self.dirty.is_empty() {
                receiver.recv().await
            } else {
                match tokio::time::timeout_at(self.states_due, receiver.recv()).await {
                    Ok(message) => message,
                    Err(_) => {
                        self.write(&mut out, false).await;
                        continue;
                    }
                }
            };
            let Some(message) = message else { break };
            match message {
                Message::Lines(lines) => {
                    if let Some(last) = lines.last() {
                        self.live = last.received_at.is_some();
                    }
                    for line in &lines {
                        self.stats.lines += 1;
                        // A CSV recording (MarineCadastre, DMA) starts with its header.
                        if self.stats.lines == 1 {
                            self.csv = interdict_maritime::CsvReader::from_header(
                                &String::from_utf8_lossy(&line.bytes),
                            );
                            if self.csv.is_some() {
                                self.csv_header = Some(line.bytes.clone());
                                continue;
                            }
                        }
                        if self.recent.len() == RECENT_LINES {
                            self.recent.pop_front();
                        }
                        self.recent.push_back(line.clone());
                        if let Some(csv) = self.csv.as_mut() {
                            observations.clear();
                            match csv.row(
                                &String::from_utf8_lossy(&line.bytes),
                                self.engine_source,
                                &mut observations,
                            ) {
                                Ok(()) => {
                                    for obs in observations.drain(..) {
                                        self.stats.observations += 1;
                                        self.engine.push(obs, &mut out);
                                    }
                                }
                                Err(_) => self.stats.malformed += 1,
                            }
                            continue;
                        }
                        let mut pushed = self.decoder.push(&line.bytes, line.received_at);
                        while let Some(decoded) = pushed.next() {
                            match decoded {
                                Ok(d) => {
                                    observations.clear();
                                    if interdict_maritime::observation::from_ais(
                                        &d,
                                        line.received_at,
                                        self.engine_source,
                                        &mut observations,
                                    )
                                    .is_ok()
                                    {
                                        for obs in observations.drain(..) {
                                            self.stats.observations += 1;
                                            self.engine.push(obs, &mut out);
                                        }
                                    }
                                }
                                Err(_) => self.stats.malformed += 1,
                            }
                        }
                    }
                }
                // A recording keeps its own time: the node's clock moves only pipelines
                // of live feeds, so that a replay is not cut by silences that are only
                // the distance between the recording and now.
                Message::Advance(now) if self.live => self.engine.advance(now, &mut out),
                Message::Advance(_) => continue,
                Message::Watchlist(watchlist) => {
                    let now = self.engine.watermark().unwrap_or(0);
                    self.engine
                        .set_watchlist((*watchlist).clone(), now, &mut out);
                }
                Message::Zones(zones) => self.engine.set_zones(zones),
                Message::Flush(done) => {
                    // Observations waiting to be put in order are released at the data
                    // time the engine has reached; a flush writes what is out.
                    self.write(&mut out, true).await;
                    self.written().await;
                    self.publish_stats();
                    let _ = done.send(self.stats.clone());
                    continue;
                }
                Message::Snapshot(done) => {
                    self.write(&mut out, true).await;
                    self.written().await;
                    self.publish_stats();
                    let snapshot = PipelineSnapshot {
                        engine: self.engine.snapshot(),
                        recent: self.recent.iter().cloned().collect(),
                        csv_header: self.csv_header.clone(),
                        stats: self.stats.clone(),
                        live: self.live,
                    };
                    match postcard::to_stdvec(&snapshot) {
                        Ok(bytes) => {
                            let _ = done.send(bytes);
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "cannot write a pipeline's state down")
                        }
                    }
                    continue;
                }
            }
            self.write(&mut out, false).await;
            self.publish_stats();
        }
        // The feed has stopped: what the engine holds is written before the task ends.
        self.write(&mut out, true).await;
        self.written().await;
    }

    /// Waits until the writer has written everything handed to it.
    async fn written(&self) {
        let (done, wait) = oneshot::channel();
        if self.writer.send(WriteJob::Barrier(done)).await.is_ok() {
            let _ = wait.await;
        }
    }

    fn publish_stats(&mut self) {
        self.stats.alerts = self.alerts.load(Ordering::Relaxed);
        *self.shared.lock().unwrap_or_else(|e| e.into_inner()) = self.stats.clone();
    }

    /// Hands what the engine produced to the writer (which makes the alerts once it is
    /// written) and pushes it to live readers. The vessels' changed states go along
    /// every `STATES_EVERY`, or with `all_states`; a vessel never written goes at once.
    async fn write(&mut self, out: &mut Output, all_states: bool) {
        let states_due = all_states || tokio::time::Instant::now() >= self.states_due;
        let nothing_new = out.track.is_empty()
            && out.identity.is_empty()
            && out.events.is_empty()
            && out.flagged.is_empty();
        let states_wait = self.dirty.is_empty()
            || (!states_due && self.dirty.iter().all(|mmsi| self.stored.contains(mmsi)));
        if nothing_new && states_wait {
            return;
        }
        for flagged in &out.flagged {
            match flagged.reason {
                interdict_maritime::FlagReason::Future => self.stats.future += 1,
                interdict_maritime::FlagReason::Stale => self.stats.stale += 1,
                interdict_maritime::FlagReason::Late => self.stats.late += 1,
            }
        }
        let source = self.source.id;
        let mut batch = MaritimeBatch::default();
        for p in &out.track {
            self.dirty.insert(p.mmsi);
            batch.track.push(TrackRow {
                source,
                mmsi: i64::from(p.mmsi),
                t: p.time,
                lat: p.lat,
                lon: p.lon,
                sog: p.sog.map(f64::from),
                cog: p.cog.map(f64::from),
                heading: p.heading.map(i64::from),
            });
        }
        for c in &out.identity {
            self.dirty.insert(c.mmsi);
            batch.identity.push(IdentityRow {
                source,
                mmsi: i64::from(c.mmsi),
                t: c.time,
                field: serde_json::to_value(c.field)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_else(|| format!("{:?}", c.field)),
                old: c.old.clone(),
                new: c.new.clone(),
            });
        }
        // A vessel not yet written goes at once, so that the list never lacks one the
        // pipeline has seen; changes of the others wait for the next turn.
        let touched = if states_due {
            self.states_due = tokio::time::Instant::now() + STATES_EVERY;
            std::mem::take(&mut self.dirty)
        } else {
            let new: BTreeSet<u32> = self
                .dirty
                .iter()
                .filter(|mmsi| !self.stored.contains(mmsi))
                .copied()
                .collect();
            self.dirty.retain(|mmsi| !new.contains(mmsi));
            new
        };
        self.stored.extend(touched.iter().copied());
        for mmsi in &touched {
            if let Some(state) = self.engine.vessel(*mmsi) {
                batch.states.push(VesselRow {
                    source,
                    mmsi: i64::from(*mmsi),
                    lat: state.position.map(|p| p.lat),
                    lon: state.position.map(|p| p.lon),
                    last_seen: state.last_seen,
                    name: state.identity.name.clone(),
                    state: serde_json::to_string(state).unwrap_or_default(),
                });
            }
        }
        self.stats.track_points += batch.track.len() as u64;
        // Alerts are made by the writer once what they are about is written.
        let events: Vec<(Event, Option<String>)> = std::mem::take(&mut out.events)
            .into_iter()
            .map(|event| {
                let name = self
                    .engine
                    .vessel(event.mmsi)
                    .and_then(|v| v.identity.name.clone());
                (event, name)
            })
            .collect();
        if !(batch.track.is_empty()
            && batch.identity.is_empty()
            && batch.states.is_empty()
            && events.is_empty())
            && self
                .writer
                .send(WriteJob::Batch(batch, events))
                .await
                .is_err()
        {
            tracing::error!(source = %source, "the maritime writer has stopped");
        }
        for p in &out.track {
            let name = self
                .engine
                .vessel(p.mmsi)
                .and_then(|v| v.identity.name.clone());
            let _ = self.service.maritime().live.send(LivePosition {
                source,
                mmsi: p.mmsi,
                name,
                at: unix(p.time),
                lat: p.lat,
                lon: p.lon,
                sog: p.sog.map(f64::from),
                cog: p.cog.map(f64::from),
            });
        }
        out.clear();
    }
}

/// Makes a source's alerts from its engine's events, in its pipeline's writer.
struct Alerter {
    service: Service,
    source: SourceRow,
    /// Alerts made, read into the pipeline's statistics.
    alerts: Arc<AtomicU64>,
}

impl Alerter {
    /// Who is alerted when a vessel seen by this source enters `area`. The source's own
    /// area: the source's agency, labelled the stricter of the two labels, shared as
    /// its data is. Another agency's area: that agency alone (RED without recipients),
    /// and only when it may see the source's data, so that no one learns of an area
    /// they may not see, nor of data they may not see through an area.
    async fn zone_audience(
        &self,
        area: &AreaRow,
    ) -> ServiceResult<Vec<(AgencyCode, Handling, Option<Uuid>)>> {
        if area.agency == self.source.agency {
            return Ok(vec![(
                area.agency.clone(),
                Handling {
                    tlp: self.source.tlp.max(area.tlp),
                    recipients: Vec::new(),
                },
                None,
            )]);
        }
        let sees_data = self
            .service
            .access(&agency_reader(&area.agency), DataKind::Track)
            .await?
            .allows(&Meta::plain(
                DataKind::Track,
                &self.source.agency,
                self.source.tlp,
            ));
        Ok(if sees_data {
            vec![(
                area.agency.clone(),
                Handling {
                    tlp: Tlp::Red,
                    recipients: Vec::new(),
                },
                None,
            )]
        } else {
            Vec::new()
        })
    }

    /// Makes or updates the alerts of `event` (about the vessel then named
    /// `vessel_name`), one per agency alerted.
    async fn alert(&self, event: &Event, vessel_name: Option<String>) -> ServiceResult<()> {
        let service = self.service.clone();
        // An entry into an area combines the area's owner's data with the source's: see
        // `zone_audience`. A watch-list event that a zone entry triggered is kept from
        // agencies that may not see the area.
        let area = match event.kind {
            EventKind::ZoneEntry => event.evidence.get("zone").and_then(|z| z.as_str()),
            EventKind::Watchlist
                if event.evidence.get("trigger").and_then(|t| t.as_str()) == Some("zone_entry") =>
            {
                event
                    .evidence
                    .get("related")
                    .and_then(|r| r.as_str())
                    .and_then(|r| r.split(':').nth(2))
            }
            _ => None,
        };
        let area = match area.and_then(|a| Uuid::parse_str(a).ok()) {
            Some(id) => match service
                .store()
                .areas()
                .await?
                .into_iter()
                .find(|a| a.id == id)
            {
                Some(area) => Some(area),
                // The area was removed since.
                None => return Ok(()),
            },
            None => None,
        };
        let audience: Vec<(AgencyCode, Handling, Option<Uuid>)> =
            if event.kind == EventKind::ZoneEntry {
                match &area {
                    Some(area) => self.zone_audience(area).await?,
                    None => Vec::new(),
                }
            } else if event.kind == EventKind::Watchlist {
                let Some(report_id) = event
                    .evidence
                    .get("reference")
                    .and_then(|r| r.as_str())
                    .and_then(|r| Uuid::parse_str(r).ok())
                else {
                    return Ok(());
                };
                let Some(stored) = service
                    .store()
                    .record(RecordKind::Report, report_id)
                    .await?
                else {
                    return Ok(());
                };
                let report: interdict_core::Report =
                    serde_json::from_str(&stored.body).map_err(ServiceError::internal)?;
                let mut meta = report.meta();
                meta.compartments = &stored.access.compartments;
                meta.disclosures = &stored.access.disclosures;
                let mut out = Vec::new();
                for agency in service.store().agencies().await? {
                    let principal = agency_reader(&agency.code);
                    let accesses = service
                        .accesses(&principal, &[DataKind::Report, DataKind::Track])
                        .await?;
                    let sees_report = accesses[0].allows(&meta);
                    let sees_data = accesses[1].allows(&Meta::plain(
                        DataKind::Track,
                        &self.source.agency,
                        self.source.tlp,
                    ));
                    let sees_area = match &area {
                        Some(area) => service
                            .access(&principal, DataKind::Source)
                            .await?
                            .allows(&Meta::plain(DataKind::Source, &area.agency, area.tlp)),
                        None => true,
                    };
                    if sees_report && sees_data && sees_area {
                        out.push((
                            agency.code.clone(),
                            Handling {
                                tlp: Tlp::Red,
                                recipients: Vec::new(),
                            },
                            Some(report_id),
                        ));
                    }
                }
                out
            } else {
                vec![(
                    self.source.agency.clone(),
                    Handling {
                        tlp: self.source.tlp,
                        recipients: Vec::new(),
                    },
                    None,
                )]
            };
        for (agency, handling, report) in audience {
            let key = Alert::dedup_key(self.source.id, &event.id, &agency);
            let vessel_name = vessel_name.clone();
            let now = service.now();
            match service.store().alert_for_key(&key).await? {
                Some(id) => {
                    let Some(stored) = service.store().record(RecordKind::Alert, id).await? else {
                        continue;
                    };
                    let mut alert: Alert =
                        serde_json::from_str(&stored.body).map_err(ServiceError::internal)?;
                    let end = event.end.map(unix);
                    if alert.end == end && alert.evidence == event.evidence {
                        continue;
                    }
                    alert.end = end;
                    alert.evidence = event.evidence.clone();
                    alert.lat = event.lat;
                    alert.lon = event.lon;
                    alert.version += 1;
                    alert.updated_at = now;
                    let mut audit = service.event(None, "alert.update");
                    audit.actor = Some(detector().to_string());
                    audit.target_kind = Some("alert".into());
                    audit.target_id = Some(id.to_string());
                    audit.target_agency = Some(agency.to_string());
                    audit.detail =
                        serde_json::json!({ "event": event.id, "end": alert.end }).to_string();
                    service
                        .store()
                        .replace_record(&alert, detector().as_str(), &audit)
                        .await?;
                }
                None => {
                    let alert = Alert {
                        id: service.new_id(),
                        agency: agency.clone(),
                        source: self.source.id,
                        kind: alert_kind(event.kind),
                        mmsi: event.mmsi,
                        other_mmsi: event.other_mmsi,
                        vessel_name,
                        start: unix(event.start),
                        end: event.end.map(unix),
                        lat: event.lat,
                        lon: event.lon,
                        evidence: event.evidence.clone(),
                        report,
                        state: AlertState::New,
                        assignee: None,
                        outcome: None,
                        note: String::new(),
                        handling,
                        version: 1,
                        created_by: detector(),
                        created_at: now,
                        updated_at: now,
                    };
                    let mut audit = service.event(None, "alert.create");
                    audit.actor = Some(detector().to_string());
                    audit.target_kind = Some("alert".into());
                    audit.target_id = Some(alert.id.to_string());
                    audit.target_agency = Some(agency.to_string());
                    audit.detail = serde_json::json!({ "event": event.id, "kind": alert.kind, "mmsi": alert.mmsi }).to_string();
                    service.store().insert_alert(&alert, &key, &audit).await?;
                    self.alerts.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        Ok(())
    }
}
