//! The maritime picture: surveillance sources, what they saw (vessel states, track
//! points, identity changes), areas, and the keys that make alerts unique.
//!
//! What sources saw is written in bulk, without an audit entry per row and without
//! the change feed; it is read through the sources a reader may see, which the service
//! decides with the policy.

use chrono::{DateTime, Utc};
use interdict_core::alert::Alert;
use interdict_core::audit::AuditEvent;
use interdict_core::{AgencyCode, Tlp};
use uuid::Uuid;

use crate::audit::append;
use crate::db::{Arg, RowExt, SqlBuf};
use crate::{Store, StoreError};

/// A surveillance source as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceRow {
    pub id: Uuid,
    pub agency: AgencyCode,
    pub name: String,
    /// `file`, `tcp_client`, `tcp_listener`, `udp` or `nats`.
    pub kind: String,
    pub address: String,
    pub tlp: Tlp,
    pub enabled: bool,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// The current state of a vessel as a source saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct VesselRow {
    pub source: Uuid,
    pub mmsi: i64,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Unix seconds.
    pub last_seen: i64,
    pub name: Option<String>,
    /// The whole state as JSON.
    pub state: String,
}

/// A down-sampled track point.
#[derive(Clone, Debug, PartialEq)]
pub struct TrackRow {
    pub source: Uuid,
    pub mmsi: i64,
    /// Unix seconds.
    pub t: i64,
    pub lat: f64,
    pub lon: f64,
    pub sog: Option<f64>,
    pub cog: Option<f64>,
    pub heading: Option<i64>,
}

/// A change of a vessel's name, call sign, IMO number, type or destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityRow {
    pub source: Uuid,
    pub mmsi: i64,
    pub t: i64,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// An area drawn on the map or uploaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaRow {
    pub id: Uuid,
    pub agency: AgencyCode,
    pub name: String,
    /// A GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection.
    pub geojson: String,
    pub tlp: Tlp,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// What one batch of observations changed.
#[derive(Clone, Debug, Default)]
pub struct MaritimeBatch {
    pub states: Vec<VesselRow>,
    pub track: Vec<TrackRow>,
    pub identity: Vec<IdentityRow>,
}

/// A box of latitudes and longitudes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoundingBox {
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
}

impl BoundingBox {
    /// Whether the point is inside, edges included; a box whose west is east of its
    /// east crosses the antimeridian.
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        let lon_inside = if self.west <= self.east {
            lon >= self.west && lon <= self.east
        } else {
            lon >= self.west || lon <= self.east
        };
        lat >= self.south && lat <= self.north && lon_inside
    }
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value:?}"))
}

fn source_from_row(row: &dyn RowExt) -> Result<SourceRow, StoreError> {
    let agency = row.text("agency")?;
    Ok(SourceRow {
        id: row.id("id")?,
        agency: AgencyCode::parse(&agency).map_err(|_| corrupt("agency", &agency))?,
        name: row.text("name")?,
        kind: row.text("kind")?,
        address: row.text("address")?,
        tlp: row.tlp("tlp")?,
        enabled: row.flag("enabled")?,
        created_by: row.text("created_by")?,
        created_at: row.time("created_at")?,
    })
}

fn area_from_row(row: &dyn RowExt) -> Result<AreaRow, StoreError> {
    let agency = row.text("agency")?;
    Ok(AreaRow {
        id: row.id("id")?,
        agency: AgencyCode::parse(&agency).map_err(|_| corrupt("agency", &agency))?,
        name: row.text("name")?,
        geojson: row.text("geojson")?,
        tlp: row.tlp("tlp")?,
        created_by: row.text("created_by")?,
        created_at: row.time("created_at")?,
    })
}

fn track_from_row(row: &dyn RowExt) -> Result<TrackRow, StoreError> {
    Ok(TrackRow {
        source: row.id("source")?,
        mmsi: row.int("mmsi")?,
        t: row.int("t")?,
        lat: row.float("lat")?,
        lon: row.float("lon")?,
        sog: row.opt_float("sog")?,
        cog: row.opt_float("cog")?,
        heading: row.opt_int("heading")?,
    })
}

const SOURCE_COLUMNS: &str =
    "id, agency, name, kind, address, tlp, enabled, created_by, created_at";
const AREA_COLUMNS: &str = "id, agency, name, geojson, tlp, created_by, created_at";

