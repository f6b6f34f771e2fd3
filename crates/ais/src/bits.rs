//! The six-bit armour and a fixed-size bit buffer.

use crate::error::Error;
use core::fmt;

/// Largest message the decoder holds, in bits (well above the 1008 bits of a
/// five-slot AIS message, to tolerate long multi-sentence binary messages).
pub const MAX_BITS: usize = 4096;
const MAX_BYTES: usize = MAX_BITS / 8;
// Eight bytes of padding so that a 64-bit load at any in-range offset stays in bounds.
const BUF_BYTES: usize = MAX_BYTES + 8;

/// Value of an armour character, or `None` when it is not part of the armour.
#[inline]
pub const fn unarmour(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'W' => Some(c - b'0'),
        b'`'..=b'w' => Some(c - b'0' - 8),
        _ => None,
    }
}

/// Six-bit value of each byte, or 0x80 when the byte is not an armour character.
static UNARMOUR: [u8; 256] = {
    let mut t = [0x80u8; 256];
    let mut c = 0;
    while c < 256 {
        if let Some(v) = unarmour(c as u8) {
            t[c] = v;
        }
        c += 1;
    }
    t
};

/// Armour character of a six-bit value (the low six bits of `v`).
#[inline]
pub const fn armour(v: u8) -> u8 {
    let v = v & 0x3f;
    if v < 40 {
        v + b'0'
    } else {
        v + b'0' + 8
    }
}

/// The AIS six-bit text alphabet (ITU-R M.1371, table 47).
pub const SIXBIT_ASCII: &[u8; 64] =
    b"@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?";

/// A message as a packed bit string, big-endian within bytes.
///
/// Fixed size, so decoding needs no allocation; reuse one buffer for many messages.
#[derive(Clone)]
pub struct BitBuf {
    data: [u8; BUF_BYTES],
    len: usize,
}

impl Default for BitBuf {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for BitBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BitBuf({} bits)", self.len)
    }
}

impl PartialEq for BitBuf {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.bytes() == other.bytes()
    }
}

impl BitBuf {
    /// An empty buffer.
    pub const fn new() -> Self {
        Self {
            data: [0; BUF_BYTES],
            len: 0,
        }
    }

    /// Number of bits held.
    #[inline]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether no bits are held.
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Empties the buffer.
    #[inline]
    pub fn clear(&mut self) {
        self.len = 0;
        self.data[..8].fill(0);
    }

    /// The bytes holding the bits; the last one is zero-padded on the right.
    pub fn bytes(&self) -> &[u8] {
        &self.data[..self.len.div_ceil(8)]
    }

    /// Appends an armoured payload, dropping `fill_bits` bits at its end.
    pub fn push_armoured(&mut self, payload: &[u8], fill_bits: u8) -> Result<(), Error> {
        let add = payload.len() * 6;
        let new_len = self.len + add;
        if new_len > MAX_BITS {
            return Err(Error::PayloadTooLong {
                msg_type: 0,
                bits: new_len,
            });
        }
        let mut byte_idx = self.len / 8;
        let mut rest = payload;
        if self.len.is_multiple_of(8) {
            // Fast path: four characters make three bytes.
            let mut chunks = rest.chunks_exact(4);
            for c in &mut chunks {
                let (a, b, cc, d) = (
                    UNARMOUR[usize::from(c[0])],
                    UNARMOUR[usize::from(c[1])],
                    UNARMOUR[usize::from(c[2])],
                    UNARMOUR[usize::from(c[3])],
                );
                if (a | b | cc | d) & 0x80 != 0 {
                    let bad = c
                        .iter()
                        .copied()
                        .find(|&x| UNARMOUR[usize::from(x)] & 0x80 != 0)
                        .unwrap_or(0);
                    return Err(Error::InvalidArmour { byte: bad });
                }
                let v = u32::from(a) << 18 | u32::from(b) << 12 | u32::from(cc) << 6 | u32::from(d);
                self.data[byte_idx] = (v >> 16) as u8;
                self.data[byte_idx + 1] = (v >> 8) as u8;
                self.data[byte_idx + 2] = v as u8;
                byte_idx += 3;
            }
            rest = chunks.remainder();
        }
        let mut acc: u32 = 0;
        let mut acc_bits: u32 = 0;
        // Continue from a partial byte, if any.
        let pos = self.len + (payload.len() - rest.len()) * 6;
        let rem = (pos % 8) as u32;
        if rem != 0 {
            acc = u32::from(self.data[byte_idx] >> (8 - rem));
            acc_bits = rem;
        }
        for &c in rest {
            let v = UNARMOUR[usize::from(c)];
            if v & 0x80 != 0 {
                return Err(Error::InvalidArmour { byte: c });
            }
            acc = (acc << 6) | u32::from(v);
            acc_bits += 6;
            if acc_bits >= 8 {
                acc_bits -= 8;
                self.data[byte_idx] = (acc >> acc_bits) as u8;
                byte_idx += 1;
                acc &= (1 << acc_bits) - 1;
            }
        }
        if acc_bits > 0 {
            self.data[byte_idx] = (acc << (8 - acc_bits)) as u8;
            byte_idx += 1;
        }
        let end_len = new_len.saturating_sub(usize::from(fill_bits).min(add));
        // Zero what follows, so that reads past the end see zeros.
        let end = (byte_idx + 8).min(BUF_BYTES);
        self.data[byte_idx..end].fill(0);
        self.len = end_len;
        if !end_len.is_multiple_of(8) {
            self.data[end_len / 8] &= 0xffu8 << (8 - end_len % 8);
        }
        Ok(())
    }

