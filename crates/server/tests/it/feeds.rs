//! The feeds of the maritime picture, read by the node's own feed supervisor from
//! sources added through the API: a TCP feed that drops and resends, UDP with bad
//! lines, times far ahead and far behind, a gzip recording.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Duration;

use interdict_maritime_cmd::simulate::scenario;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

use crate::support::{seed_world, token_for, Backend, TestNode};

const SEED: u64 = 11;

/// Scenario lines for a feed heard now: data of the last two hours, single-sentence
/// lines of one receiver only (so that a line is a message, and each vessel's
/// messages come in time order).
fn live_lines(node: &TestNode, n: usize) -> Vec<String> {
    let start = node.now().timestamp() - 2 * 3600;
    scenario(SEED, start)
        .nmea
        .lines()
        .filter(|l| l.contains("!AIVDM,1,1,") && l.contains("s:rx1,"))
        .take(n)
        .map(str::to_owned)
        .collect()
}

/// A line with its tag block's time replaced.
fn retimed(line: &str, t: i64) -> String {
    let rest = line.strip_prefix('\\').unwrap();
    let (tag, sentence) = rest.split_once('\\').unwrap();
    let body = tag.split_once('*').unwrap().0;
    let fields: Vec<String> = body
        .split(',')
        .map(|f| {
            if f.starts_with("c:") {
                format!("c:{t}")
            } else {
                f.to_owned()
            }
        })
        .collect();
    let body = fields.join(",");
    let sum = body.bytes().fold(0u8, |a, b| a ^ b);
    format!("\\{body}*{sum:02X}\\{sentence}")
}

fn mmsi_of(line: &str) -> u32 {
    let mut decoder = interdict_ais::LineDecoder::new();
    let mut pushed = decoder.push(line.as_bytes(), None);
    let decoded = pushed.next().unwrap().unwrap();
    decoded.message.header.mmsi
}

