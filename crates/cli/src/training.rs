//! `interdict certificate verify FILE.pdf`: whether a presented training certificate is
//! genuine — signed by this node's key, unaltered, known to the node and not revoked —
//! and what it certifies.

use std::process::ExitCode;

use anyhow::Context;

use crate::NodeArgs;

#[derive(Debug, clap::Args)]
pub struct CertificateArgs {
    #[command(flatten)]
    node: NodeArgs,
    #[command(subcommand)]
    command: CertificateCommand,
}

#[derive(Debug, clap::Subcommand)]
enum CertificateCommand {
    /// Verify a certificate PDF; exits 0 when genuine, 1 when not.
    Verify {
        /// The certificate (PDF).
        file: std::path::PathBuf,
        /// Print the verdict as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(args: CertificateArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        CertificateCommand::Verify { file, json } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let service = args.node.service().await?;
            let verdict = service.verify_certificate(&bytes).await;
            service.shutdown().await;
            let verdict = verdict.map_err(|e| anyhow::anyhow!("{e}"))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&verdict)?);
            } else {
                println!(
                    "{}: {}",
                    if verdict.genuine {
                        "GENUINE"
                    } else {
                        "NOT GENUINE"
                    },
                    verdict.message
                );
                if let Some(c) = &verdict.certificate {
                    println!(
                        "  officer:     {} ({}), {}",
                        c.officer_name, c.officer, c.agency
                    );
                    println!(
                        "  course:      {} ({} hours), by {}",
                        c.course_title, c.hours, c.host_agency
                    );
                    println!("  session:     {} to {}", c.starts_on, c.ends_on);
                    println!("  issued:      {}", c.issued_on);
                    println!("  expires:     {}", c.expires_on);
                    println!("  certificate: {}", c.id);
                }
            }
            Ok(if verdict.genuine {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
