//! Errors as values: every way a line or a message can be wrong.

use core::fmt;

/// The kind of an [`Error`], used for counting in the stream API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorKind {
    /// The `*hh` checksum does not match the sentence.
    BadChecksum,
    /// The line holds no `!xxVDM`/`!xxVDO` sentence (another NMEA sentence or garbage).
    UnknownSentence,
    /// A sentence field (count, number, channel, fill bits, checksum digits) is malformed.
    MalformedSentence,
    /// The NMEA 4.10 tag block is malformed or its checksum does not match.
    BadTagBlock,
    /// The payload holds a character outside the AIS six-bit armour.
    InvalidArmour,
    /// The payload is shorter than its message type needs.
    PayloadTooShort,
    /// The payload is longer than its message type allows (or longer than any AIS message).
    PayloadTooLong,
    /// The message type is 0 or above 27.
    UnknownMessageType,
    /// A later fragment arrived without its first fragment.
    OrphanFragment,
    /// The same fragment number arrived twice for one message.
    DuplicateFragment,
    /// A partial message was dropped because its fragments did not all arrive in time
    /// (or because too many partial messages were held at once).
    FragmentTimeout,
}

impl ErrorKind {
    /// All kinds, in a stable order (for reports).
    pub const ALL: [ErrorKind; 11] = [
        ErrorKind::BadChecksum,
        ErrorKind::UnknownSentence,
        ErrorKind::MalformedSentence,
        ErrorKind::BadTagBlock,
        ErrorKind::InvalidArmour,
        ErrorKind::PayloadTooShort,
        ErrorKind::PayloadTooLong,
        ErrorKind::UnknownMessageType,
        ErrorKind::OrphanFragment,
        ErrorKind::DuplicateFragment,
        ErrorKind::FragmentTimeout,
    ];

    /// A short, stable, machine-readable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::BadChecksum => "bad_checksum",
            ErrorKind::UnknownSentence => "unknown_sentence",
            ErrorKind::MalformedSentence => "malformed_sentence",
            ErrorKind::BadTagBlock => "bad_tag_block",
            ErrorKind::InvalidArmour => "invalid_armour",
            ErrorKind::PayloadTooShort => "payload_too_short",
            ErrorKind::PayloadTooLong => "payload_too_long",
            ErrorKind::UnknownMessageType => "unknown_message_type",
            ErrorKind::OrphanFragment => "orphan_fragment",
            ErrorKind::DuplicateFragment => "duplicate_fragment",
            ErrorKind::FragmentTimeout => "fragment_timeout",
        }
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A decoding error, with the detail needed to understand it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// Checksum mismatch.
    BadChecksum {
        /// Checksum written in the sentence.
        expected: u8,
        /// Checksum computed over the sentence.
        computed: u8,
    },
    /// No AIS sentence in the input.
    UnknownSentence,
    /// A malformed sentence field.
    MalformedSentence(&'static str),
    /// A malformed tag block.
    BadTagBlock(&'static str),
    /// A character outside the six-bit armour.
    InvalidArmour {
        /// The offending byte.
        byte: u8,
    },
    /// The payload is too short for its message type.
    PayloadTooShort {
        /// Message type (0 if the payload could not even hold one).
        msg_type: u8,
        /// Bits available.
        bits: usize,
    },
    /// The payload is too long.
    PayloadTooLong {
        /// Message type (0 when the whole payload exceeds the decoder's buffer).
        msg_type: u8,
        /// Bits available.
        bits: usize,
    },
    /// Message type 0 or above 27.
    UnknownMessageType(u8),
    /// A later fragment without its first one.
    OrphanFragment,
    /// A fragment seen twice.
    DuplicateFragment,
    /// A partial message dropped (timed out or evicted).
    FragmentTimeout,
}

impl Error {
    /// The kind of this error.
    pub const fn kind(&self) -> ErrorKind {
        match self {
            Error::BadChecksum { .. } => ErrorKind::BadChecksum,
            Error::UnknownSentence => ErrorKind::UnknownSentence,
            Error::MalformedSentence(_) => ErrorKind::MalformedSentence,
            Error::BadTagBlock(_) => ErrorKind::BadTagBlock,
            Error::InvalidArmour { .. } => ErrorKind::InvalidArmour,
            Error::PayloadTooShort { .. } => ErrorKind::PayloadTooShort,
            Error::PayloadTooLong { .. } => ErrorKind::PayloadTooLong,
            Error::UnknownMessageType(_) => ErrorKind::UnknownMessageType,
            Error::OrphanFragment => ErrorKind::OrphanFragment,
            Error::DuplicateFragment => ErrorKind::DuplicateFragment,
            Error::FragmentTimeout => ErrorKind::FragmentTimeout,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BadChecksum { expected, computed } => {
                write!(
                    f,
                    "bad checksum: sentence says {expected:02X}, computed {computed:02X}"
                )
            }
            Error::UnknownSentence => f.write_str("no AIS sentence (!xxVDM or !xxVDO)"),
            Error::MalformedSentence(what) => write!(f, "malformed sentence: {what}"),
            Error::BadTagBlock(what) => write!(f, "bad tag block: {what}"),
            Error::InvalidArmour { byte } => write!(f, "invalid armour character 0x{byte:02x}"),
            Error::PayloadTooShort { msg_type, bits } => {
                write!(f, "payload too short for type {msg_type}: {bits} bits")
            }
            Error::PayloadTooLong { msg_type, bits } => {
                write!(f, "payload too long for type {msg_type}: {bits} bits")
            }
            Error::UnknownMessageType(t) => write!(f, "unknown message type {t}"),
            Error::OrphanFragment => f.write_str("fragment without its first fragment"),
            Error::DuplicateFragment => f.write_str("duplicate fragment"),
            Error::FragmentTimeout => f.write_str("incomplete multi-sentence message dropped"),
        }
    }
}

impl std::error::Error for Error {}
