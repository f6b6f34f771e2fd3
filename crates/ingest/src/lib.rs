//! The feeds of the maritime picture. Each enabled surveillance source of the node is
//! read by a task of its kind — a file replayed at its recorded speed, a multiple of it
//! or as fast as possible; a TCP client that reconnects with backoff; a TCP listener;
//! a UDP listener — and its lines go, in batches and in order, to the source's pipeline
//! in the service ([`Service::ingest`]), which decodes them, runs the detectors and
//! writes what they found.
//!
//! Lines of live feeds carry the time they were received; a line's own time comes from
//! its tag block when it has one. Lines replayed from a file that carry their own time
//! have no receive time (the node's clock says nothing about a recording). A TCP client
//! that reconnects drops the lines a feed sends again after the reconnect (a feed that
//! replays its buffer): it remembers the last lines it passed on. The piece of a line a
//! dropped connection cut is skipped and counted.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use interdict_maritime_cmd::replay::{due, line_time, Speed};
use interdict_service::maritime::{Line, Source};
use interdict_service::Service;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, BufReader};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::watch;

pub mod bus;

/// Lines handed to a pipeline at once, at most.
const BATCH: usize = 2_000;
/// How long a partial batch waits for more lines.
const LINGER: Duration = Duration::from_millis(50);
/// Lines a reconnecting TCP client remembers to drop them if sent again.
const REMEMBERED: usize = 20_000;
/// The longest line accepted; longer ones are counted and skipped.
const MAX_LINE: usize = 4_096;

pub use interdict_service::maritime::FeedStats;

/// How often the node looks for sources added, enabled or disabled.
const RESCAN: Duration = Duration::from_secs(2);

/// How a source is read, from its kind and address.
#[derive(Clone, Debug, PartialEq)]
pub enum Feed {
    /// A file of NMEA (with or without tag blocks, gzip by name) or AIS CSV; the
    /// address may end with `?speed=recorded|max|<multiple>` (default `max`).
    File { path: PathBuf, speed: Speed },
    /// Connect to `host:port` and read lines; reconnect with backoff.
    TcpClient { address: String },
    /// Listen on `host:port` for senders.
    TcpListener { address: String },
    /// Listen on `host:port` for datagrams of lines.
    Udp { address: String },
}

impl Feed {
    /// The feed of a source, or why it cannot be read.
    pub fn of(source: &Source) -> Result<Self, String> {
        let address = source.address.clone().unwrap_or_default();
        match source.kind.as_str() {
            "file" => {
                let (path, speed) = match address.split_once("?speed=") {
                    Some((path, speed)) => (path, speed.parse::<Speed>()?),
                    None => (address.as_str(), Speed::AsFastAsPossible),
                };
                Ok(Feed::File {
                    path: PathBuf::from(path),
                    speed,
                })
            }
            "tcp_client" => Ok(Feed::TcpClient { address }),
            "tcp_listener" => Ok(Feed::TcpListener { address }),
            "udp" => Ok(Feed::Udp { address }),
            other => Err(format!(
                "sources of kind {other} are not read by this process"
            )),
        }
    }
}

/// Where a feed's batches go: to the source's pipeline in this process, or to the
/// source's stream on NATS ([`bus`]).
#[derive(Clone)]
pub(crate) enum Sink {
    Node,
    Bus {
        bus: Box<bus::Bus>,
        /// Makes the ids of the batches unique: the publishing process.
        prefix: String,
        sent: Arc<std::sync::atomic::AtomicU64>,
    },
}

/// Passes lines on in batches.
struct Batcher {
    service: Service,
    source: uuid::Uuid,
    lines: Vec<Line>,
    stats: Arc<FeedStats>,
    sink: Sink,
}

impl Batcher {
    fn now(&self) -> i64 {
        self.service.now().timestamp()
    }

    /// Passes a line on, received now.
    async fn push(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        let now = self.now();
        self.push_received(bytes, Some(now)).await
    }

