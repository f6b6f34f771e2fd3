//! The audit log beyond the changes themselves: reads of other agencies' data and
//! refused actions, written in batches by one task; signed checkpoints of the chain;
//! and the verification of the whole.
//!
//! Changes are audited in their own transaction (the store writes the entry with the
//! change). Reads and denials go through the [`Sink`]: a task that takes them in order,
//! writes what has gathered in one transaction, and on shutdown writes the rest before
//! it signs a last checkpoint, so that nothing is lost when the node stops. Denials are
//! bounded: the first of each kind per actor and window is written as it comes, repeats
//! are counted and written as one entry when the window closes, so a flood of refused
//! requests cannot grow the log without bound.
//!
//! Checkpoints: at least every `checkpoint_every` while entries arrive, and on
//! shutdown, the node signs the chain's head with its key and appends the checkpoint to
//! a log file outside the database. Whoever can write to the database but does not
//! hold the key can then change, delete, reorder or append entries only up to the last
//! checkpoint, and [`verify`] says so.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use interdict_core::audit::{
    verify_checkpoints, AuditBreak, AuditEvent, ChainVerifier, Checkpoint, CheckpointError,
};
use interdict_store::Store;
use tokio::sync::{mpsc, oneshot};

use crate::clock::Clock;
use crate::keys::NodeKeys;

/// How long denials of one kind by one actor are gathered into one entry.
const DENIAL_WINDOW: chrono::Duration = chrono::Duration::seconds(60);

/// Distinct denials per actor and window written one by one; beyond, they are counted.
const DENIALS_PER_WINDOW: u32 = 20;

/// Most entries written in one transaction.
const BATCH: usize = 500;

/// What the sink is asked to do.
enum Message {
    /// A read to audit.
    Read(AuditEvent),
    /// A refused action to audit, bounded per actor.
    Denial {
        event: AuditEvent,
        actor_key: String,
    },
    /// Write everything pending, then answer.
    Flush(oneshot::Sender<()>),
    /// Write everything pending, sign a checkpoint, answer and stop.
    Shutdown(oneshot::Sender<()>),
}

/// The handle of the audit task.
#[derive(Clone, Debug)]
pub struct Sink {
    sender: mpsc::UnboundedSender<Message>,
}

/// Repeats of one denial in the current window.
#[derive(Debug)]
struct Repeats {
    first: AuditEvent,
    count: u64,
    last_at: DateTime<Utc>,
    /// For denials over the limit: some of their targets.
    samples: Vec<String>,
}

/// The denials of one actor in the current window.
#[derive(Debug, Default)]
struct ActorWindow {
    opened: Option<DateTime<Utc>>,
    written: u32,
    /// Denials written one by one, by action and target.
    seen: BTreeSet<(String, Option<String>)>,
    /// Repeated or over-the-limit denials, by action and target.
    repeats: BTreeMap<(String, Option<String>), Repeats>,
}

impl Denials {
    /// Takes a denial: written now (into `out`) or counted.
    fn admit(&mut self, event: AuditEvent, actor_key: String, out: &mut Vec<AuditEvent>) {
        let now = event.at;
        let window = self.windows.entry(actor_key).or_default();
        if window
            .opened
            .is_some_and(|opened| now - opened >= DENIAL_WINDOW)
        {
            let closed = std::mem::take(window);
            out.extend(summaries(closed));
        }
        window.opened.get_or_insert(now);
        let key = (event.action.clone(), event.target_id.clone());
        if let Some(repeats) = window.repeats.get_mut(&key) {
            repeats.count += 1;
            repeats.last_at = now;
            return;
        }
        if window.seen.contains(&key) {
            window.repeats.insert(
                key,
                Repeats {
                    first: event,
                    count: 1,
                    last_at: now,
                    samples: Vec::new(),
                },
            );
            return;
        }
        if window.written < DENIALS_PER_WINDOW {
            window.written += 1;
            window.seen.insert(key);
            out.push(event);
            return;
        }
        // Over the limit: one entry per action for the rest of the window, with a few
        // of the targets as samples.
        let overflow = window
            .repeats
            .entry((event.action.clone(), None))
            .or_insert_with(|| Repeats {
                first: AuditEvent {
                    target_id: None,
                    ..event.clone()
                },
                count: 0,
                last_at: now,
                samples: Vec::new(),
            });
        overflow.count += 1;
        overflow.last_at = now;
        if let Some(target) = event.target_id {
            if overflow.samples.len() < 10 && !overflow.samples.contains(&target) {
                overflow.samples.push(target);
            }
        }
    }

