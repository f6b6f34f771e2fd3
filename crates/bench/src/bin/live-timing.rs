//! `interdict-live-timing`: a live AIS feed over TCP into a running node, at a steady
//! rate for minutes, with the alerts it raises read from the node's Server-Sent Events
//! stream as an officer's map reads them.
//!
//! ```text
//! cargo build --release -p interdict-bench --bin interdict-live-timing
//! target/release/interdict-live-timing --rate 50000 --vessels 100000 --minutes 10
//! ```
//!
//! The node runs in this process on SQLite (or `--database-url`), with its HTTP server
//! on a free port and its feed supervisor, exactly as `interdict serve` runs them. The
//! benchmark listens on a free port; a `tcp_client` source of the coast guard is added
//! through the API, so the node connects to it and reads lines as from a receiver. The
//! lines are position reports of `--vessels` vessels in turn, with tag blocks carrying
//! the second they are sent, written every 10 ms so that `--rate` lines go out each
//! second. Reports published before the feed starts name `--watched` other vessels by
//! MMSI; one of them reports for the first time each second, and each first report is
//! a watch-list sighting. The latency of an alert is from the moment its line is
//! written to the socket to the moment the `alert` event naming the vessel is read
//! from `/api/v1/maritime/stream`.
//!
//! At the end the lines written are compared with those the feed read and the
//! pipeline decoded (nothing may be lost), and every sighting must have come.

#[path = "shared/process.rs"]
mod process;

use process::{cpu_seconds, peak_resident_kib};
use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Parser;
use interdict_maritime_cmd::simulate::position_line;
use interdict_server::{Application, Clock, Config};
use interdict_testkit::{seed_world, token_for};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

#[derive(Parser, Debug)]
struct Args {
    /// Lines a second.
    #[arg(long, default_value_t = 50_000)]
    rate: u64,
    /// Vessels reporting in turn (each every `vessels / rate` seconds).
    #[arg(long, default_value_t = 100_000)]
    vessels: u32,
    /// Minutes the feed runs.
    #[arg(long, default_value_t = 10.0)]
    minutes: f64,
    /// Watched vessels, one of which appears each second (at most one per second of the
    /// run are used).
    #[arg(long, default_value_t = 600)]
    watched: u32,
    /// The detectors' reorder window in seconds of data time (`[input]
    /// reorder_window_secs`). The node's default of 120 s puts a feed merged from many
    /// receivers in time order and holds every alert that long; a feed from one
    /// receiver or an aggregator that sends in order needs none.
    #[arg(long, default_value_t = 0)]
    reorder_window: i64,
    /// Database (default: SQLite in a temporary directory).
    #[arg(long)]
    database_url: Option<String>,
}

/// mimalloc, as in the node's binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const FIRST_WATCHED: u32 = 441_900_000;

/// The wall clock, to compare with the times the node writes into alerts.
#[allow(clippy::disallowed_methods)]
fn wall() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// When each watched vessel's first line was written, by the monotonic and the wall clock.
type SentAt = HashMap<u32, (Instant, chrono::DateTime<chrono::Utc>)>;

/// A sighting: seconds into the feed, its latency in ms, and the two parts of it (line
/// written to alert made, alert made to event read) when the alert says when it was made.
type Sighting = (f64, f64, Option<(f64, f64)>);

