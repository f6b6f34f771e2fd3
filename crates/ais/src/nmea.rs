//! NMEA 0183 sentences (`!xxVDM`, `!xxVDO`) and NMEA 4.10 tag blocks.

use crate::error::Error;

/// Whether the sentence reports other stations (`VDM`) or the own station (`VDO`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SentenceKind {
    /// `VDM`: a message received from another station.
    Vdm,
    /// `VDO`: the own vessel's message.
    Vdo,
}

/// A tag-block group (`g:s-t-id`): this sentence's number, the group size, the group id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TagGroup {
    /// Number of this sentence in the group, from 1.
    pub sentence: u8,
    /// Number of sentences in the group.
    pub total: u8,
    /// Group identifier.
    pub id: u32,
}

/// An NMEA 4.10 tag block, `\key:value,...*hh\`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TagBlock<'a> {
    /// `s:` source (receiver or station id).
    pub source: Option<&'a str>,
    /// `c:` receive time, UNIX seconds (values given in milliseconds are converted).
    pub time: Option<i64>,
    /// `g:` group.
    pub group: Option<TagGroup>,
    /// `n:` line count.
    pub line_count: Option<u32>,
    /// `r:` relative time.
    pub relative_time: Option<u64>,
    /// `d:` destination.
    pub destination: Option<&'a str>,
    /// `t:` text.
    pub text: Option<&'a str>,
    /// The whole tag block body without its checksum, for the keys not parsed above.
    pub raw: &'a str,
}

impl<'a> TagBlock<'a> {
    /// Every `key:value` field, in order (parsed keys included).
    pub fn fields(&self) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.raw.split(',').filter_map(|f| f.split_once(':'))
    }

    /// Parses the body of a tag block (between the backslashes).
    pub fn parse(body: &'a [u8], verify_checksum: bool) -> Result<Self, Error> {
        let body = match body.iter().rposition(|&b| b == b'*') {
            Some(star) => {
                let (content, cs) = (&body[..star], &body[star + 1..]);
                if verify_checksum {
                    let expected = parse_hex2(cs).ok_or(Error::BadTagBlock("checksum digits"))?;
                    if xor(content) != expected {
                        return Err(Error::BadTagBlock("checksum"));
                    }
                }
                content
            }
            None => body,
        };
        let raw = core::str::from_utf8(body).map_err(|_| Error::BadTagBlock("not text"))?;
        let mut tag = TagBlock {
            raw,
            ..TagBlock::default()
        };
        for field in raw.split(',') {
            let Some((key, value)) = field.split_once(':') else {
                return Err(Error::BadTagBlock("field without ':'"));
            };
            match key {
                "s" => tag.source = Some(value),
                "c" => {
                    let v: i64 = value.parse().map_err(|_| Error::BadTagBlock("c: time"))?;
                    // Some feeds give milliseconds; UNIX seconds stay below 1e11 until year 5138.
                    tag.time = Some(if v.unsigned_abs() >= 100_000_000_000 {
                        v / 1000
                    } else {
                        v
                    });
                }
                "g" => tag.group = Some(parse_group(value)?),
                "n" => {
                    tag.line_count =
                        Some(value.parse().map_err(|_| Error::BadTagBlock("n: count"))?)
                }
                "r" => {
                    tag.relative_time =
                        Some(value.parse().map_err(|_| Error::BadTagBlock("r: time"))?)
                }
                "d" => tag.destination = Some(value),
                "t" => tag.text = Some(value),
                _ => {}
            }
        }
        Ok(tag)
    }
}

fn parse_group(value: &str) -> Result<TagGroup, Error> {
    let mut it = value.split('-');
    let (Some(s), Some(t), Some(id), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(Error::BadTagBlock("g: group"));
    };
    let err = Error::BadTagBlock("g: group");
    let sentence: u8 = s.parse().map_err(|_| err)?;
    let total: u8 = t.parse().map_err(|_| err)?;
    let id: u32 = id.parse().map_err(|_| err)?;
    if sentence == 0 || total == 0 || sentence > total {
        return Err(err);
    }
    Ok(TagGroup {
        sentence,
        total,
        id,
    })
}