impl Store {
    /// Adds a surveillance source.
    pub async fn create_source(
        &self,
        source: &SourceRow,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                &format!("INSERT INTO sources ({SOURCE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"),
                vec![
                    Arg::Id(source.id),
                    source.agency.as_str().into(),
                    source.name.as_str().into(),
                    source.kind.as_str().into(),
                    source.address.as_str().into(),
                    Arg::Int(source.tlp.rank()),
                    Arg::Flag(source.enabled),
                    source.created_by.as_str().into(),
                    Arg::Time(source.created_at),
                ],
            ))
            .await?;
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Turns a source on or off.
    pub async fn set_source_enabled(
        &self,
        id: Uuid,
        enabled: bool,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = tx
            .tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "UPDATE sources SET enabled = $1 WHERE id = $2",
                vec![Arg::Flag(enabled), Arg::Id(id)],
            ))
            .await?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Every source (the service decides which a reader may see).
    pub async fn sources(&self) -> Result<Vec<SourceRow>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    &format!("SELECT {SOURCE_COLUMNS} FROM sources ORDER BY agency, name"),
                    vec![],
                ),
                source_from_row,
            )
            .await
    }

    /// Writes what a batch of observations changed, in one transaction, without an
    /// audit entry (the data is not audited per row) and without the change feed.
    pub async fn write_maritime(&self, batch: &MaritimeBatch) -> Result<(), StoreError> {
        if batch.states.is_empty() && batch.track.is_empty() && batch.identity.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        let rows = batch
            .track
            .iter()
            .map(|p| {
                vec![
                    Arg::Id(p.source),
                    Arg::Int(minute_of(p.t)),
                    Arg::Int(p.mmsi),
                    Arg::Int(p.t),
                    Arg::Float(p.lat),
                    Arg::Float(p.lon),
                    Arg::OptFloat(p.sog),
                    Arg::OptFloat(p.cog),
                    Arg::OptInt(p.heading),
                ]
            })
            .collect();
        insert_rows_on_conflict(
            &mut tx,
            "INSERT INTO track_points (source, minute, mmsi, t, lat, lon, sog, cog, heading)",
            " ON CONFLICT (source, minute, mmsi, t) DO NOTHING",
            rows,
        )
        .await?;
        let rows = batch
            .identity
            .iter()
            .map(|c| {
                vec![
                    Arg::Id(c.source),
                    Arg::Int(c.mmsi),
                    Arg::Int(c.t),
                    c.field.as_str().into(),
                    c.old.clone().into(),
                    c.new.clone().into(),
                ]
            })
            .collect();
        insert_rows_on_conflict(
            &mut tx,
            "INSERT INTO identity_changes (source, mmsi, t, field, old_value, new_value)",
            " ON CONFLICT (source, mmsi, t, field) DO NOTHING",
            rows,
        )
        .await?;
        let rows = batch
            .states
            .iter()
            .map(|s| {
                vec![
                    Arg::Id(s.source),
                    Arg::Int(s.mmsi),
                    Arg::OptFloat(s.lat),
                    Arg::OptFloat(s.lon),
                    Arg::Int(s.last_seen),
                    s.name.clone().into(),
                    s.state.as_str().into(),
                ]
            })
            .collect();
        insert_rows_on_conflict(
            &mut tx,
            "INSERT INTO vessel_states (source, mmsi, lat, lon, last_seen, name, state)",
            " ON CONFLICT (source, mmsi) DO UPDATE SET lat = excluded.lat, lon = excluded.lon, \
             last_seen = excluded.last_seen, name = excluded.name, state = excluded.state",
            rows,
        )
        .await?;
        tx.commit().await
    }

    /// The vessels the given sources saw since `since` (Unix seconds), inside `area` if
    /// given, most recently seen first.
    pub async fn vessels(
        &self,
        sources: &[Uuid],
        since: i64,
        area: Option<BoundingBox>,
        limit: i64,
    ) -> Result<Vec<VesselRow>, StoreError> {
        if sources.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = SqlBuf::new(self.dialect());
        sql.push("SELECT source, mmsi, lat, lon, last_seen, name, state FROM vessel_states WHERE source IN ")
            .bind_list(sources.iter().copied())
            .push(" AND last_seen >= ")
            .bind(since);
        push_area(&mut sql, area);
        sql.push(" ORDER BY last_seen DESC LIMIT ").bind(limit);
        self.db
            .fetch_all(&sql, |row| {
                Ok(VesselRow {
                    source: row.id("source")?,
                    mmsi: row.int("mmsi")?,
                    lat: row.opt_float("lat")?,
                    lon: row.opt_float("lon")?,
                    last_seen: row.int("last_seen")?,
                    name: row.opt_text("name")?,
                    state: row.text("state")?,
                })
            })
            .await
    }

    /// The track of one vessel in `[from, to]` (Unix seconds) as the given sources saw
    /// it, oldest first: the closed hours' chunks and the points not yet moved there.
    pub async fn track(
        &self,
        sources: &[Uuid],
        mmsi: i64,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<TrackRow>, StoreError> {
        if sources.is_empty() || from > to {
            return Ok(Vec::new());
        }
        let mut points = Vec::new();
        // The chunks: one seek per source and hour it holds in the window.
        for &source in sources {
            let Some((low, high)) = self.held(source, "hour", "track_chunks").await? else {
                continue;
            };
            let (low, high) = (low.max(chunk_hour(from)), high.min(to));
            if low > high {
                continue;
            }
            let mut sql = SqlBuf::new(self.dialect());
            push_keys_between(
                &mut sql,
                "c.source, c.mmsi, c.points FROM track_chunks c",
                "c.hour",
                source,
                (low, high, CHUNK_SECONDS),
                HOURS_SOUGHT,
            );
            sql.push(" AND c.mmsi = ").bind(mmsi);
            for chunk in self.db.fetch_all(&sql, chunk_from_row).await? {
                points.extend(chunk.into_iter().filter(|p| p.t >= from && p.t <= to));
            }
        }
        // The points not yet in chunks: one seek per source and minute they may be in.
        for &source in sources {
            let Some((low, high)) = self.held(source, "minute", "track_points").await? else {
                continue;
            };
            let (low, high) = (low.max(minute_of(from)), high.min(minute_of(to)));
            if low > high {
                continue;
            }
            let mut sql = SqlBuf::new(self.dialect());
            push_keys_between(
                &mut sql,
                "p.source, p.mmsi, p.t, p.lat, p.lon, p.sog, p.cog, p.heading FROM track_points p",
                "p.minute",
                source,
                (low, high, 1),
                MINUTES_SOUGHT,
            );
            sql.push(" AND p.mmsi = ")
                .bind(mmsi)
                .push(" AND p.t >= ")
                .bind(from)
                .push(" AND p.t <= ")
                .bind(to)
                .push(" ORDER BY p.t LIMIT ")
                .bind(limit);
            points.extend(self.db.fetch_all(&sql, track_from_row).await?);
        }
        points.sort_by(|a, b| a.t.cmp(&b.t).then(a.source.cmp(&b.source)));
        points.dedup_by(|a, b| a.t == b.t && a.source == b.source);
        points.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(points)
    }

    /// The track points in an area in `[from, to]`, as the given sources saw them, by
    /// vessel and time.
    pub async fn tracks_in_area(
        &self,
        sources: &[Uuid],
        area: BoundingBox,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<TrackRow>, StoreError> {
        if sources.is_empty() || from > to {
            return Ok(Vec::new());
        }
        // Chunks whose box meets the area; their points are then tested one by one.
        let mut sql = SqlBuf::new(self.dialect());
        sql.push("SELECT source, mmsi, points FROM track_chunks WHERE source IN ")
            .bind_list(sources.iter().copied())
            .push(" AND hour >= ")
            .bind(chunk_hour(from))
            .push(" AND hour <= ")
            .bind(to);
        push_meets(&mut sql, area, ["south", "west", "north", "east"]);
        let mut points = Vec::new();
        for chunk in self.db.fetch_all(&sql, chunk_from_row).await? {
            points.extend(
                chunk
                    .into_iter()
                    .filter(|p| p.t >= from && p.t <= to && area.contains(p.lat, p.lon)),
            );
        }
        let mut sql = SqlBuf::new(self.dialect());
        sql.push("SELECT source, mmsi, t, lat, lon, sog, cog, heading FROM track_points WHERE source IN ")
            .bind_list(sources.iter().copied())
            .push(" AND minute >= ")
            .bind(minute_of(from))
            .push(" AND minute <= ")
            .bind(minute_of(to))
            .push(" AND t >= ")
            .bind(from)
            .push(" AND t <= ")
            .bind(to);
        push_area(&mut sql, Some(area));
        sql.push(" ORDER BY mmsi, t LIMIT ").bind(limit);
        points.extend(self.db.fetch_all(&sql, track_from_row).await?);
        points.sort_by(|a, b| {
            (a.mmsi, a.t)
                .cmp(&(b.mmsi, b.t))
                .then(a.source.cmp(&b.source))
        });
        points.dedup_by(|a, b| a.mmsi == b.mmsi && a.t == b.t && a.source == b.source);
        points.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(points)
    }

    /// Moves the points of `source` older than `before` (Unix seconds, the start of an
    /// hour) from `track_points` into the chunks of their hours, merged with a chunk
    /// already there (a point that came late); a point already in a chunk stays as it
    /// is, as a second insert of a point does. Moves everything in steps of
    /// [`Store::compact_step`]; returns the points moved.
    pub async fn compact_tracks(&self, source: Uuid, before: i64) -> Result<usize, StoreError> {
        let mut moved = 0;
        let mut at = None;
        loop {
            let step = self
                .compact_step(source, before, at, COMPACT_VESSELS)
                .await?;
            moved += step.moved;
            // A step from no cursor that moves nothing found nothing to move.
            if at.is_none() && step.moved == 0 && step.next.is_none() {
                return Ok(moved);
            }
            at = step.next;
        }
    }

    /// One step of [`Store::compact_tracks`], in a transaction of its own: the points
    /// of about `vessels` vessels (counted in the latest minute of the hour that has
    /// points) for one hour, from `at` (where the previous step stopped) or from the
    /// first vessel of the oldest hour held. A step reads only the points it moves (a
    /// seek per minute of the hour), so its cost, and how long it holds the database's
    /// writer, is bounded whatever the number of vessels; a live pipeline's writer takes
    /// steps between its writes. `next` says where the next step of the same hour
    /// starts; `None` when the hour is done (a next step looks for the oldest hour
    /// again, and finds none once everything before `before` is moved).
    pub async fn compact_step(
        &self,
        source: Uuid,
        before: i64,
        at: Option<CompactCursor>,
        vessels: usize,
    ) -> Result<CompactStep, StoreError> {
        // Whole minutes only: a minute that `before` cuts stays for the next time.
        let end = minute_of(before);
        let mut tx = self.begin_write().await?;
        let (hour, from) = match at {
            Some(at) => (at.hour, at.mmsi),
            None => {
                let first = tx
                    .tx
                    .fetch_one(
                        &SqlBuf::with(
                            tx.dialect,
                            "SELECT MIN(minute) AS first FROM track_points WHERE source = $1 AND minute < $2",
                            vec![Arg::Id(source), Arg::Int(end)],
                        ),
                        |row| row.opt_int("first"),
                    )
                    .await?;
                let Some(first) = first else {
                    return Ok(CompactStep {
                        moved: 0,
                        next: None,
                    });
                };
                (chunk_hour(first * 60), i64::MIN)
            }
        };
        let minutes = minute_of(hour)..minute_of(hour + CHUNK_SECONDS).min(end);
        // Where this step stops: the vessel `vessels` places on in the hour's latest
        // minute with points (the vessels of one minute stand for those of the hour).
        let latest = tx
            .tx
            .fetch_one(
                &SqlBuf::with(
                    tx.dialect,
                    "SELECT MAX(minute) AS latest FROM track_points \
                     WHERE source = $1 AND minute >= $2 AND minute < $3",
                    vec![
                        Arg::Id(source),
                        Arg::Int(minutes.start),
                        Arg::Int(minutes.end),
                    ],
                ),
                |row| row.opt_int("latest"),
            )
            .await?;
        let until = match latest {
            Some(latest) => {
                tx.tx
                    .fetch_optional(
                        &SqlBuf::with(
                            tx.dialect,
                            "SELECT mmsi FROM track_points WHERE source = $1 AND minute = $2 \
                             AND mmsi >= $3 ORDER BY mmsi LIMIT 1 OFFSET $4",
                            vec![
                                Arg::Id(source),
                                Arg::Int(latest),
                                Arg::Int(from),
                                Arg::Int(i64::try_from(vessels.max(1)).unwrap_or(i64::MAX)),
                            ],
                        ),
                        |row| row.int("mmsi"),
                    )
                    .await?
            }
            None => None,
        };
        let moved = compact_vessels(&mut tx, source, hour, minutes, from, until).await?;
        tx.commit().await?;
        Ok(CompactStep {
            moved,
            next: until.map(|mmsi| CompactCursor { hour, mmsi }),
        })
    }

    /// The lowest and highest `column` of the rows of `source` in `table` (the first
    /// part of their key after the source): two seeks, one at each end.
    async fn held(
        &self,
        source: Uuid,
        column: &str,
        table: &str,
    ) -> Result<Option<(i64, i64)>, StoreError> {
        let mut ends = [None, None];
        for (end, aggregate) in ends.iter_mut().zip(["MIN", "MAX"]) {
            *end = self
                .db
                .fetch_one(
                    &SqlBuf::with(
                        self.dialect(),
                        &format!(
                            "SELECT {aggregate}({column}) AS m FROM {table} WHERE source = $1"
                        ),
                        vec![Arg::Id(source)],
                    ),
                    |row| row.opt_int("m"),
                )
                .await?;
        }
        Ok(ends[0].zip(ends[1]))
    }
}

/// Appends `SELECT {select}` for the rows of `source` whose `key` (the part of the
/// primary key after the source) is one of `low, low + step, …` up to `high`: with one
/// seek each, joined to the series of keys, when there are fewer than `most` of them,
/// else in one pass over the range (rows held over a long span). Conditions on the
/// rest of the key follow as ` AND …`.
fn push_keys_between(
    sql: &mut SqlBuf,
    select: &str,
    key: &str,
    source: Uuid,
    (low, high, step): (i64, i64, i64),
    most: i64,
) {
    if (high - low) / step < most {
        sql.push("WITH RECURSIVE k (key) AS (SELECT ")
            .bind(low)
            .push(" UNION ALL SELECT key + ")
            .bind(step)
            .push(" FROM k WHERE key + ")
            .bind(step)
            .push(" <= ")
            .bind(high)
            .push(&format!(") SELECT {select} JOIN k ON {key} = k.key WHERE "));
    } else {
        sql.push(&format!("SELECT {select} WHERE {key} >= "))
            .bind(low)
            .push(&format!(" AND {key} <= "))
            .bind(high)
            .push(" AND ");
    }
    let alias = key.split('.').next().unwrap_or_default();
    sql.push(&format!("{alias}.source = "))
        .bind(Arg::Id(source));
}

/// Vessels whose hour of points a step of [`Store::compact_tracks`] moves, about: at a
/// point a minute, some 15,000 points read, deleted and written as 250 chunks.
pub const COMPACT_VESSELS: usize = 250;

/// Where [`Store::compact_step`] stopped in an hour: the hour (Unix seconds) and the
/// first vessel not yet moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompactCursor {
    pub hour: i64,
    pub mmsi: i64,
}

