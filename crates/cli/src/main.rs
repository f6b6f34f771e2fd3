//! `interdict`: the one binary of an Interdict node. It glues the library crates
//! together and does nothing else.

mod admin;
mod demo;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use interdict_server::config::LogFormat;
use interdict_server::{Application, Clock, Config};
use interdict_store::Store;

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
    /// Decode AIS (NMEA 0183) data.
    Ais(interdict_ais_cmd::AisArgs),
    /// Resolve the subjects of a CSV file into entities (batch correlation).
    Resolve(interdict_correlate_cmd::ResolveArgs),
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

    /// Opens the node's database.
    async fn store(&self) -> anyhow::Result<Store> {
        let config = self.config()?;
        Store::open(&config.database_url())
            .await
            .with_context(|| format!("cannot open the database of {}", config.data_dir.display()))
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
    /// Check the hash chain of the audit log; exits 1 if any entry was edited or removed.
    Verify(NodeArgs),
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
        AuditCommand::Verify(node) => {
            let store = node.store().await?;
            match store.verify_audit().await? {
                Ok(n) => {
                    println!("audit log intact: {n} entries, every link and the head verified");
                    Ok(ExitCode::SUCCESS)
                }
                Err(broken) => {
                    eprintln!("audit log BROKEN: {broken}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Ais(args) => interdict_ais_cmd::run(args),
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
                        Command::Ais(_) | Command::Resolve(_) => unreachable_ais(),
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

fn unreachable_ais() -> anyhow::Result<ExitCode> {
    anyhow::bail!("the ais command runs without the async runtime")
}
