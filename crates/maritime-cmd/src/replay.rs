//! Replaying a recorded file at its recorded speed, at a multiple of it, or as fast as
//! possible: a pure schedule and the loop that sleeps to it.

use std::io::{BufRead, Write};
use std::time::{Duration, Instant};

use interdict_ais::{ParseOptions, Sentence};
use interdict_maritime::{CsvReader, Observation, SourceId};

/// How fast to replay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Speed {
    /// As recorded: one second of data per second.
    Recorded,
    /// This many seconds of data per second (e.g. 60: an hour a minute).
    Multiple(f64),
    /// No waiting.
    AsFastAsPossible,
}

impl std::str::FromStr for Speed {
    type Err = String;

    /// `recorded`, `max`, or a multiple such as `10` or `10x`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "recorded" | "1" | "1x" => Ok(Speed::Recorded),
            "max" | "fast" => Ok(Speed::AsFastAsPossible),
            _ => {
                let v: f64 = s
                    .trim_end_matches('x')
                    .parse()
                    .map_err(|_| format!("speed: `recorded`, `max` or a multiple, not {s:?}"))?;
                if v.is_finite() && v > 0.0 {
                    Ok(Speed::Multiple(v))
                } else {
                    Err("speed: the multiple must be above 0".into())
                }
            }
        }
    }
}

/// When a message with data time `time` is due, counted from the start of the replay,
/// given the data time of the first message. `None`: at once (no time, as fast as
/// possible, or earlier than the first message).
pub fn due(first: i64, time: Option<i64>, speed: Speed) -> Option<Duration> {
    let t = time?;
    let factor = match speed {
        Speed::AsFastAsPossible => return None,
        Speed::Recorded => 1.0,
        Speed::Multiple(m) => m,
    };
    let data_secs = t.checked_sub(first)?;
    if data_secs <= 0 {
        return None;
    }
    Some(Duration::from_secs_f64(data_secs as f64 / factor))
}

/// Reads the data time of a line: the tag block's `c:` of an NMEA line, or the time
/// column of a CSV row (with `csv` the reader made from the header).
pub fn line_time(line: &[u8], csv: Option<&mut CsvReader>) -> Option<i64> {
    match csv {
        Some(r) => {
            let mut obs: Vec<Observation> = Vec::with_capacity(2);
            r.row(&String::from_utf8_lossy(line), SourceId(0), &mut obs)
                .ok()?;
            obs.first().map(Observation::time)
        }
        None => {
            let opts = ParseOptions {
                verify_tag_checksum: false,
            };
            Sentence::parse_with(line, opts)
                .ok()
                .and_then(|(s, _)| s.tag)
                .and_then(|t| t.time)
        }
    }
}

/// Copies lines from `input` to `output`, each when it is due. Returns the number of
/// lines copied. Lines without a time go out at once.
pub fn replay(
    mut input: impl BufRead,
    output: &mut impl Write,
    speed: Speed,
) -> std::io::Result<u64> {
    let start = Instant::now();
    let mut first: Option<i64> = None;
    let mut csv: Option<CsvReader> = None;
    let mut line = Vec::with_capacity(512);
    let mut n = 0u64;
    let mut header = true;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        if header {
            header = false;
            csv = CsvReader::from_header(&String::from_utf8_lossy(&line));
            if csv.is_some() {
                output.write_all(&line)?;
                continue;
            }
        }
        let t = if speed == Speed::AsFastAsPossible {
            None
        } else {
            line_time(&line, csv.as_mut())
        };
        if first.is_none() {
            first = t;
        }
        if let Some(wait) = first.and_then(|f| due(f, t, speed)) {
            let elapsed = start.elapsed();
            if wait > elapsed {
                output.flush()?;
                std::thread::sleep(wait - elapsed);
            }
        }
        output.write_all(&line)?;
        n += 1;
    }
    output.flush()?;
    Ok(n)
}
