//! Conversions every identifier type shares: `FromStr`, `Display`, `Debug`,
//! `AsRef<str>`, `TryFrom<String>`/`TryFrom<&str>` and `From<T> for String`.
//!
//! `TryFrom<String>` and `From<T> for String` are what the
//! `#[serde(try_from = "String", into = "String")]` attributes use, so
//! deserialization always goes through `parse`.

/// Implements the shared text conversions for a type with
/// `fn parse(&str) -> Result<Self, IdentError>` and `fn as_str(&self) -> &str`.
macro_rules! impl_text_conversions {
    ($ty:ident) => {
        impl ::std::str::FromStr for $ty {
            type Err = $crate::IdentError;

            fn from_str(input: &str) -> Result<Self, Self::Err> {
                Self::parse(input)
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple(stringify!($ty))
                    .field(&self.as_str())
                    .finish()
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl TryFrom<String> for $ty {
            type Error = $crate::IdentError;

            fn try_from(input: String) -> Result<Self, Self::Error> {
                Self::parse(&input)
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = $crate::IdentError;

            fn try_from(input: &str) -> Result<Self, Self::Error> {
                Self::parse(input)
            }
        }

        impl From<$ty> for String {
            fn from(ident: $ty) -> String {
                ident.as_str().to_owned()
            }
        }
    };
}

pub(crate) use impl_text_conversions;

/// Views a buffer that the owning type guarantees holds only ASCII as `&str`.
///
/// The owning types construct their buffers exclusively from ASCII digits and
/// uppercase ASCII letters, so the fallback is unreachable; it exists only so
/// that no code path can panic.
pub(crate) fn ascii_str(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or("")
}

/// Numeric value of a run of ASCII digits (at most nine, so it fits `u32`).
pub(crate) fn digits_value(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |acc, digit| {
        acc * 10 + u32::from(digit.wrapping_sub(b'0'))
    })
}