/// What a step of compaction did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompactStep {
    /// Points moved into chunks.
    pub moved: usize,
    /// Where the next step of the same hour starts; `None` once the hour is done.
    pub next: Option<CompactCursor>,
}

/// Most minutes [`Store::track`] reads with a seek each; over more it reads the
/// minutes' points in one pass.
const MINUTES_SOUGHT: i64 = 2 * 1_440;

/// Most hours of chunks [`Store::track`] reads with a seek each (a year).
const HOURS_SOUGHT: i64 = 366 * 24;

/// The minute of time `t` (Unix seconds), the first part of a track point's key.
pub fn minute_of(t: i64) -> i64 {
    t.div_euclid(60)
}

/// Moves the points of `source` in `minutes` (all of `hour`) of the vessels from `from`
/// up to `until` (or all after `from`) into the chunks of their vessels, inside `tx`.
async fn compact_vessels(
    tx: &mut crate::WriteTx<'_>,
    source: Uuid,
    hour: i64,
    minutes: std::ops::Range<i64>,
    from: i64,
    until: Option<i64>,
) -> Result<usize, StoreError> {
    // A seek per minute of the hour, then the vessels' range within it.
    let slice = |sql: &mut SqlBuf| {
        sql.push(" WHERE source = ")
            .bind(Arg::Id(source))
            .push(" AND minute IN ")
            .bind_list(minutes.clone())
            .push(" AND mmsi >= ")
            .bind(from);
        if let Some(until) = until {
            sql.push(" AND mmsi < ").bind(until);
        }
    };
    if minutes.is_empty() {
        return Ok(0);
    }
    let mut select = SqlBuf::new(tx.dialect);
    select.push("SELECT source, mmsi, t, lat, lon, sog, cog, heading FROM track_points");
    slice(&mut select);
    let mut by_vessel: std::collections::BTreeMap<i64, Vec<TrackRow>> = Default::default();
    let mut moved = 0;
    for point in tx.tx.fetch_all(&select, track_from_row).await? {
        moved += 1;
        by_vessel.entry(point.mmsi).or_default().push(point);
    }
    let mut delete = SqlBuf::new(tx.dialect);
    delete.push("DELETE FROM track_points");
    slice(&mut delete);
    tx.tx.execute(&delete).await?;
    for rows in by_vessel.values_mut() {
        rows.sort_by_key(|p| p.t);
    }
    let chunks: Vec<((i64, i64), Vec<TrackRow>)> = by_vessel
        .into_iter()
        .map(|(mmsi, rows)| ((mmsi, hour), rows))
        .collect();
    // New chunks go in at once; those that meet a chunk already stored are merged.
    let mut conflicts = std::collections::BTreeSet::new();
    for part in chunks.chunks(2_000) {
        let mut sql = SqlBuf::new(tx.dialect);
        sql.push(
            "INSERT INTO track_chunks (source, mmsi, hour, first_t, last_t, south, west, \
                 north, east, n, points) VALUES ",
        );
        for (i, ((mmsi, hour), rows)) in part.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            push_chunk_values(&mut sql, source, *mmsi, *hour, rows);
            sql.push(")");
        }
        sql.push(" ON CONFLICT (source, hour, mmsi) DO NOTHING RETURNING mmsi, hour");
        let inserted: std::collections::BTreeSet<(i64, i64)> = tx
            .tx
            .fetch_all(&sql, |row| Ok((row.int("mmsi")?, row.int("hour")?)))
            .await?
            .into_iter()
            .collect();
        conflicts.extend(
            part.iter()
                .map(|(key, _)| *key)
                .filter(|key| !inserted.contains(key)),
        );
    }
    for ((mmsi, hour), rows) in chunks.into_iter().filter(|(k, _)| conflicts.contains(k)) {
        let stored = tx
            .tx
            .fetch_optional(
                &SqlBuf::with(
                    tx.dialect,
                    "SELECT source, mmsi, points FROM track_chunks \
                         WHERE source = $1 AND mmsi = $2 AND hour = $3",
                    vec![Arg::Id(source), Arg::Int(mmsi), Arg::Int(hour)],
                ),
                chunk_from_row,
            )
            .await?
            .unwrap_or_default();
        let mut merged = stored;
        merged.extend(rows);
        // The stored point first, so that it is the one kept.
        merged.sort_by_key(|p| p.t);
        merged.dedup_by_key(|p| p.t);
        let mut sql = SqlBuf::new(tx.dialect);
        sql.push(
            "UPDATE track_chunks SET (first_t, last_t, south, west, north, east, n, points) = (",
        );
        push_values(&mut sql, chunk_values(&merged));
        sql.push(") WHERE source = ")
            .bind(Arg::Id(source))
            .push(" AND mmsi = ")
            .bind(mmsi)
            .push(" AND hour = ")
            .bind(hour);
        tx.tx.execute(&sql).await?;
    }
    Ok(moved)
}

