//! Deconfliction: who else holds something on the same person, company, vessel,
//! container, phone or document as a record.
//!
//! A record's exact identifiers (`Record::identifiers`) are looked up in every other
//! report and seizure, and its persons, organisations and vessels in the node's index
//! of names ([`crate::names`]): names in any script and their romanisations, weighed
//! with the identifiers, dates of birth and nationalities beside them by the
//! Fellegi–Sunter model of `interdict_correlate`; a name match counts when the model
//! gives it a probability of at least one half. The policy's answer about each record found decides what the
//! reader learns: a record it may read is a link; a record it may not read, where the
//! policy answers [`Answer::Exists`], is a hit that names only the owning agency, the
//! matched identifier (the reader's own) and whom to contact, never the record's id,
//! title or content, and is told once per agency and identifier whatever the number of
//! records behind it; anything else is left out without a trace. Each hit is audited
//! for the owner (who asked, on which identifier), bounded per asker like denials.
//! Placeholder values (the stop list of `interdict_correlate::identifier`) and values
//! carried by more than [`ServiceConfig::common_identifier_limit`] records the reader
//! may know of are skipped and said to be. Every link carries the fields compared
//! (with their levels and weights) and its score; a hit on a name names the kind of
//! subject and the reader's own spelling of it, never the owner's, nor a score (which
//! would tell how much of the hidden record agrees).
//!
//! [`ServiceConfig::common_identifier_limit`]: crate::ServiceConfig

use std::collections::{BTreeMap, HashMap, HashSet};

use interdict_core::policy::{Access, Answer, Principal};
use interdict_core::record::{Record, RecordKind, Report, Seizure};
use interdict_core::subject::Subject as CoreSubject;
use interdict_core::{Actor, AgencyCode, RecordStatus, Tlp};
use interdict_correlate::identifier::{is_placeholder, Scheme};
use interdict_correlate::model::probability;
use interdict_correlate::FieldWeight;
use uuid::Uuid;

use crate::error::{ServiceError, ServiceResult};
use crate::records::{decode_for_policy, Readable, Summarised};
use crate::Service;

/// Most records read per identifier.
const RECORDS_PER_IDENTIFIER: i64 = 200;

/// Most identifiers looked up for one record.
const MAX_IDENTIFIERS: usize = 100;

/// One identifier of a record, as `(scheme, canonical value)`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MatchedIdentifier {
    /// `imo`, `mmsi`, `container`, `phone`, …
    pub scheme: String,
    pub value: String,
}

/// One field compared between a subject of the record asked about and one of the
/// record found.
#[derive(Clone, Debug, PartialEq)]
pub struct MatchedField {
    /// `family_name`, `given_name`, `name`, `birth_date`, `nationality`, `imo`, …
    pub field: String,
    /// `exact`, `equivalent`, `close`, `fuzzy`, `partial`, `same`, `tail`,
    /// `same_year`, `different`, …
    pub level: String,
    /// What it adds to the score, in bits (negative where the field disagrees).
    pub weight: f64,
}

impl From<FieldWeight> for MatchedField {
    fn from(f: FieldWeight) -> Self {
        MatchedField {
            field: f.field,
            level: f.level,
            weight: f.weight,
        }
    }
}

/// A record the reader may read that shares identifiers or names with the one asked
/// about.
#[derive(Clone, Debug, PartialEq)]
pub struct CorrelationLink {
    pub id: Uuid,
    pub kind: RecordKind,
    pub agency: AgencyCode,
    pub title: String,
    pub status: RecordStatus,
    pub tlp: Tlp,
    /// A seizure's drugs and place, from which a page builds its title in its own
    /// language; `None` for a report.
    pub seizure: Option<crate::records::SeizureBrief>,
    /// The identifiers both records carry.
    pub matched: Vec<MatchedIdentifier>,
    /// The fields that were compared for the strongest pair of subjects, and the
    /// identifiers both carry.
    pub fields: Vec<MatchedField>,
    /// The match weight in bits: the sum of the fields' weights (with the model's
    /// prior where names were compared).
    pub score: f64,
    /// The probability of the match the score stands for.
    pub probability: f64,
}