/// When a sighting's alert was read from the stream, and when the node made it.
#[derive(Clone, Copy)]
struct Seen {
    read: Instant,
    read_wall: chrono::DateTime<chrono::Utc>,
    created: Option<chrono::DateTime<chrono::Utc>>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let dir = tempfile::tempdir()?;
    let maritime = dir.path().join("maritime.toml");
    std::fs::write(
        &maritime,
        format!("[input]\nreorder_window_secs = {}\n", args.reorder_window),
    )?;
    std::fs::create_dir_all(dir.path().join("node"))?;
    let config = Config {
        listen: "127.0.0.1:0".parse()?,
        metrics_listen: None,
        database_url: args.database_url.clone(),
        data_dir: dir.path().join("node"),
        maritime_config: Some(maritime),
        ..Config::default()
    };
    let app = Application::build(config, Clock::system())
        .await
        .map_err(|e| anyhow::anyhow!("start the node: {e:#}"))?;
    let base = format!("http://{}", app.local_addr()?);
    let service = app.state().service.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));

    seed_world(&service).await;
    let analyst = token_for(&service, "kcg.analyst").await;
    let officer = token_for(&service, "kcg.watch_officer").await;
    let http = reqwest::Client::new();
    let post = |path: &str, token: &str, body: Value| {
        http.post(format!("{base}{path}"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };

    // The watch list: a published report per watched vessel.
    let watched = args.watched.min((args.minutes * 60.0) as u32).min(99_999);
    for i in 0..watched {
        let answer = post(
            "/api/v1/reports",
            &analyst,
            json!({
                "title": format!("Vessel {i} of interest"),
                "narrative": "Suspected of carrying methamphetamine.",
                "grading": "B2",
                "handling": { "tlp": "GREEN", "recipients": [] },
                "drugs": ["methamphetamine"],
                "status": "published",
                "subjects": [{ "kind": "vessel", "name": format!("WATCHED {i}"),
                               "mmsi": (FIRST_WATCHED + i).to_string() }]
            }),
        )
        .await?;
        anyhow::ensure!(
            answer.status().is_success(),
            "report: {}",
            answer.text().await?
        );
    }
    service
        .refresh_watchlist()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;

    // The stream an officer's map reads.
    let sightings: Arc<Mutex<HashMap<u32, Seen>>> = Arc::default();
    let mut stream = http
        .get(format!("{base}/api/v1/maritime/stream"))
        .bearer_auth(&officer)
        .send()
        .await?;
    anyhow::ensure!(stream.status().is_success(), "stream: {}", stream.status());
    let seen = sightings.clone();
    let reader = tokio::spawn(async move {
        let mut text = String::new();
        let mut events = 0u64;
        while let Ok(Some(chunk)) = stream.chunk().await {
            let now = Instant::now();
            let now_wall = wall();
            text.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = text.find("\n\n") {
                let event: String = text.drain(..end + 2).collect();
                events += 1;
                if !event.contains("event: alert") {
                    continue;
                }
                let Some(data) = event.lines().find_map(|l| l.strip_prefix("data: ")) else {
                    continue;
                };
                let Ok(alert) = serde_json::from_str::<Value>(data) else {
                    continue;
                };
                if alert["kind"] == "watchlist" {
                    if let Some(mmsi) = alert["mmsi"].as_u64() {
                        let created = alert["created_at"]
                            .as_str()
                            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                            .map(|t| t.with_timezone(&chrono::Utc));
                        seen.lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .entry(mmsi as u32)
                            .or_insert(Seen {
                                read: now,
                                read_wall: now_wall,
                                created,
                            });
                    }
                }
            }
        }
        events
    });

    // The receiver: the node connects to it once the source is added.
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let address = listener.local_addr()?.to_string();
    let answer = post(
        "/api/v1/sources",
        &officer,
        json!({ "name": "live receiver", "kind": "tcp_client", "address": address, "tlp": "AMBER" }),
    )
    .await?;
    anyhow::ensure!(
        answer.status().is_success(),
        "source: {}",
        answer.text().await?
    );
    let source: Value = answer.json().await?;
    let source_id = source["id"].as_str().context("source id")?.to_owned();
    let (socket, _) = listener.accept()?;
    socket.set_nodelay(true)?;

    let (rate, vessels, minutes) = (args.rate, args.vessels, args.minutes);
    let sent_at: Arc<Mutex<SentAt>> = Arc::default();
    let sent = sent_at.clone();
    let cpu_before = cpu_seconds();
    let writer = std::thread::spawn(move || -> anyhow::Result<u64> {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, socket);
        let mut rng = StdRng::seed_from_u64(50_000);
        let mut fleet: Vec<(f64, f64, f64, f64)> = (0..vessels)
            .map(|_| {
                (
                    rng.gen_range(30.0..38.0),
                    rng.gen_range(122.0..132.0),
                    rng.gen_range(0.0..20.0),
                    rng.gen_range(0.0..360.0),
                )
            })
            .collect();
        let period = f64::from(vessels) / rate as f64;
        let tick = Duration::from_millis(10);
        let per_tick = (rate / 100).max(1);
        let ticks = (minutes * 6_000.0) as u64;
        let began = Instant::now();
        let mut next = 0usize;
        let mut lines = 0u64;
        let mut appeared = 0u32;
        for k in 0..ticks {
            let due = began + tick * k as u32;
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            #[allow(clippy::disallowed_methods)]
            let t = chrono::Utc::now().timestamp();
            for _ in 0..per_tick {
                let v = &mut fleet[next];
                let step = v.2 * period / 3600.0 / 60.0;
                v.0 += step * v.3.to_radians().cos();
                v.1 += step * v.3.to_radians().sin();
                let mmsi = 440_000_000 + next as u32;
                out.write_all(position_line("rx1", t, mmsi, v.0, v.1, v.2, v.3).as_bytes())?;
                out.write_all(b"\r\n")?;
                lines += 1;
                next = (next + 1) % fleet.len();
            }
            // A watched vessel's first report each second.
            if k % 100 == 50 && appeared < watched {
                let mmsi = FIRST_WATCHED + appeared;
                let line = position_line("rx1", t, mmsi, 35.0, 129.2, 12.0, 45.0);
                out.write_all(line.as_bytes())?;
                out.write_all(b"\r\n")?;
                out.flush()?;
                sent.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(mmsi, (Instant::now(), wall()));
                lines += 1;
                appeared += 1;
            }
            out.flush()?;
        }
        out.flush()?;
        // Kept open: a closed connection would make the node reconnect.
        std::mem::forget(out);
        Ok(lines)
    });
    let began = Instant::now();
    let lines = tokio::task::spawn_blocking(move || writer.join())
        .await?
        .map_err(|_| anyhow::anyhow!("the writer panicked"))??;
    let wall = began.elapsed().as_secs_f64();
    println!(
        "sent {lines} lines in {wall:.1} s ({:.0} lines/s), {watched} watched vessels appearing once a second",
        lines as f64 / wall
    );

    // Everything read and decoded, then the last sightings.
    let mut stats = Value::Null;
    for _ in 0..600 {
        stats = http
            .get(format!("{base}/api/v1/sources/{source_id}/stats"))
            .bearer_auth(&officer)
            .send()
            .await?
            .json()
            .await?;
        if stats["pipeline"]["lines"].as_u64() == Some(lines) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let behind = Instant::now();
    loop {
        let got = sightings.lock().unwrap_or_else(|e| e.into_inner()).len();
        if got >= watched as usize
            || behind.elapsed() > Duration::from_secs(args.reorder_window.max(0) as u64 + 30)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let cpu = match (cpu_before, cpu_seconds()) {
        (Some(a), Some(b)) => b - a,
        _ => f64::NAN,
    };

    let sent_at = sent_at.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let seen = sightings.lock().unwrap_or_else(|e| e.into_inner()).clone();
    // Each sighting: seconds into the feed, the latency, and its two parts when the
    // alert says when it was made: line written to alert made (reading, decoding,
    // detecting, writing the track), alert made to event read (storing the alert, the
    // change feed, the stream).
    let millis = |d: chrono::Duration| d.num_microseconds().unwrap_or(0) as f64 / 1000.0;
    let mut each: Vec<Sighting> = sent_at
        .iter()
        .filter_map(|(mmsi, (at, at_wall))| {
            seen.get(mmsi).map(|got| {
                (
                    at.saturating_duration_since(began).as_secs_f64(),
                    got.read.saturating_duration_since(*at).as_secs_f64() * 1000.0,
                    got.created.map(|created| {
                        (millis(created - *at_wall), millis(got.read_wall - created))
                    }),
                )
            })
        })
        .collect();
    each.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut latencies: Vec<f64> = each.iter().map(|e| e.1).collect();
    latencies.sort_by(f64::total_cmp);
    let quantile = |q: f64| -> f64 {
        if latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i]
    };
    let feed = &stats["feed"];
    let pipeline = &stats["pipeline"];
    println!(
        "node: feed read {} lines ({} duplicates, {} partial, {} reconnects); pipeline {} lines, {} malformed, {} observations, {} future, {} stale, {} track points, {} alerts",
        feed["lines"], feed["duplicates"], feed["partial"], feed["reconnects"],
        pipeline["lines"], pipeline["malformed"], pipeline["observations"],
        pipeline["future"], pipeline["stale"], pipeline["track_points"], pipeline["alerts"],
    );
    let lost = lines.saturating_sub(pipeline["observations"].as_u64().unwrap_or(0));
    println!(
        "lost lines: {lost}; sightings on the stream: {} of {watched}",
        latencies.len()
    );
    println!(
        "alert latency, line written to event read: p50 {:.0} ms, p90 {:.0} ms, p99 {:.0} ms, max {:.0} ms (reorder window {} s)",
        quantile(0.5),
        quantile(0.9),
        quantile(0.99),
        quantile(1.0),
        args.reorder_window
    );
    for (offset, total, parts) in each.iter().rev().take(10) {
        match parts {
            Some((made, read)) => println!(
                "  slow: {offset:.1} s into the feed, {total:.0} ms: {made:.0} ms to the alert made, {read:.0} ms from there to the stream"
            ),
            None => println!("  slow: {offset:.1} s into the feed, {total:.0} ms"),
        }
    }
    println!(
        "CPU of the process {cpu:.1} s over {wall:.1} s; peak resident memory {:.0} MB",
        peak_resident_kib().unwrap_or(0) as f64 / 1024.0
    );
    let _ = stop.send(());
    reader.abort();
    let _ = served.await;
    Ok(())
}