impl Store {
    /// The identity changes of a vessel as the given sources saw them, oldest first.
    pub async fn identity_changes(
        &self,
        sources: &[Uuid],
        mmsi: i64,
    ) -> Result<Vec<IdentityRow>, StoreError> {
        if sources.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = SqlBuf::new(self.dialect());
        sql.push("SELECT source, mmsi, t, field, old_value, new_value FROM identity_changes WHERE source IN ")
            .bind_list(sources.iter().copied())
            .push(" AND mmsi = ")
            .bind(mmsi)
            .push(" ORDER BY t, field LIMIT 1000");
        self.db
            .fetch_all(&sql, |row| {
                Ok(IdentityRow {
                    source: row.id("source")?,
                    mmsi: row.int("mmsi")?,
                    t: row.int("t")?,
                    field: row.text("field")?,
                    old: row.opt_text("old_value")?,
                    new: row.opt_text("new_value")?,
                })
            })
            .await
    }

    /// Adds an area.
    pub async fn create_area(&self, area: &AreaRow, event: &AuditEvent) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                &format!("INSERT INTO areas ({AREA_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"),
                vec![
                    Arg::Id(area.id),
                    area.agency.as_str().into(),
                    area.name.as_str().into(),
                    area.geojson.as_str().into(),
                    Arg::Int(area.tlp.rank()),
                    area.created_by.as_str().into(),
                    Arg::Time(area.created_at),
                ],
            ))
            .await?;
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Removes an area.
    pub async fn delete_area(&self, id: Uuid, event: &AuditEvent) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = tx
            .tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "DELETE FROM areas WHERE id = $1",
                vec![Arg::Id(id)],
            ))
            .await?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Every area (the service decides which a reader may see).
    pub async fn areas(&self) -> Result<Vec<AreaRow>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    &format!("SELECT {AREA_COLUMNS} FROM areas ORDER BY agency, name"),
                    vec![],
                ),
                area_from_row,
            )
            .await
    }

    /// The alert made of a detector event for an agency, if any.
    pub async fn alert_for_key(&self, key: &str) -> Result<Option<Uuid>, StoreError> {
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT alert FROM alert_keys WHERE event_key = $1",
                    vec![key.into()],
                ),
                |row| row.id("alert"),
            )
            .await
    }

    /// Stores a new alert under its event key, with its audit entry and its change-feed
    /// entry, in one transaction.
    pub async fn insert_alert(
        &self,
        alert: &Alert,
        key: &str,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "INSERT INTO alert_keys (event_key, alert) VALUES ($1, $2)",
                vec![key.into(), Arg::Id(alert.id)],
            ))
            .await?;
        self.insert_in(&mut tx, alert, event).await?;
        tx.commit().await
    }
}