    /// Replaces the contents with `len` bits from `bytes` (as given by [`BitBuf::bytes`]).
    /// Returns false, leaving the buffer empty, when they do not fit.
    pub fn set_bytes(&mut self, bytes: &[u8], len: usize) -> bool {
        let n = len.div_ceil(8);
        if len > MAX_BITS || bytes.len() < n {
            self.clear();
            return false;
        }
        self.data[..n].copy_from_slice(&bytes[..n]);
        self.data[n..n + 8].fill(0);
        if !len.is_multiple_of(8) {
            self.data[len / 8] &= 0xffu8 << (8 - len % 8);
        }
        self.len = len;
        true
    }

    /// Appends the `n` (<= 32) low bits of `v` (used by encoders and tests).
    pub fn push_bits(&mut self, v: u64, n: u32) -> bool {
        if self.len + n as usize > MAX_BITS {
            return false;
        }
        for i in (0..n).rev() {
            let bit = (v >> i) & 1;
            let b = self.len / 8;
            let mask = 0x80u8 >> (self.len % 8);
            if bit == 1 {
                self.data[b] |= mask;
            } else {
                self.data[b] &= !mask;
            }
            self.len += 1;
        }
        let b = self.len.div_ceil(8);
        let end = (b + 8).min(BUF_BYTES);
        self.data[b..end].fill(0);
        true
    }

    /// Reads `n` (<= 57) bits from `start` as an unsigned value; bits past the end of the
    /// message read as zero.
    #[inline]
    pub fn u(&self, start: usize, n: u32) -> u64 {
        debug_assert!(n <= 57);
        if n == 0 {
            return 0;
        }
        let b = start / 8;
        if b + 8 > BUF_BYTES {
            return 0;
        }
        let mut w = [0u8; 8];
        w.copy_from_slice(&self.data[b..b + 8]);
        let w = u64::from_be_bytes(w);
        let v = (w << (start % 8)) >> (64 - n);
        // A field cut by the end of the message reads as zero-padded on the right.
        if start + n as usize > self.len {
            if start >= self.len {
                return 0;
            }
            let valid = (self.len - start) as u32;
            return (v >> (n - valid)) << (n - valid);
        }
        v
    }

    /// Reads `n` bits as u32.
    #[inline]
    pub fn u32(&self, start: usize, n: u32) -> u32 {
        self.u(start, n) as u32
    }

    /// Reads `n` bits as a two's complement signed value.
    #[inline]
    pub fn i32(&self, start: usize, n: u32) -> i32 {
        let v = self.u(start, n) as u32;
        let shift = 32 - n;
        ((v << shift) as i32) >> shift
    }

    /// Reads one bit as a flag.
    #[inline]
    pub fn flag(&self, start: usize) -> bool {
        self.u(start, 1) != 0
    }

