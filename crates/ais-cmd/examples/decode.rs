//! `interdict ais` as a stand-alone program, running the same code as the `interdict`
//! binary (used by the benchmarks when the whole workspace is not at hand):
//! `cargo run --release -p interdict-ais-cmd --example decode -- decode FILE`.

use clap::Parser;

#[derive(Debug, Parser)]
struct Cli {
    #[command(flatten)]
    ais: interdict_ais_cmd::AisArgs,
}

fn main() -> anyhow::Result<std::process::ExitCode> {
    interdict_ais_cmd::run(Cli::parse().ais)
}