    /// Turns the repeats of windows that are over (all, with `all`) into entries.
    fn close(&mut self, now: DateTime<Utc>, all: bool, out: &mut Vec<AuditEvent>) {
        let keys: Vec<String> = self
            .windows
            .iter()
            .filter(|(_, w)| all || w.opened.is_some_and(|o| now - o >= DENIAL_WINDOW))
            .map(|(k, _)| k.clone())
            .collect();
        for key in keys {
            if let Some(window) = self.windows.remove(&key) {
                out.extend(summaries(window));
            }
        }
    }
}

/// The entries that stand for the repeats of a closed window: the first event of each,
/// with how many more there were, until when, and (past the limit) sample targets.
fn summaries(window: ActorWindow) -> Vec<AuditEvent> {
    window
        .repeats
        .into_values()
        .map(|repeats| {
            let mut detail = serde_json::from_str::<serde_json::Value>(&repeats.first.detail)
                .ok()
                .filter(serde_json::Value::is_object)
                .unwrap_or_else(|| serde_json::json!({}));
            if let Some(object) = detail.as_object_mut() {
                object.insert("repeated".into(), repeats.count.into());
                object.insert(
                    "until".into(),
                    interdict_core::audit::canonical_time(&repeats.last_at).into(),
                );
                if !repeats.samples.is_empty() {
                    object.insert("sample_targets".into(), repeats.samples.into());
                }
            }
            AuditEvent {
                at: repeats.last_at,
                detail: detail.to_string(),
                ..repeats.first
            }
        })
        .collect()
}

tokio::task_local! {
    /// The page view being served by the current task, if any.
    static VIEW: PageView;
}

/// The reads made while one page is served. A page shows several lists at once (the
/// dashboard: reports and seizures); its reader's view is one entry in each owner's
/// audit log, not one per list.
#[derive(Debug)]
struct PageView {
    page: String,
    reads: std::sync::Mutex<Vec<AuditEvent>>,
}

impl PageView {
    /// Keeps a read of the view; gives it back if the view can no longer take it.
    fn keep(&self, event: AuditEvent) -> Option<AuditEvent> {
        match self.reads.lock() {
            Ok(mut reads) => {
                reads.push(event);
                None
            }
            Err(_) => Some(event),
        }
    }

    /// The entries that stand for the view's reads: one per actor and owning agency.
    /// A read alone keeps its action and target; several become one `page.view` entry
    /// that lists, per action, the records read (and the search text).
    fn entries(&self) -> Vec<AuditEvent> {
        let reads = std::mem::take(&mut *self.reads.lock().unwrap_or_else(|e| e.into_inner()));
        let mut groups: BTreeMap<(Option<String>, Option<String>), Vec<AuditEvent>> =
            BTreeMap::new();
        for event in reads {
            groups
                .entry((event.actor.clone(), event.target_agency.clone()))
                .or_default()
                .push(event);
        }
        groups
            .into_values()
            .map(|mut events| {
                if events.len() == 1 {
                    let mut event = events.remove(0);
                    event.detail = with_page(&event.detail, &self.page);
                    return event;
                }
                let mut reads = serde_json::Map::new();
                let mut queries = Vec::new();
                for event in &events {
                    let detail: serde_json::Value =
                        serde_json::from_str(&event.detail).unwrap_or_default();
                    let mut ids: Vec<serde_json::Value> = detail
                        .get("records")
                        .and_then(|r| r.as_array())
                        .cloned()
                        .unwrap_or_default();
                    if let Some(id) = &event.target_id {
                        ids.push(id.clone().into());
                    }
                    if let Some(q) = detail.get("query").and_then(|q| q.as_str()) {
                        if !queries.iter().any(|k: &String| k == q) {
                            queries.push(q.to_owned());
                        }
                    }
                    let slot = reads
                        .entry(event.action.clone())
                        .or_insert_with(|| serde_json::Value::Array(Vec::new()));
                    if let Some(list) = slot.as_array_mut() {
                        for id in ids {
                            if !list.contains(&id) {
                                list.push(id);
                            }
                        }
                    }
                }
                let mut detail = serde_json::Map::new();
                detail.insert("path".into(), self.page.clone().into());
                detail.insert("reads".into(), reads.into());
                if !queries.is_empty() {
                    detail.insert("query".into(), queries.join(" · ").into());
                }
                let first = events.remove(0);
                AuditEvent {
                    action: "page.view".into(),
                    target_kind: None,
                    target_id: None,
                    detail: serde_json::Value::Object(detail).to_string(),
                    ..first
                }
            })
            .collect()
    }
}

