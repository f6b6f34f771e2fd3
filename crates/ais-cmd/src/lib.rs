//! The `interdict ais` subcommands: decoding files and streams to gpsd JSON or
//! MarineCadastre CSV. The binary embeds [`AisArgs`] and calls [`run`].

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use interdict_ais::gpsd::{JsonOptions, JsonWriter};
use interdict_ais::{csv, ErrorKind, Stats, StreamDecoder};

/// Arguments of `interdict ais`.
#[derive(Debug, clap::Args)]
pub struct AisArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: AisCommand,
}

/// The `interdict ais` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum AisCommand {
    /// Decode NMEA 0183 AIS sentences (plain or gzip) to gpsd JSON lines or CSV.
    Decode(DecodeArgs),
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One gpsd AIS JSON object per line (as `gpsdecode -j`).
    Json,
    /// NOAA MarineCadastre CSV columns, one row per position report.
    Csv,
}

/// Arguments of `interdict ais decode`.
#[derive(Debug, clap::Args)]
pub struct DecodeArgs {
    /// Input file, plain or gzip; `-` or nothing for standard input.
    pub file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// Raw integer values instead of scaled ones (as `gpsdecode -u`).
    #[arg(long)]
    pub unscaled: bool,
    /// Print counts by message type and by error kind to standard error.
    #[arg(long)]
    pub stats: bool,
}

/// Runs an `interdict ais` subcommand.
pub fn run(args: AisArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        AisCommand::Decode(d) => decode(&d),
    }
}

/// Flush the output buffer when it grows past this.
const OUT_CHUNK: usize = 256 * 1024;

/// Opens a file (or standard input for `None` and `-`), detects gzip, and shows a
/// progress bar for large files when standard error is a terminal.
pub fn open_input(file: Option<&PathBuf>) -> anyhow::Result<(Box<dyn BufRead>, Option<u64>)> {
    let (raw, len): (Box<dyn Read>, Option<u64>) = match file {
        None => (Box::new(io::stdin()), None),
        Some(p) if p.as_os_str() == "-" => (Box::new(io::stdin()), None),
        Some(p) => {
            let f = File::open(p).with_context(|| format!("cannot open {}", p.display()))?;
            let len = f.metadata().ok().map(|m| m.len());
            (Box::new(f), len)
        }
    };
    let raw: Box<dyn Read> = match len {
        Some(len) if io::stderr().is_terminal() && len > 16 * 1024 * 1024 => {
            let bar = indicatif::ProgressBar::new(len);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            Box::new(bar.wrap_read(raw))
        }
        _ => raw,
    };
    let mut buffered = BufReader::with_capacity(256 * 1024, raw);
    let gzip = buffered
        .fill_buf()
        .context("cannot read input")?
        .starts_with(&[0x1f, 0x8b]);
    if gzip {
        let gz = flate2::bufread::MultiGzDecoder::new(buffered);
        Ok((Box::new(BufReader::with_capacity(256 * 1024, gz)), len))
    } else {
        Ok((Box::new(buffered), len))
    }
}

/// Decodes the input to standard output.
fn decode(args: &DecodeArgs) -> anyhow::Result<ExitCode> {
    let (input, _) = open_input(args.file.as_ref())?;
    let stdout = io::stdout();
    let mut sink = stdout.lock();
    let stats = match decode_to(input, &mut sink, args) {
        Ok(stats) => stats,
        // A closed pipe (`| head`) is a normal end.
        Err(e)
            if e.downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) =>
        {
            return Ok(ExitCode::SUCCESS)
        }
        Err(e) => return Err(e),
    };
    if args.stats {
        let mut err = io::stderr().lock();
        write_stats(&mut err, &stats)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Decodes `input` and writes the chosen format to `sink`; returns the counts.
pub fn decode_to(
    input: impl BufRead,
    sink: &mut impl Write,
    args: &DecodeArgs,
) -> anyhow::Result<Stats> {
    let mut dec = StreamDecoder::new(input);
    let mut out = Vec::with_capacity(OUT_CHUNK + 4096);
    match args.format {
        Format::Json => {
            let mut w = JsonWriter::new(JsonOptions {
                scaled: !args.unscaled,
                ..JsonOptions::default()
            });
            while let Some(r) = dec.try_next_message().context("cannot read input")? {
                if let Ok(d) = r {
                    w.write(&d.message, &mut out);
                    if out.len() >= OUT_CHUNK {
                        sink.write_all(&out)?;
                        out.clear();
                    }
                }
            }
        }
        Format::Csv => {
            let mut w = csv::CsvWriter::new();
            out.extend_from_slice(csv::HEADER.as_bytes());
            while let Some(r) = dec.try_next_message().context("cannot read input")? {
                if let Ok(d) = r {
                    w.write(&d, &mut out);
                    if out.len() >= OUT_CHUNK {
                        sink.write_all(&out)?;
                        out.clear();
                    }
                }
            }
        }
    }
    sink.write_all(&out)?;
    sink.flush()?;
    Ok(dec.stats().clone())
}

/// Writes the counts as a small report.
pub fn write_stats(w: &mut impl Write, s: &Stats) -> io::Result<()> {
    writeln!(w, "lines: {}", s.lines)?;
    writeln!(w, "sentences: {}", s.sentences)?;
    writeln!(w, "messages: {}", s.messages)?;
    for (t, n) in s.by_type.iter().enumerate().filter(|&(_, &n)| n > 0) {
        writeln!(w, "  type {t}: {n}")?;
    }
    writeln!(w, "errors: {}", s.total_errors())?;
    for kind in ErrorKind::ALL {
        let n = s.errors(kind);
        if n > 0 {
            writeln!(w, "  {kind}: {n}")?;
        }
    }
    Ok(())
}
