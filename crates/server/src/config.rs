//! Node configuration: an optional TOML file, then `INTERDICT_*` environment
//! variables, then command-line flags. Unknown keys are refused.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// How the node runs.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// `sqlite://…` or `postgres://…`; when absent, SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Where the SQLite database and other node files live.
    pub data_dir: PathBuf,
    /// Mark session cookies `Secure`. Browsers accept them on https and on localhost.
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long a browser session or a login token lasts.
    pub session_hours: i64,
    /// `text` or `json` logs.
    pub log_format: LogFormat,
    /// Where Prometheus metrics are served, apart from the API; loopback by default.
    /// Absent (or `off` in the environment): no metrics.
    pub metrics_listen: Option<SocketAddr>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (addresses or CIDR
    /// ranges); nobody else's is believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The node's signing key file; `node.key` in `data_dir` when absent.
    pub signing_key: Option<PathBuf>,
    /// Report deconfliction hits between agencies that no agreement binds.
    pub hits_without_agreement: bool,
    /// Deconfliction skips an identifier carried by more records than this (of those
    /// the reader may know of): a value that common tells nothing.
    pub common_identifier_limit: usize,
    /// A TOML file with the thresholds of the maritime behaviour detectors and their
    /// lists (home countries, high-risk ports and countries); the published defaults
    /// when absent (docs/maritime.md).
    pub maritime_config: Option<PathBuf>,
    /// `nats://host:port`: run the maritime pipeline on NATS JetStream, shared by every
    /// process of the node that names the same server and prefix (docs/deploy.md).
    /// Absent: the pipeline runs in this process alone.
    pub nats_url: Option<String>,
    /// Prefix of the node's subjects, streams and buckets on NATS.
    pub nats_prefix: String,
}

/// The log output format.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: None,
            data_dir: PathBuf::from("interdict-data"),
            secure_cookies: true,
            max_body_bytes: 1024 * 1024,
            session_hours: 12,
            log_format: LogFormat::Text,
            metrics_listen: Some(SocketAddr::from(([127, 0, 0, 1], 9464))),
            trusted_proxies: Vec::new(),
            signing_key: None,
            hits_without_agreement: false,
            common_identifier_limit: 50,
            maritime_config: None,
            nats_url: None,
            nats_prefix: "interdict".into(),
        }
    }
}

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Parse {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("environment variable {name}: {message}")]
    Env { name: String, message: String },
}

/// Environment variables with the prefix that are not configuration keys: the log
/// filter, passwords read by `interdict admin` and `interdict demo`, and the switches of
/// the test suites (`INTERDICT_TEST_*`, `INTERDICT_REQUIRE_*`, `INTERDICT_BIN`).
const NOT_CONFIG: &[&str] = &[
    "INTERDICT_LOG",
    "INTERDICT_PASSWORD",
    "INTERDICT_DEMO_PASSWORD",
    "INTERDICT_BIN",
];
const NOT_CONFIG_PREFIXES: &[&str] = &["INTERDICT_TEST_", "INTERDICT_REQUIRE_"];