/// `detail` (a JSON object) with the path of the request it was read in.
fn with_page(detail: &str, page: &str) -> String {
    let mut value = serde_json::from_str::<serde_json::Value>(detail)
        .ok()
        .filter(serde_json::Value::is_object)
        .unwrap_or_else(|| serde_json::json!({}));
    if let Some(object) = value.as_object_mut() {
        object.insert("path".into(), page.into());
    }
    value.to_string()
}

impl crate::Service {
    /// Serves one page view: the reads of other agencies' data that `serve` makes are
    /// audited together when it ends, as one entry per owning agency (`page` names the
    /// page in them).
    pub async fn page_view<F: std::future::Future>(&self, page: String, serve: F) -> F::Output {
        let view = PageView {
            page,
            reads: std::sync::Mutex::new(Vec::new()),
        };
        let (output, entries) = VIEW
            .scope(view, async {
                let output = serve.await;
                (output, VIEW.with(PageView::entries))
            })
            .await;
        for entry in entries {
            self.inner.audit.send_read(entry);
        }
        output
    }
}

struct Task {
    store: Store,
    keys: NodeKeys,
    clock: Clock,
    log: PathBuf,
    pending: Vec<AuditEvent>,
    denials: Denials,
    last_signed: i64,
}

/// The bookkeeping of denials: which to write now, which to count.
#[derive(Debug, Default)]
struct Denials {
    windows: HashMap<String, ActorWindow>,
}

impl Sink {
    /// Starts the task. With `checkpoint_every`, it also signs checkpoints on that
    /// interval while the chain grows.
    pub(crate) fn start(
        store: Store,
        keys: NodeKeys,
        clock: Clock,
        log: PathBuf,
        checkpoint_every: Option<Duration>,
    ) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        let task = Task {
            store,
            keys,
            clock,
            log,
            pending: Vec::new(),
            denials: Denials::default(),
            last_signed: -1,
        };
        tokio::spawn(task.run(receiver, checkpoint_every));
        Self { sender }
    }

    /// Audits a read. Inside a [`crate::Service::page_view`] the read is kept with the
    /// view's others and audited with them when the view ends.
    pub(crate) fn read(&self, event: AuditEvent) {
        let in_view = VIEW.try_with(|_| ()).is_ok();
        let left = if in_view {
            VIEW.with(|view| view.keep(event))
        } else {
            Some(event)
        };
        if let Some(event) = left {
            self.send_read(event);
        }
    }

    pub(crate) fn send_read(&self, event: AuditEvent) {
        if self.sender.send(Message::Read(event)).is_err() {
            tracing::error!("the audit task has stopped; a read was not audited");
        }
    }

    /// Audits a refused action. `actor_key` groups what one actor (a user, or a client
    /// address for failed logins) is refused.
    pub(crate) fn denial(&self, event: AuditEvent, actor_key: String) {
        if self
            .sender
            .send(Message::Denial { event, actor_key })
            .is_err()
        {
            tracing::error!("the audit task has stopped; a denial was not audited");
        }
    }

    /// Waits until everything sent so far is written.
    pub(crate) async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.sender.send(Message::Flush(done)).is_ok() {
            let _ = wait.await;
        }
    }

    /// Writes everything pending, signs a last checkpoint and stops.
    pub(crate) async fn shutdown(&self) {
        let (done, wait) = oneshot::channel();
        if self.sender.send(Message::Shutdown(done)).is_ok() {
            let _ = wait.await;
        }
    }
}

