//! Profiles: one subject — a person, a company, a vessel, a container, a phone — as
//! every record the reader may see knows it. A profile starts from a subject of a
//! record the reader may read and gathers what correlation finds for it (the same
//! identifiers, names alike in any script), each record with the subjects in it that
//! are the same and the fields that matched; the vessel's alerts and the operations
//! that target it; and, for what the reader may not read, the deconfliction hits and
//! nothing more. Every record comes through the policy, as on the record's own page.

use std::collections::{BTreeSet, HashMap, HashSet};

use interdict_core::alert::Alert;
use interdict_core::operation::OperationStatus;
use interdict_core::policy::{Access, Action, Principal};
use interdict_core::record::{Record, RecordKind, Report, Seizure};
use interdict_core::subject::Subject as CoreSubject;
use interdict_core::{Actor, AgencyCode};
use uuid::Uuid;

use crate::deconflict::{CorrelationHit, CorrelationLink};
use crate::error::{ServiceError, ServiceResult};
use crate::names::correlate_subject;
use crate::records::{decode_for_policy, ListFilter, RecordSummary};
use crate::Service;

/// The most alerts a profile reads to find the vessel's.
const ALERTS_READ: i64 = 500;

/// One record of a profile: what it is, the subjects in it that are the profile's,
/// and why it belongs.
#[derive(Clone, Debug)]
pub struct ProfileRecord {
    pub summary: RecordSummary,
    /// The record's subjects that match the profile's subject.
    pub subjects: Vec<CoreSubject>,
    /// How it was matched (empty for the record the profile starts from).
    pub link: Option<CorrelationLink>,
}

/// An operation that targets the profile's subject.
#[derive(Clone, Debug)]
pub struct ProfileOperation {
    pub id: Uuid,
    pub code_name: String,
    pub lead_agency: AgencyCode,
    pub status: OperationStatus,
}

/// One subject as the records the reader may see know it.
#[derive(Clone, Debug)]
pub struct Profile {
    /// The subject the profile starts from.
    pub subject: CoreSubject,
    /// The record it starts from, first, then the others, strongest match first.
    pub records: Vec<ProfileRecord>,
    /// Every spelling of the subject's name across the records (names and aliases).
    pub spellings: Vec<String>,
    /// Its identifiers across the records, as `(scheme, value)`.
    pub identifiers: Vec<(String, String)>,
    /// The vessels' MMSIs, whose tracks and alerts the picture holds.
    pub mmsi: Vec<u32>,
    /// Alerts on those vessels, or raised on a report of the profile, that the reader
    /// may see.
    pub alerts: Vec<Alert>,
    /// Operations the reader may see that target the subject.
    pub operations: Vec<ProfileOperation>,
    /// Records of other agencies the reader may not read: who holds them and whom to
    /// call, nothing more.
    pub hits: Vec<CorrelationHit>,
}