/// Another agency holds something the reader may not read on one of its identifiers
/// or names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorrelationHit {
    /// The agency that holds it.
    pub agency: AgencyCode,
    /// The reader's identifier it carries; for a name, the scheme is the kind of
    /// subject (`person_name`, `organisation_name`, `vessel_name`) and the value the
    /// reader's own spelling.
    pub identifier: MatchedIdentifier,
    /// Whom to contact at that agency.
    pub contact: String,
}

/// Why an identifier was not looked up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// A value that stands for "no value" (`UNKNOWN`, MMSI `000000000`, …).
    Placeholder,
    /// A value carried by too many records to tell anything.
    TooCommon,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Placeholder => "placeholder",
            SkipReason::TooCommon => "too_common",
        }
    }
}

/// An identifier that was not looked up, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedIdentifier {
    pub identifier: MatchedIdentifier,
    pub reason: SkipReason,
}

/// What the reader may learn of the other records sharing a record's identifiers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Correlations {
    /// Records the reader may read, newest first.
    pub links: Vec<CorrelationLink>,
    /// Agencies holding something the reader may not read, by agency and identifier.
    pub hits: Vec<CorrelationHit>,
    pub skipped: Vec<SkippedIdentifier>,
}

/// The scheme of the correlation crate for a scheme name of the core's identifiers;
/// names it does not know get the checks every scheme gets.
fn scheme_of(name: &str) -> Scheme {
    match name {
        "company_registration" => Scheme::Registration,
        other => Scheme::parse(other).unwrap_or(Scheme::Document),
    }
}

/// What the policy answered about one record found.
enum Found {
    Link(CorrelationLink),
    Hit(AgencyCode, Uuid),
}

/// The scheme of a hit on a name: the kind of subject.
fn name_scheme(subject: &CoreSubject) -> &'static str {
    match subject {
        CoreSubject::Organisation(_) => "organisation_name",
        CoreSubject::Vessel(_) => "vessel_name",
        _ => "person_name",
    }
}

/// The subjects of a record that are looked up by name, with the reader's own
/// spelling of each and the scheme its hits are told under.
fn named_subjects(
    subjects: &[CoreSubject],
) -> (Vec<interdict_correlate::Subject>, Vec<MatchedIdentifier>) {
    let mut query = Vec::new();
    let mut told = Vec::new();
    for subject in subjects {
        if let Some(s) = crate::names::correlate_subject(subject) {
            query.push(s);
            told.push(MatchedIdentifier {
                scheme: name_scheme(subject).to_owned(),
                value: subject.label(),
            });
        }
    }
    (query, told)
}