impl Task {
    async fn run(
        mut self,
        mut receiver: mpsc::UnboundedReceiver<Message>,
        checkpoint_every: Option<Duration>,
    ) {
        let mut ticker =
            tokio::time::interval(checkpoint_every.unwrap_or(Duration::from_secs(3600)));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await;
        if checkpoint_every.is_some() {
            // A node that serves starts by vouching for the chain as it finds it, so
            // that its checkpoint log exists from the first start on.
            self.checkpoint().await;
        }
        loop {
            tokio::select! {
                message = receiver.recv() => {
                    let Some(message) = message else {
                        // Every handle is gone: write what is left.
                        self.write().await;
                        return;
                    };
                    match message {
                        Message::Read(event) => self.pending.push(event),
                        Message::Denial { event, actor_key } => self.denials.admit(event, actor_key, &mut self.pending),
                        Message::Flush(done) => {
                            self.close_windows(true);
                            self.write().await;
                            let _ = done.send(());
                        }
                        Message::Shutdown(done) => {
                            self.close_windows(true);
                            self.write().await;
                            self.checkpoint().await;
                            let _ = done.send(());
                            return;
                        }
                    }
                    // Take what else is waiting before writing, so that a burst of
                    // reads becomes one transaction.
                    while self.pending.len() < BATCH {
                        match receiver.try_recv() {
                            Ok(Message::Read(event)) => self.pending.push(event),
                            Ok(Message::Denial { event, actor_key }) => self.denials.admit(event, actor_key, &mut self.pending),
                            Ok(Message::Flush(done)) => {
                                self.close_windows(true);
                                self.write().await;
                                let _ = done.send(());
                            }
                            Ok(Message::Shutdown(done)) => {
                                self.close_windows(true);
                                self.write().await;
                                self.checkpoint().await;
                                let _ = done.send(());
                                return;
                            }
                            Err(_) => break,
                        }
                    }
                    self.write().await;
                }
                _ = ticker.tick() => {
                    self.close_windows(false);
                    self.write().await;
                    if checkpoint_every.is_some() {
                        self.checkpoint().await;
                    }
                }
            }
        }
    }

    fn close_windows(&mut self, all: bool) {
        let now = self.clock.now();
        self.denials.close(now, all, &mut self.pending);
    }

    async fn write(&mut self) {
        while !self.pending.is_empty() {
            let n = self.pending.len().min(BATCH);
            let batch: Vec<AuditEvent> = self.pending.drain(..n).collect();
            let mut delay = Duration::from_millis(100);
            loop {
                match self.store.audit_all(&batch).await {
                    Ok(_) => break,
                    Err(e) => {
                        // Never drop an entry: keep trying, ever more slowly.
                        tracing::error!(error = %e, entries = batch.len(), "cannot write audit entries; retrying");
                        tokio::time::sleep(delay).await;
                        delay = (delay * 2).min(Duration::from_secs(10));
                    }
                }
            }
        }
    }

    /// Signs the chain's head, unless it has not moved since the last checkpoint.
    async fn checkpoint(&mut self) {
        let (seq, hash) = match self.store.audit_head().await {
            Ok(head) => head,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the audit head to sign it");
                return;
            }
        };
        if seq == self.last_signed {
            return;
        }
        let checkpoint = Checkpoint::sign(seq, &hash, self.clock.now(), self.keys.signing());
        match append_checkpoint(&self.log, &checkpoint) {
            Ok(_) => self.last_signed = seq,
            Err(e) => {
                tracing::error!(error = %e, path = %self.log.display(), "cannot append the audit checkpoint")
            }
        }
    }
}

/// Appends a checkpoint to the log, holding the file's lock, unless the log already
/// ends with one as far along the chain (another process signed it first).
fn append_checkpoint(path: &Path, checkpoint: &Checkpoint) -> std::io::Result<bool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(path)?;
    file.lock()?;
    let last = last_checkpoint_in(&mut file)?;
    let written = if last.as_ref().is_some_and(|l| l.seq >= checkpoint.seq) {
        false
    } else {
        writeln!(file, "{}", checkpoint.to_line())?;
        file.sync_data()?;
        true
    };
    file.unlock()?;
    Ok(written)
}

