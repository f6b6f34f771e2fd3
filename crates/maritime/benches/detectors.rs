//! Detector throughput on one core:
//! `cargo bench -p interdict-maritime --bench detectors [-- --vessels N --positions M]`.
//!
//! A day of AIS from `--vessels` vessels (default 20,000) reporting `--positions`
//! positions in all (default 10,000,000), generated on the fly in time order around Korea,
//! Japan and the East China Sea: transiting ships (70 %, 8-20 kn, turning away from land),
//! slow fishing boats (12 %), ships moored at real ports (10 %), pairs drifting together
//! at sea (4 %), ships going dark for eight hours (4 %), and static data every fiftieth
//! report; twenty areas and two hundred watch-listed vessels. Every
//! observation goes through `Engine::push` (reorder window, duplicates, all detectors,
//! track down-sampling); the output is drained after each push.
//!
//! The generator alone is timed too, and the engine's rate is positions divided by the
//! difference. Peak resident memory (VmHWM) is read from /proc at the end.

// A benchmark: failing loudly is what it should do.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
// A benchmark measures wall time: the one place in this crate that reads the clock.
#![allow(clippy::disallowed_methods)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use interdict_maritime::geodesy::destination;
use interdict_maritime::{
    Config, Engine, EventKind, Geography, Observation, Output, Position, SourceId, StaticReport,
    WatchEntry, Watchlist, Zone, Zones,
};

/// 2024-01-01T00:00:00Z.
const T0: i64 = 1_704_067_200;
const DAY: i64 = 86_400;
/// The area: 24-42 N, 118-135 E.
const BOX: (f64, f64, f64, f64) = (24.0, 42.0, 118.0, 135.0);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Transit,
    Fishing,
    Moored,
    Pair,
    Dark,
}

#[derive(Debug, Clone)]
struct Sim {
    mmsi: u32,
    kind: Kind,
    lat: f64,
    lon: f64,
    sog: f64,
    cog: f64,
    reports: u32,
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }
}

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn open_sea(geo: &Geography, rng: &mut Rng, min_nmi: f64) -> (f64, f64) {
    loop {
        let lat = rng.range(BOX.0, BOX.1);
        let lon = rng.range(BOX.2, BOX.3);
        if geo.shore.distance_nmi(lat, lon) >= min_nmi {
            return (lat, lon);
        }
    }
}

fn vessels(geo: &Geography, n: u32, rng: &mut Rng) -> Vec<Sim> {
    let ports: Vec<(f64, f64)> = geo
        .ports
        .ports()
        .iter()
        .filter(|p| p.lat > BOX.0 && p.lat < BOX.1 && p.lon > BOX.2 && p.lon < BOX.3)
        .map(|p| (p.lat, p.lon))
        .collect();
    let mids = [
        440u32, 441, 412, 413, 431, 416, 477, 563, 538, 636, 352, 357,
    ];
    let mut out = Vec::with_capacity(n as usize);
    let mut i = 0u32;
    while i < n {
        let mid = mids[(rng.next() % mids.len() as u64) as usize];
        let mmsi = mid * 1_000_000 + i;
        let r = rng.unit();
        let kind = match r {
            r if r < 0.70 => Kind::Transit,
            r if r < 0.82 => Kind::Fishing,
            r if r < 0.92 => Kind::Moored,
            r if r < 0.96 => Kind::Pair,
            _ => Kind::Dark,
        };
        let (lat, lon, sog) = match kind {
            Kind::Transit | Kind::Dark => {
                let (a, b) = open_sea(geo, rng, 5.0);
                (a, b, rng.range(8.0, 20.0))
            }
            Kind::Fishing => {
                let (a, b) = open_sea(geo, rng, 25.0);
                (a, b, rng.range(1.0, 4.0))
            }
            Kind::Moored => {
                let p = ports[(rng.next() % ports.len() as u64) as usize];
                (p.0, p.1, 0.0)
            }
            Kind::Pair => {
                let (a, b) = open_sea(geo, rng, 30.0);
                (a, b, 0.5)
            }
        };
        let cog = rng.range(0.0, 360.0);
        out.push(Sim {
            mmsi,
            kind,
            lat,
            lon,
            sog,
            cog,
            reports: 0,
        });
        i += 1;
        if kind == Kind::Pair && i < n {
            let (a, b) = destination(lat, lon, 90.0, 250.0);
            out.push(Sim {
                mmsi: 412_000_000 + i,
                kind,
                lat: a,
                lon: b,
                sog,
                cog,
                reports: 0,
            });
            i += 1;
        }
    }
    out
}