async fn add_source(node: &TestNode, token: &str, name: &str, kind: &str, address: &str) -> String {
    let (code, source) = node
        .post(
            "/api/v1/sources",
            token,
            &json!({ "name": name, "kind": kind, "address": address, "tlp": "AMBER" }),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{source}");
    source["id"].as_str().unwrap().to_owned()
}

async fn stats(node: &TestNode, token: &str, id: &str) -> Value {
    let (code, stats) = node
        .get(&format!("/api/v1/sources/{id}/stats"), token)
        .await;
    assert_eq!(code, StatusCode::OK, "{stats}");
    stats
}

/// Waits until the feed of a source has passed on `lines` lines and the pipeline has
/// taken them, then releases what the pipeline holds for reordering and writes it.
async fn settle(node: &TestNode, token: &str, id: &str, lines: u64) -> Value {
    let source: uuid::Uuid = id.parse().unwrap();
    for _ in 0..300 {
        let s = stats(node, token, id).await;
        if s["feed"]["lines"] == lines {
            let flushed = node.service().flush_pipeline(source).await.unwrap();
            if flushed.lines == lines {
                node.service()
                    .advance_pipelines(node.now().timestamp())
                    .await;
                node.service().flush_pipeline(source).await.unwrap();
                return stats(node, token, id).await;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the feed of {id} did not pass on {lines} lines: {}",
        stats(node, token, id).await
    );
}

/// The track points of one source, in order.
async fn track_of(node: &TestNode, token: &str, id: &str) -> Vec<(u64, String, String, String)> {
    let (code, points) = node
        .get(
            "/api/v1/tracks?bbox=-90,-180,90,180&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&limit=200000",
            token,
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    let mut out: Vec<(u64, String, String, String)> = points
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["source"] == id)
        .map(|p| {
            (
                p["mmsi"].as_u64().unwrap(),
                p["at"].as_str().unwrap().to_owned(),
                p["lat"].to_string(),
                p["lon"].to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

async fn node(backend: Backend) -> Option<(TestNode, String)> {
    let node = TestNode::start(backend).await?;
    seed_world(node.service()).await;
    let token = token_for(node.service(), "kcg.watch_officer").await;
    Some((node, token))
}

/// Serves `lines` to every connection, once, and keeps it open.
async fn serve_once(listener: TcpListener, lines: Vec<String>) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let text = lines.join("\n") + "\n";
        tokio::spawn(async move {
            let _ = socket.write_all(text.as_bytes()).await;
            tokio::time::sleep(Duration::from_secs(600)).await;
        });
    }
}

async fn tcp_drop_and_resend(backend: Backend) {
    let Some((node, token)) = node(backend).await else {
        return;
    };
    let lines = live_lines(&node, 1_500);
    let n = lines.len() as u64;
    let cut = 900;
    let resent_from = cut - 50;

    // The flaky feed: the first connection sends 900 lines and half of the next, then
    // drops; the second resends from 50 lines earlier and sends the rest.
    let flaky = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let flaky_addr = flaky.local_addr().unwrap();
    let sent = lines.clone();
    let flaky_task = tokio::spawn(async move {
        let (mut first, _) = flaky.accept().await.unwrap();
        let mut text = sent[..cut].join("\n") + "\n";
        text.push_str(&sent[cut][..sent[cut].len() / 2]);
        first.write_all(text.as_bytes()).await.unwrap();
        first.shutdown().await.unwrap();
        drop(first);
        serve_once(flaky, sent[resent_from..].to_vec()).await;
    });
    // The steady feed: the same lines once.
    let steady = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let steady_addr = steady.local_addr().unwrap();
    let steady_task = tokio::spawn(serve_once(steady, lines.clone()));

    let flaky_id = add_source(
        &node,
        &token,
        "flaky",
        "tcp_client",
        &flaky_addr.to_string(),
    )
    .await;
    let steady_id = add_source(
        &node,
        &token,
        "steady",
        "tcp_client",
        &steady_addr.to_string(),
    )
    .await;
    let flaky_stats = settle(&node, &token, &flaky_id, n).await;
    let steady_stats = settle(&node, &token, &steady_id, n).await;

    assert_eq!(
        flaky_stats["feed"]["duplicates"],
        cut - resent_from,
        "{flaky_stats}"
    );
    assert_eq!(flaky_stats["feed"]["partial"], 1, "{flaky_stats}");
    assert!(flaky_stats["feed"]["reconnects"].as_u64().unwrap() >= 1);
    assert_eq!(flaky_stats["pipeline"]["lines"], n);
    assert_eq!(flaky_stats["pipeline"]["malformed"], 0, "{flaky_stats}");
    assert_eq!(flaky_stats["pipeline"]["observations"], n);
    for count in [
        "lines",
        "observations",
        "future",
        "stale",
        "late",
        "track_points",
    ] {
        assert_eq!(
            flaky_stats["pipeline"][count], steady_stats["pipeline"][count],
            "{count}: {flaky_stats} / {steady_stats}"
        );
    }

    let flaky_track = track_of(&node, &token, &flaky_id).await;
    let steady_track = track_of(&node, &token, &steady_id).await;
    assert!(flaky_track.len() > 100);
    let unique: BTreeSet<_> = flaky_track.iter().collect();
    assert_eq!(
        unique.len(),
        flaky_track.len(),
        "a track point stored twice"
    );
    assert_eq!(flaky_track, steady_track);

    flaky_task.abort();
    steady_task.abort();
    node.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tcp_feed_that_drops_and_resends_loses_and_duplicates_nothing_sqlite() {
    tcp_drop_and_resend(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tcp_feed_that_drops_and_resends_loses_and_duplicates_nothing_postgres() {
    tcp_drop_and_resend(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn udp_bad_lines_are_counted_and_skipped_and_times_far_off_are_not_positions() {
    let Some((node, token)) = node(Backend::Sqlite).await else {
        return;
    };
    let now = node.now().timestamp();
    let lines = live_lines(&node, 600);
    let future_mmsi = mmsi_of(&lines[0]);
    let stale_mmsi = lines
        .iter()
        .map(|l| mmsi_of(l))
        .find(|m| *m != future_mmsi)
        .unwrap();
    // Each line of the first vessel an hour ahead of the clock (the tolerance is five
    // minutes), each of the second three days behind (the maximum age is a day).
    let mut n_future = 0;
    let mut n_stale = 0;
    let mut sent: Vec<String> = Vec::new();
    let bad = [
        "garbage",
        "!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*00",
        "!AIVDM,1,1,,A,!!!,0*5B",
    ];
    for (i, line) in lines.iter().enumerate() {
        let mmsi = mmsi_of(line);
        if mmsi == future_mmsi {
            n_future += 1;
            sent.push(retimed(line, now + 3600 + i as i64));
        } else if mmsi == stale_mmsi {
            n_stale += 1;
            sent.push(retimed(line, now - 3 * 86_400 + i as i64));
        } else {
            sent.push(line.clone());
        }
        if i % 100 == 50 {
            sent.push(bad[(i / 100) % bad.len()].to_owned());
        }
    }
    let n_bad = sent.len() - lines.len();

    let port = {
        let probe = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let address = format!("127.0.0.1:{port}");
    let id = add_source(&node, &token, "udp", "udp", &address).await;
    let sender = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    // The listener starts within the supervisor's rescan; datagrams sent before are
    // lost, as on a real network, so wait for it.
    let mut bound = false;
    for _ in 0..100 {
        if std::net::UdpSocket::bind(&address).is_err() {
            bound = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(bound, "the UDP listener did not start");
    for chunk in sent.chunks(10) {
        let datagram = chunk.join("\n") + "\n";
        sender.send_to(datagram.as_bytes(), &address).await.unwrap();
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let s = settle(&node, &token, &id, sent.len() as u64).await;
    assert_eq!(s["pipeline"]["malformed"], n_bad as u64, "{s}");
    assert_eq!(s["pipeline"]["observations"], lines.len() as u64, "{s}");
    assert_eq!(s["pipeline"]["future"], n_future, "{s}");
    assert_eq!(s["pipeline"]["stale"], n_stale, "{s}");

    let (code, vessels) = node
        .get("/api/v1/vessels?from=2000-01-01T00:00:00Z", &token)
        .await;
    assert_eq!(code, StatusCode::OK);
    let seen: BTreeSet<u64> = vessels
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["mmsi"].as_u64().unwrap())
        .collect();
    assert!(seen.len() >= 3, "{seen:?}");
    assert!(
        !seen.contains(&u64::from(future_mmsi)),
        "a future position was used"
    );
    assert!(
        !seen.contains(&u64::from(stale_mmsi)),
        "a stale position was used"
    );
    node.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gzip_recording_is_replayed_whole() {
    let Some((node, token)) = node(Backend::Sqlite).await else {
        return;
    };
    let s = scenario(SEED, node.now().timestamp() - 30 * 3600);
    let path = node.data_dir().join("day.nmea.gz");
    // Two gzip members one after the other (as `cat a.gz b.gz` makes), the second
    // starting with a line far over the limit and ending without a line end.
    let lines: Vec<&str> = s.nmea.lines().collect();
    let (head, tail) = lines.split_at(lines.len() / 2);
    let mut file = Vec::new();
    for part in [
        format!("{}\n", head.join("\n")),
        format!("{}\n{}", "!AIVDM,".repeat(20_000), tail.join("\n")),
    ] {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(part.as_bytes()).unwrap();
        file.extend(gz.finish().unwrap());
    }
    std::fs::write(&path, file).unwrap();
    let n = lines.len() as u64;
    let id = add_source(
        &node,
        &token,
        "recording",
        "file",
        &path.display().to_string(),
    )
    .await;
    let source: uuid::Uuid = id.parse().unwrap();
    let mut stats = None;
    for _ in 0..600 {
        let flushed = node.service().flush_pipeline(source).await;
        if let Ok(f) = flushed {
            if f.lines == n {
                stats = Some(f);
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stats = stats.expect("the recording was not replayed");
    assert_eq!(stats.malformed, 0, "{stats:?}");
    let feed = self::stats(&node, &token, &id).await;
    assert_eq!(feed["feed"]["lines"], n, "{feed}");
    assert_eq!(feed["feed"]["too_long"], 1, "{feed}");
    // The recording is a day and more old: its times are not judged by the clock.
    assert_eq!(stats.future + stats.stale, 0, "{stats:?}");
    assert!(stats.track_points > 1_000, "{stats:?}");
    node.finish().await;
}

/// Regression: a CSV recording (which the file feed accepts) reached the pipeline as
/// lines of NMEA and every row was counted as malformed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_recording_is_read_as_csv() {
    let Some((node, token)) = node(Backend::Sqlite).await else {
        return;
    };
    let start = node.now().timestamp() - 3 * 3600;
    let mut csv = String::from(
        "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status\n",
    );
    for i in 0..120i64 {
        let t = chrono::DateTime::from_timestamp(start + i * 60, 0).unwrap();
        let _ = writeln!(
            csv,
            "440100009,{},{:.5},{:.5},10.0,90.0,90,SEA STAR,IMO9074729,DSAB7,70,0",
            t.format("%Y-%m-%dT%H:%M:%S"),
            34.0,
            128.0 + i as f64 * 0.003
        );
    }
    csv.push_str("not,a,row\n");
    let path = node.data_dir().join("day.csv");
    std::fs::write(&path, csv).unwrap();
    let id = add_source(&node, &token, "csv", "file", &path.display().to_string()).await;
    let source: uuid::Uuid = id.parse().unwrap();
    let mut stats = None;
    for _ in 0..300 {
        if let Ok(f) = node.service().flush_pipeline(source).await {
            if f.lines == 122 {
                stats = Some(f);
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stats = stats.expect("the recording was not replayed");
    assert_eq!(stats.malformed, 1, "{stats:?}");
    assert!(stats.observations >= 120, "{stats:?}");
    assert!(stats.track_points >= 100, "{stats:?}");
    node.finish().await;
}

/// Regression: a line that arrived in pieces further apart than the feed's linger
/// lost its first piece (the buffer was cleared when the linger timer fired), and the
/// rest was counted as malformed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_that_arrives_in_pieces_is_read_whole() {
    let Some((node, token)) = node(Backend::Sqlite).await else {
        return;
    };
    let lines = live_lines(&node, 5);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let sent = lines.clone();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        for line in &sent {
            let (head, tail) = line.split_at(line.len() / 2);
            socket.write_all(head.as_bytes()).await.unwrap();
            socket.flush().await.unwrap();
            tokio::time::sleep(Duration::from_millis(150)).await;
            socket.write_all(tail.as_bytes()).await.unwrap();
            socket.write_all(b"\n").await.unwrap();
        }
        tokio::time::sleep(Duration::from_secs(600)).await;
    });
    let id = add_source(&node, &token, "slow", "tcp_client", &address.to_string()).await;
    let s = settle(&node, &token, &id, lines.len() as u64).await;
    assert_eq!(s["pipeline"]["malformed"], 0, "{s}");
    assert_eq!(s["pipeline"]["observations"], lines.len() as u64, "{s}");
    server.abort();
    node.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tcp_listener_takes_senders_one_after_another() {
    let Some((node, token)) = node(Backend::Sqlite).await else {
        return;
    };
    let lines = live_lines(&node, 300);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let id = add_source(&node, &token, "listener", "tcp_listener", &address).await;
    let mut connected = None;
    for _ in 0..100 {
        if let Ok(stream) = tokio::net::TcpStream::connect(&address).await {
            connected = Some(stream);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut first = connected.expect("the listener did not start");
    first
        .write_all((lines[..100].join("\n") + "\n").as_bytes())
        .await
        .unwrap();
    first.shutdown().await.unwrap();
    drop(first);
    let mut second = tokio::net::TcpStream::connect(&address).await.unwrap();
    second
        .write_all((lines[100..].join("\n") + "\n").as_bytes())
        .await
        .unwrap();
    let s = settle(&node, &token, &id, lines.len() as u64).await;
    assert_eq!(s["feed"]["connections"], 2, "{s}");
    assert_eq!(s["pipeline"]["observations"], lines.len() as u64, "{s}");
    assert_eq!(s["pipeline"]["malformed"], 0, "{s}");
    drop(second);
    node.finish().await;
}

/// The node's clock notices silences on live feeds without new messages, and leaves a
/// recording's picture as the recording ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clock_opens_gaps_on_live_feeds_and_not_on_recordings() {
    let Some((node, token)) = node(Backend::Sqlite).await else {
        return;
    };
    let lines = live_lines(&node, 1_500);
    let n = lines.len() as u64;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(serve_once(listener, lines.clone()));
    let live = add_source(&node, &token, "live", "tcp_client", &address.to_string()).await;
    let path = node.data_dir().join("recording.nmea");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let recording = add_source(
        &node,
        &token,
        "recording",
        "file",
        &path.display().to_string(),
    )
    .await;
    settle(&node, &token, &live, n).await;
    settle(&node, &token, &recording, n).await;

    let gaps = |alerts: &Value, source: &str| -> Vec<u64> {
        alerts["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["kind"] == "gap" && a["source"] == source)
            .map(|a| a["mmsi"].as_u64().unwrap())
            .collect()
    };
    let (_, before) = node.get("/api/v1/alerts?limit=200", &token).await;
    assert!(gaps(&before, &live).is_empty(), "{before}");

    // Seven hours of silence (a gap is six).
    node.clock.advance(chrono::Duration::hours(7));
    for id in [&live, &recording] {
        settle(&node, &token, id, n).await;
    }
    let mut after = Value::Null;
    for _ in 0..50 {
        after = node.get("/api/v1/alerts?limit=200", &token).await.1;
        if !gaps(&after, &live).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let live_gaps = gaps(&after, &live);
    // The vessels on the shipping lane across the East China Sea went silent at sea;
    // those in port did not open gaps.
    assert!(live_gaps.contains(&477_100_001), "{live_gaps:?}");
    assert!(!live_gaps.contains(&440_100_005), "{live_gaps:?}");
    assert!(gaps(&after, &recording).is_empty(), "{after}");
    server.abort();
    node.finish().await;
}