impl Config {
    /// Reads `file` (if given) and applies the `INTERDICT_*` variables of `env`.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_owned(),
                    source,
                })?;
                toml::from_str(&text).map_err(|source| ConfigError::Parse {
                    path: path.to_owned(),
                    source,
                })?
            }
            None => Config::default(),
        };
        for (name, value) in env {
            let Some(key) = name.strip_prefix("INTERDICT_") else {
                continue;
            };
            if NOT_CONFIG.contains(&name.as_str())
                || NOT_CONFIG_PREFIXES.iter().any(|p| name.starts_with(p))
            {
                continue;
            }
            let bad = |message: String| ConfigError::Env {
                name: name.clone(),
                message,
            };
            match key {
                "LISTEN" => config.listen = value.parse().map_err(|e| bad(format!("{e}")))?,
                "DATABASE_URL" => config.database_url = Some(value),
                "DATA_DIR" => config.data_dir = PathBuf::from(value),
                "SECURE_COOKIES" => config.secure_cookies = parse_bool(&value).map_err(bad)?,
                "MAX_BODY_BYTES" => {
                    config.max_body_bytes = value.parse().map_err(|e| bad(format!("{e}")))?
                }
                "SESSION_HOURS" => {
                    config.session_hours = value.parse().map_err(|e| bad(format!("{e}")))?
                }
                "LOG_FORMAT" => {
                    config.log_format = match value.as_str() {
                        "text" => LogFormat::Text,
                        "json" => LogFormat::Json,
                        _ => return Err(bad("must be text or json".into())),
                    }
                }
                "METRICS_LISTEN" => {
                    config.metrics_listen = match value.as_str() {
                        "off" | "" => None,
                        addr => Some(addr.parse().map_err(|e| bad(format!("{e}")))?),
                    }
                }
                "TRUSTED_PROXIES" => {
                    config.trusted_proxies = value
                        .split(',')
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(|v| {
                            v.parse::<ipnet::IpNet>()
                                .or_else(|_| v.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                                .map_err(|_| bad(format!("{v:?} is not an address or CIDR range")))
                        })
                        .collect::<Result<_, _>>()?
                }
                "SIGNING_KEY" => config.signing_key = Some(PathBuf::from(value)),
                "MARITIME_CONFIG" => config.maritime_config = Some(PathBuf::from(value)),
                "NATS_URL" => config.nats_url = Some(value).filter(|v| !v.is_empty()),
                "NATS_PREFIX" => config.nats_prefix = value,
                "HITS_WITHOUT_AGREEMENT" => {
                    config.hits_without_agreement = parse_bool(&value).map_err(bad)?
                }
                "COMMON_IDENTIFIER_LIMIT" => {
                    config.common_identifier_limit =
                        value.parse().map_err(|e| bad(format!("{e}")))?
                }
                _ => return Err(bad("unknown setting".into())),
            }
        }
        Ok(config)
    }

    /// What the service needs of the configuration; reads the maritime configuration
    /// file if one is named.
    pub fn service_config(&self) -> Result<interdict_service::ServiceConfig, ConfigError> {
        let mut service = interdict_service::ServiceConfig::new(self.data_dir.clone());
        service.signing_key = self.signing_key.clone();
        service.session_hours = self.session_hours;
        service.hits_without_agreement = self.hits_without_agreement;
        service.common_identifier_limit = self.common_identifier_limit;
        if let Some(path) = &self.maritime_config {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            service.maritime = toml::from_str(&text).map_err(|source| ConfigError::Parse {
                path: path.clone(),
                source,
            })?;
        }
        Ok(service)
    }

    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("interdict.db").display()
            ),
        }
    }
}

fn parse_bool(value: &str) -> Result<bool, String> {
    match value {
        "1" | "true" | "yes" => Ok(true),
        "0" | "false" | "no" => Ok(false),
        _ => Err("must be true or false".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_and_unknown_keys() {
        let env = vec![
            ("INTERDICT_LISTEN".to_owned(), "0.0.0.0:9000".to_owned()),
            ("PATH".to_owned(), "/bin".to_owned()),
        ];
        let config = Config::load(None, env).unwrap();
        assert_eq!(config.listen.port(), 9000);
        let err =
            Config::load(None, vec![("INTERDICT_LISTN".to_owned(), "x".to_owned())]).unwrap_err();
        assert!(err.to_string().contains("unknown setting"));
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("interdict.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:1\"\ncolour = \"blue\"\n").unwrap();
        let err = Config::load(Some(&path), Vec::new()).unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
    }
}

#[cfg(test)]
mod example_tests {
    use super::*;

    #[test]
    fn the_example_file_holds_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../interdict.example.toml");
        let config = Config::load(Some(&path), Vec::new()).unwrap();
        assert_eq!(config, Config::default());
    }
}
