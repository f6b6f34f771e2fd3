//! The node's index of the names of the subjects of its records, for fuzzy
//! correlation (`interdict_correlate::Index`): persons, organisations and vessels of
//! every report and seizure, by their names in any script, with the identifiers,
//! dates of birth and nationalities that support them.
//!
//! The index lives in memory. It is built from the store when the node starts (in the
//! background: until it is ready, correlation answers from what is indexed so far and
//! exact identifiers, which the store answers, are unaffected), and kept current by the
//! service's write paths: a created or changed record replaces its entry, a withdrawn
//! record leaves the index (withdrawn intelligence correlates by name with nothing; its
//! exact identifiers still link it for its own agency, which may read it). Drafts are
//! indexed: their own agency is told of them, the policy tells no one else (a draft of
//! another agency is neither a link nor a hit). [`Service::rebuild_name_index`] builds
//! it again from the store (after an import from outside the service, a restore, or to
//! lift demotions of names that have become rare again).
//!
//! Every change carries the record's version, and an entry is never replaced by an
//! older version: a change written while the index is being built is not undone by
//! the builder reading the record before the change. The index holds no access
//! control: what it finds is handed to the policy like any other record found.

use std::collections::HashMap;
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use interdict_core::record::{Record, RecordKind, Report, Seizure};
use interdict_core::subject::Subject as CoreSubject;
use interdict_core::RecordStatus;
use interdict_correlate::{Index, IndexOptions, Kind, Match, Scheme, Subject};
use uuid::Uuid;

use crate::error::{ServiceError, ServiceResult};
use crate::records::{decode_if_allowed, RecordSummary};
use crate::Service;

/// Records read from the store per step of a build.
const BUILD_BATCH: i64 = 2_000;

/// One change to the index: the record's subjects as of a version, or its removal.
#[derive(Clone, Debug)]
struct Change {
    id: Uuid,
    kind: RecordKind,
    version: i64,
    /// `None` removes the record.
    subjects: Option<Vec<Subject>>,
}

struct State {
    index: Index<Uuid>,
    /// The kind and the version last applied of every record seen, removed ones too.
    versions: HashMap<Uuid, (RecordKind, i64)>,
}

impl State {
    fn new() -> State {
        State {
            index: Index::new(IndexOptions::default()),
            versions: HashMap::new(),
        }
    }

    fn apply(&mut self, change: &Change) {
        if let Some((_, version)) = self.versions.get(&change.id) {
            if *version > change.version {
                return;
            }
        }
        self.versions
            .insert(change.id, (change.kind, change.version));
        match &change.subjects {
            Some(subjects) if !subjects.is_empty() => {
                self.index.upsert(change.id, subjects);
            }
            _ => {
                self.index.remove(&change.id);
            }
        }
    }
}

/// How long the last build took and what it indexed.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NameIndexStats {
    /// Records read from the store.
    pub records: usize,
    /// Records in the index (those with a person, organisation or vessel).
    pub indexed: usize,
    /// Subjects in the index.
    pub subjects: usize,
    /// Time spent reading the store and decoding records.
    pub read: Duration,
    /// Time spent indexing.
    pub index: Duration,
    /// The whole build.
    pub total: Duration,
}

/// The index and its builder's bookkeeping.
pub(crate) struct Names {
    current: RwLock<State>,
    /// While a build runs, the changes made meanwhile, replayed onto the new index
    /// before it replaces the current one.
    pending: Mutex<Option<Vec<Change>>>,
    /// Serialises builds.
    build: tokio::sync::Mutex<()>,
    ready: tokio::sync::watch::Sender<bool>,
    last: Mutex<NameIndexStats>,
}

impl Names {
    pub(crate) fn new() -> Names {
        Names {
            current: RwLock::new(State::new()),
            pending: Mutex::new(None),
            build: tokio::sync::Mutex::new(()),
            ready: tokio::sync::watch::channel(false).0,
            last: Mutex::new(NameIndexStats::default()),
        }
    }