/// Appends a bounding-box condition on `lat`/`lon` (a box across the antimeridian has
/// `west > east`).
/// Seconds of the hour a track chunk holds.
pub const CHUNK_SECONDS: i64 = 3_600;

/// Bytes of one point in a chunk: time, latitude, longitude, speed, course, heading.
const POINT_BYTES: usize = 48;

/// The start of the chunk's hour holding time `t`.
pub fn chunk_hour(t: i64) -> i64 {
    t.div_euclid(CHUNK_SECONDS) * CHUNK_SECONDS
}

/// A chunk's points, in the order given, little-endian: `t` as i64, latitude,
/// longitude, speed and course as f64 (NaN when absent), heading as i64 (`i64::MIN`
/// when absent). Fixed width, so that a stored value reads back exactly.
pub(crate) fn encode_points(points: &[TrackRow]) -> Vec<u8> {
    let mut out = Vec::with_capacity(points.len() * POINT_BYTES);
    for p in points {
        out.extend_from_slice(&p.t.to_le_bytes());
        out.extend_from_slice(&p.lat.to_le_bytes());
        out.extend_from_slice(&p.lon.to_le_bytes());
        out.extend_from_slice(&p.sog.unwrap_or(f64::NAN).to_le_bytes());
        out.extend_from_slice(&p.cog.unwrap_or(f64::NAN).to_le_bytes());
        out.extend_from_slice(&p.heading.unwrap_or(i64::MIN).to_le_bytes());
    }
    out
}

