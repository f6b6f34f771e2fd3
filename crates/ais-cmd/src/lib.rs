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
    let mut sink = io::stdout();
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
///
/// JSON is produced on two threads: this one reads, checks and reassembles sentences, a
/// second decodes the messages and writes JSON, in the same order and with the same
/// counts as one thread would.
pub fn decode_to(
    input: impl BufRead,
    sink: &mut (impl Write + Send),
    args: &DecodeArgs,
) -> anyhow::Result<Stats> {
    if args.format == Format::Json {
        return decode_json_pipelined(input, sink, !args.unscaled);
    }
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

/// Messages are handed between the threads in batches of this many bytes of bits.
const BATCH: usize = 64 * 1024;

/// Reader side: sentences in, batches of `[bits: u16 little-endian][bytes]` records out.
/// Writer side: messages decoded and written as JSON.
fn decode_json_pipelined(
    input: impl BufRead,
    sink: &mut (impl Write + Send),
    scaled: bool,
) -> anyhow::Result<Stats> {
    use std::sync::mpsc::sync_channel;

    let (to_writer, batches) = sync_channel::<Vec<u8>>(8);
    let (recycle, spare) = sync_channel::<Vec<u8>>(16);
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> anyhow::Result<Stats> {
            let mut stats = Stats::default();
            let mut w = JsonWriter::new(JsonOptions {
                scaled,
                ..JsonOptions::default()
            });
            let mut buf = interdict_ais::BitBuf::new();
            let mut out = Vec::with_capacity(OUT_CHUNK + 4096);
            for batch in batches {
                let mut rest = &batch[..];
                while let [lo, hi, tail @ ..] = rest {
                    let bits = usize::from(u16::from_le_bytes([*lo, *hi]));
                    let n = bits.div_ceil(8).min(tail.len());
                    buf.set_bytes(&tail[..n], bits);
                    rest = &tail[n..];
                    match interdict_ais::Message::decode(&buf) {
                        Ok(m) => {
                            stats.messages += 1;
                            stats.by_type[usize::from(m.header.msg_type)] += 1;
                            w.write(&m, &mut out);
                            if out.len() >= OUT_CHUNK {
                                sink.write_all(&out)?;
                                out.clear();
                            }
                        }
                        Err(e) => stats.count_error(e.kind()),
                    }
                }
                // The reader may have stopped; a full or closed return channel is fine.
                let _ = recycle.try_send(batch);
            }
            sink.write_all(&out)?;
            sink.flush()?;
            Ok(stats)
        });
        let mut dec = StreamDecoder::new(input);
        let mut batch = Vec::with_capacity(BATCH + 1024);
        let read: anyhow::Result<()> = (|| {
            while let Some(r) = dec.next_bits().context("cannot read input")? {
                if let Ok((bits, _)) = r {
                    let len = bits.len() as u16;
                    batch.extend_from_slice(&len.to_le_bytes());
                    batch.extend_from_slice(bits.bytes());
                    if batch.len() >= BATCH {
                        let next = spare
                            .try_recv()
                            .unwrap_or_else(|_| Vec::with_capacity(BATCH + 1024));
                        let full = std::mem::replace(&mut batch, next);
                        if to_writer.send(full).is_err() {
                            // The writer stopped (its error is reported below).
                            return Ok(());
                        }
                        batch.clear();
                    }
                }
            }
            if !batch.is_empty() {
                let _ = to_writer.send(std::mem::take(&mut batch));
            }
            Ok(())
        })();
        drop(to_writer);
        let written = writer
            .join()
            .map_err(|_| anyhow::anyhow!("output thread failed"))?;
        read?;
        let mut stats = dec.stats().clone();
        stats.merge(&written?);
        Ok(stats)
    })
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
