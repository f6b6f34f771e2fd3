//! `interdict`: the one binary of an Interdict node. It glues the library crates
//! together and does nothing else.

mod admin;
mod demo;
mod resources;
mod stats;
mod training;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use interdict_server::config::LogFormat;
use interdict_server::{Application, Clock, Config};
use interdict_service::Service;

/// Interdict: intelligence, seizures and the maritime picture shared between
/// drug-enforcement agencies under need-to-know.
#[derive(Debug, Parser)]
#[command(name = "interdict", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the node: the API, the web interface and /metrics.
    Serve(ServeArgs),
    /// Create a demo world of five agencies on SQLite and serve it.
    Demo(demo::DemoArgs),
    /// Manage agencies, users, agreements and tokens.
    Admin(admin::AdminArgs),
    /// Work with the audit log.
    Audit(AuditArgs),
    /// Seizure statistics, as a user may see them or as the node sees them.
    Stats(stats::StatsArgs),
    /// Decode AIS (NMEA 0183) data, or write a simulated scenario.
    Ais(interdict_maritime_cmd::AisArgs),
    /// Detect maritime behaviour in recorded AIS; replay recordings.
    Maritime(interdict_maritime_cmd::MaritimeArgs),
    /// Resolve the subjects of a CSV file into entities (batch correlation).
    Resolve(interdict_correlate_cmd::ResolveArgs),
    /// Verify a training certificate (PDF) against this node's key.
    Certificate(training::CertificateArgs),
    /// Work with the registers of detection dogs and equipment.
    Resources(resources::ResourcesArgs),
}

/// Where the node's configuration and database are.
#[derive(Debug, clap::Args)]
pub struct NodeArgs {
    /// Configuration file (TOML); `INTERDICT_*` environment variables override it.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Database URL, `sqlite://…` or `postgres://…` (default: SQLite in the data directory).
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Data directory for the SQLite database.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
}

impl NodeArgs {
    /// The configuration from file, environment and these flags.
    fn config(&self) -> anyhow::Result<Config> {
        let mut config = Config::load(self.config.as_deref(), std::env::vars())?;
        if let Some(url) = &self.database_url {
            config.database_url = Some(url.clone());
        }
        if let Some(dir) = &self.data_dir {
            config.data_dir = dir.clone();
        }
        Ok(config)
    }

    /// Opens the node's service for a one-off command: no background work; it signs a
    /// checkpoint of the audit log when shut down.
    async fn service(&self) -> anyhow::Result<Service> {
        let config = self.config()?;
        let mut service_config = config.service_config()?;
        service_config.background = false;
        Service::open(service_config, &config.database_url(), Clock::system())
            .await
            .with_context(|| format!("cannot open the node in {}", config.data_dir.display()))
    }
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    #[command(flatten)]
    node: NodeArgs,
    /// Address to listen on, such as 0.0.0.0:8080.
    #[arg(long)]
    listen: Option<std::net::SocketAddr>,
}

#[derive(Debug, clap::Args)]
struct AuditArgs {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check the audit log: the hash chain, the signatures of the checkpoints in the
    /// node's checkpoint log, and the chain against them. Exits 1 if anything is wrong.
    Verify {
        #[command(flatten)]
        node: NodeArgs,
        /// A checkpoint kept elsewhere (from `audit checkpoint --export`) to check
        /// against as well; may be given more than once.
        #[arg(long)]
        checkpoint: Vec<PathBuf>,
    },
    /// Sign a checkpoint of the audit log now.
    Checkpoint {
        #[command(flatten)]
        node: NodeArgs,
        /// Print the latest signed checkpoint, to keep a copy elsewhere.
        #[arg(long)]
        export: bool,
    },
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("INTERDICT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("shutting down");
}

async fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let mut config = args.node.config()?;
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    init_logging(config.log_format);
    let app = Application::build(config, Clock::system()).await?;
    tracing::info!(address = %app.local_addr()?, "serving");
    app.run_until(shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

async fn audit(args: AuditArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        AuditCommand::Verify { node, checkpoint } => {
            let mut copies = Vec::new();
            for path in &checkpoint {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                match interdict_service::audit::parse_checkpoint_copy(&text) {
                    Ok(copy) => copies.push(copy),
                    Err(e) => anyhow::bail!("{}: {e}", path.display()),
                }
            }
            let service = node.service().await?;
            let report = service.verify_audit(&copies).await;
            // Verifying signs nothing: stop without a last checkpoint.
            let report = match report {
                Ok(report) => report,
                Err(e) => return Ok(admin::refused(&e)),
            };
            println!("node key: {}", service.node_key());
            println!(
                "{} entries; {} valid signed checkpoints{}",
                report.entries,
                report.checkpoints,
                report
                    .latest
                    .as_ref()
                    .map(|c| format!(
                        ", the latest of entry {} signed at {}",
                        c.seq,
                        interdict_core::audit::canonical_time(&c.at)
                    ))
                    .unwrap_or_default()
            );
            if let Some((first, last)) = report.unvouched {
                println!(
                    "entries {first} to {last} came after the latest checkpoint: the chain links \
                     them, but no signature vouches for them yet (a cut there would not show)"
                );
            }
            if report.is_intact() {
                println!("audit log intact: every link, the head and every checkpoint verified");
                Ok(ExitCode::SUCCESS)
            } else {
                for problem in &report.problems {
                    eprintln!("audit log BROKEN: {problem}");
                }
                Ok(ExitCode::FAILURE)
            }
        }
        AuditCommand::Checkpoint { node, export } => {
            let service = node.service().await?;
            let checkpoint = service.checkpoint_now().await;
            service.shutdown().await;
            match checkpoint {
                Ok(checkpoint) => {
                    if export {
                        println!("{}", checkpoint.to_line());
                    } else {
                        println!(
                            "checkpoint of entry {} signed at {}",
                            checkpoint.seq,
                            interdict_core::audit::canonical_time(&checkpoint.at)
                        );
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Ok(admin::refused(&e)),
            }
        }
    }
}

/// mimalloc rather than the C library's allocator: with the maritime writer on its own
/// thread, glibc's per-thread arenas let a replay's resident memory grow past 1.5 GB
/// on freed batches; mimalloc returns them (380 MB with one arena, in the same run).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Ais(args) => interdict_maritime_cmd::run_ais(args),
        Command::Maritime(args) => interdict_maritime_cmd::run(args),
        Command::Resolve(args) => interdict_correlate_cmd::run(args),
        command => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")
            .and_then(|runtime| {
                runtime.block_on(async move {
                    match command {
                        Command::Serve(args) => serve(args).await,
                        Command::Demo(args) => demo::run(args).await,
                        Command::Admin(args) => admin::run(args).await,
                        Command::Audit(args) => audit(args).await,
                        Command::Stats(args) => stats::run(args).await,
                        Command::Certificate(args) => training::run(args).await,
                        Command::Resources(args) => resources::run(args).await,
                        Command::Ais(_) | Command::Maritime(_) | Command::Resolve(_) => {
                            unreachable_sync()
                        }
                    }
                })
            }),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn unreachable_sync() -> anyhow::Result<ExitCode> {
    anyhow::bail!("the ais, maritime and resolve commands run without the async runtime")
}