/// The points of a chunk written by [`encode_points`].
pub(crate) fn decode_points(
    source: Uuid,
    mmsi: i64,
    bytes: &[u8],
) -> Result<Vec<TrackRow>, StoreError> {
    if !bytes.len().is_multiple_of(POINT_BYTES) {
        return Err(StoreError::Corrupt(format!(
            "a track chunk of vessel {mmsi} holds {} bytes, not a multiple of {POINT_BYTES}",
            bytes.len()
        )));
    }
    let word = |p: &[u8], i: usize| -> [u8; 8] {
        let mut w = [0u8; 8];
        w.copy_from_slice(&p[i * 8..i * 8 + 8]);
        w
    };
    let float = |v: f64| (!v.is_nan()).then_some(v);
    Ok(bytes
        .chunks_exact(POINT_BYTES)
        .map(|p| {
            let heading = i64::from_le_bytes(word(p, 5));
            TrackRow {
                source,
                mmsi,
                t: i64::from_le_bytes(word(p, 0)),
                lat: f64::from_le_bytes(word(p, 1)),
                lon: f64::from_le_bytes(word(p, 2)),
                sog: float(f64::from_le_bytes(word(p, 3))),
                cog: float(f64::from_le_bytes(word(p, 4))),
                heading: (heading != i64::MIN).then_some(heading),
            }
        })
        .collect())
}

