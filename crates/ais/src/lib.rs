//! Pure NMEA 0183 / AIS decoder.
//!
//! * [`decode_sentence`] decodes one single-sentence message from a byte slice into a
//!   caller-provided [`BitBuf`], without allocating.
//! * [`LineDecoder`] takes lines pushed by the caller (from a socket, a queue, a replay),
//!   reassembles multi-sentence messages (by channel, sequence id and source, or by
//!   tag-block group), and counts errors by kind.
//! * [`StreamDecoder`] reads any [`std::io::BufRead`] and pushes its lines into a
//!   [`LineDecoder`].
//! * [`gpsd`] writes messages as gpsd's AIS JSON; [`csv`] as NOAA MarineCadastre rows.
//!
//! The crate does no I/O besides reading the caller's reader, keeps no clock (time is an
//! input), starts no threads and never panics on input data.
//!
//! # Deliberate differences from gpsd
//!
//! The JSON output equals gpsd's field by field on gpsd's regression data, except (reasons
//! in `docs/ais.md`):
//!
//! * the scaled rate of turn keeps its sign (gpsd squares it away);
//! * type 26 radio status is decoded (gpsd prints 0);
//! * position reports longer than 168 bits are `PayloadTooLong` (gpsd decodes them);
//! * fields cut short by a truncated message read their missing bits as zeros;
//! * tag blocks are parsed, and a bad one is dropped and counted while its sentence is kept;
//! * fragments are reassembled by channel, sequence id and source (gpsd: by channel).

pub mod bits;
pub mod csv;
pub mod error;
pub mod gpsd;
pub mod imo289;
pub mod message;
pub mod nmea;
pub mod reassembly;
pub mod stream;

pub use bits::{BitBuf, Bits, SixBitText};
pub use error::{Error, ErrorKind};
pub use message::{Body, Header, Message};
pub use nmea::{ParseOptions, Sentence, SentenceKind, TagBlock, TagGroup};
pub use reassembly::{Reassembler, ReassemblyLimits};
pub use stream::{Decoded, LineDecoder, Meta, Pushed, Stats, StreamDecoder, StreamOptions};

/// Decodes one single-sentence AIS message (`!xxVDM,1,1,...`) from a line.
///
/// The bits go into `buf`, which the returned message borrows; reuse the buffer across
/// calls. A fragment of a multi-sentence message is an error here (use [`Reassembler`] or
/// [`StreamDecoder`] for those).
#[inline]
pub fn decode_sentence<'b>(line: &[u8], buf: &'b mut BitBuf) -> Result<Message<'b>, Error> {
    let s = Sentence::parse(line)?;
    if s.total != 1 {
        return Err(Error::MalformedSentence(
            "fragment of a multi-sentence message",
        ));
    }
    buf.clear();
    buf.push_armoured(s.payload, s.fill_bits)?;
    Message::decode(buf)
}
