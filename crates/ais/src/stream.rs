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

/// Decodes lines pushed by the caller: the push-style core under [`StreamDecoder`], for
/// callers that receive lines from elsewhere (a socket, a message queue, a replay loop).
///
/// [`LineDecoder::push`] takes one line (with or without its line ending) and the time it
/// was received, and returns the messages and errors on it one at a time; a multi-sentence
/// message comes out of the line that completes it. [`LineDecoder::finish`] ends the input
/// (partial messages still held are counted as `fragment_timeout`). Errors are returned as
/// values and counted in [`LineDecoder::stats`].
///
/// ```
/// use interdict_ais::LineDecoder;
///
/// let mut dec = LineDecoder::new();
/// let mut items = dec.push(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\r\n", Some(1_700_000_000));
/// let decoded = items.next().unwrap().unwrap();
/// assert_eq!(decoded.message.header.mmsi, 371798000);
/// assert_eq!(decoded.meta.time, Some(1_700_000_000));
/// assert!(items.next().is_none());
/// ```
#[derive(Debug)]
pub struct LineDecoder {
    opts: StreamOptions,
    reasm: Reassembler,
    stats: Stats,
    /// Where the next sentence of the current line is looked for.
    pos: usize,
    /// The current line has not been parsed yet.
    fresh: bool,
    /// The current line holds nothing more.
    done: bool,
    /// Receive time of the current line.
    received_at: Option<i64>,
}

impl Default for LineDecoder {
    fn default() -> Self {
        Self::new()
    }
}

/// The messages and errors of one pushed line, one at a time (see [`LineDecoder::push`]).
///
/// Each item borrows the decoder until the next call; dropping this early skips the rest
/// of the line.
#[derive(Debug)]
pub struct Pushed<'d, 'l> {
    dec: &'d mut LineDecoder,
    line: &'l [u8],
}

impl Pushed<'_, '_> {
    /// The next message or error on the line; `None` when the line holds nothing more.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<Result<Decoded<'_>, Error>> {
        let meta = match self.dec.step(self.line)? {
            Ok(meta) => meta,
            Err(e) => return Some(Err(e)),
        };
        Some(self.dec.decode_assembled(meta))
    }

    /// The next whole message as bits, before decoding (decoding errors are then the
    /// caller's to count); `None` when the line holds nothing more.
    pub fn next_bits(&mut self) -> Option<Result<(&BitBuf, Meta<'_>), Error>> {
        let meta = match self.dec.step(self.line)? {
            Ok(meta) => meta,
            Err(e) => return Some(Err(e)),
        };
        Some(Ok(self.dec.assembled_bits(meta)))
    }
}

impl LineDecoder {
    /// A decoder with default options.
    pub fn new() -> Self {
        Self::with_options(StreamOptions::default())
    }

    /// A decoder with the given options.
    pub fn with_options(opts: StreamOptions) -> Self {
        Self {
            opts,
            reasm: Reassembler::new(opts.limits),
            stats: Stats::default(),
            pos: 0,
            fresh: false,
            done: true,
            received_at: None,
        }
    }

    /// The counts so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Takes one line; its messages and errors come from the returned [`Pushed`].
    ///
    /// `received_at` (UNIX seconds) is the receive time of the line when the caller knows
    /// it: it becomes the message time of sentences without a tag-block time (`c:`), and
    /// times out partial messages whose fragments stop arriving.
    pub fn push<'d, 'l>(&'d mut self, line: &'l [u8], received_at: Option<i64>) -> Pushed<'d, 'l> {
        let mut end = line.len();
        while end > 0 && matches!(line[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        let line = &line[..end];
        self.begin_line(line, received_at);
        Pushed { dec: self, line }
    }

    /// Ends the input: partial messages still held are dropped and counted.
    pub fn finish(&mut self) {
        self.done = true;
        self.reasm.flush();
        let dropped = self.reasm.take_dropped();
        self.stats.add_errors(ErrorKind::FragmentTimeout, dropped);
    }

    /// Starts a new line (without its line ending).
    fn begin_line(&mut self, line: &[u8], received_at: Option<i64>) {
        self.stats.lines += 1;
        self.pos = 0;
        self.received_at = received_at;
        match line.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) if line[i] != b'#' => {
                self.fresh = true;
                self.done = false;
            }
            _ => {
                self.stats.skipped_lines += 1;
                self.fresh = false;
                self.done = true;
            }
        }
    }

