//! The tamper-evident audit chain.
//!
//! Every change and every read of another agency's record becomes an [`AuditEvent`].
//! Entries are numbered from 1 without gaps, and each carries the SHA-256 of its
//! predecessor's hash and its own content, so editing, deleting or reordering any entry
//! breaks the chain from that point on. The node also keeps the head (last sequence
//! number and hash) apart from the entries, which reveals a cut-off tail.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Something that happened, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    /// The username, or absent for the system itself.
    pub actor: Option<String>,
    pub actor_agency: Option<String>,
    /// Such as `report.create`, `report.read`, `auth.login_failed`.
    pub action: String,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub target_agency: Option<String>,
    /// Further facts as a JSON object, stored as text exactly as hashed.
    pub detail: String,
}

/// A stored entry of the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    #[serde(flatten)]
    pub event: AuditEvent,
    pub prev_hash: String,
    pub hash: String,
}

/// The canonical text of a timestamp in the chain (RFC 3339, microseconds, `Z`).
pub fn canonical_time(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn put(hasher: &mut Sha256, field: Option<&str>) {
    match field {
        None => hasher.update(b"-\n"),
        Some(value) => {
            hasher.update(value.len().to_string().as_bytes());
            hasher.update(b":");
            hasher.update(value.as_bytes());
            hasher.update(b"\n");
        }
    }
}

/// The hash of an entry with sequence number `seq` after an entry whose hash is `prev_hash`.
pub fn entry_hash(prev_hash: &str, seq: i64, event: &AuditEvent) -> String {
    let mut hasher = Sha256::new();
    put(&mut hasher, Some(prev_hash));
    put(&mut hasher, Some(&seq.to_string()));
    put(&mut hasher, Some(&canonical_time(&event.at)));
    put(&mut hasher, event.actor.as_deref());
    put(&mut hasher, event.actor_agency.as_deref());
    put(&mut hasher, Some(&event.action));
    put(&mut hasher, event.target_kind.as_deref());
    put(&mut hasher, event.target_id.as_deref());
    put(&mut hasher, event.target_agency.as_deref());
    put(&mut hasher, Some(&event.detail));
    hex::encode(hasher.finalize())
}

/// Where and how the chain is broken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuditBreak {
    #[error("entry {found} follows entry {}: an entry is missing or out of order", expected - 1)]
    Gap { expected: i64, found: i64 },
    #[error("entry {seq} does not follow its predecessor: prev_hash differs")]
    Link { seq: i64 },
    #[error("entry {seq} was altered: its hash does not match its content")]
    Content { seq: i64 },
    #[error("the chain ends at entry {found} but the head says {expected}: entries were removed from the end")]
    Truncated { expected: i64, found: i64 },
    #[error("the head hash does not match the last entry")]
    Head,
}

/// Checks a chain entry by entry, in sequence order.
#[derive(Debug)]
pub struct ChainVerifier {
    next_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            next_seq: 1,
            prev_hash: GENESIS.to_owned(),
        }
    }
}

impl ChainVerifier {
    /// A verifier expecting entry 1.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks the next entry.
    pub fn push(&mut self, entry: &AuditEntry) -> Result<(), AuditBreak> {
        if entry.seq != self.next_seq {
            return Err(AuditBreak::Gap {
                expected: self.next_seq,
                found: entry.seq,
            });
        }
        if entry.prev_hash != self.prev_hash {
            return Err(AuditBreak::Link { seq: entry.seq });
        }
        if entry_hash(&entry.prev_hash, entry.seq, &entry.event) != entry.hash {
            return Err(AuditBreak::Content { seq: entry.seq });
        }
        self.next_seq += 1;
        self.prev_hash.clone_from(&entry.hash);
        Ok(())
    }

    /// Checks the end of the chain against the separately kept head; returns the number
    /// of entries verified.
    pub fn finish(self, head: Option<(i64, &str)>) -> Result<i64, AuditBreak> {
        let last = self.next_seq - 1;
        if let Some((head_seq, head_hash)) = head {
            if head_seq != last {
                return Err(AuditBreak::Truncated {
                    expected: head_seq,
                    found: last,
                });
            }
            if head_hash != self.prev_hash {
                return Err(AuditBreak::Head);
            }
        }
        Ok(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let event = AuditEvent {
                    at: Utc.timestamp_opt(1_700_000_000 + seq, 0).unwrap(),
                    actor: Some("kcs.analyst".into()),
                    actor_agency: Some("KR-KCS".into()),
                    action: "report.create".into(),
                    target_kind: Some("report".into()),
                    target_id: Some(format!("r{seq}")),
                    target_agency: Some("KR-KCS".into()),
                    detail: "{}".into(),
                };
                let hash = entry_hash(&prev, seq, &event);
                let entry = AuditEntry {
                    seq,
                    event,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                entry
            })
            .collect()
    }

    fn verify(entries: &[AuditEntry], head: Option<(i64, &str)>) -> Result<i64, AuditBreak> {
        let mut v = ChainVerifier::new();
        for e in entries {
            v.push(e)?;
        }
        v.finish(head)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let entries = chain(5);
        let head = (5, entries[4].hash.as_str());
        assert_eq!(verify(&entries, Some(head)), Ok(5));
    }

    #[test]
    fn an_edited_entry_is_found() {
        let mut entries = chain(5);
        entries[2].event.actor = Some("intruder".into());
        assert_eq!(verify(&entries, None), Err(AuditBreak::Content { seq: 3 }));
    }

    #[test]
    fn a_deleted_entry_is_found() {
        let mut entries = chain(5);
        entries.remove(1);
        assert_eq!(
            verify(&entries, None),
            Err(AuditBreak::Gap {
                expected: 2,
                found: 3
            })
        );
    }

    #[test]
    fn a_rehashed_entry_breaks_the_link_to_the_next() {
        let mut entries = chain(5);
        entries[1].event.detail = "{\"x\":1}".into();
        entries[1].hash = entry_hash(&entries[1].prev_hash, 2, &entries[1].event);
        assert_eq!(verify(&entries, None), Err(AuditBreak::Link { seq: 3 }));
    }

    #[test]
    fn a_cut_tail_is_found_through_the_head() {
        let entries = chain(5);
        let head_hash = entries[4].hash.clone();
        assert_eq!(
            verify(&entries[..4], Some((5, &head_hash))),
            Err(AuditBreak::Truncated {
                expected: 5,
                found: 4
            })
        );
    }

    #[test]
    fn fields_are_delimited_unambiguously() {
        let mut a = chain(1).remove(0).event;
        let mut b = a.clone();
        a.actor = Some("ab".into());
        a.actor_agency = Some("c".into());
        b.actor = Some("a".into());
        b.actor_agency = Some("bc".into());
        assert_ne!(entry_hash(GENESIS, 1, &a), entry_hash(GENESIS, 1, &b));
    }
}
