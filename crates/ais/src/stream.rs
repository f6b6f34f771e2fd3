//! Streaming decoder over any `BufRead`: lines in, messages and counted errors out.

use std::io::BufRead;

use crate::bits::BitBuf;
use crate::error::{Error, ErrorKind};
use crate::message::Message;
use crate::nmea::{ParseOptions, Sentence, SentenceKind, TagGroup};
use crate::reassembly::{Reassembler, ReassemblyLimits};

/// Counts kept by the stream decoder.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stats {
    /// Lines read.
    pub lines: u64,
    /// Blank and `#` comment lines skipped.
    pub skipped_lines: u64,
    /// AIS sentences parsed successfully.
    pub sentences: u64,
    /// Messages decoded.
    pub messages: u64,
    /// Messages decoded, by type (index = type; 0 unused).
    pub by_type: [u64; 28],
    errors: [u64; ErrorKind::ALL.len()],
}

impl Stats {
    /// Count of errors of one kind.
    pub fn errors(&self, kind: ErrorKind) -> u64 {
        self.errors[kind.index()]
    }

    /// Total number of errors.
    pub fn total_errors(&self) -> u64 {
        self.errors.iter().sum()
    }

    /// Errors by kind, skipping kinds never seen.
    pub fn error_counts(&self) -> impl Iterator<Item = (ErrorKind, u64)> + '_ {
        ErrorKind::ALL
            .into_iter()
            .map(|k| (k, self.errors(k)))
            .filter(|&(_, n)| n > 0)
    }

    /// Counts one error.
    pub fn count_error(&mut self, kind: ErrorKind) {
        self.errors[kind.index()] += 1;
    }

    /// Adds another set of counts to these.
    pub fn merge(&mut self, other: &Stats) {
        self.lines += other.lines;
        self.skipped_lines += other.skipped_lines;
        self.sentences += other.sentences;
        self.messages += other.messages;
        for (a, b) in self.by_type.iter_mut().zip(other.by_type) {
            *a += b;
        }
        for (a, b) in self.errors.iter_mut().zip(other.errors) {
            *a += b;
        }
    }

    /// Adds `n` errors of one kind.
    pub fn add_errors(&mut self, kind: ErrorKind, n: u64) {
        self.errors[kind.index()] += n;
    }
}

/// Where a decoded message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta<'a> {
    /// Talker id of the last sentence.
    pub talker: [u8; 2],
    /// VDM or VDO.
    pub kind: SentenceKind,
    /// Radio channel, if given.
    pub channel: Option<u8>,
    /// Tag-block source (`s:`) of the first sentence.
    pub source: Option<&'a str>,
    /// Receive time (tag block `c:`, UNIX seconds) of the first sentence, or the caller's clock.
    pub time: Option<i64>,
    /// Tag-block group of the last sentence, if any.
    pub group: Option<TagGroup>,
    /// Number of sentences the message spanned.
    pub sentences: u8,
}

/// A decoded message with its metadata.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decoded<'a> {
    /// The message.
    pub message: Message<'a>,
    /// Where it came from.
    pub meta: Meta<'a>,
}

/// Options of the stream decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreamOptions {
    /// Sentence parsing options.
    pub parse: ParseOptions,
    /// Reassembly limits.
    pub limits: ReassemblyLimits,
}

/// Decodes a stream of NMEA lines. Call [`StreamDecoder::next_message`] until it returns
/// `None`; errors are returned as values and counted in [`StreamDecoder::stats`].
///
/// Memory stays bounded: one line buffer (which grows to the longest line) and a bounded
/// set of partial messages.
#[derive(Debug)]
pub struct StreamDecoder<R> {
    reader: R,
    line: Vec<u8>,
    pos: usize,
    opts: StreamOptions,
    reasm: Reassembler,
    stats: Stats,
    clock: Option<i64>,
    eof: bool,
}

/// Lines longer than this are cut (and their sentences will fail their checksum).
const MAX_LINE: u64 = 64 * 1024;

impl<R: BufRead> StreamDecoder<R> {
    /// A decoder with default options.
    pub fn new(reader: R) -> Self {
        Self::with_options(reader, StreamOptions::default())
    }

    /// A decoder with the given options.
    pub fn with_options(reader: R, opts: StreamOptions) -> Self {
        Self {
            reader,
            line: Vec::with_capacity(256),
            pos: 0,
            opts,
            reasm: Reassembler::new(opts.limits),
            stats: Stats::default(),
            clock: None,
            eof: false,
        }
    }

    /// Sets the caller's clock (UNIX seconds), used for fragment timeouts when sentences
    /// carry no tag-block time.
    pub fn set_clock(&mut self, now: Option<i64>) {
        self.clock = now;
    }

