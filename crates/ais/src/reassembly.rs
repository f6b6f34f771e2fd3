//! Reassembly of multi-sentence messages, by channel, sequence id and source, or by
//! tag-block group. Pure: time is an input.

use crate::bits::BitBuf;
use crate::error::Error;
use crate::nmea::Sentence;

/// Limits on partial messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReassemblyLimits {
    /// Most partial messages held at once; the oldest is dropped to make room.
    pub max_partials: usize,
    /// A partial message older than this (seconds of receive time) is dropped.
    pub timeout_secs: i64,
    /// A partial message older than this many sentences is dropped (used when no
    /// receive time is known, and as a bound on memory in any case).
    pub max_age_sentences: u64,
}

impl Default for ReassemblyLimits {
    fn default() -> Self {
        Self {
            max_partials: 64,
            timeout_secs: 60,
            max_age_sentences: 1000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Sentence {
        source: u64,
        channel: u8,
        seq_id: u8,
        total: u8,
    },
    Group {
        source: u64,
        id: u32,
        total: u8,
    },
}

#[derive(Debug)]
struct Partial {
    key: Key,
    next: u8,
    total: u8,
    started_at: Option<i64>,
    started_seq: u64,
    bits: BitBuf,
    source: String,
    source_hash: u64,
    key_has_source: bool,
    in_use: bool,
}

/// Metadata of a reassembled message, taken from its first sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assembled<'a> {
    /// The message bits.
    pub bits: &'a BitBuf,
    /// Tag-block source of the first sentence (`s:`), if any.
    pub source: Option<&'a str>,
    /// Receive time of the first sentence, if known.
    pub time: Option<i64>,
    /// Number of sentences.
    pub sentences: u8,
}

/// Holds partial multi-sentence messages until they complete.
#[derive(Debug)]
pub struct Reassembler {
    limits: ReassemblyLimits,
    slots: Vec<Partial>,
    out: BitBuf,
    out_source: String,
    out_has_source: bool,
    out_time: Option<i64>,
    out_sentences: u8,
    seq: u64,
    dropped: u64,
}

fn hash(s: Option<&str>) -> u64 {
    // FNV-1a; only used to tell sources apart.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    if let Some(s) = s {
        for b in s.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

impl Default for Reassembler {
    fn default() -> Self {
        Self::new(ReassemblyLimits::default())
    }
}

impl Reassembler {
    /// A reassembler with the given limits.
    pub fn new(limits: ReassemblyLimits) -> Self {
        Self {
            limits: ReassemblyLimits {
                max_partials: limits.max_partials.max(1),
                ..limits
            },
            slots: Vec::new(),
            out: BitBuf::new(),
            out_source: String::new(),
            out_has_source: false,
            out_time: None,
            out_sentences: 0,
            seq: 0,
            dropped: 0,
        }
    }

    /// Number of partial messages dropped (timed out, evicted, replaced or left
    /// incomplete) since the last call; resets the count.
    pub fn take_dropped(&mut self) -> u64 {
        core::mem::take(&mut self.dropped)
    }

    /// Number of partial messages currently held.
    pub fn pending(&self) -> usize {
        self.slots.iter().filter(|p| p.in_use).count()
    }

    /// Drops every partial message (counted as dropped), e.g. at the end of input.
    pub fn flush(&mut self) {
        for p in &mut self.slots {
            if p.in_use {
                p.in_use = false;
                self.dropped += 1;
            }
        }
    }

    /// Drops partial messages that are too old. Receive times are compared only between
    /// sentences of the same source: merged feeds are not in time order across sources.
    fn expire(&mut self, now: Option<i64>, source_hash: u64) {
        let seq = self.seq;
        let limits = self.limits;
        for p in &mut self.slots {
            if !p.in_use {
                continue;
            }
            let too_old = seq.saturating_sub(p.started_seq) > limits.max_age_sentences
                || (p.source_hash == source_hash
                    && matches!((now, p.started_at), (Some(n), Some(s)) if n.saturating_sub(s) > limits.timeout_secs));
            if too_old {
                p.in_use = false;
                self.dropped += 1;
            }
        }
    }

    /// Adds one sentence. Returns the whole message when this sentence completes one.
    ///
    /// `now` is the current time in UNIX seconds if the caller knows it; the tag block's
    /// `c:` time is used when present.
    pub fn push(
        &mut self,
        s: &Sentence<'_>,
        now: Option<i64>,
    ) -> Result<Option<Assembled<'_>>, Error> {
        if self.push_sentence(s, now)? {
            Ok(Some(self.assembled()))
        } else {
            Ok(None)
        }
    }

    /// The last completed message.
    pub fn assembled(&self) -> Assembled<'_> {
        Assembled {
            bits: &self.out,
            source: if self.out_has_source {
                Some(self.out_source.as_str())
            } else {
                None
            },
            time: self.out_time,
            sentences: self.out_sentences,
        }
    }