/// Calls `f` for every observation of the day, in time order.
fn generate(
    geo: &Geography,
    n_vessels: u32,
    n_positions: u64,
    mut f: impl FnMut(Observation),
) -> u64 {
    let mut rng = Rng(42);
    let mut fleet = vessels(geo, n_vessels, &mut rng);
    let interval = ((DAY as f64 * f64::from(n_vessels)) / n_positions as f64).max(1.0) as i64;
    let mut by_phase: Vec<Vec<u32>> = vec![Vec::new(); interval as usize];
    for (i, _) in fleet.iter().enumerate() {
        by_phase[(rng.next() % interval as u64) as usize].push(i as u32);
    }
    let mut count = 0u64;
    for tick in 0..DAY {
        let t = T0 + tick;
        for &vi in &by_phase[(tick % interval) as usize] {
            let v = &mut fleet[vi as usize];
            v.reports += 1;
            // Moving.
            if v.sog > 0.0 {
                if v.kind == Kind::Fishing {
                    v.cog = (v.cog + rng.range(-20.0, 20.0)).rem_euclid(360.0);
                }
                let (lat, lon) = destination(
                    v.lat,
                    v.lon,
                    v.cog,
                    v.sog * 1852.0 / 3600.0 * interval as f64,
                );
                let outside = !(BOX.0..BOX.1).contains(&lat) || !(BOX.2..BOX.3).contains(&lon);
                // Ships turn away from the box's edges and from land.
                if outside || geo.shore.distance_nmi(lat, lon) == 0.0 {
                    v.cog = (v.cog + rng.range(90.0, 270.0)).rem_euclid(360.0);
                } else {
                    v.lat = lat;
                    v.lon = lon;
                }
            }
            // Dark vessels are silent from 06:00 to 14:00.
            if v.kind == Kind::Dark && (6 * 3600..14 * 3600).contains(&tick) {
                continue;
            }
            if v.reports % 50 == 1 {
                f(Observation::Static(StaticReport {
                    mmsi: v.mmsi,
                    time: t,
                    received_at: Some(t + 1),
                    name: Some(format!("VESSEL {}", v.mmsi % 100_000)),
                    callsign: Some("XXAB1".into()),
                    imo: None,
                    ship_type: Some(if v.kind == Kind::Fishing { 30 } else { 70 }),
                    destination: None,
                    source: SourceId(0),
                }));
            }
            f(Observation::Position(Position {
                mmsi: v.mmsi,
                time: t,
                received_at: Some(t + 1),
                lat: v.lat,
                lon: v.lon,
                sog: Some(v.sog as f32),
                cog: Some(v.cog as f32),
                heading: None,
                status: Some(if v.kind == Kind::Moored { 5 } else { 0 }),
                source: SourceId(0),
            }));
            count += 1;
        }
    }
    count
}

fn zones(rng: &mut Rng) -> Zones {
    let mut z = Vec::new();
    for k in 0..20 {
        let lat = rng.range(BOX.0, BOX.1 - 1.0);
        let lon = rng.range(BOX.2, BOX.3 - 1.0);
        let (w, h) = (rng.range(0.2, 1.0), rng.range(0.2, 1.0));
        let poly = geo::Polygon::new(
            geo::LineString::from(vec![
                (lon, lat),
                (lon + w, lat),
                (lon + w, lat + h),
                (lon, lat + h),
                (lon, lat),
            ]),
            vec![],
        );
        z.push(Zone::new(
            format!("z{k}"),
            format!("zone {k}"),
            geo::MultiPolygon::new(vec![poly]),
        ));
    }
    Zones::new(z)
}

/// CPU time of this process (user + system), seconds: on a busy machine wall time
/// also counts other programs' turns.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the 12th, stime
    // the 13th, in clock ticks of 1/100 s.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|v| v.parse().unwrap_or(0.0))
        .collect();
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

