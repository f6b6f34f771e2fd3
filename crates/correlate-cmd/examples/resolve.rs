//! `interdict resolve` without the rest of the node, for benchmarks: the same
//! arguments and the same code path.

use clap::Parser;

#[derive(Parser)]
#[command(name = "resolve")]
struct Cli {
    #[command(flatten)]
    args: interdict_correlate_cmd::ResolveArgs,
}

fn main() -> std::process::ExitCode {
    match interdict_correlate_cmd::run(Cli::parse().args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