/// The last checkpoint of a log file, read from its tail.
fn last_checkpoint_in(file: &mut std::fs::File) -> std::io::Result<Option<Checkpoint>> {
    use std::io::{Read as _, Seek as _, SeekFrom};
    let len = file.seek(SeekFrom::End(0))?;
    let start = len.saturating_sub(4096);
    file.seek(SeekFrom::Start(start))?;
    let mut tail = String::new();
    file.take(4096).read_to_string(&mut tail)?;
    file.seek(SeekFrom::End(0))?;
    Ok(tail
        .lines()
        .rev()
        .find_map(|line| serde_json::from_str::<Checkpoint>(line).ok()))
}

/// What `interdict audit verify` found.
#[derive(Clone, Debug, Default)]
pub struct VerifyReport {
    /// Entries in the chain.
    pub entries: i64,
    /// Valid checkpoints read from the log and given by the caller.
    pub checkpoints: usize,
    /// The latest valid checkpoint.
    pub latest: Option<Checkpoint>,
    /// Entries no checkpoint vouches for (written after the latest), first and last.
    pub unvouched: Option<(i64, i64)>,
    /// What is wrong, each said precisely; empty when the log is intact.
    pub problems: Vec<String>,
}

impl VerifyReport {
    /// Whether nothing is wrong.
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Parses a checkpoint given by an operator: a file of checkpoint lines (the last is
/// taken) or one line.
pub fn parse_checkpoint_copy(text: &str) -> Result<Checkpoint, String> {
    let line = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .ok_or("the checkpoint copy is empty")?;
    serde_json::from_str(line).map_err(|e| format!("the checkpoint copy is not a checkpoint: {e}"))
}

/// Verifies the chain in `store` against the node's public key, the checkpoint log
/// (its text, if there is one) and checkpoints kept elsewhere.
pub async fn verify(
    store: &Store,
    key: &ed25519_dalek::VerifyingKey,
    log: Option<&str>,
    copies: &[Checkpoint],
) -> Result<VerifyReport, interdict_store::StoreError> {
    let mut report = VerifyReport::default();
    let mut checkpoints = match log.map(|text| verify_checkpoints(text, key)) {
        None => Vec::new(),
        Some(Ok(list)) => list,
        Some(Err(e)) => {
            report.problems.push(format!("checkpoint log: {e}"));
            match &e {
                // Checkpoints before the bad line are still good evidence.
                CheckpointError::Malformed { line, .. }
                | CheckpointError::ForeignKey { line, .. }
                | CheckpointError::Signature { line, .. }
                | CheckpointError::Order { line, .. } => {
                    let before: String = log
                        .unwrap_or_default()
                        .lines()
                        .take(line.saturating_sub(1))
                        .collect::<Vec<_>>()
                        .join("\n");
                    verify_checkpoints(&before, key).unwrap_or_default()
                }
            }
        }
    };
    for copy in copies {
        if copy.verify(key) {
            checkpoints.push(copy.clone());
        } else if copy.key != hex::encode(key.as_bytes()) {
            report.problems.push(format!(
                "the checkpoint copy of entry {} is signed by key {}, not by this node's key {}",
                copy.seq,
                copy.key,
                hex::encode(key.as_bytes())
            ));
        } else {
            report.problems.push(format!(
                "the checkpoint copy of entry {} has a signature that is not valid: it was altered",
                copy.seq
            ));
        }
    }
    checkpoints.sort_by_key(|c| c.seq);
    // Two valid checkpoints of the same entry with different hashes: someone holds the
    // key, or the chain was rebuilt and signed again.
    for pair in checkpoints.windows(2) {
        if pair[0].seq == pair[1].seq && pair[0].hash != pair[1].hash {
            report.problems.push(format!(
                "two signed checkpoints of entry {} disagree ({} and {})",
                pair[0].seq, pair[0].at, pair[1].at
            ));
        }
    }
    report.checkpoints = checkpoints.len();
    report.latest = checkpoints.last().cloned();
    let verifier = ChainVerifier::with_checkpoints(checkpoints.iter());
    match store.verify_audit_with(verifier).await? {
        Ok(n) => report.entries = n,
        Err(broken) => {
            report.problems.push(describe(&broken, &checkpoints));
            report.entries = store.audit_head().await?.0;
        }
    }
    let vouched = report.latest.as_ref().map_or(0, |c| c.seq);
    if report.entries > vouched {
        report.unvouched = Some((vouched + 1, report.entries));
    }
    Ok(report)
}

fn describe(broken: &AuditBreak, checkpoints: &[Checkpoint]) -> String {
    let at = |seq: i64| {
        checkpoints
            .iter()
            .find(|c| c.seq == seq)
            .map(|c| {
                format!(
                    " (checkpoint signed at {})",
                    interdict_core::audit::canonical_time(&c.at)
                )
            })
            .unwrap_or_default()
    };
    match broken {
        AuditBreak::Rewritten { seq } => format!("{broken}{}", at(*seq)),
        AuditBreak::CutAfterCheckpoint { vouched, .. } => format!("{broken}{}", at(*vouched)),
        other => other.to_string(),
    }
}

/// Which entries of the audit log to show.
pub use interdict_store::{AuditFilter, AuditPage};

/// A filter of the audit log as a reader types it (the API's parameters, the page's
/// form); [`AuditQuery::filter`] checks it.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct AuditQuery {
    /// Entries by this user.
    pub actor: Option<String>,
    /// Entries whose actor or target belongs to this agency.
    pub agency: Option<String>,
    /// Entries of this action (`report.read`) or family of actions (`report`).
    pub action: Option<String>,
    /// Entries about this id: as their target, or among the records they list.
    pub target: Option<String>,
    /// Entries on or after this day (UTC).
    pub from: Option<chrono::NaiveDate>,
    /// Entries on or before this day (UTC).
    pub to: Option<chrono::NaiveDate>,
}

impl AuditQuery {
    /// The filter, or what is wrong with each field.
    pub fn filter(&self) -> crate::ServiceResult<AuditFilter> {
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        let mut errors = interdict_core::FieldErrors::default();
        let actor = given(&self.actor).and_then(|raw| match interdict_core::Username::parse(raw) {
            Ok(name) => Some(name.to_string()),
            Err(e) => {
                errors.add("actor", e.to_string());
                None
            }
        });
        let agency =
            given(&self.agency).and_then(|raw| match interdict_core::AgencyCode::parse(raw) {
                Ok(code) => Some(code.to_string()),
                Err(e) => {
                    errors.add("agency", e.to_string());
                    None
                }
            });
        let action = given(&self.action).and_then(|raw| {
            let fits = raw.len() <= 64
                && raw
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.');
            if fits {
                Some(raw.to_owned())
            } else {
                errors.add(
                    "action",
                    "is not an action: lower-case letters, `_` and `.`, as in report.read",
                );
                None
            }
        });
        let target = given(&self.target).and_then(|raw| {
            let fits = raw.len() <= 100
                && raw
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
            if fits {
                Some(raw.to_owned())
            } else {
                errors.add(
                    "target",
                    "is not an id: letters, digits, `-`, `_`, `.` and `:`",
                );
                None
            }
        });
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from > to {
                errors.add("to", "is before the first day");
            }
        }
        errors.into_result()?;
        Ok(AuditFilter {
            agency: None,
            actor,
            action,
            target_id: target,
            other_agency: agency,
            from: self
                .from
                .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc()),
            to: self.to.map(|d| {
                (d + chrono::Days::new(1))
                    .and_time(chrono::NaiveTime::MIN)
                    .and_utc()
                    - chrono::Duration::nanoseconds(1)
            }),
        })
    }
}