    async fn push_received(
        &mut self,
        bytes: &[u8],
        received_at: Option<i64>,
    ) -> anyhow::Result<()> {
        let line = trim(bytes);
        if line.is_empty() {
            return Ok(());
        }
        if line.len() > MAX_LINE {
            FeedStats::add(&self.stats.too_long, 1);
            return Ok(());
        }
        FeedStats::add(&self.stats.lines, 1);
        self.lines.push(Line {
            bytes: line.to_vec(),
            received_at,
        });
        if self.lines.len() >= BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> anyhow::Result<()> {
        if self.lines.is_empty() {
            return Ok(());
        }
        let lines = std::mem::take(&mut self.lines);
        match &self.sink {
            Sink::Node => self
                .service
                .ingest(self.source, lines)
                .await
                .map_err(|e| anyhow::anyhow!("{e}")),
            Sink::Bus { bus, prefix, sent } => {
                let n = sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let id = format!("{prefix}-{}-{n}", self.source.simple());
                // A batch NATS did not take is sent again with the same id until it
                // does: the stream keeps it once.
                let mut delay = Duration::from_millis(100);
                loop {
                    match bus.publish(self.source, &id, &lines).await {
                        Ok(()) => return Ok(()),
                        Err(e) => {
                            tracing::warn!(error = %e, source = %self.source, "cannot publish a batch; retrying");
                            tokio::time::sleep(delay).await;
                            delay = (delay * 2).min(Duration::from_secs(5));
                        }
                    }
                }
            }
        }
    }
}

fn trim(bytes: &[u8]) -> &[u8] {
    let mut end = bytes.len();
    while end > 0 && matches!(bytes[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &bytes[..end]
}

fn hash_of(line: &[u8]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    line.hash(&mut hasher);
    hasher.finish()
}

/// The last lines passed on, to drop them when a feed sends them again.
#[derive(Default)]
struct Remembered {
    order: VecDeque<u64>,
    set: HashSet<u64>,
}

impl Remembered {
    fn remember(&mut self, line: &[u8]) {
        let h = hash_of(trim(line));
        if self.set.insert(h) {
            self.order.push_back(h);
            if self.order.len() > REMEMBERED {
                if let Some(old) = self.order.pop_front() {
                    self.set.remove(&old);
                }
            }
        }
    }

    fn seen(&self, line: &[u8]) -> bool {
        self.set.contains(&hash_of(trim(line)))
    }
}

/// Reads lines from `reader` into the batcher until it ends or `stop` says so. With
/// `dedup`, lines remembered from before a reconnect are dropped until the first new
/// one (a feed replaying its buffer sends them first).
async fn pump(
    reader: impl AsyncRead + Unpin,
    batcher: &mut Batcher,
    stop: &mut watch::Receiver<bool>,
    remembered: Option<&mut Remembered>,
) -> anyhow::Result<()> {
    let mut reader = BufReader::new(reader);
    let mut line = Vec::with_capacity(256);
    let mut skipping = false;
    let mut remembered = remembered;
    let mut replaying = remembered.as_ref().is_some_and(|r| !r.order.is_empty());
    loop {
        // `read_line` keeps what it read when the linger or the stop wins the race, and
        // goes on from there; the line is cleared only once it has been handled.
        let read = tokio::select! {
            read = read_line(&mut reader, &mut line, &mut skipping) => read?,
            _ = tokio::time::sleep(LINGER) => {
                batcher.flush().await?;
                continue;
            }
            _ = stop.changed() => return batcher.flush().await,
        };
        match read {
            LineRead::End => {
                // The connection ended, perhaps inside a line: a piece of a line is
                // skipped (a feed that resends after a reconnect sends it whole).
                if !line.is_empty() || skipping {
                    FeedStats::add(&batcher.stats.partial, 1);
                }
                return batcher.flush().await;
            }
            LineRead::TooLong => {
                FeedStats::add(&batcher.stats.too_long, 1);
                continue;
            }
            LineRead::Line => {}
        }
        let duplicate = match remembered.as_deref_mut() {
            Some(r) if replaying && r.seen(&line) => true,
            Some(r) => {
                replaying = false;
                r.remember(&line);
                false
            }
            None => false,
        };
        if duplicate {
            FeedStats::add(&batcher.stats.duplicates, 1);
        } else {
            batcher.push(&line).await?;
        }
        line.clear();
    }
}

/// What [`read_line`] found.
#[derive(Debug, PartialEq, Eq)]
enum LineRead {
    /// A whole line, its end included, is in the buffer.
    Line,
    /// A line longer than [`MAX_LINE`] went by, skipped as it came.
    TooLong,
    /// The end of the input.
    End,
}

/// Reads up to the end of a line into `line`, holding at most [`MAX_LINE`] bytes (and
/// its line end): the rest of a longer line is dropped as it arrives (`skipping`), so a
/// peer that never ends a line costs no memory. Safe to cancel between reads: what was
/// read stays in `line` and `skipping`.
async fn read_line(
    reader: &mut (impl AsyncBufRead + Unpin),
    line: &mut Vec<u8>,
    skipping: &mut bool,
) -> std::io::Result<LineRead> {
    loop {
        let buf = reader.fill_buf().await?;
        if buf.is_empty() {
            return Ok(LineRead::End);
        }
        let (take, ended) = match buf.iter().position(|b| *b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if !*skipping {
            line.extend_from_slice(&buf[..take]);
        }
        reader.consume(take);
        if !*skipping && line.len() > MAX_LINE + 2 {
            *skipping = true;
            line.clear();
        }
        if ended {
            if *skipping {
                *skipping = false;
                return Ok(LineRead::TooLong);
            }
            return Ok(LineRead::Line);
        }
    }
}

/// Reads one source until `stop` says so (or, for a file, to its end).
pub async fn run_feed(
    service: Service,
    source: Source,
    stop: watch::Receiver<bool>,
    stats: Arc<FeedStats>,
) -> anyhow::Result<()> {
    read_feed(service, source, stop, stats, Sink::Node).await
}

/// Reads one source into `sink` until `stop` says so (or, for a file, to its end).
pub(crate) async fn read_feed(
    service: Service,
    source: Source,
    mut stop: watch::Receiver<bool>,
    stats: Arc<FeedStats>,
    sink: Sink,
) -> anyhow::Result<()> {
    let feed = Feed::of(&source).map_err(anyhow::Error::msg)?;
    let mut batcher = Batcher {
        service,
        source: source.id,
        lines: Vec::new(),
        stats: stats.clone(),
        sink,
    };
    match feed {
        Feed::File { path, speed } => replay_file(&path, speed, &mut batcher, &mut stop).await,
        Feed::TcpClient { address } => {
            let mut remembered = Remembered::default();
            let mut backoff = Duration::from_millis(200);
            loop {
                if *stop.borrow() {
                    return Ok(());
                }
                match TcpStream::connect(&address).await {
                    Ok(stream) => {
                        FeedStats::add(&stats.connections, 1);
                        backoff = Duration::from_millis(200);
                        if let Err(e) =
                            pump(stream, &mut batcher, &mut stop, Some(&mut remembered)).await
                        {
                            tracing::warn!(error = %e, %address, "feed connection failed");
                        }
                        if *stop.borrow() {
                            return Ok(());
                        }
                        FeedStats::add(&stats.reconnects, 1);
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, %address, "cannot connect to feed");
                    }
                }
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stop.changed() => return Ok(()),
                }
                backoff = (backoff * 2).min(Duration::from_secs(30));
            }
        }
        Feed::TcpListener { address } => {
            let listener = TcpListener::bind(&address).await?;
            loop {
                let (stream, peer) = tokio::select! {
                    accepted = listener.accept() => accepted?,
                    _ = stop.changed() => return Ok(()),
                };
                FeedStats::add(&stats.connections, 1);
                tracing::info!(%peer, source = %source.id, "feed sender connected");
                // One sender at a time keeps the lines of the source in order.
                if let Err(e) = pump(stream, &mut batcher, &mut stop, None).await {
                    tracing::warn!(error = %e, %peer, "feed sender failed");
                }
                if *stop.borrow() {
                    return Ok(());
                }
            }
        }
        Feed::Udp { address } => {
            let socket = UdpSocket::bind(&address).await?;
            let mut buf = vec![0u8; 65_536];
            loop {
                let n = tokio::select! {
                    received = socket.recv(&mut buf) => received?,
                    _ = tokio::time::sleep(LINGER) => {
                        batcher.flush().await?;
                        continue;
                    }
                    _ = stop.changed() => return batcher.flush().await,
                };
                for line in buf[..n].split(|b| *b == b'\n') {
                    batcher.push(line).await?;
                }
            }
        }
    }
}

/// Replays a file at `speed`, its lines' times read from their tag blocks (or a CSV
/// time column). The file is read as it is replayed, a gzip file decompressed on the
/// way (members one after another, as `cat a.gz b.gz` makes), so a recording of any
/// size costs the memory of a line: a line longer than [`MAX_LINE`] is skipped and
/// counted as it goes by.
async fn replay_file(
    path: &std::path::Path,
    speed: Speed,
    batcher: &mut Batcher,
    stop: &mut watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let file = BufReader::new(tokio::fs::File::open(path).await?);
    let mut reader: Box<dyn AsyncBufRead + Unpin + Send> =
        if path.extension().is_some_and(|e| e == "gz") {
            let mut decoder = async_compression::tokio::bufread::GzipDecoder::new(file);
            decoder.multiple_members(true);
            Box::new(BufReader::new(decoder))
        } else {
            Box::new(file)
        };
    #[allow(clippy::disallowed_methods)]
    let started = tokio::time::Instant::now();
    let mut first = None;
    let mut csv = None;
    let mut timed = false;
    let mut line = Vec::with_capacity(256);
    let mut skipping = false;
    let mut header = true;
    loop {
        if *stop.borrow() {
            break;
        }
        line.clear();
        let last = match read_line(&mut reader, &mut line, &mut skipping).await? {
            LineRead::Line => false,
            // The last line of a file may lack its line end; it is a line all the same.
            LineRead::End if skipping => {
                FeedStats::add(&batcher.stats.too_long, 1);
                break;
            }
            LineRead::End if line.is_empty() => break,
            LineRead::End => true,
            LineRead::TooLong => {
                FeedStats::add(&batcher.stats.too_long, 1);
                header = false;
                continue;
            }
        };
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        if std::mem::take(&mut header) {
            csv = interdict_maritime::CsvReader::from_header(&String::from_utf8_lossy(text));
            if csv.is_some() {
                batcher.push(text).await?;
                continue;
            }
        }
        // A recorded line's own time says when it was heard; the node's clock does not.
        let t = line_time(text, csv.as_mut());
        if speed != Speed::AsFastAsPossible {
            if first.is_none() {
                first = t;
            }
            if let Some(wait) = first.and_then(|f| due(f, t, speed)) {
                let at = started + wait;
                if at > tokio::time::Instant::now() {
                    batcher.flush().await?;
                    tokio::select! {
                        _ = tokio::time::sleep_until(at) => {}
                        _ = stop.changed() => break,
                    }
                }
            }
        }
        // In a recording with times, a line without one (the second sentence of a
        // message in two) belongs to the time of the lines around it.
        timed |= t.is_some();
        if timed {
            batcher.push_received(text, None).await?;
        } else {
            batcher.push(text).await?;
        }
        if last {
            break;
        }
    }
    batcher.flush().await
}

/// Reads every enabled source of the node (except NATS sources, read by their
/// consumers) until `stop` says so. Sources added or enabled while the node runs are
/// started within [`RESCAN`], disabled ones stopped; a source whose feed ends or fails
/// is started again after a pause, except files, which are read once.
pub async fn run_all(service: Service, mut stop: watch::Receiver<bool>) -> anyhow::Result<()> {
    let mut running: HashMap<uuid::Uuid, watch::Sender<bool>> = HashMap::new();
    let mut tasks = tokio::task::JoinSet::new();
    loop {
        match service.all_sources().await {
            Ok(sources) => {
                let wanted: Vec<Source> = sources
                    .into_iter()
                    .filter(|s| s.enabled && s.kind != "nats")
                    .collect();
                running.retain(|id, own_stop| {
                    let keep = wanted.iter().any(|s| s.id == *id);
                    if !keep {
                        let _ = own_stop.send(true);
                    }
                    keep
                });
                for source in wanted {
                    if running.contains_key(&source.id) {
                        continue;
                    }
                    let (own_stop, stopped) = watch::channel(false);
                    running.insert(source.id, own_stop);
                    tasks.spawn(keep_reading(service.clone(), source, stopped));
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot list the sources"),
        }
        // Finished feeds (files read to their end) are reaped; they stay in `running`
        // so that they are not read again.
        while tasks.try_join_next().is_some() {}
        let stopped = tokio::select! {
            _ = tokio::time::sleep(RESCAN) => false,
            changed = stop.changed() => changed.is_err(),
        };
        if stopped || *stop.borrow() {
            break;
        }
    }
    for own_stop in running.values() {
        let _ = own_stop.send(true);
    }
    while tasks.join_next().await.is_some() {}
    Ok(())
}

/// Reads one source until `stop` says so, starting its feed again after a failure.
async fn keep_reading(service: Service, source: Source, mut stop: watch::Receiver<bool>) {
    let stats = service.feed_stats(source.id);
    loop {
        let result = run_feed(service.clone(), source.clone(), stop.clone(), stats.clone()).await;
        if let Err(e) = &result {
            tracing::warn!(error = %e, source = %source.name, "feed stopped");
        }
        if source.kind == "file" || *stop.borrow() {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
            _ = stop.changed() => return,
        }
    }
}

#[cfg(test)]
mod line_tests {
    use super::*;

    async fn lines_of(input: Vec<u8>) -> Vec<Result<String, LineRead>> {
        // A small buffer, so that lines arrive in pieces.
        let mut reader = BufReader::with_capacity(7, &input[..]);
        let (mut line, mut skipping) = (Vec::new(), false);
        let mut out = Vec::new();
        loop {
            match read_line(&mut reader, &mut line, &mut skipping)
                .await
                .unwrap()
            {
                LineRead::Line => {
                    out.push(Ok(String::from_utf8(std::mem::take(&mut line)).unwrap()))
                }
                LineRead::End => {
                    if !line.is_empty() {
                        out.push(Ok(String::from_utf8(line).unwrap()));
                    }
                    return out;
                }
                other => out.push(Err(other)),
            }
        }
    }

    #[tokio::test]
    async fn a_line_without_end_is_skipped_as_it_comes() {
        let mut input = b"first\r\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 10 * MAX_LINE));
        input.extend_from_slice(b"\nsecond\n");
        input.extend(std::iter::repeat_n(b'y', MAX_LINE));
        input.extend_from_slice(b"\r\nlast piece");
        let got = lines_of(input).await;
        assert_eq!(got[0], Ok("first\r\n".to_owned()));
        assert_eq!(got[1], Err(LineRead::TooLong));
        assert_eq!(got[2], Ok("second\n".to_owned()));
        // A line of exactly the longest length is kept whole, its end included.
        assert_eq!(got[3].as_ref().map(String::len), Ok(MAX_LINE + 2));
        assert_eq!(got[4], Ok("last piece".to_owned()));
        assert_eq!(got.len(), 5);
    }
}
