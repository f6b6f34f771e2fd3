//! `interdict resources import`: loads an agency's register of dogs and equipment from
//! CSV through the node's service, all rows or none (docs/resources.md lists the
//! columns). Every bad row is reported with its line number and nothing is written.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use interdict_core::AgencyCode;

use crate::admin::refused;
use crate::NodeArgs;

#[derive(Debug, clap::Args)]
pub struct ResourcesArgs {
    #[command(subcommand)]
    command: ResourcesCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ResourcesCommand {
    /// Import a register from CSV: kind, name, handler, specialisations,
    /// certification, certified_until, serial_number, service_due, base_name, base_lat,
    /// base_lon, tlp (a header line first).
    Import {
        #[command(flatten)]
        node: NodeArgs,
        /// The agency whose register it is, such as KR-KCS.
        #[arg(long)]
        agency: String,
        /// The CSV file.
        file: PathBuf,
    },
}

pub async fn run(args: ResourcesArgs) -> anyhow::Result<ExitCode> {
    let ResourcesCommand::Import { node, agency, file } = args.command;
    let agency = match AgencyCode::parse(&agency) {
        Ok(agency) => agency,
        Err(e) => anyhow::bail!("--agency: {e}"),
    };
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let service = node.service().await?;
    let result = service.import_resources(None, &agency, &text).await;
    service.shutdown().await;
    match result {
        Ok(Ok(count)) => {
            println!("imported {count} resources into the register of {agency}");
            Ok(ExitCode::SUCCESS)
        }
        Ok(Err(problems)) => {
            for problem in &problems {
                eprintln!("{}:{}: {}", file.display(), problem.line, problem.message);
            }
            eprintln!(
                "nothing imported: {} bad row{}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            Ok(ExitCode::from(2))
        }
        Err(e) => Ok(refused(&e)),
    }
}
