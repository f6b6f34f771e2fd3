//! The watch list: vessels named in intelligence, by IMO number, MMSI, call sign or name.
//! Each entry carries an opaque reference (e.g. the report it comes from) that events
//! repeat, so that the server can link back.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// One watched vessel. At least one identifier is needed; any that matches is enough.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WatchEntry {
    /// Opaque reference repeated in events (a report id, a case number).
    pub reference: String,
    /// MMSI.
    pub mmsi: Option<u32>,
    /// IMO number.
    pub imo: Option<u32>,
    /// Call sign.
    pub callsign: Option<String>,
    /// Vessel name.
    pub name: Option<String>,
}

/// Errors reading a watch list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WatchlistError {
    /// The header lacks the `reference` column or any identifier column.
    #[error("watch list header needs reference and one of mmsi, imo, callsign, name")]
    Header,
    /// A bad row.
    #[error("watch list line {line}: {what}")]
    Row {
        /// Line number, from 1.
        line: usize,
        /// What is wrong.
        what: &'static str,
    },
}

/// Normalises a name or call sign for matching: upper case, letters and digits only,
/// single spaces.
pub fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_uppercase));
    }
    out
}

/// How an entry matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// By MMSI.
    Mmsi,
    /// By IMO number.
    Imo,
    /// By call sign.
    Callsign,
    /// By name.
    Name,
}

/// The watch list, indexed by every identifier.
#[derive(Debug, Clone, Default)]
pub struct Watchlist {
    entries: Vec<WatchEntry>,
    by_mmsi: FxHashMap<u32, Vec<u32>>,
    by_imo: FxHashMap<u32, Vec<u32>>,
    by_callsign: FxHashMap<String, Vec<u32>>,
    by_name: FxHashMap<String, Vec<u32>>,
}

impl Watchlist {
    /// A watch list of these entries.
    pub fn new(entries: Vec<WatchEntry>) -> Self {
        let mut w = Self::default();
        for (i, e) in entries.iter().enumerate() {
            let i = i as u32;
            if let Some(m) = e.mmsi {
                w.by_mmsi.entry(m).or_default().push(i);
            }
            if let Some(m) = e.imo {
                w.by_imo.entry(m).or_default().push(i);
            }
            if let Some(c) = e
                .callsign
                .as_deref()
                .map(normalise)
                .filter(|c| !c.is_empty())
            {
                w.by_callsign.entry(c).or_default().push(i);
            }
            if let Some(n) = e.name.as_deref().map(normalise).filter(|n| !n.is_empty()) {
                w.by_name.entry(n).or_default().push(i);
            }
        }
        w.entries = entries;
        w
    }

    /// Reads CSV with a header naming `reference` and any of `mmsi`, `imo`, `callsign`,
    /// `name` (in any order; `IMO` prefixes allowed; empty cells skipped).
    pub fn from_csv(text: &str) -> Result<Self, WatchlistError> {
        let mut lines = text.lines().enumerate();
        let Some((_, header)) = lines.next() else {
            return Ok(Self::default());
        };
        let names: Vec<String> = header
            .split(',')
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let col = |n: &str| names.iter().position(|x| x == n);
        let reference = col("reference").ok_or(WatchlistError::Header)?;
        let (mmsi, imo, callsign, name) = (col("mmsi"), col("imo"), col("callsign"), col("name"));
        if mmsi.is_none() && imo.is_none() && callsign.is_none() && name.is_none() {
            return Err(WatchlistError::Header);
        }
        let mut entries = Vec::new();
        for (i, line) in lines {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |what| WatchlistError::Row { line: i + 1, what };
            let f: Vec<&str> = line.split(',').map(str::trim).collect();
            let cell =
                |c: Option<usize>| c.and_then(|c| f.get(c)).copied().filter(|v| !v.is_empty());
            let e = WatchEntry {
                reference: cell(Some(reference))
                    .ok_or_else(|| err("no reference"))?
                    .to_owned(),
                mmsi: cell(mmsi)
                    .map(|v| v.parse().map_err(|_| err("MMSI")))
                    .transpose()?,
                imo: cell(imo)
                    .map(|v| {
                        let v = v.trim_start_matches("IMO").trim();
                        v.parse().map_err(|_| err("IMO number"))
                    })
                    .transpose()?,
                callsign: cell(callsign).map(str::to_owned),
                name: cell(name).map(str::to_owned),
            };
            if e.mmsi.is_none() && e.imo.is_none() && e.callsign.is_none() && e.name.is_none() {
                return Err(err("no identifier"));
            }
            entries.push(e);
        }
        Ok(Self::new(entries))
    }

    /// The entries.
    pub fn entries(&self) -> &[WatchEntry] {
        &self.entries
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries matching a vessel's identity, with how each matched (first way only),
    /// sorted by entry.
    pub fn matches(
        &self,
        mmsi: u32,
        imo: Option<u32>,
        callsign: Option<&str>,
        name: Option<&str>,
    ) -> Vec<(u32, MatchedBy)> {
        let mut out: Vec<(u32, MatchedBy)> = Vec::new();
        let mut add = |list: Option<&Vec<u32>>, by| {
            for &i in list.into_iter().flatten() {
                if !out.iter().any(|&(j, _)| j == i) {
                    out.push((i, by));
                }
            }
        };
        add(self.by_mmsi.get(&mmsi), MatchedBy::Mmsi);
        if let Some(imo) = imo {
            add(self.by_imo.get(&imo), MatchedBy::Imo);
        }
        if let Some(c) = callsign {
            add(self.by_callsign.get(&normalise(c)), MatchedBy::Callsign);
        }
        if let Some(n) = name {
            add(self.by_name.get(&normalise(n)), MatchedBy::Name);
        }
        out.sort_by_key(|&(i, _)| i);
        out
    }
}