impl crate::Service {
    /// A page of the audit log: the entries that concern the actor's agency, filtered.
    /// Pending reads are written first, so that the page shows them.
    pub async fn audit_page(
        &self,
        actor: &interdict_core::Actor,
        mut filter: AuditFilter,
        before: Option<i64>,
        limit: i64,
    ) -> crate::ServiceResult<interdict_store::AuditPage> {
        self.require(
            actor,
            interdict_core::policy::Action::ReadAudit,
            "audit.read",
        )?;
        self.inner.audit.flush().await;
        filter.agency = Some(actor.agency.to_string());
        Ok(self.store().audit_page(&filter, before, limit).await?)
    }

    /// Writes every pending audit entry.
    pub async fn flush_audit(&self) {
        self.inner.audit.flush().await;
    }

    /// Verifies the audit chain against the node's key, its checkpoint log and the
    /// checkpoint copies given.
    pub async fn verify_audit(&self, copies: &[Checkpoint]) -> crate::ServiceResult<VerifyReport> {
        self.inner.audit.flush().await;
        let path = self.config().checkpoint_log_path();
        let log = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(crate::ServiceError::internal(anyhow::anyhow!(
                    "cannot read {}: {e}",
                    path.display()
                )))
            }
        };
        let mut report = verify(
            self.store(),
            &self.keys().verifying_key(),
            log.as_deref(),
            copies,
        )
        .await?;
        if log.is_none() && report.entries > 0 {
            report.problems.push(format!(
                "the checkpoint log {} is missing: nothing vouches for the chain",
                path.display()
            ));
        }
        Ok(report)
    }

    /// Signs a checkpoint of the chain as it stands, appends it to the log (unless the
    /// log has one as far along) and returns the log's latest checkpoint.
    pub async fn checkpoint_now(&self) -> crate::ServiceResult<Checkpoint> {
        self.inner.audit.flush().await;
        let (seq, hash) = self.store().audit_head().await?;
        let checkpoint = Checkpoint::sign(seq, &hash, self.now(), self.keys().signing());
        let path = self.config().checkpoint_log_path();
        append_checkpoint(&path, &checkpoint).map_err(crate::ServiceError::internal)?;
        let mut file = std::fs::File::open(&path).map_err(crate::ServiceError::internal)?;
        Ok(last_checkpoint_in(&mut file)
            .map_err(crate::ServiceError::internal)?
            .unwrap_or(checkpoint))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn denied(at: i64, actor: &str, target: &str) -> AuditEvent {
        AuditEvent {
            at: DateTime::from_timestamp(1_800_000_000 + at, 0).unwrap(),
            actor: Some(actor.into()),
            actor_agency: Some("TH-CUSTOMS".into()),
            action: "report.read_denied".into(),
            target_kind: Some("report".into()),
            target_id: Some(target.into()),
            target_agency: None,
            detail: "{}".into(),
        }
    }

    #[test]
    fn a_flood_of_denials_is_bounded_and_counted() {
        let mut denials = Denials::default();
        let mut out = Vec::new();
        // The same id probed 50 times, then 500 different ids, within a minute.
        for i in 0..50 {
            denials.admit(
                denied(i / 10, "thai.analyst", "r-1"),
                "u:thai".into(),
                &mut out,
            );
        }
        for i in 0..500 {
            denials.admit(
                denied(10, "thai.analyst", &format!("r-{i}")),
                "u:thai".into(),
                &mut out,
            );
        }
        assert_eq!(
            out.len(),
            DENIALS_PER_WINDOW as usize,
            "written as they came"
        );
        denials.close(
            DateTime::from_timestamp(1_800_000_061, 0).unwrap(),
            false,
            &mut out,
        );
        let summaries = &out[DENIALS_PER_WINDOW as usize..];
        assert_eq!(summaries.len(), 2, "{summaries:#?}");
        let details: Vec<serde_json::Value> = summaries
            .iter()
            .map(|e| serde_json::from_str(&e.detail).unwrap())
            .collect();
        let counts: Vec<u64> = details
            .iter()
            .map(|d| d["repeated"].as_u64().unwrap())
            .collect();
        // 49 repeats of r-1, and 500 - 19 new ids beyond the limit (r-1 was one of them
        // again, counted with the repeats).
        assert_eq!(counts.iter().sum::<u64>(), 49 + 1 + 480);
        assert!(details.iter().any(|d| d["sample_targets"]
            .as_array()
            .is_some_and(|s| s.len() == 10)));
        // Another actor is not affected.
        denials.admit(denied(70, "other", "r-1"), "u:other".into(), &mut out);
        assert_eq!(out.last().unwrap().actor.as_deref(), Some("other"));
    }

    #[test]
    fn checkpoints_append_in_order_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        let keys = NodeKeys::from_seed([3; 32]);
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let cp = |seq: i64| Checkpoint::sign(seq, &format!("{seq:064}"), at, keys.signing());
        assert!(append_checkpoint(&path, &cp(5)).unwrap());
        assert!(
            !append_checkpoint(&path, &cp(4)).unwrap(),
            "never back along the chain"
        );
        assert!(!append_checkpoint(&path, &cp(5)).unwrap());
        assert!(append_checkpoint(&path, &cp(9)).unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        let list = verify_checkpoints(&text, &keys.verifying_key()).unwrap();
        assert_eq!(list.iter().map(|c| c.seq).collect::<Vec<_>>(), vec![5, 9]);
    }
}
