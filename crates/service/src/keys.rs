//! The node's signing key: an Ed25519 key kept in a file outside the database, made on
//! first start with owner-only permissions. It signs checkpoints of the audit chain
//! (and, later, what the node sends to partner nodes); a key for sealing cursors is
//! derived from it, so that there is one secret file to keep safe.

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context as _};
use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::RngCore;
use sha2::{Digest, Sha256};

const HEADER: &str = "interdict-node-key-v1";

/// The node's keys.
#[derive(Clone)]
pub struct NodeKeys {
    signing: Arc<SigningKey>,
    cursor: [u8; 32],
}

impl std::fmt::Debug for NodeKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeKeys({})", self.public_hex())
    }
}

impl NodeKeys {
    /// Keys from a 32-byte seed.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let signing = SigningKey::from_bytes(&seed);
        let mut hasher = Sha256::new();
        hasher.update(b"interdict cursor key v1\n");
        hasher.update(seed);
        let cursor: [u8; 32] = hasher.finalize().into();
        Self {
            signing: Arc::new(signing),
            cursor,
        }
    }

    /// Reads the key file at `path`, or makes one (readable by its owner only) when
    /// there is none.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text)
                .with_context(|| format!("the node key file {} is not valid", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("cannot create {}", dir.display()))?;
                }
                let mut seed = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut seed);
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt as _;
                    options.mode(0o600);
                }
                let mut file = options.open(path).with_context(|| {
                    format!("cannot create the node key file {}", path.display())
                })?;
                writeln!(file, "{HEADER} {}", hex::encode(seed))?;
                file.sync_all()?;
                tracing::info!(path = %path.display(), "created the node's signing key");
                Ok(Self::from_seed(seed))
            }
            Err(e) => {
                Err(e).with_context(|| format!("cannot read the node key file {}", path.display()))
            }
        }
    }

    fn parse(text: &str) -> anyhow::Result<Self> {
        let Some(rest) = text.trim().strip_prefix(HEADER) else {
            bail!("it does not start with {HEADER}");
        };
        let bytes = hex::decode(rest.trim()).context("the key is not hex")?;
        let seed: [u8; 32] = bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("the key is not 32 bytes"))?;
        Ok(Self::from_seed(seed))
    }

    /// The public key, as 64 hex digits.
    pub fn public_hex(&self) -> String {
        hex::encode(self.signing.verifying_key().as_bytes())
    }

    /// The public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    pub(crate) fn signing(&self) -> &SigningKey {
        &self.signing
    }

    pub(crate) fn cursor_key(&self) -> &[u8; 32] {
        &self.cursor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_made_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("node.key");
        let made = NodeKeys::load_or_create(&path).unwrap();
        let read = NodeKeys::load_or_create(&path).unwrap();
        assert_eq!(made.public_hex(), read.public_hex());
        assert_eq!(made.cursor_key(), read.cursor_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o077,
                0,
                "the key file is readable by others: {mode:o}"
            );
        }
        std::fs::write(&path, "not a key").unwrap();
        assert!(NodeKeys::load_or_create(&path).is_err());
    }
}