    /// Parses sentences of the current line until a message completes or an error occurs;
    /// the message is then held by the reassembler. `None` when the line is used up.
    fn step(&mut self, line: &[u8]) -> Option<Result<Meta<'static>, Error>> {
        loop {
            let dropped = self.reasm.take_dropped();
            if dropped > 0 {
                self.stats.add_errors(ErrorKind::FragmentTimeout, dropped);
            }
            if self.done || self.pos >= line.len() {
                self.done = true;
                return None;
            }
            if self.fresh {
                self.fresh = false;
            } else {
                // Another sentence on the same line?
                match next_start(&line[self.pos..]) {
                    Some(i) => self.pos += i,
                    None => {
                        self.done = true;
                        continue;
                    }
                }
            }
            let parsed = Sentence::parse_with(&line[self.pos..], self.opts.parse);
            let (sentence, rest_len) = match parsed {
                Ok((s, rest)) => (s, rest.len()),
                Err(e) => {
                    // Nothing more can be trusted on this line.
                    self.done = true;
                    self.stats.count_error(e.kind());
                    return Some(Err(e));
                }
            };
            self.pos = line.len() - rest_len;
            self.stats.sentences += 1;
            if let Some(e) = sentence.tag_error {
                // The sentence is still good; its tag block is dropped and counted.
                self.stats.count_error(e.kind());
            }
            match self.reasm.push_sentence(&sentence, self.received_at) {
                Ok(false) => continue,
                Ok(true) => {
                    return Some(Ok(Meta {
                        talker: sentence.talker,
                        kind: sentence.kind,
                        channel: sentence.channel,
                        source: None,
                        time: None,
                        group: sentence.tag.and_then(|t| t.group),
                        sentences: 1,
                    }))
                }
                Err(e) => {
                    self.stats.count_error(e.kind());
                    return Some(Err(e));
                }
            }
        }
    }

    /// Decodes the message the reassembler holds.
    fn decode_assembled(&mut self, meta: Meta<'static>) -> Result<Decoded<'_>, Error> {
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
                Ok(Decoded { message, meta })
            }
            Err(e) => {
                self.stats.count_error(e.kind());
                Err(e)
            }
        }
    }

    /// The bits of the message the reassembler holds, with its metadata.
    fn assembled_bits(&self, meta: Meta<'static>) -> (&BitBuf, Meta<'_>) {
        let a = self.reasm.assembled();
        (
            a.bits,
            Meta {
                source: a.source,
                time: a.time,
                sentences: a.sentences,
                ..meta
            },
        )
    }
}

/// Decodes a stream of NMEA lines. Call [`StreamDecoder::next_message`] until it returns
/// `None`; errors are returned as values and counted in [`StreamDecoder::stats`].
///
/// It reads lines from the reader and pushes them into a [`LineDecoder`]. Memory stays
/// bounded: one line buffer (which grows to the longest line) and a bounded set of
/// partial messages.
#[derive(Debug)]
pub struct StreamDecoder<R> {
    reader: R,
    line: Vec<u8>,
    inner: LineDecoder,
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
            inner: LineDecoder::with_options(opts),
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
        self.inner.stats()
    }

    fn read_line(&mut self) -> std::io::Result<bool> {
        self.line.clear();
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
        Ok(true)
    }

    /// The next message or error; `None` at the end of input (or at an I/O error, which
    /// [`StreamDecoder::try_next_message`] returns instead).
    pub fn next_message(&mut self) -> Option<Result<Decoded<'_>, Error>> {
        self.try_next_message().unwrap_or(None)
    }

    /// Like [`StreamDecoder::next_message`], but returns I/O errors.
    pub fn try_next_message(&mut self) -> std::io::Result<Option<Result<Decoded<'_>, Error>>> {
        match self.advance()? {
            None => Ok(None),
            Some(Err(e)) => Ok(Some(Err(e))),
            Some(Ok(meta)) => Ok(Some(self.inner.decode_assembled(meta))),
        }
    }

    /// The next whole message as bits, before decoding (for callers that decode elsewhere,
    /// e.g. on another thread); `None` at the end of input. Errors of sentences and
    /// reassembly are counted here; decoding errors are the caller's to count.
    pub fn next_bits(&mut self) -> std::io::Result<Option<Result<(&BitBuf, Meta<'_>), Error>>> {
        match self.advance()? {
            None => Ok(None),
            Some(Err(e)) => Ok(Some(Err(e))),
            Some(Ok(meta)) => Ok(Some(Ok(self.inner.assembled_bits(meta)))),
        }
    }

    /// Reads lines until a message completes or an error occurs; the message is then held
    /// by the reassembler.
    fn advance(&mut self) -> std::io::Result<Option<Result<Meta<'static>, Error>>> {
        loop {
            if let Some(r) = self.inner.step(&self.line) {
                return Ok(Some(r));
            }
            if self.eof {
                return Ok(None);
            }
            if !self.read_line()? {
                self.eof = true;
                self.inner.finish();
                return Ok(None);
            }
            self.inner.begin_line(&self.line, self.clock);
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
