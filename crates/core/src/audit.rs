//! The tamper-evident audit chain.
//!
//! Every change and every read of another agency's record becomes an [`AuditEvent`].
//! Entries are numbered from 1 without gaps, and each carries the SHA-256 of its
//! predecessor's hash and its own content, so editing, deleting or reordering any entry
//! breaks the chain from that point on. The node also keeps the head (last sequence
//! number and hash) apart from the entries, which reveals a cut-off tail.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Something that happened, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    /// The username, or null for the system itself.
    #[schema(required = true)]
    pub actor: Option<String>,
    #[schema(required = true)]
    pub actor_agency: Option<String>,
    /// Such as `report.create`, `report.read`, `auth.login_failed`.
    pub action: String,
    #[schema(required = true)]
    pub target_kind: Option<String>,
    #[schema(required = true)]
    pub target_id: Option<String>,
    #[schema(required = true)]
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
    #[error("entry {seq} differs from what a signed checkpoint vouches for: the chain was rewritten up to there")]
    Rewritten { seq: i64 },
    #[error("the chain ends at entry {found} but a signed checkpoint vouches for {vouched} entries: entries were removed from the end")]
    CutAfterCheckpoint { vouched: i64, found: i64 },
}

/// Checks a chain entry by entry, in sequence order.
#[derive(Debug)]
pub struct ChainVerifier {
    next_seq: i64,
    prev_hash: String,
    /// Hashes that signed checkpoints vouch for, by sequence number.
    vouched: BTreeMap<i64, String>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            next_seq: 1,
            prev_hash: GENESIS.to_owned(),
            vouched: BTreeMap::new(),
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
        if let Some(vouched) = self.vouched.get(&entry.seq) {
            if vouched != &entry.hash {
                return Err(AuditBreak::Rewritten { seq: entry.seq });
            }
        }
        self.next_seq += 1;
        self.prev_hash.clone_from(&entry.hash);
        Ok(())
    }

    /// A verifier that also checks the chain against signed checkpoints (already
    /// verified with [`verify_checkpoints`]).
    pub fn with_checkpoints<'a>(checkpoints: impl IntoIterator<Item = &'a Checkpoint>) -> Self {
        let mut verifier = Self::default();
        for checkpoint in checkpoints {
            verifier
                .vouched
                .insert(checkpoint.seq, checkpoint.hash.clone());
        }
        verifier
    }

    /// Checks the end of the chain against the separately kept head; returns the number
    /// of entries verified.
    pub fn finish(self, head: Option<(i64, &str)>) -> Result<i64, AuditBreak> {
        let last = self.next_seq - 1;
        if let Some((&vouched, _)) = self.vouched.last_key_value() {
            if vouched > last {
                return Err(AuditBreak::CutAfterCheckpoint {
                    vouched,
                    found: last,
                });
            }
        }
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

/// A statement signed by the node: "the audit chain had `seq` entries, the last of
/// them with hash `hash`", made at `at`. Whoever can write to the database but does not
/// hold the node's signing key cannot make one, so a chain that disagrees with a
/// checkpoint was changed after it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at: DateTime<Utc>,
    /// The node's public key, hex (Ed25519).
    pub key: String,
    /// The Ed25519 signature of [`Checkpoint::message`], hex.
    pub signature: String,
}

/// Why a checkpoint cannot be trusted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("line {line}: not a checkpoint: {reason}")]
    Malformed { line: usize, reason: String },
    #[error("line {line}: signed by key {key}, not by this node's key")]
    ForeignKey { line: usize, key: String },
    #[error("line {line}: the signature of the checkpoint of entry {seq} is not valid")]
    Signature { line: usize, seq: i64 },
    #[error("line {line}: checkpoint of entry {seq} comes after one of entry {previous}: the log is out of order")]
    Order {
        line: usize,
        seq: i64,
        previous: i64,
    },
}

impl Checkpoint {
    /// The bytes that are signed: a fixed label, then the fields, one per line.
    pub fn message(seq: i64, hash: &str, at: &DateTime<Utc>) -> Vec<u8> {
        format!(
            "interdict audit checkpoint v1\n{seq}\n{hash}\n{}\n",
            canonical_time(at)
        )
        .into_bytes()
    }

    /// Signs the head `(seq, hash)` of the chain at `at`.
    pub fn sign(seq: i64, hash: &str, at: DateTime<Utc>, key: &SigningKey) -> Self {
        let signature = key.sign(&Self::message(seq, hash, &at));
        Checkpoint {
            seq,
            hash: hash.to_owned(),
            at,
            key: hex::encode(key.verifying_key().as_bytes()),
            signature: hex::encode(signature.to_bytes()),
        }
    }

    /// Checks that `key` made the signature.
    pub fn verify(&self, key: &VerifyingKey) -> bool {
        let Ok(bytes) = hex::decode(&self.signature) else {
            return false;
        };
        let Ok(bytes) = <[u8; 64]>::try_from(bytes.as_slice()) else {
            return false;
        };
        self.key == hex::encode(key.as_bytes())
            && key
                .verify(
                    &Self::message(self.seq, &self.hash, &self.at),
                    &Signature::from_bytes(&bytes),
                )
                .is_ok()
    }

