//! `interdict admin`: agencies, users, agreements and API tokens, from the command line.

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Subcommand;
use interdict_core::AgencyCode;
use interdict_service::admin::{Admin, AgreementInput, NewUserInput};
use interdict_service::{Service, ServiceError};
use uuid::Uuid;

use crate::NodeArgs;

#[derive(Debug, clap::Args)]
pub struct AdminArgs {
    #[command(flatten)]
    node: NodeArgs,
    #[command(subcommand)]
    command: AdminCommand,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Agencies known to this node.
    #[command(subcommand)]
    Agency(AgencyCommand),
    /// Users and their roles.
    #[command(subcommand)]
    User(UserCommand),
    /// Agreements between agencies.
    #[command(subcommand)]
    Agreement(AgreementCommand),
    /// API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// This node's public key and the latest signed checkpoint of its audit log, for
    /// partners and operators to verify with.
    Node,
    /// Back the node up into a new directory while it runs: the database (a consistent
    /// SQLite copy, or `pg_dump --format=custom` for PostgreSQL) and the audit
    /// checkpoint log. The node's key is not copied: keep it apart (docs/deploy.md).
    Backup {
        /// The directory to create (it must not exist or be empty).
        #[arg(long)]
        to: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum AgencyCommand {
    /// Add an agency.
    Add {
        /// Code such as KR-KCS: country, hyphen, name.
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// ISO 3166 country code.
        #[arg(long)]
        country: String,
        /// customs, coast_guard, police or other.
        #[arg(long, default_value = "customs")]
        kind: String,
        /// Whom partners contact about a deconfliction hit on this agency's records.
        #[arg(long, default_value = "")]
        contact: String,
    },
    /// Change an agency's name or point of contact.
    Set {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        contact: Option<String>,
    },
    /// List agencies.
    List,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a user.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        agency: String,
        /// Comma-separated: analyst, watch_officer, coordinator, resource_manager,
        /// trainer, agency_admin, auditor.
        #[arg(long)]
        roles: String,
        #[arg(long)]
        display_name: Option<String>,
        /// Password; taken from INTERDICT_PASSWORD when not given here.
        #[arg(long, env = "INTERDICT_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// List users.
    List {
        #[arg(long)]
        agency: Option<String>,
    },
    /// Set a new password; ends the user's sessions and login tokens.
    Passwd {
        #[arg(long)]
        username: String,
        #[arg(long, env = "INTERDICT_PASSWORD", hide_env_values = true)]
        password: String,
        /// End the tokens made for automation too.
        #[arg(long)]
        end_automation_tokens: bool,
    },
    /// Replace a user's roles; removing one ends the user's sessions and tokens.
    Roles {
        #[arg(long)]
        username: String,
        #[arg(long)]
        roles: String,
        /// Keep the tokens made for automation when a role is removed.
        #[arg(long)]
        keep_automation_tokens: bool,
    },
    /// Disable a user and end every session and token of theirs.
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Enable a disabled user again.
    Enable {
        #[arg(long)]
        username: String,
    },
}

#[derive(Debug, Subcommand)]
enum AgreementCommand {
    /// Add an agreement.
    Add {
        #[arg(long)]
        title: String,
        /// Comma-separated agency codes, at least two.
        #[arg(long)]
        parties: String,
        /// Comma-separated: intelligence, surveillance, resources, training, seizures.
        #[arg(long)]
        scopes: String,
        /// First day in force (YYYY-MM-DD).
        #[arg(long)]
        from: NaiveDate,
        /// Last day in force (YYYY-MM-DD); open-ended when absent.
        #[arg(long)]
        to: Option<NaiveDate>,
        /// Highest TLP label shared: CLEAR, GREEN, AMBER, AMBER+STRICT or RED.
        #[arg(long)]
        max_tlp: String,
    },
    /// List agreements.
    List,
    /// Set the last day an agreement is in force.
    End {
        #[arg(long)]
        id: Uuid,
        #[arg(long)]
        on: NaiveDate,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create a token for a program acting as a user, and print it (it is shown once).
    Create {
        #[arg(long)]
        username: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days until it expires (1 to 366).
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
    /// List a user's tokens (not their browser sessions).
    List {
        #[arg(long)]
        username: String,
    },
    /// Revoke one token of a user.
    Revoke {
        #[arg(long)]
        username: String,
        #[arg(long)]
        id: i64,
    },
}

/// Prints a refused operation with its stable code; returns the exit code (2 for
/// what the operator can correct, 1 otherwise).
pub fn refused(error: &ServiceError) -> ExitCode {
    eprintln!("error: {error} [{}]", error.code());
    for (field, message) in error.fields() {
        eprintln!("  {field}: {message}");
    }
    match error {
        ServiceError::Internal(e) => {
            eprintln!("  {e:#}");
            ExitCode::FAILURE
        }
        _ => ExitCode::from(2),
    }
}

fn csv(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn command(
    service: &Service,
    command: AdminCommand,
    database_url: &str,
) -> Result<(), ServiceError> {
    let by = Admin::Console;
    match command {
        AdminCommand::Agency(AgencyCommand::Add {
            code,
            name,
            country,
            kind,
            contact,
        }) => {
            let agency = service
                .create_agency(&by, &code, &name, &country, &kind, &contact)
                .await?;
            println!("added agency {}", agency.code);
        }
        AdminCommand::Agency(AgencyCommand::Set {
            code,
            name,
            contact,
        }) => {
            let code =
                AgencyCode::parse(&code).map_err(|e| ServiceError::field("code", e.to_string()))?;
            let agency = service
                .update_agency(&by, &code, name.as_deref(), contact.as_deref())
                .await?;
            println!(
                "{}: {} — contact: {}",
                agency.code, agency.name, agency.contact
            );
        }
        AdminCommand::Agency(AgencyCommand::List) => {
            for a in service.agencies().await? {
                println!(
                    "{:<14} {:<3} {:<12} {}  [{}]",
                    a.code,
                    a.country.as_str(),
                    a.kind.as_str(),
                    a.name,
                    a.contact
                );
            }
        }
        AdminCommand::User(UserCommand::Add {
            username,
            agency,
            roles,
            display_name,
            password,
        }) => {
            let user = service
                .create_user(
                    &by,
                    NewUserInput {
                        username,
                        agency,
                        display_name,
                        roles,
                        password,
                    },
                )
                .await?;
            println!(
                "added user {} ({}) with roles {}",
                user.username,
                user.agency,
                user.roles.to_csv()
            );
        }
        AdminCommand::User(UserCommand::List { agency }) => {
            let agency = agency
                .as_deref()
                .map(AgencyCode::parse)
                .transpose()
                .map_err(|e| ServiceError::field("agency", e.to_string()))?;
            for u in service.users(&by, agency.as_ref()).await? {
                let state = if u.disabled { "disabled" } else { "" };
                println!(
                    "{:<20} {:<14} {:<40} {}",
                    u.username,
                    u.agency,
                    u.roles.to_csv(),
                    state
                );
            }
        }
        AdminCommand::User(UserCommand::Passwd {
            username,
            password,
            end_automation_tokens,
        }) => {
            service
                .set_password(&by, &username, &password, end_automation_tokens)
                .await?;
            println!("password of {username} changed; their sessions and login tokens are ended");
        }
        AdminCommand::User(UserCommand::Roles {
            username,
            roles,
            keep_automation_tokens,
        }) => {
            let user = service
                .set_roles(&by, &username, &roles, keep_automation_tokens)
                .await?;
            println!("roles of {username}: {}", user.roles.to_csv());
        }
        AdminCommand::User(UserCommand::Disable { username }) => {
            service.set_disabled(&by, &username, true).await?;
            println!("{username} disabled; every session and token of theirs is ended");
        }
        AdminCommand::User(UserCommand::Enable { username }) => {
            service.set_disabled(&by, &username, false).await?;
            println!("{username} enabled");
        }
        AdminCommand::Agreement(AgreementCommand::Add {
            title,
            parties,
            scopes,
            from,
            to,
            max_tlp,
        }) => {
            let agreement = service
                .create_agreement(
                    &by,
                    AgreementInput {
                        title,
                        parties: csv(&parties),
                        scopes: csv(&scopes),
                        valid_from: from,
                        valid_to: to,
                        max_tlp,
                    },
                )
                .await?;
            println!("added agreement {}", agreement.id);
        }
        AdminCommand::Agreement(AgreementCommand::List) => {
            for a in service.agreements_binding(None).await? {
                let parties: Vec<&str> = a.parties.iter().map(|p| p.as_str()).collect();
                let scopes: Vec<&str> = a.scopes.iter().map(|s| s.as_str()).collect();
                let to = a
                    .valid_to
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "open".into());
                println!(
                    "{}  {}  [{}]  {}  {}..{}  up to {}",
                    a.id,
                    a.title,
                    parties.join(" "),
                    scopes.join(","),
                    a.valid_from,
                    to,
                    a.max_tlp
                );
            }
        }
        AdminCommand::Agreement(AgreementCommand::End { id, on }) => {
            service.end_agreement(&by, id, on).await?;
            println!("agreement {id} ends on {on}");
        }
        AdminCommand::Token(TokenCommand::Create {
            username,
            name,
            days,
        }) => {
            let issued = service.create_token(&by, &username, &name, days).await?;
            println!("{}", issued.token);
        }
        AdminCommand::Token(TokenCommand::List { username }) => {
            for t in service.tokens(&by, &username).await? {
                println!(
                    "{:<6} {:<10} {:<24} created {}  expires {}{}",
                    t.id,
                    t.kind.as_str(),
                    t.name,
                    t.created_at.format("%Y-%m-%d %H:%M"),
                    t.expires_at
                        .map(|e| e.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_else(|| "never".into()),
                    if t.revoked { "  revoked" } else { "" }
                );
            }
        }
        AdminCommand::Token(TokenCommand::Revoke { username, id }) => {
            service.revoke_user_token(&by, &username, id).await?;
            println!("token {id} of {username} revoked");
        }
        AdminCommand::Backup { to } => {
            let mut written = service.backup(&by, &to).await?;
            if service.dialect() == interdict_service::Dialect::Postgres {
                let dump = to.join("interdict.dump");
                let status = std::process::Command::new("pg_dump")
                    .args(["--format=custom", "--no-owner", "--file"])
                    .arg(&dump)
                    .arg(database_url)
                    .status()
                    .map_err(|e| {
                        ServiceError::field(
                            "to",
                            format!("cannot run pg_dump (is it installed?): {e}"),
                        )
                    })?;
                if !status.success() {
                    return Err(ServiceError::field(
                        "to",
                        format!("pg_dump failed: {status}"),
                    ));
                }
                written.push(dump);
            }
            for path in written {
                println!("wrote {}", path.display());
            }
            println!("the node key is not in the backup: keep a copy of it apart");
        }
        AdminCommand::Node => {
            let checkpoint = service.checkpoint_now().await?;
            println!("public key: {}", service.node_key());
            println!(
                "audit log:  {} entries, last checkpoint signed {}",
                checkpoint.seq,
                interdict_core::audit::canonical_time(&checkpoint.at)
            );
            println!("checkpoint: {}", checkpoint.to_line());
        }
    }
    Ok(())
}

pub async fn run(args: AdminArgs) -> anyhow::Result<ExitCode> {
    let service = args.node.service().await?;
    let database_url = args.node.config()?.database_url();
    let result = command(&service, args.command, &database_url).await;
    service.shutdown().await;
    Ok(match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => refused(&error),
    })
}
