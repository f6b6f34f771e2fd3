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
            "INSERT INTO track_points (source, mmsi, t, lat, lon, sog, cog, heading)",
            " ON CONFLICT (source, mmsi, t) DO NOTHING",
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
    /// it, oldest first.
    pub async fn track(
        &self,
        sources: &[Uuid],
        mmsi: i64,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<TrackRow>, StoreError> {
        if sources.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = SqlBuf::new(self.dialect());
        sql.push("SELECT source, mmsi, t, lat, lon, sog, cog, heading FROM track_points WHERE source IN ")
            .bind_list(sources.iter().copied())
            .push(" AND mmsi = ")
            .bind(mmsi)
            .push(" AND t >= ")
            .bind(from)
            .push(" AND t <= ")
            .bind(to)
            .push(" ORDER BY t LIMIT ")
            .bind(limit);
        self.db.fetch_all(&sql, track_from_row).await
    }

    /// The track points in an area in `[from, to]`, as the given sources saw them.
    pub async fn tracks_in_area(
        &self,
        sources: &[Uuid],
        area: BoundingBox,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<TrackRow>, StoreError> {
        if sources.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = SqlBuf::new(self.dialect());
        sql.push("SELECT source, mmsi, t, lat, lon, sog, cog, heading FROM track_points WHERE source IN ")
            .bind_list(sources.iter().copied())
            .push(" AND t >= ")
            .bind(from)
            .push(" AND t <= ")
            .bind(to);
        push_area(&mut sql, Some(area));
        sql.push(" ORDER BY mmsi, t LIMIT ").bind(limit);
        self.db.fetch_all(&sql, track_from_row).await
    }

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
fn push_area(sql: &mut SqlBuf, area: Option<BoundingBox>) {
    let Some(area) = area else { return };
    sql.push(" AND lat >= ")
        .bind(area.south)
        .push(" AND lat <= ")
        .bind(area.north);
    if area.west <= area.east {
        sql.push(" AND lon >= ")
            .bind(area.west)
            .push(" AND lon <= ")
            .bind(area.east);
    } else {
        sql.push(" AND (lon >= ")
            .bind(area.west)
            .push(" OR lon <= ")
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
        for (i, row) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            for (j, value) in row.iter().enumerate() {
                if j > 0 {
                    sql.push(", ");
                }
                sql.bind(value.clone());
            }
            sql.push(")");
        }
        sql.push(tail);
        tx.tx.execute(&sql).await?;
    }
    Ok(())
}
