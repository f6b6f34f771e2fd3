//! Deconfliction: who else holds something on the same vessel, container, phone or
//! document as a record.
//!
//! A record's exact identifiers (`Record::identifiers`) are looked up in every other
//! report and seizure. The policy's answer about each record found decides what the
//! reader learns: a record it may read is a link; a record it may not read, where the
//! policy answers [`Answer::Exists`], is a hit that names only the owning agency, the
//! matched identifier (the reader's own) and whom to contact, never the record's id,
//! title or content, and is told once per agency and identifier whatever the number of
//! records behind it; anything else is left out without a trace. Each hit is audited
//! for the owner (who asked, on which identifier), bounded per asker like denials.
//! Placeholder values (the stop list of `interdict_correlate::identifier`) and values
//! carried by more than [`ServiceConfig::common_identifier_limit`] records the reader
//! may know of are skipped and said to be.
//!
//! [`ServiceConfig::common_identifier_limit`]: crate::ServiceConfig

use std::collections::BTreeMap;

use interdict_core::policy::{Access, Answer, DataKind, Principal};
use interdict_core::record::{Record, RecordKind, Report, Seizure};
use interdict_core::{Actor, AgencyCode, RecordStatus, Tlp};
use interdict_correlate::identifier::{is_placeholder, Scheme};
use uuid::Uuid;

use crate::error::{ServiceError, ServiceResult};
use crate::records::{decode_for_policy, Readable};
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

/// A record the reader may read that shares identifiers with the one asked about.
#[derive(Clone, Debug, PartialEq)]
pub struct CorrelationLink {
    pub id: Uuid,
    pub kind: RecordKind,
    pub agency: AgencyCode,
    pub title: String,
    pub status: RecordStatus,
    pub tlp: Tlp,
    /// The identifiers both records carry.
    pub matched: Vec<MatchedIdentifier>,
}

/// Another agency holds something the reader may not read on one of its identifiers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorrelationHit {
    /// The agency that holds it.
    pub agency: AgencyCode,
    /// The reader's identifier it carries.
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
    Hit(AgencyCode),
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
        let identifiers = record.identifiers();
        self.correlate(actor, Some(id), identifiers).await
    }

    /// The records sharing the given identifiers (`(scheme, canonical value)` as
    /// `Record::identifiers` gives them): for a record being filed.
    pub async fn correlations_for_identifiers(
        &self,
        actor: &Actor,
        identifiers: Vec<(&'static str, String)>,
    ) -> ServiceResult<Correlations> {
        self.require(
            actor,
            interdict_core::policy::Action::ReadRecords,
            "correlations",
        )?;
        self.correlate(actor, None, identifiers).await
    }

    async fn correlate(
        &self,
        actor: &Actor,
        except: Option<Uuid>,
        mut identifiers: Vec<(&'static str, String)>,
    ) -> ServiceResult<Correlations> {
        identifiers.sort();
        identifiers.dedup();
        identifiers.truncate(MAX_IDENTIFIERS);
        let principal = Principal::User(actor.clone());
        let mut accesses = self
            .accesses(&principal, &[DataKind::Report, DataKind::Seizure])
            .await?
            .into_iter();
        let (Some(reports), Some(seizures)) = (accesses.next(), accesses.next()) else {
            return Err(ServiceError::internal(anyhow::anyhow!(
                "no access computed for reports and seizures"
            )));
        };
        let limit = self.config().common_identifier_limit;
        let mut out = Correlations::default();
        // Links by record, with the position that orders them newest first.
        let mut links: BTreeMap<Uuid, (i64, CorrelationLink)> = BTreeMap::new();
        let mut hits: Vec<(AgencyCode, MatchedIdentifier)> = Vec::new();
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
                    found.push((stored.seq, answer));
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
            for (seq, answer) in found {
                match answer {
                    Found::Link(link) => {
                        links
                            .entry(link.id)
                            .or_insert((seq, link))
                            .1
                            .matched
                            .push(identifier.clone());
                    }
                    Found::Hit(owner) => {
                        let hit = (owner, identifier.clone());
                        if !hits.contains(&hit) {
                            hits.push(hit);
                        }
                    }
                }
            }
        }
        let mut links: Vec<(i64, CorrelationLink)> = links.into_values().collect();
        links.sort_by_key(|(seq, _)| std::cmp::Reverse(*seq));
        out.links = links.into_iter().map(|(_, link)| link).collect();
        let foreign = out.links.iter().map(|l| (l.agency.clone(), l.id)).collect();
        self.audit_foreign_reads(actor, "correlations", foreign, None);
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
        event.target_kind = Some("identifier".to_owned());
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
fn answer<R: Record + serde::de::DeserializeOwned>(
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
            matched: Vec::new(),
        })),
        Answer::Exists { owner } => Some(Found::Hit(owner)),
        Answer::Nothing => None,
    })
}
