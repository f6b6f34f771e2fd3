//! The pipeline on NATS JetStream, for a node that runs as several processes.
//!
//! Each process of the node runs a [`Supervisor`]. The work is cut by source and held
//! by leases in a key-value bucket (`<prefix>_leases`), each renewed while its holder
//! lives and gone a lease period after it dies:
//!
//! - `feed.<source>`: the process that reads the source's feed (file, TCP, UDP) and
//!   publishes its lines, in batches, to the source's stream (`<PREFIX>_FEED_<source>`,
//!   subject `<prefix>.feed.<source>`). A source of kind `nats` has no reader here:
//!   another system publishes its lines to that subject.
//! - `detect.<source>`: the process that runs the source's pipeline (decoder,
//!   detectors, writes) from the stream, through the stream's durable consumer
//!   `detect`.
//!
//! A process takes at most its share of each kind of lease (sources divided by the
//! processes registered under `proc.<id>`), so that a second process takes up work as
//! sources are added and when a process dies; one that holds more than its share hands
//! a detector over.
//!
//! The holder of a detector writes the pipeline's state down every
//! [`BusConfig::snapshot_every`] (object store `<prefix>_snapshots`), with the stream
//! position it reached. A process that takes a detector over restores that state and
//! goes on from the next position: batches the consumer delivers again are skipped,
//! batches it already acknowledged are read from the stream by position. The engine is
//! deterministic, so the same batches give the same events, and an alert already made
//! is found by its event key instead of being made again: nothing is lost and no alert
//! is doubled.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use async_nats::jetstream::{self, consumer::pull, kv, object_store, stream};
use futures::StreamExt as _;
use interdict_service::maritime::{FeedStats, Line, Source};
use interdict_service::Service;
use tokio::io::AsyncReadExt as _;
use tokio::sync::watch;
use tokio::task::JoinSet;
use uuid::Uuid;

/// How the node reaches NATS and names what it keeps there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusConfig {
    /// `nats://host:port`.
    pub url: String,
    /// Prefix of subjects, streams and buckets (letters, digits, `-`, `_`), so that
    /// several nodes can share a server.
    pub prefix: String,
    /// How long a lease lasts without renewal: how soon a dead process's work is
    /// taken over.
    pub lease: Duration,
    /// How often a detector writes its state down.
    pub snapshot_every: Duration,
    /// How long a source's stream keeps its batches. A detector whose last snapshot
    /// is older cannot be taken over without loss.
    pub retention: Duration,
}

impl BusConfig {
    /// The defaults for `url`: prefix `interdict`, 10 s leases, a snapshot every 10 s,
    /// batches kept 7 days.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            prefix: "interdict".into(),
            lease: Duration::from_secs(10),
            snapshot_every: Duration::from_secs(10),
            retention: Duration::from_secs(7 * 86_400),
        }
    }

    /// Refuses a prefix NATS cannot use in names.
    pub fn check(&self) -> Result<(), String> {
        if self.prefix.is_empty()
            || self.prefix.len() > 32
            || !self
                .prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!(
                "the NATS prefix {:?} must be 1 to 32 letters, digits, - or _",
                self.prefix
            ));
        }
        if self.lease < Duration::from_secs(1) {
            return Err("the NATS lease must be at least one second".into());
        }
        Ok(())
    }
}

/// The node's handles on NATS.
#[derive(Clone)]
pub struct Bus {
    js: jetstream::Context,
    leases: kv::Store,
    snapshots: object_store::ObjectStore,
    config: BusConfig,
    /// Sources whose streams are known to exist.
    streams: Arc<Mutex<std::collections::HashSet<Uuid>>>,
}