/// One `!xxVDM`/`!xxVDO` sentence, borrowed from the input line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence<'a> {
    /// Talker id (`AI`, `AB`, `BS`, `SA`, ...).
    pub talker: [u8; 2],
    /// VDM or VDO.
    pub kind: SentenceKind,
    /// Number of sentences in the message (1-9).
    pub total: u8,
    /// Number of this sentence (1..=total).
    pub number: u8,
    /// Sequential message id of a multi-sentence message.
    pub seq_id: Option<u8>,
    /// Radio channel (`A`, `B`, `1`, `2`, ...), if given.
    pub channel: Option<u8>,
    /// The armoured payload.
    pub payload: &'a [u8],
    /// Fill bits at the end of the payload (0-5).
    pub fill_bits: u8,
    /// The tag block in front of the sentence, if any.
    pub tag: Option<TagBlock<'a>>,
    /// Why the tag block in front of the sentence was dropped, if it was malformed or
    /// failed its checksum (the sentence itself is protected by its own checksum).
    pub tag_error: Option<Error>,
}

/// Options for sentence parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// Verify the checksums of tag blocks (sentence checksums are always verified).
    pub verify_tag_checksum: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self {
            verify_tag_checksum: true,
        }
    }
}

#[inline]
fn xor(bytes: &[u8]) -> u8 {
    // Eight bytes at a time, then fold the word.
    let mut chunks = bytes.chunks_exact(8);
    let mut w = 0u64;
    for c in &mut chunks {
        let mut a = [0u8; 8];
        a.copy_from_slice(c);
        w ^= u64::from_le_bytes(a);
    }
    let w = w ^ (w >> 32);
    let w = w ^ (w >> 16);
    let w = w ^ (w >> 8);
    chunks.remainder().iter().fold(w as u8, |a, &b| a ^ b)
}

/// Position of the first `b` in `s`, eight bytes at a time.
#[inline]
fn find_byte(s: &[u8], b: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let pattern = ONES * u64::from(b);
    let mut chunks = s.chunks_exact(8);
    let mut at = 0;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let v = u64::from_le_bytes(w) ^ pattern;
        if v.wrapping_sub(ONES) & !v & HIGHS != 0 {
            return c.iter().position(|&x| x == b).map(|p| at + p);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&x| x == b)
        .map(|p| at + p)
}

#[inline]
fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

fn parse_hex2(b: &[u8]) -> Option<u8> {
    match b {
        [h, l] => Some(hex(*h)? << 4 | hex(*l)?),
        _ => None,
    }
}

#[inline]
fn small_number(field: &[u8]) -> Option<u8> {
    match field {
        [d @ b'0'..=b'9'] => Some(d - b'0'),
        [a @ b'0'..=b'9', b @ b'0'..=b'9'] => Some((a - b'0') * 10 + (b - b'0')),
        _ => None,
    }
}

/// Finds the start of the next AIS sentence or tag block in `line`.
fn find_start(line: &[u8]) -> Option<usize> {
    line.iter()
        .position(|&b| b == b'!' || b == b'\\' || b == b'$')
}

impl<'a> Sentence<'a> {
    /// Parses the first sentence of a line, tolerating a receiver prefix before it and
    /// trailing fields after its checksum.
    #[inline]
    pub fn parse(line: &'a [u8]) -> Result<Self, Error> {
        Self::parse_with(line, ParseOptions::default()).map(|(s, _)| s)
    }

    /// Parses the first sentence of `input`; returns it and the bytes after its checksum
    /// (which may hold another sentence).
    pub fn parse_with(input: &'a [u8], opts: ParseOptions) -> Result<(Self, &'a [u8]), Error> {
        let mut rest = input;
        let mut tag = None;
        let mut tag_error = None;
        loop {
            let Some(i) = find_start(rest) else {
                return Err(Error::UnknownSentence);
            };
            rest = &rest[i..];
            if rest[0] == b'\\' {
                let Some(end) = rest[1..].iter().position(|&b| b == b'\\') else {
                    return Err(Error::BadTagBlock("no closing backslash"));
                };
                match TagBlock::parse(&rest[1..1 + end], opts.verify_tag_checksum) {
                    Ok(t) => {
                        tag = Some(t);
                        tag_error = None;
                    }
                    Err(e) => {
                        tag = None;
                        tag_error = Some(e);
                    }
                }
                rest = &rest[end + 2..];
                continue;
            }
            break;
        }
        let (s, after) = Self::parse_bare(rest)?;
        Ok((
            Sentence {
                tag,
                tag_error,
                ..s
            },
            after,
        ))
    }