/// A name or label as compared: lower case, letters and digits only.
fn folded(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The names a subject is written with: its label and, for persons, its aliases.
fn names_of(subject: &CoreSubject) -> Vec<String> {
    let mut names = vec![subject.label()];
    if let CoreSubject::Person(p) = subject {
        names.extend(p.aliases.iter().cloned());
    }
    names.retain(|n| !n.trim().is_empty());
    names
}

/// A record decoded when the policy lets the reader read it (with the compartments
/// and disclosures kept beside it, as every read weighs them).
fn readable<R: Record + serde::de::DeserializeOwned>(
    access: &Access,
    stored: &interdict_store::StoredRecord,
) -> ServiceResult<Option<R>> {
    let (record, beside) = decode_for_policy::<R>(stored)?;
    let mut meta = record.meta();
    meta.compartments = &beside.compartments;
    meta.disclosures = &beside.disclosures;
    Ok(access.allows(&meta).then_some(record))
}

impl Service {
    /// The profile of subject `index` of a record the actor may read. A record the
    /// actor may not read, or a subject it does not have, is "not found".
    pub async fn profile(
        &self,
        actor: &Actor,
        kind: RecordKind,
        id: Uuid,
        index: usize,
    ) -> ServiceResult<Profile> {
        let (summary, subjects) = match kind {
            RecordKind::Report => {
                let r: Report = self.get_visible_record(actor, id, "profile").await?;
                (RecordSummary::of(&r), r.subjects)
            }
            RecordKind::Seizure => {
                let s: Seizure = self.get_visible_record(actor, id, "profile").await?;
                (RecordSummary::of_seizure(&s), s.subjects)
            }
            RecordKind::Alert => return Err(ServiceError::NotFound),
        };
        let subject = subjects.get(index).cloned().ok_or(ServiceError::NotFound)?;
        let found = self
            .correlate(actor, Some(id), std::slice::from_ref(&subject), true)
            .await?;

        // Which subjects of each linked record are this one: those that share an
        // identifier with it, and those the name index matched to it.
        let own_ids: HashSet<(&'static str, String)> = subject.identifiers().into_iter().collect();
        let mut by_name: HashMap<Uuid, BTreeSet<usize>> = HashMap::new();
        if let Some(query) = correlate_subject(&subject) {
            for (_, m) in self.names().matches(&[query], Some(id)) {
                by_name.entry(m.record).or_default().insert(m.subject);
            }
        }
        let principal = Principal::User(actor.clone());
        let (reports, seizures) = self.record_accesses(&principal).await?;
        let mut wanted: HashMap<RecordKind, Vec<Uuid>> = HashMap::new();
        for link in &found.links {
            wanted.entry(link.kind).or_default().push(link.id);
        }
        let mut loaded: HashMap<Uuid, (RecordSummary, Vec<CoreSubject>)> = HashMap::new();
        for (kind, ids) in wanted {
            for stored in self.store().records_by_id(kind, &ids).await? {
                let read = match stored.kind {
                    RecordKind::Report => readable::<Report>(&reports, &stored)?
                        .map(|r| (RecordSummary::of(&r), r.subjects)),
                    RecordKind::Seizure => readable::<Seizure>(&seizures, &stored)?
                        .map(|s| (RecordSummary::of_seizure(&s), s.subjects)),
                    RecordKind::Alert => None,
                };
                if let Some(read) = read {
                    loaded.insert(stored.id, read);
                }
            }
        }
        let mut records = vec![ProfileRecord {
            summary,
            subjects: vec![subject.clone()],
            link: None,
        }];
        let mut linked: Vec<&CorrelationLink> = found.links.iter().collect();
        linked.sort_by(|a, b| b.score.total_cmp(&a.score));
        for link in linked {
            let Some((summary, their)) = loaded.remove(&link.id) else {
                continue;
            };
            let named = by_name.get(&link.id);
            let same: Vec<CoreSubject> = their
                .iter()
                .filter(|s| correlate_subject(s).is_some())
                .enumerate()
                .filter(|(n, _)| named.is_some_and(|set| set.contains(n)))
                .map(|(_, s)| s)
                .chain(
                    their
                        .iter()
                        .filter(|s| s.identifiers().iter().any(|id| own_ids.contains(id))),
                )
                .fold(Vec::new(), |mut out: Vec<CoreSubject>, s| {
                    if !out.contains(s) {
                        out.push(s.clone());
                    }
                    out
                });
            records.push(ProfileRecord {
                summary,
                subjects: same,
                link: Some(link.clone()),
            });
        }

        let every: Vec<&CoreSubject> = records.iter().flat_map(|r| r.subjects.iter()).collect();
        let mut spellings: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for name in every.iter().flat_map(|s| names_of(s)) {
            if seen.insert(folded(&name)) {
                spellings.push(name);
            }
        }
        let mut identifiers: Vec<(String, String)> = every
            .iter()
            .flat_map(|s| s.identifiers())
            .map(|(scheme, value)| (scheme.to_owned(), value))
            .collect();
        identifiers.sort();
        identifiers.dedup();
        let mmsi: Vec<u32> = identifiers
            .iter()
            .filter(|(scheme, _)| scheme == "mmsi")
            .filter_map(|(_, value)| value.parse().ok())
            .collect();

        let record_ids: HashSet<Uuid> = records.iter().map(|r| r.summary.id).collect();
        let alerts = if actor.may(Action::ReadSurveillance) {
            self.list_alerts(actor, &ListFilter::default(), None, ALERTS_READ)
                .await?
                .items
                .into_iter()
                .filter(|a| {
                    mmsi.contains(&a.mmsi)
                        || a.other_mmsi.is_some_and(|m| mmsi.contains(&m))
                        || a.report.is_some_and(|r| record_ids.contains(&r))
                })
                .collect()
        } else {
            Vec::new()
        };

        let operations = if actor.may(Action::ReadRecords) {
            let ids: HashSet<(&'static str, String)> =
                every.iter().flat_map(|s| s.identifiers()).collect();
            let names: HashSet<String> = spellings.iter().map(|n| folded(n)).collect();
            self.operations_for(actor)
                .await?
                .into_iter()
                .filter(|o| {
                    o.targets.iter().any(|t| {
                        t.kind() == subject.kind()
                            && (t.identifiers().iter().any(|id| ids.contains(id))
                                || names_of(t).iter().any(|n| names.contains(&folded(n))))
                    })
                })
                .map(|o| ProfileOperation {
                    id: o.id,
                    code_name: o.code_name,
                    lead_agency: o.lead_agency,
                    status: o.status,
                })
                .collect()
        } else {
            Vec::new()
        };

        Ok(Profile {
            subject,
            records,
            spellings,
            identifiers,
            mmsi,
            alerts,
            operations,
            hits: found.hits,
        })
    }
}