fn chunk_from_row(row: &dyn RowExt) -> Result<Vec<TrackRow>, StoreError> {
    decode_points(row.id("source")?, row.int("mmsi")?, &row.bytes("points")?)
}

/// The first and last times of `points` (not empty, in time order) and their box.
fn chunk_extent(points: &[TrackRow]) -> (i64, i64, BoundingBox) {
    let mut bbox = BoundingBox {
        south: f64::INFINITY,
        west: f64::INFINITY,
        north: f64::NEG_INFINITY,
        east: f64::NEG_INFINITY,
    };
    for p in points {
        bbox.south = bbox.south.min(p.lat);
        bbox.north = bbox.north.max(p.lat);
        bbox.west = bbox.west.min(p.lon);
        bbox.east = bbox.east.max(p.lon);
    }
    let first = points.first().map_or(0, |p| p.t);
    let last = points.last().map_or(0, |p| p.t);
    (first, last, bbox)
}

/// The values of a new chunk's row, in the column order of `compact_tracks`' insert.
fn push_chunk_values(sql: &mut SqlBuf, source: Uuid, mmsi: i64, hour: i64, points: &[TrackRow]) {
    let mut values = vec![Arg::Id(source), Arg::Int(mmsi), Arg::Int(hour)];
    values.extend(chunk_values(points));
    push_values(sql, values);
}