impl Service {
    /// The other records sharing identifiers with a record the actor may see. An
    /// invisible record is "not found", exactly like one that does not exist.
    pub async fn correlations<R: Readable>(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<Correlations> {
        let record: R = self.get_visible_record(actor, id, "correlations").await?;
        self.correlate(actor, Some(id), record.subjects(), true)
            .await
    }

    /// The records sharing identifiers or names with the given subjects: for a record
    /// being filed.
    pub async fn correlations_for_subjects(
        &self,
        actor: &Actor,
        subjects: &[CoreSubject],
    ) -> ServiceResult<Correlations> {
        self.require(
            actor,
            interdict_core::policy::Action::ReadRecords,
            "correlations",
        )?;
        self.correlate(actor, None, subjects, true).await
    }

    /// Correlates the subjects as `actor` would. `reading` is false when the node does
    /// it on the actor's behalf (no one reads the links, so no read is audited).
    pub(crate) async fn correlate(
        &self,
        actor: &Actor,
        except: Option<Uuid>,
        subjects: &[CoreSubject],
        reading: bool,
    ) -> ServiceResult<Correlations> {
        let mut identifiers: Vec<(&'static str, String)> =
            subjects.iter().flat_map(CoreSubject::identifiers).collect();
        identifiers.sort();
        identifiers.dedup();
        identifiers.truncate(MAX_IDENTIFIERS);
        let principal = Principal::User(actor.clone());
        let (reports, seizures) = self.record_accesses(&principal).await?;
        let limit = self.config().common_identifier_limit;
        let mut out = Correlations::default();
        // Links by record, with the position that orders them newest first.
        let mut links: BTreeMap<Uuid, (i64, CorrelationLink)> = BTreeMap::new();
        let mut hits: Vec<(AgencyCode, MatchedIdentifier)> = Vec::new();
        // The records behind the hits on identifiers: a name of theirs tells no more.
        let mut hit_records: HashSet<Uuid> = HashSet::new();
        // Every record behind a hit, for its owner's list of hits.
        let mut behind: Vec<(AgencyCode, MatchedIdentifier, Uuid, RecordKind)> = Vec::new();
        for (scheme, value) in identifiers {
            let identifier = MatchedIdentifier {
                scheme: scheme.to_owned(),
                value,
            };
            if is_placeholder(scheme_of(scheme), &identifier.value) {
                out.skipped.push(SkippedIdentifier {
                    identifier,
                    reason: SkipReason::Placeholder,
                });
                continue;
            }
            let stored = self
                .store()
                .records_carrying(scheme, &identifier.value, except, RECORDS_PER_IDENTIFIER)
                .await?;
            let mut found = Vec::new();
            for stored in &stored {
                let answer = match stored.kind {
                    RecordKind::Report => answer::<Report>(&reports, stored)?,
                    RecordKind::Seizure => answer::<Seizure>(&seizures, stored)?,
                    RecordKind::Alert => continue,
                };
                if let Some(answer) = answer {
                    found.push((stored.seq, stored.kind, answer));
                }
            }
            // Counted over what the reader may know of, so that skipping tells nothing
            // of records it may not.
            if found.len() > limit {
                out.skipped.push(SkippedIdentifier {
                    identifier,
                    reason: SkipReason::TooCommon,
                });
                continue;
            }
            for (seq, kind, answer) in found {
                match answer {
                    Found::Link(link) => {
                        links
                            .entry(link.id)
                            .or_insert((seq, link))
                            .1
                            .matched
                            .push(identifier.clone());
                    }
                    Found::Hit(owner, record) => {
                        hit_records.insert(record);
                        behind.push((owner.clone(), identifier.clone(), record, kind));
                        let hit = (owner, identifier.clone());
                        if !hits.contains(&hit) {
                            hits.push(hit);
                        }
                    }
                }
            }
        }
        self.correlate_names(
            subjects,
            except,
            (&reports, &seizures),
            &mut links,
            &mut hits,
            &hit_records,
            &mut behind,
        )
        .await?;
        let weights = self.names();
        for (_, link) in links.values_mut() {
            // The identifiers the name index did not weigh (those of other subjects,
            // or every one when no name was compared) count as the index counts
            // identifiers alone: their weights, without the prior.
            let names_compared = !link.fields.is_empty();
            let mut extra = 0.0;
            for m in &link.matched {
                let scheme = scheme_of(&m.scheme);
                let weighed = link
                    .fields
                    .iter()
                    .any(|f| f.field == scheme.name() && f.level == "same");
                if !weighed {
                    let weight = weights.identifier_weight(scheme);
                    extra += weight;
                    link.fields.push(MatchedField {
                        field: m.scheme.clone(),
                        level: "same".to_owned(),
                        weight,
                    });
                }
            }
            link.score = if names_compared {
                link.score + extra
            } else {
                extra
            };
            link.probability = probability(link.score);
        }
        let mut links: Vec<(i64, CorrelationLink)> = links.into_values().collect();
        links.sort_by_key(|(seq, _)| std::cmp::Reverse(*seq));
        out.links = links.into_iter().map(|(_, link)| link).collect();
        let foreign = out.links.iter().map(|l| (l.agency.clone(), l.id)).collect();
        if reading {
            self.audit_foreign_reads(actor, "correlations", foreign, None);
        }
        let at = self.now();
        let rows: Vec<interdict_store::NewHit> = behind
            .into_iter()
            .map(
                |(owner, identifier, record, kind)| interdict_store::NewHit {
                    id: self.new_id(),
                    at,
                    owner,
                    record,
                    kind,
                    requester_agency: actor.agency.clone(),
                    requester: actor.username.to_string(),
                    scheme: identifier.scheme,
                    value: identifier.value,
                    from_record: except,
                },
            )
            .collect();
        self.store().record_hits(&rows).await?;
        hits.sort();
        let mut contacts: BTreeMap<AgencyCode, String> = BTreeMap::new();
        for (owner, identifier) in hits {
            let contact = match contacts.get(&owner) {
                Some(contact) => contact.clone(),
                None => {
                    let contact = self
                        .store()
                        .agency(&owner)
                        .await?
                        .map(|a| a.contact)
                        .unwrap_or_default();
                    contacts.insert(owner.clone(), contact.clone());
                    contact
                }
            };
            self.audit_hit(actor, &owner, &identifier, except);
            out.hits.push(CorrelationHit {
                agency: owner,
                identifier,
                contact,
            });
        }
        Ok(out)
    }

    /// Adds what the name index finds for the named subjects: the fields and score of
    /// records already linked, new links to records the reader may read, and hits on
    /// records it may not read that no identifier reached already. (The results so far
    /// come in as the identifier pass left them.)
    #[allow(clippy::too_many_arguments)]
    async fn correlate_names(
        &self,
        subjects: &[CoreSubject],
        except: Option<Uuid>,
        (reports, seizures): (&Access, &Access),
        links: &mut BTreeMap<Uuid, (i64, CorrelationLink)>,
        hits: &mut Vec<(AgencyCode, MatchedIdentifier)>,
        hit_records: &HashSet<Uuid>,
        behind: &mut Vec<(AgencyCode, MatchedIdentifier, Uuid, RecordKind)>,
    ) -> ServiceResult<()> {
        let (query, told) = named_subjects(subjects);
        if query.is_empty() {
            return Ok(());
        }
        if !self.config().background && !self.name_index_built() {
            // A process without background work builds it when first needed.
            self.rebuild_name_index().await?;
        }
        // The strongest match of each record (matches come strongest first).
        let mut best: HashMap<Uuid, (RecordKind, interdict_correlate::Match<Uuid>)> =
            HashMap::new();
        for (kind, m) in self.names().matches(&query, except) {
            best.entry(m.record).or_insert((kind, m));
        }
        let mut to_load: HashMap<RecordKind, Vec<Uuid>> = HashMap::new();
        for (id, (kind, m)) in &best {
            if let Some((_, link)) = links.get_mut(id) {
                link.fields = m.fields.iter().cloned().map(MatchedField::from).collect();
                link.score = m.score;
            } else if !hit_records.contains(id) {
                to_load.entry(*kind).or_default().push(*id);
            }
        }
        for (kind, ids) in to_load {
            for stored in self.store().records_by_id(kind, &ids).await? {
                let found = match stored.kind {
                    RecordKind::Report => answer::<Report>(reports, &stored)?,
                    RecordKind::Seizure => answer::<Seizure>(seizures, &stored)?,
                    RecordKind::Alert => None,
                };
                let Some((_, m)) = best.get(&stored.id) else {
                    continue;
                };
                match found {
                    Some(Found::Link(mut link)) => {
                        link.fields = m.fields.iter().cloned().map(MatchedField::from).collect();
                        link.score = m.score;
                        links.insert(link.id, (stored.seq, link));
                    }
                    Some(Found::Hit(owner, record)) => {
                        if let Some(name) = told.get(m.query_subject) {
                            behind.push((owner.clone(), name.clone(), record, stored.kind));
                            let hit = (owner, name.clone());
                            if !hits.contains(&hit) {
                                hits.push(hit);
                            }
                        }
                    }
                    None => {}
                }
            }
        }
        Ok(())
    }

    /// Tells the owner who matched its records on which identifier. The entry names no
    /// record of the owner (the asker's auditors read it too): the identifier is the
    /// asker's own, and the owner finds its records by it. Bounded per asker and owner
    /// like denials.
    fn audit_hit(
        &self,
        actor: &Actor,
        owner: &AgencyCode,
        identifier: &MatchedIdentifier,
        from: Option<Uuid>,
    ) {
        let mut event = self.event(Some(actor), "deconfliction.hit");
        event.target_kind = Some(
            if identifier.scheme.ends_with("_name") {
                "name"
            } else {
                "identifier"
            }
            .to_owned(),
        );
        event.target_id = Some(format!("{}:{}", identifier.scheme, identifier.value));
        event.target_agency = Some(owner.to_string());
        event.detail = serde_json::json!({
            "scheme": identifier.scheme,
            "value": identifier.value,
            "record": from.map(|id| id.to_string()),
        })
        .to_string();
        self.inner
            .audit
            .denial(event, format!("user:{}:hits:{owner}", actor.username));
    }
}

/// What the policy lets the reader know of one stored record.
fn answer<R: Record + crate::records::Summarised + serde::de::DeserializeOwned>(
    access: &Access,
    stored: &interdict_store::StoredRecord,
) -> ServiceResult<Option<Found>> {
    let (record, beside) = decode_for_policy::<R>(stored)?;
    let mut meta = record.meta();
    meta.compartments = &beside.compartments;
    meta.disclosures = &beside.disclosures;
    Ok(match access.answer(&meta) {
        Answer::Visible => Some(Found::Link(CorrelationLink {
            id: record.id(),
            kind: R::KIND,
            agency: record.agency().clone(),
            title: record.title(),
            status: record.status(),
            tlp: record.handling().tlp,
            seizure: record.summary().seizure,
            matched: Vec::new(),
            fields: Vec::new(),
            score: 0.0,
            probability: 0.0,
        })),
        Answer::Exists { owner } => Some(Found::Hit(owner, record.id())),
        Answer::Nothing => None,
    })
}

/// A hit on a record of the reader's agency, as its owner sees it: which record, who
/// matched it, on which kind of field, and the answer given.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnerHit {
    pub row: interdict_store::HitRow,
    /// The title of the owner's record.
    pub title: String,
    /// A seizure's drugs and place, from which a page builds its title in its own
    /// language; `None` for a report.
    pub seizure: Option<crate::records::SeizureBrief>,
}

/// Where an asking agency stands with one hit it was told of: one entry per owning
/// agency and identifier or name, as the hit was told, whatever the number of records
/// behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HitAnswer {
    /// The agency that holds something.
    pub agency: AgencyCode,
    /// The asker's own identifier or name.
    pub identifier: MatchedIdentifier,
    /// When it was first told.
    pub at: chrono::DateTime<chrono::Utc>,
    /// The latest answer.
    pub state: HitState,
    /// The owner's message when it declined.
    pub message: String,
    /// The last day of a disclosure.
    pub until: Option<chrono::NaiveDate>,
}

