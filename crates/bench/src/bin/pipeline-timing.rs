//! The maritime picture end to end in a node: a day of AIS from thousands of vessels,
//! as NMEA lines with tag blocks, handed to a source's pipeline (decode, every
//! detector, down-sampled tracks and alerts written to the database) as fast as it
//! takes them, on this machine's cores.
//!
//! ```text
//! cargo build --release -p interdict-bench --bin interdict-pipeline-timing
//! target/release/interdict-pipeline-timing --vessels 20000 --positions 10000000
//! ```
//!
//! The day is generated on the fly in time order (each vessel reports at its own second
//! of a fixed period): most vessels transit at 8–20 kn, some fish slowly, some lie at
//! anchor. The lines are generated once alone (timed), then again on a thread of their
//! own while the node takes them; the rate is the lines over the wall time from the
//! first batch to the pipeline's flush (the generator's share of the cores included).
//! Peak resident memory is the process's `VmHWM`, the generator's included.

#[path = "shared/process.rs"]
mod process;

use process::{cpu_seconds, peak_resident_kib};
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use interdict_core::{AgencyCode, Tlp};
use interdict_maritime_cmd::simulate::position_line;
use interdict_service::maritime::Line;
use interdict_service::{Clock, Service, ServiceConfig};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[derive(Parser)]
struct Args {
    /// Vessels reporting.
    #[arg(long, default_value_t = 20_000)]
    vessels: u32,
    /// Positions in the day (about; a whole number per vessel).
    #[arg(long, default_value_t = 10_000_000)]
    positions: u64,
    /// Seconds between two reports of a vessel (default: the positions spread over a
    /// day). ITU-R M.1371 has a ship under way at 0–14 kn report every 10 s, at
    /// 14–23 kn every 6 s; `--period 10` replays the positions as a receiver hears them.
    #[arg(long)]
    period: Option<i64>,
    /// Lines handed to the pipeline at a time, as a feed's reader does.
    #[arg(long, default_value_t = 2_000)]
    batch: usize,
    /// Seconds between the track points kept of a vessel going straight (the node's
    /// default when absent).
    #[arg(long)]
    track_interval: Option<i64>,
    /// Vessels of the fleet named in published reports of the coast guard (by MMSI),
    /// each watched and its first sighting an alert.
    #[arg(long, default_value_t = 200)]
    watched: u32,
    /// Areas (port approaches and a strait) whose entries are alerts.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    areas: bool,
    /// Database (default: SQLite in a temporary directory).
    #[arg(long)]
    database_url: Option<String>,
}

/// Boxes the areas are drawn as: south, west, north, east.
const AREAS: [(&str, [f64; 4]); 4] = [
    ("Busan approach", [34.8, 128.8, 35.3, 129.4]),
    ("Korea Strait", [33.5, 128.5, 34.8, 130.0]),
    ("Yellow Sea west", [34.0, 122.0, 37.0, 124.0]),
    ("Okinawa north", [26.0, 126.5, 28.0, 129.0]),
];

/// One vessel of the day.
struct Vessel {
    mmsi: u32,
    lat: f64,
    lon: f64,
    sog: f64,
    cog: f64,
}

/// The day, in time order: `per_vessel` reports of every vessel, `period` seconds apart.
struct Day {
    vessels: Vec<Vessel>,
    period: i64,
    per_vessel: u64,
    start: i64,
    rng: StdRng,
}

impl Day {
    fn new(n: u32, positions: u64, period: Option<i64>, start: i64) -> Day {
        let mut rng = StdRng::seed_from_u64(20_000);
        let vessels = (0..n)
            .map(|i| {
                let kind = rng.gen_range(0..100);
                let sog = match kind {
                    0..=79 => rng.gen_range(8.0..20.0),
                    80..=89 => rng.gen_range(1.0..4.0),
                    _ => 0.0,
                };
                Vessel {
                    mmsi: 440_000_000 + i,
                    lat: rng.gen_range(24.0..42.0),
                    lon: rng.gen_range(118.0..135.0),
                    sog,
                    cog: rng.gen_range(0.0..360.0),
                }
            })
            .collect();
        let per_vessel = (positions / u64::from(n.max(1))).max(1);
        Day {
            vessels,
            period: period.unwrap_or(86_400 / per_vessel as i64).max(1),
            per_vessel,
            start,
            rng,
        }
    }

    /// Calls `out` with every line of the day, in time order.
    fn lines(&mut self, mut out: impl FnMut(String)) {
        let n = self.vessels.len();
        let period = self.period as usize;
        for k in 0..self.per_vessel {
            for offset in 0..period {
                let mut i = offset;
                while i < n {
                    let t = self.start + k as i64 * self.period + offset as i64;
                    let v = &mut self.vessels[i];
                    // Move one period on, turning a little now and then.
                    let hours = self.period as f64 / 3600.0;
                    let distance = v.sog * hours / 60.0;
                    v.lat += distance * v.cog.to_radians().cos();
                    v.lon += distance * v.cog.to_radians().sin() / v.lat.to_radians().cos();
                    if !(20.0..45.0).contains(&v.lat) || !(115.0..140.0).contains(&v.lon) {
                        v.cog = (v.cog + 180.0) % 360.0;
                    } else if self.rng.gen_ratio(1, 40) {
                        v.cog = (v.cog + self.rng.gen_range(-30.0..30.0) + 360.0) % 360.0;
                    }
                    out(position_line(
                        "bench", t, v.mmsi, v.lat, v.lon, v.sog, v.cog,
                    ));
                    i += period;
                }
            }
        }
    }
}

