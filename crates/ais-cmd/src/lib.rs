//! The `interdict ais` subcommands.

/// Arguments of `interdict ais`.
#[derive(Debug, clap::Args)]
pub struct AisArgs {}

/// Runs an `interdict ais` subcommand.
pub fn run(_args: AisArgs) -> anyhow::Result<std::process::ExitCode> {
    Ok(std::process::ExitCode::SUCCESS)
}
