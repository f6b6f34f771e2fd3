//! Opaque cursors. A page's cursor is the position of its last item in the node's
//! storage; handed out as it is, the gap between two positions would count the
//! records created in between that the reader may not see. So positions leave the
//! service sealed: encrypted with a key derived from the node's key and a fresh
//! nonce, and authenticated together with what the cursor is for (the reader and the
//! listing), so that a cursor reveals nothing and works only where it was given.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::keys::NodeKeys;

const NONCE: usize = 12;
const TAG: usize = 12;

fn mac(key: &[u8; 32], parts: &[&[u8]]) -> Option<[u8; 32]> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    Some(mac.finalize().into_bytes().into())
}

/// Seals `position` for use in `scope` (who reads what listing).
pub(crate) fn seal(keys: &NodeKeys, scope: &str, position: i64) -> String {
    let mut nonce = [0u8; NONCE];
    rand::thread_rng().fill_bytes(&mut nonce);
    let key = keys.cursor_key();
    let Some(pad) = mac(key, &[b"pad", &nonce]) else {
        return String::new();
    };
    let mut body = position.to_be_bytes();
    for (b, p) in body.iter_mut().zip(pad) {
        *b ^= p;
    }
    let Some(tag) = mac(key, &[b"tag", scope.as_bytes(), &nonce, &body]) else {
        return String::new();
    };
    let mut out = Vec::with_capacity(NONCE + 8 + TAG);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&body);
    out.extend_from_slice(&tag[..TAG]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(out)
}

/// Opens a cursor sealed for `scope`; `None` when it was not made by this node for
/// this scope, or was changed.
pub(crate) fn open(keys: &NodeKeys, scope: &str, cursor: &str) -> Option<i64> {
    if cursor.len() > 64 {
        return None;
    }
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    if raw.len() != NONCE + 8 + TAG {
        return None;
    }
    let (nonce, rest) = raw.split_at(NONCE);
    let (body, tag) = rest.split_at(8);
    let key = keys.cursor_key();
    let expected = mac(key, &[b"tag", scope.as_bytes(), nonce, body])?;
    // Constant-time comparison of the tag.
    let diff = expected[..TAG]
        .iter()
        .zip(tag)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if diff != 0 {
        return None;
    }
    let pad = mac(key, &[b"pad", nonce])?;
    let mut position = [0u8; 8];
    for ((p, b), k) in position.iter_mut().zip(body).zip(pad) {
        *p = b ^ k;
    }
    Some(i64::from_be_bytes(position)).filter(|p| *p > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_opens_only_where_it_was_given_and_says_nothing() {
        let keys = NodeKeys::from_seed([7; 32]);
        let a = seal(&keys, "reports/1", 1_234);
        let b = seal(&keys, "reports/1", 1_234);
        assert_ne!(a, b, "the same position seals differently each time");
        assert_eq!(open(&keys, "reports/1", &a), Some(1_234));
        assert_eq!(open(&keys, "reports/2", &a), None, "another reader");
        assert_eq!(open(&NodeKeys::from_seed([8; 32]), "reports/1", &a), None);
        // Any change to the text is refused.
        let mut bytes = a.clone().into_bytes();
        bytes[14] = if bytes[14] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            open(&keys, "reports/1", &String::from_utf8(bytes).unwrap()),
            None
        );
        assert_eq!(open(&keys, "reports/1", "1234"), None);
        assert_eq!(open(&keys, "reports/1", ""), None);
        // Neighbouring positions give unrelated cursors.
        let c = seal(&keys, "reports/1", 1_235);
        let common = a.bytes().zip(c.bytes()).take_while(|(x, y)| x == y).count();
        assert!(common < 4, "{a} {c}");
    }
}
