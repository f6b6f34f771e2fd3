//! Recorded AIS files into the engine: raw NMEA with or without tag blocks, gzip,
//! MarineCadastre and Danish Maritime Authority CSV.

use std::io::BufRead;
use std::path::Path;

use anyhow::Context;
use interdict_ais::LineDecoder;
use interdict_maritime::observation::{from_ais, Skip};
use interdict_maritime::{CsvReader, Engine, Observation, Output, SourceId};

/// Counts of one run over input files.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct InputStats {
    /// Lines read.
    pub lines: u64,
    /// AIS messages decoded.
    pub messages: u64,
    /// Observations pushed into the engine.
    pub observations: u64,
    /// Vessel messages without any time (no tag-block `c:`, no receive time).
    pub untimed: u64,
    /// Lines or messages that could not be read.
    pub errors: u64,
}

/// Whether a first line looks like a CSV header of a known format.
fn csv_reader(first: &str) -> Option<CsvReader> {
    CsvReader::from_header(first)
}

/// Reads one file (plain or gzip; `-` is standard input) into the engine, calling `drain`
/// with the output after every batch of lines so that memory stays bounded.
pub fn read_file(
    path: &Path,
    engine: &mut Engine,
    out: &mut Output,
    stats: &mut InputStats,
    drain: &mut dyn FnMut(&mut Output) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let owned = path.to_path_buf();
    let (mut input, _) = interdict_ais_cmd::open_input(Some(&owned))?;
    let file_source = engine.source_id(&format!(
        "file:{}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    let mut line = Vec::with_capacity(512);
    let mut first = true;
    let mut csv: Option<CsvReader> = None;
    let mut dec = LineDecoder::new();
    let mut obs: Vec<Observation> = Vec::with_capacity(4);
    let mut last_tag_source: Option<(String, SourceId)> = None;
    let mut batch = 0u32;
    loop {
        line.clear();
        let n = input
            .read_until(b'\n', &mut line)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        stats.lines += 1;
        if first {
            first = false;
            let text = String::from_utf8_lossy(&line);
            if let Some(r) = csv_reader(text.trim_start_matches('\u{feff}')) {
                csv = Some(r);
                continue;
            }
        }
        if let Some(r) = csv.as_mut() {
            let text = String::from_utf8_lossy(&line);
            obs.clear();
            if r.row(&text, file_source, &mut obs).is_err() {
                stats.errors += 1;
            }
            for o in obs.drain(..) {
                stats.observations += 1;
                engine.push(o, out);
            }
        } else {
            let mut items = dec.push(&line, None);
            while let Some(r) = items.next() {
                let Ok(d) = r else {
                    stats.errors += 1;
                    continue;
                };
                stats.messages += 1;
                let source = match d.meta.source {
                    None => file_source,
                    Some(s) => match &last_tag_source {
                        Some((name, id)) if name == s => *id,
                        _ => {
                            let id = engine.source_id(s);
                            last_tag_source = Some((s.to_owned(), id));
                            id
                        }
                    },
                };
                obs.clear();
                match from_ais(&d, None, source, &mut obs) {
                    Ok(()) => {}
                    Err(Skip::NoTime) => stats.untimed += 1,
                    Err(_) => {}
                }
                for o in obs.drain(..) {
                    stats.observations += 1;
                    engine.push(o, out);
                }
            }
        }
        batch += 1;
        if batch >= 4096 {
            batch = 0;
            drain(out)?;
        }
    }
    dec.finish();
    drain(out)?;
    Ok(())
}