    /// Parses a sentence starting at `s[0] == '!'` (or `$`).
    fn parse_bare(s: &'a [u8]) -> Result<(Self, &'a [u8]), Error> {
        // "!AIVDM," is 7 bytes.
        if s.len() < 7 || s[6] != b',' || &s[3..5] != b"VD" {
            return Err(Error::UnknownSentence);
        }
        let kind = match s[5] {
            b'M' => SentenceKind::Vdm,
            b'O' => SentenceKind::Vdo,
            _ => return Err(Error::UnknownSentence),
        };
        let talker = [s[1], s[2]];
        // The first '*' ends the sentence; the separators before the payload are found by
        // a short scan, the one after it by a word-at-a-time search.
        let Some(star) = find_byte(s, b'*') else {
            return Err(Error::MalformedSentence("no checksum"));
        };
        let computed = xor(&s[1..star]);
        let mut commas = [0usize; 6];
        commas[0] = 6;
        let mut n_commas = 1;
        let mut i = 7;
        while n_commas < 5 && i < star {
            if s[i] == b',' {
                commas[n_commas] = i;
                n_commas += 1;
            }
            i += 1;
        }
        if n_commas == 5 {
            if let Some(p) = find_byte(&s[i..star], b',') {
                commas[5] = i + p;
                n_commas = 6;
            }
        }
        let expected = s
            .get(star + 1..star + 3)
            .and_then(parse_hex2)
            .ok_or(Error::MalformedSentence("checksum digits"))?;
        if computed != expected {
            return Err(Error::BadChecksum { expected, computed });
        }
        let after = &s[star + 3..];
        if n_commas < 6 {
            return Err(Error::MalformedSentence("too few fields"));
        }
        // Fields: [0] is "!AIVDM"; then count, number, sequence id, channel, payload, fill
        // bits (the last one ends at the next ',' or at '*').
        let field = |k: usize| &s[commas[k - 1] + 1..commas[k]];
        let fill_field = {
            let rest = &s[commas[5] + 1..star];
            match rest.iter().position(|&b| b == b',') {
                Some(e) => &rest[..e],
                None => rest,
            }
        };
        let total = small_number(field(1)).ok_or(Error::MalformedSentence("sentence count"))?;
        let number = small_number(field(2)).ok_or(Error::MalformedSentence("sentence number"))?;
        if total == 0 || number == 0 || number > total {
            return Err(Error::MalformedSentence("sentence number out of range"));
        }
        let seq = field(3);
        let seq_id = if seq.is_empty() {
            None
        } else {
            Some(small_number(seq).ok_or(Error::MalformedSentence("sequence id"))?)
        };
        let channel = match field(4) {
            [] => None,
            [c] => Some(*c),
            _ => return Err(Error::MalformedSentence("channel")),
        };
        let payload = field(5);
        let fill_bits = match fill_field {
            [d @ b'0'..=b'5'] => d - b'0',
            [] => 0,
            _ => return Err(Error::MalformedSentence("fill bits")),
        };
        Ok((
            Sentence {
                talker,
                kind,
                total,
                number,
                seq_id,
                channel,
                payload,
                fill_bits,
                tag: None,
                tag_error: None,
            },
            after,
        ))
    }

    /// Whether this sentence is a whole message on its own.
    pub fn is_single(&self) -> bool {
        self.total == 1 && self.tag.and_then(|t| t.group).is_none_or(|g| g.total <= 1)
    }
}

/// Computes the NMEA checksum of a sentence body (between `!` and `*`).
pub fn checksum(body: &[u8]) -> u8 {
    xor(body)
}