/// mimalloc rather than the C library's allocator: with the maritime writer on its own
/// thread, glibc's per-thread arenas let a replay's resident memory grow past 1.5 GB
/// on freed batches; mimalloc returns them (380 MB with one arena, in the same run).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let start = 1_790_000_000;

    // The generator alone.
    let generated = Instant::now();
    let mut count = 0_u64;
    let mut bytes = 0_u64;
    Day::new(args.vessels, args.positions, args.period, start).lines(|line| {
        count += 1;
        bytes += line.len() as u64;
    });
    let generator = generated.elapsed().as_secs_f64();
    println!(
        "generated {count} lines ({:.0} MB) of {} vessels in {generator:.2} s",
        bytes as f64 / 1e6,
        args.vessels
    );

    let dir = tempfile::tempdir()?;
    let url = args.database_url.clone().unwrap_or_else(|| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        )
    });
    let mut config = ServiceConfig::new(dir.path().to_owned());
    if let Some(secs) = args.track_interval {
        config.maritime.track.interval_secs = secs;
    }
    let service = Service::open(config, &url, Clock::system())
        .await
        .context("open the node")?;
    let agency = AgencyCode::parse("KR-KCG")?;
    service
        .create_agency(
            &interdict_service::admin::Admin::Console,
            agency.as_str(),
            "Korea Coast Guard",
            "KR",
            "coast_guard",
            "",
        )
        .await?;
    let source = service
        .create_source_as_operator(&agency, "bench", "file", "/dev/null", Tlp::Amber)
        .await?;
    // The watch list: a published report per watched vessel, spread over the fleet.
    // No agreement here lets a TLP:RED report name another agency.
    let mut generator = interdict_datagen::Generator::new(7)?.with_red_pairs([]);
    let mut reports = Vec::new();
    let step = (args.vessels / args.watched.max(1)).max(1);
    for k in 0..args.watched.min(args.vessels) {
        #[allow(clippy::disallowed_methods)]
        let mut report = generator.report(chrono::Utc::now())?;
        report.agency = agency.clone();
        report.status = interdict_core::RecordStatus::Published;
        report.subjects = vec![interdict_core::Subject::Vessel(
            interdict_core::subject::Vessel {
                name: None,
                imo: None,
                mmsi: Some(interdict_core::ident::Mmsi::parse(
                    &(440_000_000 + k * step).to_string(),
                )?),
                call_sign: None,
                flag: None,
            },
        )];
        reports.push(report);
    }
    service
        .import_records(&interdict_service::admin::Admin::Console, &reports)
        .await?;
    let watched = service.refresh_watchlist().await?;
    if args.areas {
        for (name, [south, west, north, east]) in AREAS {
            let geojson = serde_json::json!({
                "type": "Polygon",
                "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
            });
            service
                .create_area_as_operator(&agency, name, &geojson.to_string(), Tlp::Amber)
                .await?;
        }
    }
    println!(
        "watch list: {watched} entries; areas: {}",
        if args.areas { AREAS.len() } else { 0 }
    );

    // Into the node: the lines in batches, as a feed hands them over.
    let cpu_before = cpu_seconds();
    let began = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Line>>(4);
    let (vessels, positions, period, batch) =
        (args.vessels, args.positions, args.period, args.batch);
    let producer = std::thread::spawn(move || {
        let mut pending = Vec::with_capacity(batch);
        Day::new(vessels, positions, period, start).lines(|line| {
            pending.push(Line {
                bytes: line.into_bytes(),
                received_at: None,
            });
            if pending.len() == batch {
                let full = std::mem::replace(&mut pending, Vec::with_capacity(batch));
                let _ = tx.blocking_send(full);
            }
        });
        if !pending.is_empty() {
            let _ = tx.blocking_send(pending);
        }
    });
    while let Some(lines) = rx.recv().await {
        service.ingest(source.id, lines).await?;
    }
    let stats = service.flush_pipeline(source.id).await?;
    let wall = began.elapsed().as_secs_f64();
    producer
        .join()
        .map_err(|_| anyhow::anyhow!("the generator panicked"))?;
    let cpu = match (cpu_before, cpu_seconds()) {
        (Some(a), Some(b)) => b - a,
        _ => f64::NAN,
    };
    println!(
        "pipeline: {} lines, {} observations, {} malformed, {} track points, {} alerts",
        stats.lines, stats.observations, stats.malformed, stats.track_points, stats.alerts
    );
    // The generator runs beside the node on its own thread (alone it took the time
    // above), so the rate is that of the node sharing the machine with it.
    println!(
        "end to end: {wall:.2} s wall, {:.0} positions/s; CPU of the process {cpu:.2} s on {} cores",
        count as f64 / wall,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    if let Some(kib) = peak_resident_kib() {
        println!("peak resident memory {:.0} MB", kib as f64 / 1024.0);
    }
    Ok(())
}