    fn apply(&self, change: Change) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        self.current
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .apply(&change);
        if let Some(pending) = pending.as_mut() {
            pending.push(change);
        }
    }

    /// The matches of subjects among the records indexed, strongest first, with the
    /// kind of each record found.
    pub(crate) fn matches(
        &self,
        subjects: &[Subject],
        except: Option<Uuid>,
    ) -> Vec<(RecordKind, Match<Uuid>)> {
        if subjects.is_empty() {
            return Vec::new();
        }
        let state = self.current.read().unwrap_or_else(|e| e.into_inner());
        state
            .index
            .matches(subjects, except.as_ref())
            .into_iter()
            .filter_map(|m| {
                let kind = state.versions.get(&m.record)?.0;
                Some((kind, m))
            })
            .collect()
    }

    /// The subjects named like the query's, for a search by name (strongest first).
    pub(crate) fn search(&self, subjects: &[Subject]) -> Vec<(RecordKind, Match<Uuid>)> {
        if subjects.is_empty() {
            return Vec::new();
        }
        let state = self.current.read().unwrap_or_else(|e| e.into_inner());
        state
            .index
            .search(subjects, NAME_SEARCH_EVIDENCE)
            .into_iter()
            .filter_map(|m| {
                let kind = state.versions.get(&m.record)?.0;
                Some((kind, m))
            })
            .collect()
    }

    /// The weight, in bits, the model gives an exact agreement of an identifier.
    pub(crate) fn identifier_weight(&self, scheme: Scheme) -> f64 {
        let state = self.current.read().unwrap_or_else(|e| e.into_inner());
        let model = state.index.model();
        let field = usize::from(interdict_correlate::compare::field::ID_BASE) + scheme.index();
        model
            .fields
            .get(field)
            .and_then(|f| {
                let m = *f.m.last()?;
                let u = *f.u.last()?;
                Some((m.max(1e-6) / u.max(1e-6)).log2())
            })
            .unwrap_or(0.0)
    }
}

/// The subjects of a record that the index compares: its persons, organisations and
/// vessels, with what supports their names.
pub fn correlate_subjects(subjects: &[CoreSubject]) -> Vec<Subject> {
    subjects.iter().filter_map(correlate_subject).collect()
}

/// One subject as the correlation crate takes it; `None` for kinds matched by their
/// identifiers alone.
pub fn correlate_subject(subject: &CoreSubject) -> Option<Subject> {
    match subject {
        CoreSubject::Person(p) => {
            let mut s = Subject::named(Kind::Person, &p.name);
            for alias in &p.aliases {
                s = s.with_name(alias);
            }
            if let Some(born) = p.birth_date {
                s = s.born(&born.to_string());
            }
            if let Some(country) = &p.nationality {
                s = s.of_nationality(country.as_str());
            }
            Some(s)
        }
        CoreSubject::Organisation(o) => {
            let mut s = Subject::named(Kind::Organisation, &o.name);
            if let Some(country) = &o.country {
                s = s.of_nationality(country.as_str());
            }
            if let Some(registration) = &o.registration {
                s = s.with_id(Scheme::Registration, registration);
            }
            Some(s)
        }
        CoreSubject::Vessel(v) => {
            let mut s = Subject::new(Kind::Vessel);
            if let Some(name) = &v.name {
                s = s.with_name(name);
            }
            if let Some(imo) = &v.imo {
                s = s.with_id(Scheme::Imo, imo.as_str());
            }
            if let Some(mmsi) = &v.mmsi {
                s = s.with_id(Scheme::Mmsi, mmsi.as_str());
            }
            if let Some(call_sign) = &v.call_sign {
                s = s.with_id(Scheme::CallSign, call_sign);
            }
            if let Some(flag) = &v.flag {
                s = s.of_nationality(flag.as_str());
            }
            Some(s)
        }
        _ => None,
    }
}

/// The entry of a record: its subjects while it stands, nothing once withdrawn.
fn change_of<R: Record>(record: &R) -> Change {
    Change {
        id: record.id(),
        kind: R::KIND,
        version: record.version(),
        subjects: (record.status() != RecordStatus::Withdrawn)
            .then(|| correlate_subjects(record.subjects())),
    }
}