/// What became of a hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HitState {
    /// Not answered yet.
    Open,
    /// The owner disclosed the record to the asking agency (see `until`).
    Disclosed,
    /// The owner disclosed it, and the disclosure has ended.
    Expired,
    /// The owner declined, with a message.
    Declined,
}

impl HitState {
    pub fn as_str(self) -> &'static str {
        match self {
            HitState::Open => "open",
            HitState::Disclosed => "disclosed",
            HitState::Expired => "expired",
            HitState::Declined => "declined",
        }
    }
}

/// The most hits listed.
const MAX_HITS_LISTED: i64 = 500;

/// The longest message of a refusal.
const MAX_DECLINE_MESSAGE: usize = 2000;

impl Service {
    /// The hits on the records of the actor's agency, those awaiting an answer first,
    /// each part newest first: for its officers to answer.
    pub async fn hits_on_my_records(&self, actor: &Actor) -> ServiceResult<Vec<OwnerHit>> {
        self.require(
            actor,
            interdict_core::policy::Action::ReadRecords,
            "deconfliction.hits",
        )?;
        let rows = self.store().hits_on(&actor.agency, MAX_HITS_LISTED).await?;
        self.with_titles(rows).await
    }

    /// Correlates again, on behalf of its author, every published report and seizure
    /// of these agencies: run when a new agreement binds them, so that the hits it now
    /// lets be told reach the owners' lists (and the askers' answers) without waiting
    /// for someone to open the record. Hits already recorded are kept as they are.
    /// Links need nothing of the kind: they are computed when read, so an agreement or
    /// a disclosure shows in them at once. Returns how many records were correlated.
    pub async fn recorrelate(&self, agencies: &[AgencyCode]) -> ServiceResult<usize> {
        let mut after = 0;
        let mut done = 0;
        let mut authors: HashMap<String, Option<Actor>> = HashMap::new();
        loop {
            let batch = self.store().records_after(after, 500).await?;
            let Some(last) = batch.last() else {
                break;
            };
            after = last.seq;
            for stored in &batch {
                let (agency, author, subjects, status) = match stored.kind {
                    RecordKind::Report => {
                        let r = decode_for_policy::<Report>(stored)?.0;
                        (r.agency, r.created_by, r.subjects, r.status)
                    }
                    RecordKind::Seizure => {
                        let s = decode_for_policy::<Seizure>(stored)?.0;
                        (s.agency, s.created_by, s.subjects, s.status)
                    }
                    RecordKind::Alert => continue,
                };
                if status != RecordStatus::Published
                    || subjects.is_empty()
                    || !agencies.contains(&agency)
                {
                    continue;
                }
                let actor = match authors.get(author.as_str()) {
                    Some(actor) => actor.clone(),
                    None => {
                        let actor = self.console_actor(author.as_str()).await.ok();
                        authors.insert(author.to_string(), actor.clone());
                        actor
                    }
                };
                // A record whose author is gone, or of another agency now, waits for
                // its next reader.
                let Some(actor) = actor.filter(|a| a.agency == agency) else {
                    continue;
                };
                self.correlate(&actor, Some(stored.id), &subjects, false)
                    .await?;
                done += 1;
            }
        }
        Ok(done)
    }