impl Bus {
    /// Connects and makes the buckets if they are missing.
    pub async fn connect(config: BusConfig) -> anyhow::Result<Self> {
        config.check().map_err(anyhow::Error::msg)?;
        let client = async_nats::ConnectOptions::new()
            .name("interdict")
            .connect(config.url.as_str())
            .await
            .with_context(|| format!("cannot connect to NATS at {}", config.url))?;
        let js = jetstream::new(client);
        // The bucket's stream is made here rather than by `create_key_value`, which
        // asks the server for account details that NATS 2.9 does not give.
        let bucket = format!("{}_leases", config.prefix);
        js.get_or_create_stream(stream::Config {
            name: format!("KV_{bucket}"),
            subjects: vec![format!("$KV.{bucket}.>")],
            max_messages_per_subject: 1,
            max_age: config.lease,
            duplicate_window: config.lease.min(Duration::from_secs(120)),
            discard: stream::DiscardPolicy::New,
            allow_rollup: true,
            deny_delete: true,
            allow_direct: true,
            storage: stream::StorageType::File,
            num_replicas: 1,
            ..Default::default()
        })
        .await
        .context("cannot make the lease bucket")?;
        let leases = js
            .get_key_value(bucket)
            .await
            .context("cannot open the lease bucket")?;
        let snapshots = js
            .create_object_store(object_store::Config {
                bucket: format!("{}_snapshots", config.prefix),
                ..Default::default()
            })
            .await
            .context("cannot open the snapshot store")?;
        Ok(Self {
            js,
            leases,
            snapshots,
            config,
            streams: Arc::default(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &BusConfig {
        &self.config
    }

    /// The subject a source's lines are published to.
    pub fn subject(&self, source: Uuid) -> String {
        format!("{}.feed.{}", self.config.prefix, source)
    }

    fn stream_name(&self, source: Uuid) -> String {
        format!(
            "{}_FEED_{}",
            self.config.prefix.to_ascii_uppercase(),
            source.simple()
        )
    }

    /// The source's stream, made if missing.
    pub async fn stream(&self, source: Uuid) -> anyhow::Result<stream::Stream> {
        self.js
            .get_or_create_stream(stream::Config {
                name: self.stream_name(source),
                subjects: vec![self.subject(source)],
                retention: stream::RetentionPolicy::Limits,
                max_age: self.config.retention,
                storage: stream::StorageType::File,
                duplicate_window: Duration::from_secs(120),
                ..Default::default()
            })
            .await
            .with_context(|| format!("cannot open the stream of source {source}"))
    }

    /// Publishes a batch of a source's lines and waits until the stream has it.
    /// `id` makes a batch sent again (after a lost acknowledgement) count once.
    pub async fn publish(&self, source: Uuid, id: &str, lines: &[Line]) -> anyhow::Result<()> {
        let known = self
            .streams
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&source);
        if !known {
            self.stream(source).await?;
            self.streams
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(source);
        }
        let payload = encode(lines)?;
        let mut headers = async_nats::HeaderMap::new();
        headers.insert("Nats-Msg-Id", id);
        self.js
            .publish_with_headers(self.subject(source), headers, payload.into())
            .await
            .context("cannot publish to NATS")?
            .await
            .context("NATS did not take the batch")?;
        Ok(())
    }

    /// Drops everything the node keeps on the server under its prefix (for tests and
    /// for taking a node apart).
    pub async fn remove_all(&self, sources: &[Uuid]) -> anyhow::Result<()> {
        for source in sources {
            let _ = self.js.delete_stream(self.stream_name(*source)).await;
        }
        let _ = self
            .js
            .delete_key_value(format!("{}_leases", self.config.prefix))
            .await;
        let _ = self
            .js
            .delete_object_store(format!("{}_snapshots", self.config.prefix))
            .await;
        Ok(())
    }

    async fn load_snapshot(&self, source: Uuid) -> anyhow::Result<Option<(u64, Vec<u8>)>> {
        let mut object = match self.snapshots.get(source.to_string()).await {
            Ok(object) => object,
            Err(e) if e.kind() == object_store::GetErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(anyhow::anyhow!("cannot read the snapshot of {source}: {e}")),
        };
        let mut bytes = Vec::new();
        object.read_to_end(&mut bytes).await?;
        if bytes.len() < 8 {
            anyhow::bail!("the snapshot of {source} is cut short");
        }
        let (seq, state) = bytes.split_at(8);
        let seq = u64::from_le_bytes(seq.try_into().unwrap_or([0; 8]));
        Ok(Some((seq, state.to_vec())))
    }

    async fn save_snapshot(&self, source: Uuid, seq: u64, state: &[u8]) -> anyhow::Result<()> {
        let mut bytes = Vec::with_capacity(8 + state.len());
        bytes.extend_from_slice(&seq.to_le_bytes());
        bytes.extend_from_slice(state);
        self.snapshots
            .put(source.to_string().as_str(), &mut &bytes[..])
            .await
            .map_err(|e| anyhow::anyhow!("cannot write the snapshot of {source}: {e}"))?;
        Ok(())
    }

    /// Takes a lease if nobody holds it; its revision.
    async fn take(&self, key: &str, holder: &str) -> Option<u64> {
        self.leases.create(key, holder.to_owned().into()).await.ok()
    }

    /// Renews a lease held at `revision`; its new revision, or `None` if it was lost.
    async fn renew(&self, key: &str, holder: &str, revision: u64) -> Option<u64> {
        self.leases
            .update(key, holder.to_owned().into(), revision)
            .await
            .ok()
    }

    async fn release(&self, key: &str, revision: u64) {
        let _ = self
            .leases
            .delete_expect_revision(key, Some(revision))
            .await;
    }

    /// How many processes of the node are alive.
    async fn processes(&self) -> usize {
        let Ok(mut keys) = self.leases.keys().await else {
            return 1;
        };
        let mut n = 0;
        while let Some(key) = keys.next().await {
            if key.is_ok_and(|k| k.starts_with("proc.")) {
                n += 1;
            }
        }
        n.max(1)
    }
}

fn encode(lines: &[Line]) -> anyhow::Result<Vec<u8>> {
    postcard::to_stdvec(lines).context("cannot encode a batch")
}

fn decode(payload: &[u8]) -> anyhow::Result<Vec<Line>> {
    postcard::from_bytes(payload).context("a batch on the stream cannot be read")
}

/// What kind of work a lease is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Work {
    Feed,
    Detect,
}

impl Work {
    fn key(self, source: Uuid) -> String {
        match self {
            Work::Feed => format!("feed.{source}"),
            Work::Detect => format!("detect.{source}"),
        }
    }
}

/// A lease held and the task doing its work.
struct Held {
    revision: u64,
    stop: watch::Sender<bool>,
    task: tokio::task::AbortHandle,
}

/// One process's share of the node's pipelines on NATS. Dropping it (or
/// [`Supervisor::kill`]) stops everything at once, as a process that dies would;
/// [`Supervisor::shutdown`] hands the work over cleanly.
pub struct Supervisor {
    id: String,
    progress: Arc<Mutex<HashMap<Uuid, Progress>>>,
    held: Arc<Mutex<HashMap<(Work, Uuid), ()>>>,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Supervisor {
    /// Registers this process and starts taking its share of the work.
    pub async fn start(service: Service, config: BusConfig) -> anyhow::Result<Self> {
        let bus = Bus::connect(config).await?;
        let id = Uuid::new_v4().simple().to_string();
        let (stop, stopped) = watch::channel(false);
        let progress = Arc::new(Mutex::new(HashMap::new()));
        let held = Arc::new(Mutex::new(HashMap::new()));
        let task = tokio::spawn(supervise(
            bus,
            service,
            id.clone(),
            stopped,
            progress.clone(),
            held.clone(),
        ));
        Ok(Self {
            id,
            progress,
            held,
            stop,
            task: Some(task),
        })
    }

    /// This process's id in the lease bucket.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The stream position a source's detector has applied in this process, if it
    /// runs here.
    pub fn applied(&self, source: Uuid) -> Option<u64> {
        self.progress_of(source).map(|p| p.applied)
    }

    /// The stream position a source's detector was taken up at in this process (the
    /// position of the state it restored), if it runs here.
    pub fn taken_up_at(&self, source: Uuid) -> Option<u64> {
        self.progress_of(source).map(|p| p.taken_up_at)
    }

    fn progress_of(&self, source: Uuid) -> Option<Progress> {
        self.progress
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&source)
            .copied()
    }

    /// The sources whose detectors run in this process.
    pub fn detecting(&self) -> Vec<Uuid> {
        let mut out: Vec<Uuid> = self
            .held
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .filter(|(w, _)| *w == Work::Detect)
            .map(|(_, s)| *s)
            .collect();
        out.sort();
        out
    }

    /// Stops cleanly: detectors write their state down, leases are given back.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Stops at once, holding on to nothing and giving nothing back: the leases run
    /// out and other processes take the work over.
    pub fn kill(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// How often the supervisor renews leases and looks at the sources, as a part of the
/// lease period.
fn tick(config: &BusConfig) -> Duration {
    (config.lease / 4).max(Duration::from_millis(200))
}

async fn supervise(
    bus: Bus,
    service: Service,
    id: String,
    mut stop: watch::Receiver<bool>,
    progress: Arc<Mutex<HashMap<Uuid, Progress>>>,
    shown: Arc<Mutex<HashMap<(Work, Uuid), ()>>>,
) {
    // Tasks die with the supervisor (a `JoinSet` aborts them when dropped).
    let mut tasks = JoinSet::new();
    let mut held: HashMap<(Work, Uuid), Held> = HashMap::new();
    let proc_key = format!("proc.{id}");
    let mut proc_revision = bus.take(&proc_key, &id).await;
    loop {
        // Stay registered.
        proc_revision = match proc_revision {
            Some(r) => match bus.renew(&proc_key, &id, r).await {
                Some(r) => Some(r),
                None => bus.take(&proc_key, &id).await,
            },
            None => bus.take(&proc_key, &id).await,
        };
        // Renew what is held; what could not be renewed is someone else's now.
        let keys: Vec<(Work, Uuid)> = held.keys().copied().collect();
        for (work, source) in keys {
            let Some(h) = held.get_mut(&(work, source)) else {
                continue;
            };
            if h.task.is_finished() && work == Work::Detect {
                // A detector that failed gives its lease back to be tried again.
                bus.release(&work.key(source), h.revision).await;
                held.remove(&(work, source));
                continue;
            }
            match bus.renew(&work.key(source), &id, h.revision).await {
                Some(r) => h.revision = r,
                None => {
                    tracing::warn!(%source, ?work, "lease lost; another process has the work");
                    h.task.abort();
                    if work == Work::Detect {
                        service.stop_pipeline(source);
                    }
                    held.remove(&(work, source));
                }
            }
        }
        // Take a share of the sources.
        match service.all_sources().await {
            Ok(sources) => {
                let wanted: Vec<Source> = sources.into_iter().filter(|s| s.enabled).collect();
                // Sources gone or disabled are let go.
                let keys: Vec<(Work, Uuid)> = held.keys().copied().collect();
                for (work, source) in keys {
                    if !wanted.iter().any(|s| s.id == source) {
                        if let Some(h) = held.remove(&(work, source)) {
                            let _ = h.stop.send(true);
                            h.task.abort();
                            bus.release(&work.key(source), h.revision).await;
                        }
                    }
                }
                let processes = bus.processes().await;
                let share = wanted.len().div_ceil(processes);
                for work in [Work::Detect, Work::Feed] {
                    let ours = held.keys().filter(|(w, _)| *w == work).count();
                    // Hand one detector over when holding more than a share (a process
                    // joined): it writes its state down first.
                    if work == Work::Detect && ours > share {
                        if let Some((&key, _)) = held.iter().find(|((w, _), _)| *w == work) {
                            if let Some(h) = held.remove(&key) {
                                let _ = h.stop.send(true);
                                let deadline = tokio::time::sleep(bus.config.lease);
                                tokio::pin!(deadline);
                                while !h.task.is_finished() {
                                    tokio::select! {
                                        _ = &mut deadline => break,
                                        _ = tokio::time::sleep(Duration::from_millis(20)) => {}
                                    }
                                }
                                h.task.abort();
                                service.stop_pipeline(key.1);
                                bus.release(&work.key(key.1), h.revision).await;
                            }
                        }
                        continue;
                    }
                    let mut ours = ours;
                    for source in &wanted {
                        if ours >= share {
                            break;
                        }
                        if held.contains_key(&(work, source.id))
                            || (work == Work::Feed && source.kind == "nats")
                        {
                            continue;
                        }
                        let Some(revision) = bus.take(&work.key(source.id), &id).await else {
                            continue;
                        };
                        let (own_stop, stopped) = watch::channel(false);
                        let task = match work {
                            Work::Detect => tasks.spawn(run_detector(
                                bus.clone(),
                                service.clone(),
                                source.id,
                                stopped,
                                progress.clone(),
                            )),
                            Work::Feed => tasks.spawn(run_reader(
                                bus.clone(),
                                service.clone(),
                                source.clone(),
                                id.clone(),
                                stopped,
                            )),
                        };
                        held.insert(
                            (work, source.id),
                            Held {
                                revision,
                                stop: own_stop,
                                task,
                            },
                        );
                        ours += 1;
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot list the sources"),
        }
        *shown.lock().unwrap_or_else(|e| e.into_inner()) = held.keys().map(|k| (*k, ())).collect();
        while let Some(done) = tasks.try_join_next() {
            if let Ok(Err(e)) = done {
                tracing::warn!(error = %e, "a pipeline task on NATS stopped");
            }
        }
        let stopping = tokio::select! {
            _ = tokio::time::sleep(tick(&bus.config)) => false,
            changed = stop.changed() => changed.is_err() || *stop.borrow(),
        };
        if stopping {
            break;
        }
    }
    // A clean stop: every task is told, detectors write their state down, leases go
    // back.
    for h in held.values() {
        let _ = h.stop.send(true);
    }
    let deadline = tokio::time::sleep(bus.config.lease);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            next = tasks.join_next() => if next.is_none() { break },
            _ = &mut deadline => break,
        }
    }
    for ((work, source), h) in held {
        bus.release(&work.key(source), h.revision).await;
    }
    if let Some(r) = proc_revision {
        bus.release(&proc_key, r).await;
    }
    shown.lock().unwrap_or_else(|e| e.into_inner()).clear();
}

/// Reads a source's feed and publishes its lines to the source's stream.
async fn run_reader(
    bus: Bus,
    service: Service,
    source: Source,
    holder: String,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut stream = bus.stream(source.id).await?;
    // A recording is read once per node: if its batches are on the stream, another
    // process read it.
    if source.kind == "file" && stream.info().await?.state.messages > 0 {
        return Ok(());
    }
    let stats: Arc<FeedStats> = service.feed_stats(source.id);
    let sink = crate::Sink::Bus {
        bus: Box::new(bus),
        prefix: holder,
        sent: Arc::default(),
    };
    loop {
        let result = crate::read_feed(
            service.clone(),
            source.clone(),
            stop.clone(),
            stats.clone(),
            sink.clone(),
        )
        .await;
        if let Err(e) = &result {
            tracing::warn!(error = %e, source = %source.name, "feed stopped");
        }
        if source.kind == "file" || *stop.borrow() {
            return Ok(());
        }
        let mut stop = stop.clone();
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
            _ = stop.changed() => return Ok(()),
        }
    }
}

/// Where a source's detector stands in this process.
#[derive(Clone, Copy, Debug)]
struct Progress {
    /// The position of the state it was taken up with.
    taken_up_at: u64,
    /// The last position applied.
    applied: u64,
}

/// Runs a source's pipeline from its stream: restores the last state written down,
/// goes on from the position after it, acknowledges batches once written, writes the
/// state down now and then and when told to stop.
async fn run_detector(
    bus: Bus,
    service: Service,
    source: Uuid,
    mut stop: watch::Receiver<bool>,
    progress: Arc<Mutex<HashMap<Uuid, Progress>>>,
) -> anyhow::Result<()> {
    let stream = bus.stream(source).await?;
    let (mut applied, state) = match bus.load_snapshot(source).await? {
        Some((seq, state)) => (seq, Some(state)),
        None => (0, None),
    };
    service
        .restore_pipeline(source, state.as_deref())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let taken_up_at = applied;
    let set_progress = |applied: u64| {
        progress.lock().unwrap_or_else(|e| e.into_inner()).insert(
            source,
            Progress {
                taken_up_at,
                applied,
            },
        );
    };
    set_progress(applied);
    tracing::info!(%source, from = applied + 1, "detector taken up");
    let consumer: jetstream::consumer::Consumer<pull::Config> = stream
        .get_or_create_consumer(
            "detect",
            pull::Config {
                durable_name: Some("detect".into()),
                ack_policy: jetstream::consumer::AckPolicy::Explicit,
                ack_wait: Duration::from_secs(30),
                max_ack_pending: 10_000,
                ..Default::default()
            },
        )
        .await
        .context("cannot open the detector's consumer")?;
    let mut messages = consumer
        .messages()
        .await
        .context("cannot read the detector's consumer")?;
    let mut unacked: Vec<jetstream::Message> = Vec::new();
    let mut saved = applied;
    let mut last_save = tokio::time::Instant::now();
    let apply = |payload: &[u8]| -> anyhow::Result<Vec<Line>> { decode(payload) };
    loop {
        tokio::select! {
            next = messages.next() => {
                let Some(message) = next else { break };
                let message = message.map_err(|e| anyhow::anyhow!("the consumer failed: {e}"))?;
                let seq = message
                    .info()
                    .map_err(|e| anyhow::anyhow!("a message without its position: {e}"))?
                    .stream_sequence;
                if seq > applied {
                    // Batches acknowledged by a process that died before writing its
                    // state down are read from the stream by position.
                    for missing in applied + 1..seq {
                        let raw = stream
                            .get_raw_message(missing)
                            .await
                            .map_err(|e| anyhow::anyhow!("batch {missing} of {source} cannot be read: {e}"))?;
                        let lines = apply(&raw.payload)?;
                        service.ingest(source, lines).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                    }
                    let lines = apply(&message.payload)?;
                    service.ingest(source, lines).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                    applied = seq;
                    set_progress(applied);
                }
                unacked.push(message);
                if unacked.len() >= 64 {
                    acknowledge(&service, source, &mut unacked).await?;
                }
            }
            _ = tokio::time::sleep(Duration::from_millis(250)) => {
                acknowledge(&service, source, &mut unacked).await?;
            }
            _ = stop.changed() => break,
        }
        if applied > saved && last_save.elapsed() >= bus.config.snapshot_every {
            acknowledge(&service, source, &mut unacked).await?;
            let state = service
                .pipeline_snapshot(source)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            bus.save_snapshot(source, applied, &state).await?;
            saved = applied;
            last_save = tokio::time::Instant::now();
        }
    }
    // Told to stop: what was applied is written, acknowledged and written down.
    acknowledge(&service, source, &mut unacked).await?;
    if applied > saved {
        let state = service
            .pipeline_snapshot(source)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        bus.save_snapshot(source, applied, &state).await?;
    }
    progress
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&source);
    Ok(())
}

/// Waits until the pipeline has written everything handed to it, then acknowledges
/// the batches.
async fn acknowledge(
    service: &Service,
    source: Uuid,
    unacked: &mut Vec<jetstream::Message>,
) -> anyhow::Result<()> {
    if unacked.is_empty() {
        return Ok(());
    }
    service
        .flush_pipeline(source)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for message in unacked.drain(..) {
        message
            .ack()
            .await
            .map_err(|e| anyhow::anyhow!("cannot acknowledge: {e}"))?;
    }
    Ok(())
}
