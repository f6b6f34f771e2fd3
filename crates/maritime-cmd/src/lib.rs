//! The `interdict maritime` commands (`detect`, `replay`) and `interdict ais simulate`.
//!
//! File reading, configuration files and output live here; the detection itself is the
//! pure `interdict-maritime` crate. [`replay`] holds the replay schedule and loop that a
//! server can reuse for file feeds.

pub mod detect;
pub mod input;
pub mod replay;
pub mod simulate;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

/// Arguments of `interdict maritime`.
#[derive(Debug, clap::Args)]
pub struct MaritimeArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: MaritimeCommand,
}

/// The `interdict maritime` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum MaritimeCommand {
    /// Run every detector over recorded AIS and write the events as JSON lines.
    Detect(detect::DetectArgs),
    /// Copy a recorded file to standard output at its recorded speed, a multiple of
    /// it, or as fast as possible (timed by tag-block `c:` or the CSV time column).
    Replay(ReplayArgs),
}

/// Arguments of `interdict maritime replay`.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// Input file, plain or gzip; `-` for standard input.
    pub file: PathBuf,
    /// `recorded`, `max`, or a multiple such as `60` (an hour of data a minute).
    #[arg(long, default_value = "recorded")]
    pub speed: replay::Speed,
}

/// Arguments of `interdict ais`: the decoder's subcommands and `simulate`.
#[derive(Debug, clap::Args)]
pub struct AisArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: AisCommand,
}

/// The `interdict ais` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum AisCommand {
    /// The decoder's subcommands.
    #[command(flatten)]
    Decoder(interdict_ais_cmd::AisCommand),
    /// Write a scenario as NMEA with tag blocks: a watch-listed vessel meets a fishing
    /// boat at sea, goes dark for 14 hours and heads for Busan; an MMSI in two places;
    /// ordinary traffic.
    Simulate(SimulateArgs),
}

/// Arguments of `interdict ais simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// Seed of the small variations (reporting phases, second receiver).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Start time (RFC 3339).
    #[arg(long, default_value = "2024-05-01T00:00:00Z")]
    pub start: String,
    /// Write ais.nmea, areas.geojson, watchlist.csv, config.toml and story.json into this
    /// directory (without it, the NMEA goes to standard output).
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
}

/// Runs an `interdict maritime` subcommand.
pub fn run(args: MaritimeArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        MaritimeCommand::Detect(d) => detect::run(&d),
        MaritimeCommand::Replay(r) => {
            let (input, _) = interdict_ais_cmd::open_input(Some(&r.file))?;
            let mut stdout = std::io::stdout().lock();
            match replay::replay(input, &mut stdout, r.speed) {
                Ok(_) => Ok(ExitCode::SUCCESS),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
                Err(e) => Err(e).context("replay failed"),
            }
        }
    }
}

/// Runs an `interdict ais` subcommand.
pub fn run_ais(args: AisArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        AisCommand::Decoder(command) => {
            interdict_ais_cmd::run(interdict_ais_cmd::AisArgs { command })
        }
        AisCommand::Simulate(s) => simulate_cmd(&s),
    }
}

fn simulate_cmd(args: &SimulateArgs) -> anyhow::Result<ExitCode> {
    let start = interdict_maritime::event::parse_time(&args.start)
        .with_context(|| format!("--start: not an RFC 3339 time: {}", args.start))?;
    let s = simulate::scenario(args.seed, start);
    match &args.out_dir {
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(s.nmea.as_bytes()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                r => r?,
            }
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let write = |name: &str, text: &str| -> anyhow::Result<()> {
                let p = dir.join(name);
                std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))
            };
            write("ais.nmea", &s.nmea)?;
            write("areas.geojson", &s.areas)?;
            write("watchlist.csv", &s.watchlist)?;
            write("config.toml", &s.config)?;
            write("story.json", &serde_json::to_string_pretty(&s.story)?)?;
            eprintln!(
                "scenario written to {d}; detect with:\n  interdict maritime detect {d}/ais.nmea --areas {d}/areas.geojson --watchlist {d}/watchlist.csv --config {d}/config.toml --events events.jsonl",
                d = dir.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