fn decode_change(stored: &interdict_store::StoredRecord) -> ServiceResult<Option<Change>> {
    fn parse<R: Record + serde::de::DeserializeOwned>(
        stored: &interdict_store::StoredRecord,
    ) -> ServiceResult<Change> {
        let record: R = serde_json::from_str(&stored.body).map_err(|e| {
            ServiceError::internal(anyhow::anyhow!(
                "stored {} {} is unreadable: {e}",
                stored.kind.as_str(),
                stored.seq
            ))
        })?;
        Ok(change_of(&record))
    }
    Ok(match stored.kind {
        RecordKind::Report => Some(parse::<Report>(stored)?),
        RecordKind::Seizure => Some(parse::<Seizure>(stored)?),
        RecordKind::Alert => None,
    })
}

impl Service {
    /// Puts a record written by the service into the name index (its new version, or
    /// its removal when withdrawn).
    pub(crate) fn index_names<R: Record>(&self, record: &R) {
        if matches!(R::KIND, RecordKind::Report | RecordKind::Seizure) {
            self.inner.names.apply(change_of(record));
        }
    }

    /// Builds the name index from every report and seizure in the store and puts it
    /// in place of the current one; changes made meanwhile are kept. Returns what the
    /// build took. Used when the node starts and after imports.
    pub async fn rebuild_name_index(&self) -> ServiceResult<NameIndexStats> {
        let names = &self.inner.names;
        let _building = names.build.lock().await;
        let started = Instant::now();
        *names.pending.lock().unwrap_or_else(|e| e.into_inner()) = Some(Vec::new());
        let result = self.build_names().await;
        let mut pending = names.pending.lock().unwrap_or_else(|e| e.into_inner());
        let changes = pending.take().unwrap_or_default();
        let (mut state, mut stats) = result?;
        for change in &changes {
            state.apply(change);
        }
        stats.indexed = state.index.len();
        stats.subjects = state.index.subject_count();
        *names.current.write().unwrap_or_else(|e| e.into_inner()) = state;
        drop(pending);
        stats.total = started.elapsed();
        *names.last.lock().unwrap_or_else(|e| e.into_inner()) = stats;
        names.ready.send_replace(true);
        tracing::info!(
            records = stats.records,
            indexed = stats.indexed,
            subjects = stats.subjects,
            read_ms = stats.read.as_millis() as u64,
            index_ms = stats.index.as_millis() as u64,
            total_ms = stats.total.as_millis() as u64,
            "name index built"
        );
        Ok(stats)
    }

    async fn build_names(&self) -> ServiceResult<(State, NameIndexStats)> {
        let mut state = State::new();
        let mut stats = NameIndexStats::default();
        let mut after = 0_i64;
        loop {
            let read = Instant::now();
            let batch = self.store().records_after(after, BUILD_BATCH).await?;
            let Some(last) = batch.last().map(|s| s.seq) else {
                break;
            };
            after = last;
            stats.records += batch.len();
            let changes = batch
                .iter()
                .map(decode_change)
                .collect::<ServiceResult<Vec<_>>>()?;
            stats.read += read.elapsed();
            // Indexing romanises every name: off the threads that serve requests.
            let indexing = Instant::now();
            state = tokio::task::spawn_blocking(move || {
                for change in changes.iter().flatten() {
                    state.apply(change);
                }
                state
            })
            .await
            .map_err(|e| ServiceError::internal(anyhow::anyhow!("name index build: {e}")))?;
            stats.index += indexing.elapsed();
        }
        Ok((state, stats))
    }

    /// Builds the name index in the background (when the node starts).
    pub(crate) fn start_name_index(&self) {
        let service = self.clone();
        tokio::spawn(async move {
            if let Err(e) = service.rebuild_name_index().await {
                tracing::error!("the name index could not be built: {e}");
            }
        });
    }

    /// Waits until the name index has been built once.
    pub async fn name_index_ready(&self) {
        let mut ready = self.inner.names.ready.subscribe();
        let _ = ready.wait_for(|r| *r).await;
    }