/// A chunk's `first_t, last_t, south, west, north, east, n, points`.
fn chunk_values(points: &[TrackRow]) -> Vec<Arg> {
    let (first, last, bbox) = chunk_extent(points);
    vec![
        Arg::Int(first),
        Arg::Int(last),
        Arg::Float(bbox.south),
        Arg::Float(bbox.west),
        Arg::Float(bbox.north),
        Arg::Float(bbox.east),
        Arg::Int(points.len() as i64),
        Arg::Bytes(encode_points(points)),
    ]
}

/// `values` bound one after the other, separated by commas.
fn push_values(sql: &mut SqlBuf, values: Vec<Arg>) {
    for (i, value) in values.into_iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(value);
    }
}

fn push_area(sql: &mut SqlBuf, area: Option<BoundingBox>) {
    if let Some(area) = area {
        push_meets(sql, area, ["lat", "lon", "lat", "lon"]);
    }
}

/// ` AND …`: the box of the columns `[south, west, north, east]` meets `area` (a
/// point's columns twice over: it lies inside).
fn push_meets(sql: &mut SqlBuf, area: BoundingBox, [south, west, north, east]: [&str; 4]) {
    sql.push(&format!(" AND {north} >= "))
        .bind(area.south)
        .push(&format!(" AND {south} <= "))
        .bind(area.north);
    if area.west <= area.east {
        sql.push(&format!(" AND {east} >= "))
            .bind(area.west)
            .push(&format!(" AND {west} <= "))
            .bind(area.east);
    } else {
        sql.push(&format!(" AND ({east} >= "))
            .bind(area.west)
            .push(&format!(" OR {west} <= "))
            .bind(area.east)
            .push(")");
    }
}

/// Inserts `rows` in as few multi-row INSERTs as the parameter limit allows, each with
/// the conflict clause `tail`.
async fn insert_rows_on_conflict(
    tx: &mut crate::WriteTx<'_>,
    head: &str,
    tail: &str,
    rows: Vec<Vec<Arg>>,
) -> Result<(), StoreError> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(());
    };
    for chunk in rows.chunks((30_000 / width.max(1)).max(1)) {
        let mut sql = SqlBuf::new(tx.dialect);
        sql.push(head).push(" VALUES ");
        sql.bind_rows(chunk);
        sql.push(tail);
        tx.tx.execute(&sql).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(t: i64, sog: Option<f64>, heading: Option<i64>) -> TrackRow {
        TrackRow {
            source: Uuid::nil(),
            mmsi: 440_123_456,
            t,
            lat: 35.1 + t as f64 * 1e-6,
            lon: -179.99,
            sog,
            cog: sog.map(|s| s * 3.0),
            heading,
        }
    }

    #[test]
    fn chunks_read_back_what_was_written() {
        let points = vec![
            point(3_600, Some(12.5), Some(511)),
            point(3_661, None, None),
            point(7_199, Some(0.0), Some(0)),
        ];
        let bytes = encode_points(&points);
        assert_eq!(bytes.len(), 3 * POINT_BYTES);
        assert_eq!(
            decode_points(Uuid::nil(), 440_123_456, &bytes).unwrap(),
            points
        );
        assert!(decode_points(Uuid::nil(), 1, &bytes[1..]).is_err());
    }

    #[test]
    fn hours_and_boxes() {
        assert_eq!(chunk_hour(7_199), 3_600);
        assert_eq!(chunk_hour(7_200), 7_200);
        assert_eq!(chunk_hour(-1), -3_600);
        let across = BoundingBox {
            south: 30.0,
            west: 170.0,
            north: 40.0,
            east: -170.0,
        };
        assert!(across.contains(35.0, 179.5));
        assert!(across.contains(35.0, -175.0));
        assert!(!across.contains(35.0, 0.0));
        assert!(!across.contains(41.0, 179.5));
    }
}