    /// How many hits on the records of the actor's agency await an answer: what the
    /// owner is told on arriving (the dashboard), beside the list itself.
    pub async fn open_hits_on_my_records(&self, actor: &Actor) -> ServiceResult<usize> {
        self.require(
            actor,
            interdict_core::policy::Action::ReadRecords,
            "deconfliction.hits",
        )?;
        let open = self.store().open_hits_on(&actor.agency).await?;
        Ok(usize::try_from(open).unwrap_or(0))
    }

    async fn with_titles(
        &self,
        rows: Vec<interdict_store::HitRow>,
    ) -> ServiceResult<Vec<OwnerHit>> {
        let mut titles: HashMap<Uuid, crate::records::RecordSummary> = HashMap::new();
        for kind in [RecordKind::Report, RecordKind::Seizure] {
            let ids: Vec<Uuid> = rows
                .iter()
                .filter(|r| r.kind == kind)
                .map(|r| r.record)
                .collect();
            for stored in self.store().records_by_id(kind, &ids).await? {
                let summary = match kind {
                    RecordKind::Report => {
                        Summarised::summary(&decode_for_policy::<Report>(&stored)?.0)
                    }
                    _ => Summarised::summary(&decode_for_policy::<Seizure>(&stored)?.0),
                };
                titles.insert(stored.id, summary);
            }
        }
        Ok(rows
            .into_iter()
            .map(|row| {
                let summary = titles.remove(&row.record);
                OwnerHit {
                    title: summary
                        .as_ref()
                        .map(|s| s.title.clone())
                        .unwrap_or_default(),
                    seizure: summary.and_then(|s| s.seizure),
                    row,
                }
            })
            .collect())
    }