    /// What the last build of the name index took.
    pub fn name_index_stats(&self) -> NameIndexStats {
        *self
            .inner
            .names
            .last
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn names(&self) -> &Names {
        &self.inner.names
    }

    /// Whether the name index has been built once.
    pub(crate) fn name_index_built(&self) -> bool {
        *self.inner.names.ready.borrow()
    }
}

/// A subject of a record the reader may see whose name is like the name asked for.
#[derive(Clone, Debug)]
pub struct NameHit {
    /// `person`, `organisation` or `vessel`.
    pub kind: String,
    /// The name as the record writes it.
    pub name: String,
    /// The subject's position among the record's subjects (its profile's).
    pub subject: usize,
    /// The record.
    pub record: RecordSummary,
    /// The match weight in bits and its probability.
    pub score: f64,
    pub probability: f64,
}

/// The evidence, in bits, a subject's names must add to be found by a name search:
/// the names agree (the same, or the same in another script or romanisation), a
/// surname alone does not.
const NAME_SEARCH_EVIDENCE: f64 = 5.0;

/// The most subjects a name search lists.
const NAME_HITS: usize = 50;

impl Service {
    /// The persons, organisations and vessels named like `name`, in any script and
    /// spelling (`박성민` finds `Park Sung-min` and `Pak Seong-min`), in the records the
    /// actor may read, strongest first. A record the actor may not read is left out
    /// without a trace: a search tells nothing of it (deconfliction hits come from
    /// correlating a record, not from searching).
    pub async fn names_like(
        &self,
        actor: &interdict_core::Actor,
        name: &str,
    ) -> ServiceResult<Vec<NameHit>> {
        use interdict_core::policy::Principal;
        self.require(actor, interdict_core::policy::Action::ReadRecords, "search")?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(ServiceError::field("q", "must be 1 to 200 characters"));
        }
        if !self.config().background && !self.name_index_built() {
            self.rebuild_name_index().await?;
        }
        let query = [
            Subject::named(Kind::Person, name),
            Subject::named(Kind::Organisation, name),
            Subject::named(Kind::Vessel, name),
        ];
        let mut found = self.names().search(&query);
        found.truncate(NAME_HITS * 4);
        let (reports, seizures) = self
            .record_accesses(&Principal::User(actor.clone()))
            .await?;
        let mut by_kind: HashMap<RecordKind, Vec<Uuid>> = HashMap::new();
        for (kind, m) in &found {
            by_kind.entry(*kind).or_default().push(m.record);
        }
        let mut records = HashMap::new();
        for (kind, ids) in by_kind {
            for stored in self.store().records_by_id(kind, &ids).await? {
                let visible = match stored.kind {
                    RecordKind::Report => decode_if_allowed::<Report>(&reports, &stored)?
                        .map(|r| (RecordSummary::of(&r), r.subjects)),
                    RecordKind::Seizure => decode_if_allowed::<Seizure>(&seizures, &stored)?
                        .map(|s| (RecordSummary::of_seizure(&s), s.subjects)),
                    RecordKind::Alert => None,
                };
                if let Some(v) = visible {
                    records.insert(stored.id, v);
                }
            }
        }
        let mut hits: Vec<NameHit> = Vec::new();
        for (_, m) in found {
            let Some((summary, subjects)) = records.get(&m.record) else {
                continue;
            };
            // The index numbers a record's subjects among those it compares.
            let Some((position, subject)) = subjects
                .iter()
                .enumerate()
                .filter(|(_, s)| correlate_subject(s).is_some())
                .nth(m.subject)
            else {
                continue;
            };
            if hits
                .iter()
                .any(|h| h.record.id == m.record && h.name == subject.label())
            {
                continue;
            }
            hits.push(NameHit {
                kind: subject.kind().to_owned(),
                name: subject.label(),
                subject: position,
                record: summary.clone(),
                score: m.score,
                probability: m.probability,
            });
            if hits.len() == NAME_HITS {
                break;
            }
        }
        Ok(hits)
    }
}