fn rss_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The value of `--name VALUE`, if given.
fn arg_str(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// Writes the generated positions as CSV (`mmsi,t,lat,lon,sog`) for the peers.
fn dump(geo: &Geography, n_vessels: u32, n_positions: u64, path: &str) {
    use std::io::Write;
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(w, "mmsi,t,lat,lon,sog").unwrap();
    generate(geo, n_vessels, n_positions, |o| {
        if let Observation::Position(p) = o {
            writeln!(
                w,
                "{},{},{:.6},{:.6},{:.1}",
                p.mmsi,
                p.time,
                p.lat,
                p.lon,
                p.sog.unwrap_or(0.0)
            )
            .unwrap();
        }
    });
    w.flush().unwrap();
}

fn main() {
    let n_vessels = arg("--vessels", 20_000) as u32;
    let n_positions = arg("--positions", 10_000_000);
    let geo = Arc::new(Geography::embedded().unwrap_or_else(|e| panic!("{e}")));
    if let Some(path) = arg_str("--dump") {
        dump(&geo, n_vessels, n_positions, &path);
        println!("positions written to {path}");
        return;
    }
    let events_path = arg_str("--events");

    // The generator alone.
    let t = Instant::now();
    let c = cpu_secs();
    let mut sink = 0u64;
    let n_gen = generate(&geo, n_vessels, n_positions, |o| {
        sink = sink.wrapping_add(o.time() as u64);
    });
    black_box(sink);
    let gen_secs = t.elapsed().as_secs_f64();
    let gen_cpu = cpu_secs() - c;

    let mut rng = Rng(7);
    let zones = zones(&mut rng);
    let watch: Vec<WatchEntry> = (0..200)
        .map(|k| WatchEntry {
            reference: format!("r{k}"),
            mmsi: Some(440_000_000 + k * 97),
            ..WatchEntry::default()
        })
        .collect();
    let rss_before = rss_kb("VmRSS:");
    let mut engine = Engine::new(Config::default(), geo.clone(), zones, Watchlist::new(watch));
    let mut out = Output::default();
    let mut events = std::collections::BTreeMap::<EventKind, u64>::new();
    let mut encounters = std::collections::BTreeMap::<String, interdict_maritime::Event>::new();
    let mut track = 0u64;
    let t = Instant::now();
    let c = cpu_secs();
    let n = generate(&geo, n_vessels, n_positions, |o| {
        engine.push(o, &mut out);
        if !out.events.is_empty() || !out.track.is_empty() {
            for e in &out.events {
                *events.entry(e.kind).or_insert(0) += 1;
                if events_path.is_some() && e.kind == EventKind::Encounter {
                    encounters.insert(e.id.clone(), e.clone());
                }
            }
            track += out.track.len() as u64;
            out.clear();
        }
    });
    engine.finish(&mut out);
    for e in &out.events {
        *events.entry(e.kind).or_insert(0) += 1;
        if e.kind == EventKind::Encounter {
            encounters.insert(e.id.clone(), e.clone());
        }
    }
    let total_secs = t.elapsed().as_secs_f64();
    let total_cpu = cpu_secs() - c;
    assert_eq!(n, n_gen);
    let engine_secs = (total_secs - gen_secs).max(1e-9);
    let engine_cpu = (total_cpu - gen_cpu).max(1e-9);
    let m = |secs: f64| n as f64 / secs / 1e6;
    println!(
        "maritime detectors, one core: {n} positions from {} vessels over one day",
        engine.n_vessels()
    );
    println!("                           wall          CPU");
    println!("  generator alone          {gen_secs:6.2} s     {gen_cpu:6.2} s");
    println!(
        "  generator + engine       {total_secs:6.2} s     {total_cpu:6.2} s   {:.2} M positions/s end to end (CPU)",
        m(total_cpu)
    );
    println!(
        "  engine (difference)      {engine_secs:6.2} s     {engine_cpu:6.2} s   {:.2} M positions/s (CPU), {:.2} M/s (wall)",
        m(engine_cpu),
        m(engine_secs)
    );
    println!(
        "  resident memory          {:8.0} MB peak (VmHWM), {:.0} MB before the engine",
        rss_kb("VmHWM:") as f64 / 1024.0,
        rss_before as f64 / 1024.0
    );
    let s = engine.stats();
    println!(
        "  used {} positions, {} static reports; {} track points; {} nearest-port searches",
        s.positions, s.statics, track, s.port_searches
    );
    let list: Vec<String> = events.iter().map(|(k, v)| format!("{k} {v}")).collect();
    println!("  event reports: {}", list.join(", "));
    if let Some(path) = events_path {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for e in encounters.values() {
            serde_json::to_writer(&mut w, e).unwrap();
            writeln!(w).unwrap();
        }
        w.flush().unwrap();
        println!("  {} encounters written to {path}", encounters.len());
    }
}