    async fn owner_hit(&self, id: Uuid) -> ServiceResult<OwnerHit> {
        let row = self.store().hit(id).await?.ok_or(ServiceError::NotFound)?;
        Ok(self.with_titles(vec![row]).await?.remove(0))
    }

    /// Where the actor's agency stands with the hits its officers were told of: one
    /// entry per owning agency and identifier or name, with the latest answer.
    pub async fn my_hit_answers(&self, actor: &Actor) -> ServiceResult<Vec<HitAnswer>> {
        self.require(
            actor,
            interdict_core::policy::Action::ReadRecords,
            "deconfliction.answers",
        )?;
        let today = self.today();
        let rows = self.store().hits_by(&actor.agency, MAX_HITS_LISTED).await?;
        let mut out: Vec<HitAnswer> = Vec::new();
        let mut answered_at: Vec<Option<chrono::DateTime<chrono::Utc>>> = Vec::new();
        for row in rows {
            let identifier = MatchedIdentifier {
                scheme: row.scheme.clone(),
                value: row.value.clone(),
            };
            let state = match row.state.as_str() {
                "disclosed" if row.until.is_some_and(|u| u >= today) => HitState::Disclosed,
                "disclosed" => HitState::Expired,
                "declined" => HitState::Declined,
                _ => HitState::Open,
            };
            let entry = HitAnswer {
                agency: row.owner.clone(),
                identifier,
                at: row.at,
                state,
                message: if state == HitState::Declined {
                    row.message.clone()
                } else {
                    String::new()
                },
                until: row.until.filter(|_| state != HitState::Declined),
            };
            match out
                .iter()
                .position(|e| e.agency == entry.agency && e.identifier == entry.identifier)
            {
                None => {
                    out.push(entry);
                    answered_at.push(row.answered_at);
                }
                Some(i) => {
                    // The first time told, and the latest answer.
                    out[i].at = out[i].at.min(entry.at);
                    if row.answered_at > answered_at[i] {
                        answered_at[i] = row.answered_at;
                        out[i].state = entry.state;
                        out[i].message = entry.message;
                        out[i].until = entry.until;
                    }
                }
            }
        }
        Ok(out)
    }

