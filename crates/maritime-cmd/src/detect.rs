//! `interdict maritime detect`: every detector over recorded data, without a server.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use interdict_maritime::{Config, Engine, Event, EventKind, Geography, Output, Watchlist, Zones};

use crate::input::{read_file, InputStats};

/// Arguments of `interdict maritime detect`.
#[derive(Debug, clap::Args)]
pub struct DetectArgs {
    /// Input files: NMEA (with or without tag blocks), MarineCadastre or DMA CSV; plain
    /// or gzip; `-` for standard input.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Areas for zone entries (GeoJSON polygons and multipolygons).
    #[arg(long)]
    pub areas: Option<PathBuf>,
    /// Watch list (CSV: reference and any of mmsi, imo, callsign, name).
    #[arg(long)]
    pub watchlist: Option<PathBuf>,
    /// Detector thresholds (TOML; keys left out keep their defaults).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Where to write the events, one JSON object per line.
    #[arg(long)]
    pub events: PathBuf,
}

/// What a run saw and found.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    /// Input counts.
    pub input: InputStats,
    /// Engine counts.
    pub engine: interdict_maritime::Stats,
    /// Vessels seen.
    pub vessels: usize,
    /// Track points produced.
    pub track_points: u64,
    /// Identity history entries produced.
    pub identity_changes: u64,
    /// Events (last report of each), by kind.
    pub events: BTreeMap<String, u64>,
}

/// Reads a configuration file (TOML), defaults for what it leaves out.
pub fn load_config(path: Option<&Path>) -> anyhow::Result<Config> {
    match path {
        None => Ok(Config::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            toml::from_str(&text).with_context(|| format!("bad configuration in {}", p.display()))
        }
    }
}

/// Reads areas (GeoJSON).
pub fn load_zones(path: Option<&Path>) -> anyhow::Result<Zones> {
    match path {
        None => Ok(Zones::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            Zones::from_geojson(&text).with_context(|| format!("bad areas in {}", p.display()))
        }
    }
}

/// Reads a watch list (CSV).
pub fn load_watchlist(path: Option<&Path>) -> anyhow::Result<Watchlist> {
    match path {
        None => Ok(Watchlist::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            Watchlist::from_csv(&text).with_context(|| format!("bad watch list in {}", p.display()))
        }
    }
}

/// Runs every detector over the files; returns the last report of every event, sorted by
/// start, kind, vessel and id.
pub fn detect_files(
    files: &[PathBuf],
    config: Config,
    zones: Zones,
    watchlist: Watchlist,
) -> anyhow::Result<(Vec<Event>, Summary)> {
    let geo = Arc::new(Geography::embedded().context("cannot unpack the geography")?);
    let mut engine = Engine::new(config, geo, zones, watchlist);
    let mut out = Output::default();
    let mut summary = Summary::default();
    let mut events: BTreeMap<String, Event> = BTreeMap::new();
    let mut track_points = 0u64;
    let mut identity_changes = 0u64;
    let mut drain = |out: &mut Output| -> anyhow::Result<()> {
        track_points += out.track.len() as u64;
        identity_changes += out.identity.len() as u64;
        for e in out.events.drain(..) {
            events.insert(e.id.clone(), e);
        }
        out.clear();
        Ok(())
    };
    for f in files {
        read_file(f, &mut engine, &mut out, &mut summary.input, &mut drain)?;
    }
    engine.finish(&mut out);
    drain(&mut out)?;
    let mut list: Vec<Event> = events.into_values().collect();
    list.sort_by(|a, b| (a.start, a.kind, a.mmsi, &a.id).cmp(&(b.start, b.kind, b.mmsi, &b.id)));
    summary.engine = engine.stats().clone();
    summary.vessels = engine.n_vessels();
    summary.track_points = track_points;
    summary.identity_changes = identity_changes;
    for e in &list {
        *summary
            .events
            .entry(e.kind.as_str().to_owned())
            .or_insert(0) += 1;
    }
    Ok((list, summary))
}

/// Writes events as JSON lines.
pub fn write_events(path: &Path, events: &[Event]) -> anyhow::Result<()> {
    let f =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = BufWriter::new(f);
    for e in events {
        serde_json::to_writer(&mut w, e)?;
        w.write_all(b"\n")?;
    }
    w.flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Runs `interdict maritime detect`.
pub fn run(args: &DetectArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(args.config.as_deref())?;
    let zones = load_zones(args.areas.as_deref())?;
    let watchlist = load_watchlist(args.watchlist.as_deref())?;
    let (events, summary) = detect_files(&args.files, config, zones, watchlist)?;
    write_events(&args.events, &events)?;
    let mut err = std::io::stderr().lock();
    writeln!(
        err,
        "{} lines, {} observations, {} vessels; {} positions used, {} duplicates, {} late, {} future, {} stale, {} without time",
        summary.input.lines,
        summary.input.observations,
        summary.vessels,
        summary.engine.positions,
        summary.engine.duplicates,
        summary.engine.late,
        summary.engine.future,
        summary.engine.stale,
        summary.input.untimed,
    )?;
    let kinds = [
        EventKind::Encounter,
        EventKind::Loitering,
        EventKind::Gap,
        EventKind::Identity,
        EventKind::ZoneEntry,
        EventKind::Watchlist,
        EventKind::HighRiskArrival,
    ];
    let counts: Vec<String> = kinds
        .iter()
        .map(|k| {
            format!(
                "{} {}",
                summary.events.get(k.as_str()).copied().unwrap_or(0),
                k
            )
        })
        .collect();
    writeln!(
        err,
        "{} events written to {}: {}",
        events.len(),
        args.events.display(),
        counts.join(", ")
    )?;
    Ok(ExitCode::SUCCESS)
}