    /// The counts so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    fn read_line(&mut self) -> std::io::Result<bool> {
        self.line.clear();
        self.pos = 0;
        let n =
            std::io::Read::take(&mut self.reader, MAX_LINE).read_until(b'\n', &mut self.line)?;
        if n == 0 {
            return Ok(false);
        }
        if self.line.last() != Some(&b'\n') && n as u64 == MAX_LINE {
            // Skip the rest of an over-long line.
            loop {
                let buf = self.reader.fill_buf()?;
                if buf.is_empty() {
                    break;
                }
                match buf.iter().position(|&b| b == b'\n') {
                    Some(i) => {
                        self.reader.consume(i + 1);
                        break;
                    }
                    None => {
                        let l = buf.len();
                        self.reader.consume(l);
                    }
                }
            }
        }
        while matches!(self.line.last(), Some(b'\n' | b'\r')) {
            self.line.pop();
        }
        self.stats.lines += 1;
        Ok(true)
    }

    /// The next message or error; `None` at the end of input (or at an I/O error, which
    /// [`StreamDecoder::try_next_message`] returns instead).
    pub fn next_message(&mut self) -> Option<Result<Decoded<'_>, Error>> {
        self.try_next_message().unwrap_or(None)
    }

    /// Like [`StreamDecoder::next_message`], but returns I/O errors.
    pub fn try_next_message(&mut self) -> std::io::Result<Option<Result<Decoded<'_>, Error>>> {
        let meta = match self.advance()? {
            None => return Ok(None),
            Some(Err(e)) => return Ok(Some(Err(e))),
            Some(Ok(meta)) => meta,
        };
        let a = self.reasm.assembled();
        match Message::decode(a.bits) {
            Ok(message) => {
                self.stats.messages += 1;
                self.stats.by_type[usize::from(message.header.msg_type)] += 1;
                let meta = Meta {
                    source: a.source,
                    time: a.time,
                    sentences: a.sentences,
                    ..meta
                };
                Ok(Some(Ok(Decoded { message, meta })))
            }
            Err(e) => {
                self.stats.count_error(e.kind());
                Ok(Some(Err(e)))
            }
        }
    }

    /// The next whole message as bits, before decoding (for callers that decode elsewhere,
    /// e.g. on another thread); `None` at the end of input. Errors of sentences and
    /// reassembly are counted here; decoding errors are the caller's to count.
    pub fn next_bits(&mut self) -> std::io::Result<Option<Result<(&BitBuf, Meta<'_>), Error>>> {
        let meta = match self.advance()? {
            None => return Ok(None),
            Some(Err(e)) => return Ok(Some(Err(e))),
            Some(Ok(meta)) => meta,
        };
        let a = self.reasm.assembled();
        Ok(Some(Ok((
            a.bits,
            Meta {
                source: a.source,
                time: a.time,
                sentences: a.sentences,
                ..meta
            },
        ))))
    }

    /// Reads until a message completes or an error occurs; the message is then held by
    /// the reassembler.
    fn advance(&mut self) -> std::io::Result<Option<Result<Meta<'static>, Error>>> {
        loop {
            let dropped = self.reasm.take_dropped();
            if dropped > 0 {
                self.stats.add_errors(ErrorKind::FragmentTimeout, dropped);
            }
            if self.pos >= self.line.len() {
                if self.eof {
                    return Ok(None);
                }
                if !self.read_line()? {
                    self.eof = true;
                    self.reasm.flush();
                    let d = self.reasm.take_dropped();
                    self.stats.add_errors(ErrorKind::FragmentTimeout, d);
                    return Ok(None);
                }
                match self.line.iter().position(|b| !b.is_ascii_whitespace()) {
                    Some(i) if self.line[i] != b'#' => {}
                    _ => {
                        self.stats.skipped_lines += 1;
                        self.pos = self.line.len();
                        continue;
                    }
                }
            } else {
                // Another sentence on the same line?
                match next_start(&self.line[self.pos..]) {
                    Some(i) => self.pos += i,
                    None => {
                        self.pos = self.line.len();
                        continue;
                    }
                }
            }
            let parsed = Sentence::parse_with(&self.line[self.pos..], self.opts.parse);
            let (sentence, rest_len) = match parsed {
                Ok((s, rest)) => (s, rest.len()),
                Err(e) => {
                    // Nothing more can be trusted on this line.
                    self.pos = self.line.len();
                    self.stats.count_error(e.kind());
                    return Ok(Some(Err(e)));
                }
            };
            self.pos = self.line.len() - rest_len;
            self.stats.sentences += 1;
            if let Some(e) = sentence.tag_error {
                // The sentence is still good; its tag block is dropped and counted.
                self.stats.count_error(e.kind());
            }
            match self.reasm.push_sentence(&sentence, self.clock) {
                Ok(false) => continue,
                Ok(true) => {
                    return Ok(Some(Ok(Meta {
                        talker: sentence.talker,
                        kind: sentence.kind,
                        channel: sentence.channel,
                        source: None,
                        time: None,
                        group: sentence.tag.and_then(|t| t.group),
                        sentences: 1,
                    })))
                }
                Err(e) => {
                    self.stats.count_error(e.kind());
                    return Ok(Some(Err(e)));
                }
            }
        }
    }
}

/// Where another sentence (or its tag block) starts in what follows a sentence on the same
/// line; trailing receiver fields (which may hold stray `\` or `!`) are not one.
fn next_start(rest: &[u8]) -> Option<usize> {
    (0..rest.len()).find(|&i| match rest[i] {
        b'!' => rest
            .get(i + 3..i + 6)
            .is_some_and(|k| k == b"VDM" || k == b"VDO"),
        b'\\' => matches!(rest.get(i + 1..i + 3), Some([k, b':']) if k.is_ascii_alphabetic()),
        _ => false,
    })
}
