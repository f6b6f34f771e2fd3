//! `interdict stats`: seizure statistics computed by the node's service, as one user
//! may see them (`--as`) or, by default, as the node itself (every published seizure,
//! nothing suppressed: the operator at the node's console reads everything).

use std::process::ExitCode;

use interdict_core::policy::Principal;
use interdict_service::stats::{format_kg, to_csv, StatsRequest};

use crate::admin::refused;
use crate::NodeArgs;

#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    #[command(subcommand)]
    command: StatsCommand,
}

#[derive(Debug, clap::Subcommand)]
enum StatsCommand {
    /// Seizure statistics: cases, kilograms and tablets per cell (docs/statistics.md).
    Seizures {
        #[command(flatten)]
        node: NodeArgs,
        /// Comma-separated groupings, in order: drug, month, year, agency, conveyance,
        /// origin, region.
        #[arg(long, default_value = "")]
        by: String,
        /// First month, YYYY-MM.
        #[arg(long)]
        from: Option<String>,
        /// Last month, YYYY-MM, inclusive.
        #[arg(long)]
        to: Option<String>,
        /// The statistics that this user may see, with the suppression of small hidden
        /// parts; without it, the node's own view of every published seizure.
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: Option<String>,
        /// table, csv or json.
        #[arg(long, default_value = "table")]
        format: String,
    },
}

pub async fn run(args: StatsArgs) -> anyhow::Result<ExitCode> {
    let StatsCommand::Seizures {
        node,
        by,
        from,
        to,
        as_user,
        format,
    } = args.command;
    if !["table", "csv", "json"].contains(&format.as_str()) {
        anyhow::bail!("--format must be table, csv or json");
    }
    let request = match StatsRequest::parse(&by, from.as_deref(), to.as_deref()) {
        Ok(request) => request,
        Err(e) => return Ok(refused(&e)),
    };
    let service = node.service().await?;
    let principal = match &as_user {
        Some(name) => service.principal_of_user(name).await,
        None => Ok(Principal::System {
            job: "console statistics",
        }),
    };
    let result = match principal {
        Ok(principal) => service.seizure_statistics(&principal, &request).await,
        Err(e) => Err(e),
    };
    service.shutdown().await;
    let statistics = match result {
        Ok(statistics) => statistics,
        Err(e) => return Ok(refused(&e)),
    };
    match format.as_str() {
        "csv" => print!("{}", to_csv(&statistics)),
        "json" => println!("{}", serde_json::to_string_pretty(&statistics)?),
        _ => {
            for cell in &statistics.cells {
                let key = if cell.key.is_empty() {
                    "total".to_owned()
                } else {
                    cell.key.join(" ")
                };
                println!(
                    "{key:<40} {:>8} cases {:>12} kg {:>10} tablets{}",
                    cell.cases,
                    format_kg(cell.kilograms),
                    cell.tablets,
                    if cell.suppressed {
                        "  (suppressed)"
                    } else {
                        ""
                    }
                );
            }
            println!(
                "{} seizures, {} kg, {} tablets",
                statistics.seizures.cases,
                format_kg(statistics.seizures.kilograms),
                statistics.seizures.tablets
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