    /// A hit on a record of the actor's agency that the actor may answer: anything
    /// else is "not found".
    async fn hit_to_answer(
        &self,
        actor: &Actor,
        id: Uuid,
        action: &str,
    ) -> ServiceResult<interdict_store::HitRow> {
        self.require(actor, interdict_core::policy::Action::WriteRecords, action)?;
        match self.store().hit(id).await? {
            Some(hit) if hit.owner == actor.agency => {
                if hit.state != "open" {
                    return Err(ServiceError::field(
                        "hit",
                        format!("has been answered already ({})", hit.state),
                    ));
                }
                Ok(hit)
            }
            _ => Err(ServiceError::NotFound),
        }
    }

    /// Answers a hit by disclosing the record to the asking agency until a day (a
    /// disclosure like any other, which its owner may revoke).
    pub async fn disclose_on_hit(
        &self,
        actor: &Actor,
        id: Uuid,
        until: chrono::NaiveDate,
    ) -> ServiceResult<OwnerHit> {
        let hit = self
            .hit_to_answer(actor, id, "deconfliction.disclose")
            .await?;
        let disclosure = match hit.kind {
            RecordKind::Report => {
                self.disclose_record::<Report>(actor, hit.record, &hit.requester_agency, until)
                    .await?
            }
            RecordKind::Seizure => {
                self.disclose_record::<Seizure>(actor, hit.record, &hit.requester_agency, until)
                    .await?
            }
            RecordKind::Alert => return Err(ServiceError::NotFound),
        };
        let mut event = self.hit_event(actor, "deconfliction.disclose", &hit);
        event.detail = serde_json::json!({
            "hit": hit.id.to_string(),
            "record": hit.record.to_string(),
            "to": hit.requester_agency.as_str(),
            "disclosure": disclosure.id.to_string(),
            "until": until.to_string(),
        })
        .to_string();
        self.store()
            .answer_hit(
                id,
                &interdict_store::HitAnswer {
                    state: "disclosed",
                    message: "",
                    by: actor.username.as_str(),
                    at: self.now(),
                    disclosure: Some((disclosure.id, until)),
                },
                &event,
            )
            .await?;
        self.owner_hit(id).await
    }

    /// Answers a hit by declining, with a message the asking agency reads.
    pub async fn decline_hit(
        &self,
        actor: &Actor,
        id: Uuid,
        message: &str,
    ) -> ServiceResult<OwnerHit> {
        let message = message.trim();
        if message.is_empty() {
            return Err(ServiceError::field("message", "must not be empty"));
        }
        if message.chars().count() > MAX_DECLINE_MESSAGE {
            return Err(ServiceError::field(
                "message",
                format!("must be at most {MAX_DECLINE_MESSAGE} characters"),
            ));
        }
        let hit = self
            .hit_to_answer(actor, id, "deconfliction.decline")
            .await?;
        let mut event = self.hit_event(actor, "deconfliction.decline", &hit);
        event.detail = serde_json::json!({
            "hit": hit.id.to_string(),
            "record": hit.record.to_string(),
            "to": hit.requester_agency.as_str(),
            "message": message,
        })
        .to_string();
        self.store()
            .answer_hit(
                id,
                &interdict_store::HitAnswer {
                    state: "declined",
                    message,
                    by: actor.username.as_str(),
                    at: self.now(),
                    disclosure: None,
                },
                &event,
            )
            .await?;
        self.owner_hit(id).await
    }

    fn hit_event(
        &self,
        actor: &Actor,
        action: &str,
        hit: &interdict_store::HitRow,
    ) -> interdict_core::audit::AuditEvent {
        let mut event = self.event(Some(actor), action);
        event.target_kind = Some(hit.kind.as_str().to_owned());
        event.target_id = Some(hit.record.to_string());
        event.target_agency = Some(hit.owner.to_string());
        event
    }
}