    /// The checkpoint as one line of the checkpoint log (JSON, no newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Parses a public key written as 64 hex digits.
pub fn parse_public_key(hex_key: &str) -> Option<VerifyingKey> {
    let bytes = hex::decode(hex_key.trim()).ok()?;
    let bytes = <[u8; 32]>::try_from(bytes.as_slice()).ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// Reads a checkpoint log (one JSON checkpoint per line; blank lines ignored) and
/// checks every line against `key`: each must parse, carry the node's key and a valid
/// signature, and none may go back in the chain. Returns the checkpoints in order,
/// or the first problem.
pub fn verify_checkpoints(
    log: &str,
    key: &VerifyingKey,
) -> Result<Vec<Checkpoint>, CheckpointError> {
    let mut out: Vec<Checkpoint> = Vec::new();
    let fingerprint = hex::encode(key.as_bytes());
    for (i, raw) in log.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let checkpoint: Checkpoint =
            serde_json::from_str(raw).map_err(|e| CheckpointError::Malformed {
                line,
                reason: e.to_string(),
            })?;
        if checkpoint.key != fingerprint {
            return Err(CheckpointError::ForeignKey {
                line,
                key: checkpoint.key,
            });
        }
        if !checkpoint.verify(key) {
            return Err(CheckpointError::Signature {
                line,
                seq: checkpoint.seq,
            });
        }
        if let Some(previous) = out.last().map(|c| c.seq).filter(|p| *p > checkpoint.seq) {
            return Err(CheckpointError::Order {
                line,
                seq: checkpoint.seq,
                previous,
            });
        }
        out.push(checkpoint);
    }
    Ok(out)
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

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn checkpoint_of(entries: &[AuditEntry], seq: i64, signer: &SigningKey) -> Checkpoint {
        let entry = &entries[(seq - 1) as usize];
        Checkpoint::sign(seq, &entry.hash, entry.event.at, signer)
    }

    fn verify_with(entries: &[AuditEntry], checkpoints: &[Checkpoint]) -> Result<i64, AuditBreak> {
        let mut v = ChainVerifier::with_checkpoints(checkpoints);
        for e in entries {
            v.push(e)?;
        }
        let last = entries.last();
        v.finish(last.map(|e| (e.seq, e.hash.as_str())))
    }

    #[test]
    fn a_signed_checkpoint_verifies_and_round_trips() {
        let entries = chain(3);
        let signer = key(1);
        let checkpoint = checkpoint_of(&entries, 3, &signer);
        assert!(checkpoint.verify(&signer.verifying_key()));
        assert!(!checkpoint.verify(&key(2).verifying_key()));
        let log = format!(
            "{}\n\n{}\n",
            checkpoint_of(&entries, 2, &signer).to_line(),
            checkpoint.to_line()
        );
        let parsed = verify_checkpoints(&log, &signer.verifying_key()).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[1], checkpoint);
        assert_eq!(verify_with(&entries, &parsed), Ok(3));
        let public = hex::encode(signer.verifying_key().as_bytes());
        assert_eq!(parse_public_key(&public), Some(signer.verifying_key()));
    }

    #[test]
    fn checkpoints_catch_a_rewritten_chain_and_a_cut_tail() {
        let entries = chain(5);
        let signer = key(1);
        let checkpoints = vec![checkpoint_of(&entries, 4, &signer)];
        // Rewriting entry 2 and every later hash, head included, as SHA-256 allows.
        let mut rewritten = entries.clone();
        rewritten[1].event.actor = Some("intruder".into());
        let mut prev = rewritten[0].hash.clone();
        for entry in rewritten.iter_mut().skip(1) {
            entry.prev_hash = prev.clone();
            entry.hash = entry_hash(&prev, entry.seq, &entry.event);
            prev = entry.hash.clone();
        }
        assert_eq!(
            verify_with(&rewritten, &[]),
            Ok(5),
            "without checkpoints it passes"
        );
        assert_eq!(
            verify_with(&rewritten, &checkpoints),
            Err(AuditBreak::Rewritten { seq: 4 })
        );
        // Cutting entries 4 and 5 and resetting the head to entry 3.
        assert_eq!(
            verify_with(&entries[..3], &checkpoints),
            Err(AuditBreak::CutAfterCheckpoint {
                vouched: 4,
                found: 3
            })
        );
        // Cutting only entry 5 is within the window after the checkpoint.
        assert_eq!(verify_with(&entries[..4], &checkpoints), Ok(4));
    }

    #[test]
    fn a_forged_or_foreign_checkpoint_is_refused() {
        let entries = chain(2);
        let signer = key(1);
        let mut forged = checkpoint_of(&entries, 2, &signer);
        forged.seq = 1;
        let err = verify_checkpoints(&forged.to_line(), &signer.verifying_key()).unwrap_err();
        assert_eq!(err, CheckpointError::Signature { line: 1, seq: 1 });
        let foreign = checkpoint_of(&entries, 2, &key(9));
        assert!(matches!(
            verify_checkpoints(&foreign.to_line(), &signer.verifying_key()),
            Err(CheckpointError::ForeignKey { line: 1, .. })
        ));
        let log = format!(
            "{}\n{}",
            checkpoint_of(&entries, 2, &signer).to_line(),
            checkpoint_of(&entries, 1, &signer).to_line()
        );
        assert!(matches!(
            verify_checkpoints(&log, &signer.verifying_key()),
            Err(CheckpointError::Order {
                line: 2,
                seq: 1,
                previous: 2
            })
        ));
        assert!(matches!(
            verify_checkpoints("{not json", &signer.verifying_key()),
            Err(CheckpointError::Malformed { line: 1, .. })
        ));
    }
}
