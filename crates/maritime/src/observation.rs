//! Observations: what the detectors consume, made from AIS messages or CSV rows.
//!
//! The time of an observation is the message time: the tag block's `c:` or the CSV time
//! column, else the receive time the caller gives. A message with neither has no time and
//! gives no observation.

use interdict_ais::message::{lat_deg, lon_deg, Body, StaticData};
use interdict_ais::{Decoded, SixBitText};
use serde::{Deserialize, Serialize};

/// A small number naming where observations came from (a feed, a receiver); the engine
/// keeps the names (see `Engine::source_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SourceId(pub u16);

/// A position report.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Position {
    /// MMSI of the reporting station.
    pub mmsi: u32,
    /// Message time, UNIX seconds.
    pub time: i64,
    /// When the node received it, if known (UNIX seconds).
    pub received_at: Option<i64>,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Speed over ground, knots.
    pub sog: Option<f32>,
    /// Course over ground, degrees.
    pub cog: Option<f32>,
    /// True heading, degrees.
    pub heading: Option<u16>,
    /// Navigational status (ITU-R M.1371 table 45), class A only.
    pub status: Option<u8>,
    /// Where it came from.
    pub source: SourceId,
}

/// Static and voyage data (the parts a message carries; the rest `None`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StaticReport {
    /// MMSI of the reporting station.
    pub mmsi: u32,
    /// Message time, UNIX seconds.
    pub time: i64,
    /// When the node received it, if known.
    pub received_at: Option<i64>,
    /// Vessel name.
    pub name: Option<String>,
    /// Call sign.
    pub callsign: Option<String>,
    /// IMO number as transmitted (not checked).
    pub imo: Option<u32>,
    /// Type of ship and cargo.
    pub ship_type: Option<u8>,
    /// Destination.
    pub destination: Option<String>,
    /// Where it came from.
    pub source: SourceId,
}

/// One observation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Observation {
    /// A position.
    Position(Position),
    /// Static data.
    Static(StaticReport),
}

impl Observation {
    /// The MMSI.
    pub fn mmsi(&self) -> u32 {
        match self {
            Observation::Position(p) => p.mmsi,
            Observation::Static(s) => s.mmsi,
        }
    }

    /// The message time.
    pub fn time(&self) -> i64 {
        match self {
            Observation::Position(p) => p.time,
            Observation::Static(s) => s.time,
        }
    }

    /// The receive time, if known.
    pub fn received_at(&self) -> Option<i64> {
        match self {
            Observation::Position(p) => p.received_at,
            Observation::Static(s) => s.received_at,
        }
    }
}

/// Why a message gave no observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Not a vessel message (base stations, aids to navigation, binary, ...).
    NotVessel,
    /// Neither a tag-block time nor a receive time.
    NoTime,
    /// Position not available.
    NoPosition,
}

fn text(t: SixBitText<'_>) -> Option<String> {
    let s: String = t.chars().map(char::from).collect();
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn sog(raw: u16) -> Option<f32> {
    (raw < 1023).then(|| f32::from(raw) / 10.0)
}

fn cog(raw: u16) -> Option<f32> {
    (raw < 3600).then(|| f32::from(raw) / 10.0)
}

fn heading(raw: u16) -> Option<u16> {
    (raw < 360).then_some(raw)
}

fn position(raw_lat: i32, raw_lon: i32) -> Option<(f64, f64)> {
    let lat = lat_deg(raw_lat)?;
    let lon = lon_deg(raw_lon)?;
    // 91 / 181 are "not available"; (0, 0) is a receiver default, never a real fix.
    (lat.abs() <= 90.0 && lon.abs() <= 180.0 && !(lat == 0.0 && lon == 0.0)).then_some((lat, lon))
}

/// The observations of one decoded AIS message (none, one, or for type 19 two).
///
/// `received_at` is the receive time of the message if the caller knows it; the message
/// time is the tag block's (`meta.time`, which a `LineDecoder` fills from `c:` or from
/// the receive time it was given), else `received_at`.
pub fn from_ais(
    d: &Decoded<'_>,
    received_at: Option<i64>,
    source: SourceId,
    out: &mut Vec<Observation>,
) -> Result<(), Skip> {
    let mmsi = d.message.header.mmsi;
    let vessel = matches!(
        d.message.body,
        Body::Position(_)
            | Body::ClassBPosition(_)
            | Body::ClassBExtended(_)
            | Body::LongRange(_)
            | Body::StaticVoyage(_)
            | Body::StaticData(_)
    );
    if !vessel {
        return Err(Skip::NotVessel);
    }
    let time = d.meta.time.or(received_at).ok_or(Skip::NoTime)?;
    let pos = |lat: i32, lon: i32, s: Option<f32>, c: Option<f32>, h: Option<u16>, st| {
        position(lat, lon).map(|(lat, lon)| {
            Observation::Position(Position {
                mmsi,
                time,
                received_at,
                lat,
                lon,
                sog: s,
                cog: c,
                heading: h,
                status: st,
                source,
            })
        })
    };
    let stat = |name, callsign, imo, ship_type, destination| {
        Observation::Static(StaticReport {
            mmsi,
            time,
            received_at,
            name,
            callsign,
            imo,
            ship_type,
            destination,
            source,
        })
    };
    match d.message.body {
        Body::Position(p) => {
            let st = (p.status != 15).then_some(p.status);
            out.push(
                pos(
                    p.lat,
                    p.lon,
                    sog(p.speed),
                    cog(p.course),
                    heading(p.heading),
                    st,
                )
                .ok_or(Skip::NoPosition)?,
            );
        }
        Body::ClassBPosition(p) => out.push(
            pos(
                p.lat,
                p.lon,
                sog(p.speed),
                cog(p.course),
                heading(p.heading),
                None,
            )
            .ok_or(Skip::NoPosition)?,
        ),
        Body::ClassBExtended(p) => {
            if let Some(o) = pos(
                p.lat,
                p.lon,
                sog(p.speed),
                cog(p.course),
                heading(p.heading),
                None,
            ) {
                out.push(o);
            }
            out.push(stat(
                text(p.shipname),
                None,
                None,
                (p.shiptype != 0).then_some(p.shiptype),
                None,
            ));
        }
        Body::LongRange(p) => {
            let (Some(lat), Some(lon)) = (p.lat(), p.lon()) else {
                return Err(Skip::NoPosition);
            };
            if lat.abs() > 90.0 || lon.abs() > 180.0 || (lat == 0.0 && lon == 0.0) {
                return Err(Skip::NoPosition);
            }
            out.push(Observation::Position(Position {
                mmsi,
                time,
                received_at,
                lat,
                lon,
                sog: (p.speed < 63).then_some(f32::from(p.speed)),
                cog: (p.course < 360).then_some(f32::from(p.course)),
                heading: None,
                status: (p.status != 15).then_some(p.status),
                source,
            }));
        }
        Body::StaticVoyage(v) => out.push(stat(
            text(v.shipname),
            text(v.callsign),
            (v.imo != 0).then_some(v.imo),
            (v.shiptype != 0).then_some(v.shiptype),
            text(v.destination),
        )),
        Body::StaticData(StaticData::A { shipname }) => {
            out.push(stat(text(shipname), None, None, None, None))
        }
        Body::StaticData(StaticData::B {
            shiptype, callsign, ..
        }) => out.push(stat(
            None,
            text(callsign),
            None,
            (shiptype != 0).then_some(shiptype),
            None,
        )),
        _ => return Err(Skip::NotVessel),
    }
    Ok(())
}