    /// A six-bit text field of `chars` characters at `start`, clipped to the message.
    #[inline]
    pub fn text(&self, start: usize, chars: usize) -> SixBitText<'_> {
        let avail = self.len.saturating_sub(start) / 6;
        SixBitText {
            buf: self,
            start,
            chars: chars.min(avail),
        }
    }

    /// A view of the bits from `start` to `start + len`.
    #[inline]
    pub fn slice(&self, start: usize, len: usize) -> Bits<'_> {
        let start = start.min(self.len);
        let len = len.min(self.len - start);
        Bits {
            buf: self,
            start,
            len,
        }
    }
}

/// A six-bit text field, rendered lazily (no allocation).
///
/// Rendering follows gpsd: text stops at the first `@` and trailing spaces are dropped.
#[derive(Clone, Copy)]
pub struct SixBitText<'a> {
    buf: &'a BitBuf,
    start: usize,
    chars: usize,
}

impl<'a> SixBitText<'a> {
    /// Every character of the field, `@` padding included.
    pub fn raw_chars(&self) -> impl Iterator<Item = u8> + 'a {
        let buf = self.buf;
        let start = self.start;
        (0..self.chars).map(move |i| SIXBIT_ASCII[buf.u(start + 6 * i, 6) as usize])
    }

    /// The characters of the text as it is displayed.
    pub fn chars(&self) -> impl Iterator<Item = u8> + 'a {
        let n = self.display_len();
        self.raw_chars().take(n)
    }

    fn display_len(&self) -> usize {
        let mut n = 0;
        let mut last_non_space = 0;
        for c in self.raw_chars() {
            if c == b'@' {
                break;
            }
            n += 1;
            if c != b' ' {
                last_non_space = n;
            }
        }
        last_non_space
    }

    /// Whether the displayed text is empty.
    pub fn is_empty(&self) -> bool {
        self.display_len() == 0
    }

    /// Number of characters in the field, padding included.
    pub fn field_chars(&self) -> usize {
        self.chars
    }
}

impl fmt::Display for SixBitText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        for c in self.chars() {
            f.write_char(char::from(c))?;
        }
        Ok(())
    }
}

impl fmt::Debug for SixBitText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_string())
    }
}

impl PartialEq for SixBitText<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.chars().eq(other.chars())
    }
}

impl PartialEq<str> for SixBitText<'_> {
    fn eq(&self, other: &str) -> bool {
        self.chars().eq(other.bytes())
    }
}

impl PartialEq<&str> for SixBitText<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.chars().eq(other.bytes())
    }
}

/// A run of raw bits inside a message (binary application data).
#[derive(Clone, Copy)]
pub struct Bits<'a> {
    buf: &'a BitBuf,
    start: usize,
    len: usize,
}

impl<'a> Bits<'a> {
    /// Number of bits.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no bits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Offset of the first bit in the message.
    pub fn start(&self) -> usize {
        self.start
    }

    /// The bits as bytes, left-aligned, the last byte zero-padded.
    pub fn bytes(&self) -> impl Iterator<Item = u8> + 'a {
        let (buf, start, len) = (self.buf, self.start, self.len);
        (0..len.div_ceil(8)).map(move |i| {
            let s = start + 8 * i;
            let n = (len - 8 * i).min(8) as u32;
            (buf.u(s, n) << (8 - n)) as u8
        })
    }

    /// The bytes covering the run, with the bits that follow it in the message (rather than
    /// zeros) in the last byte, as gpsd prints binary data.
    pub fn bytes_unmasked(&self) -> impl Iterator<Item = u8> + 'a {
        let (buf, start, len) = (self.buf, self.start, self.len);
        (0..len.div_ceil(8)).map(move |i| {
            let s = start + 8 * i;
            // Left-aligned, with zeros past the end of the message.
            let n = buf.len().saturating_sub(s).min(8) as u32;
            (buf.u(s, n) << (8 - n)) as u8
        })
    }

    /// Reads `n` bits at `offset` inside this run.
    pub fn u(&self, offset: usize, n: u32) -> u64 {
        if offset >= self.len {
            return 0;
        }
        let avail = (self.len - offset).min(n as usize) as u32;
        self.buf.u(self.start + offset, avail) << (n - avail)
    }

    /// The message buffer this run lives in.
    pub fn buf(&self) -> &'a BitBuf {
        self.buf
    }
}

impl fmt::Debug for Bits<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.len)?;
        for b in self.bytes() {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl PartialEq for Bits<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.bytes().eq(other.bytes())
    }
}