    /// Adds one sentence; returns whether it completed a message, which
    /// [`Reassembler::assembled`] then gives.
    pub fn push_sentence(&mut self, s: &Sentence<'_>, now: Option<i64>) -> Result<bool, Error> {
        self.seq += 1;
        let tag = s.tag;
        let now = tag.and_then(|t| t.time).or(now);
        let source = tag.and_then(|t| t.source);
        let group = tag.and_then(|t| t.group);
        let source_hash = hash(source);
        let (key, number, total) = match group {
            Some(g) if g.total > 1 => (
                Key::Group {
                    source: 0,
                    id: g.id,
                    total: g.total,
                },
                g.sentence,
                g.total,
            ),
            _ => (
                Key::Sentence {
                    source: source_hash,
                    channel: s.channel.unwrap_or(0),
                    seq_id: s.seq_id.unwrap_or(u8::MAX),
                    total: s.total,
                },
                s.number,
                s.total,
            ),
        };
        if !self.slots.is_empty() {
            self.expire(now, source_hash);
        }
        if total <= 1 {
            self.out.clear();
            self.out.push_armoured(s.payload, s.fill_bits)?;
            self.out_source.clear();
            if let Some(src) = source {
                self.out_source.push_str(src);
            }
            self.out_has_source = source.is_some();
            self.out_time = now;
            self.out_sentences = 1;
            return Ok(true);
        }
        let found = self.slots.iter().position(|p| p.in_use && p.key == key);
        if number == 1 {
            let idx = match found {
                Some(i) => {
                    // A new first fragment replaces an unfinished message with the same key.
                    self.dropped += 1;
                    i
                }
                None => self.free_slot(),
            };
            let seq = self.seq;
            let p = &mut self.slots[idx];
            p.key = key;
            p.next = 2;
            p.total = total;
            p.started_at = now;
            p.started_seq = seq;
            p.bits.clear();
            p.source.clear();
            if let Some(src) = source {
                p.source.push_str(src);
            }
            p.key_has_source = source.is_some();
            p.source_hash = source_hash;
            p.in_use = true;
            if let Err(e) = p.bits.push_armoured(s.payload, s.fill_bits) {
                p.in_use = false;
                return Err(e);
            }
            return Ok(false);
        }
        let Some(idx) = found else {
            return Err(Error::OrphanFragment);
        };
        let p = &mut self.slots[idx];
        if number < p.next {
            return Err(Error::DuplicateFragment);
        }
        if number > p.next {
            // A fragment is missing: the partial message can never complete.
            p.in_use = false;
            self.dropped += 1;
            return Err(Error::OrphanFragment);
        }
        if let Err(e) = p.bits.push_armoured(s.payload, s.fill_bits) {
            p.in_use = false;
            return Err(e);
        }
        p.next += 1;
        if number < p.total {
            return Ok(false);
        }
        p.in_use = false;
        core::mem::swap(&mut self.out, &mut p.bits);
        core::mem::swap(&mut self.out_source, &mut p.source);
        self.out_time = p.started_at;
        self.out_has_source = p.key_has_source;
        self.out_sentences = p.total;
        Ok(true)
    }

    fn free_slot(&mut self) -> usize {
        if let Some(i) = self.slots.iter().position(|p| !p.in_use) {
            return i;
        }
        if self.slots.len() < self.limits.max_partials {
            self.slots.push(Partial {
                key: Key::Group {
                    source: 0,
                    id: 0,
                    total: 0,
                },
                next: 0,
                total: 0,
                started_at: None,
                started_seq: 0,
                bits: BitBuf::new(),
                source: String::new(),
                source_hash: 0,
                key_has_source: false,
                in_use: false,
            });
            return self.slots.len() - 1;
        }
        // Full: evict the oldest.
        let mut oldest = 0;
        for (i, p) in self.slots.iter().enumerate() {
            if p.started_seq < self.slots[oldest].started_seq {
                oldest = i;
            }
        }
        self.dropped += 1;
        oldest
    }
}
