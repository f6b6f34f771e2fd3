//! `interdict admin`: agencies, users, agreements and API tokens, from the command line.

use std::process::ExitCode;

use anyhow::{bail, Context};
use chrono::{NaiveDate, Utc};
use clap::Subcommand;
use interdict_core::agency::Agency;
use interdict_core::audit::AuditEvent;
use interdict_core::ident::CountryCode;
use interdict_core::{AgencyCode, AgencyKind, Agreement, RoleSet, Scope, Tlp, Username};
use interdict_server::service::hash_password;
use interdict_store::{NewUser, Store, TokenKind};
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
    /// Set a new password.
    Passwd {
        #[arg(long)]
        username: String,
        #[arg(long, env = "INTERDICT_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Replace a user's roles.
    Roles {
        #[arg(long)]
        username: String,
        #[arg(long)]
        roles: String,
    },
    /// Disable a user and revoke their tokens.
    Disable {
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
    /// Create an API token for a user and print it (it is shown once).
    Create {
        #[arg(long)]
        username: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days until it expires.
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
}

fn event(action: &str) -> AuditEvent {
    AuditEvent {
        at: Utc::now(),
        actor: None,
        actor_agency: None,
        action: action.to_owned(),
        target_kind: None,
        target_id: None,
        target_agency: None,
        detail: r#"{"via":"cli"}"#.to_owned(),
    }
}

fn parse_roles(raw: &str) -> anyhow::Result<RoleSet> {
    let roles = RoleSet::parse_csv(raw)?;
    if roles == RoleSet::EMPTY {
        bail!("give at least one role");
    }
    Ok(roles)
}

async fn user(store: &Store, username: &str) -> anyhow::Result<interdict_store::UserRow> {
    store
        .user_by_name(username)
        .await?
        .with_context(|| format!("no user {username:?}"))
}

async fn hash(password: String) -> anyhow::Result<String> {
    if password.chars().count() < 10 {
        bail!("a password needs at least 10 characters");
    }
    tokio::task::spawn_blocking(move || hash_password(&password)).await?
}

pub async fn run(args: AdminArgs) -> anyhow::Result<ExitCode> {
    let store = args.node.store().await?;
    match args.command {
        AdminCommand::Agency(AgencyCommand::Add {
            code,
            name,
            country,
            kind,
        }) => {
            let agency = Agency {
                code: AgencyCode::parse(&code)?,
                name,
                country: CountryCode::parse(&country)?,
                kind: AgencyKind::parse(&kind)
                    .context("kind must be customs, coast_guard, police or other")?,
            };
            let mut e = event("agency.create");
            e.target_kind = Some("agency".into());
            e.target_id = Some(agency.code.to_string());
            store.create_agency(&agency, &e).await?;
            println!("added agency {}", agency.code);
        }
        AdminCommand::Agency(AgencyCommand::List) => {
            for a in store.agencies().await? {
                println!(
                    "{:<14} {:<3} {:<12} {}",
                    a.code,
                    a.country.as_str(),
                    a.kind.as_str(),
                    a.name
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
            let username = Username::parse(&username)?;
            let agency = AgencyCode::parse(&agency)?;
            if store.agency(&agency).await?.is_none() {
                bail!("no agency {agency}; add it first");
            }
            let user = NewUser {
                display_name: display_name.unwrap_or_else(|| username.to_string()),
                username,
                agency,
                roles: parse_roles(&roles)?,
                password_hash: Some(hash(password).await?),
            };
            let mut e = event("user.create");
            e.target_kind = Some("user".into());
            e.target_id = Some(user.username.to_string());
            e.target_agency = Some(user.agency.to_string());
            store.create_user(&user, &e).await?;
            println!(
                "added user {} ({}) with roles {}",
                user.username,
                user.agency,
                user.roles.to_csv()
            );
        }
        AdminCommand::User(UserCommand::List { agency }) => {
            let agency = agency.as_deref().map(AgencyCode::parse).transpose()?;
            for u in store.users(agency.as_ref()).await? {
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
        AdminCommand::User(UserCommand::Passwd { username, password }) => {
            let u = user(&store, &username).await?;
            let hashed = hash(password).await?;
            store
                .update_user(u.id, Some(&hashed), None, None, &event("user.password"))
                .await?;
            println!("password of {username} changed");
        }
        AdminCommand::User(UserCommand::Roles { username, roles }) => {
            let u = user(&store, &username).await?;
            let roles = parse_roles(&roles)?;
            store
                .update_user(u.id, None, Some(roles), None, &event("user.roles"))
                .await?;
            println!("roles of {username}: {}", roles.to_csv());
        }
        AdminCommand::User(UserCommand::Disable { username }) => {
            let u = user(&store, &username).await?;
            store
                .update_user(u.id, None, None, Some(true), &event("user.disable"))
                .await?;
            println!("{username} disabled and their tokens revoked");
        }
        AdminCommand::Agreement(AgreementCommand::Add {
            title,
            parties,
            scopes,
            from,
            to,
            max_tlp,
        }) => {
            let agreement = Agreement {
                id: Uuid::now_v7(),
                title,
                parties: parties
                    .split(',')
                    .map(AgencyCode::parse)
                    .collect::<Result<_, _>>()?,
                scopes: scopes
                    .split(',')
                    .map(|s| Scope::parse(s).with_context(|| format!("unknown scope {s:?}")))
                    .collect::<anyhow::Result<_>>()?,
                valid_from: from,
                valid_to: to,
                max_tlp: Tlp::parse(&max_tlp)
                    .context("max-tlp must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED")?,
            };
            agreement.check()?;
            for party in &agreement.parties {
                if store.agency(party).await?.is_none() {
                    bail!("no agency {party}; add it first");
                }
            }
            let mut e = event("agreement.create");
            e.target_kind = Some("agreement".into());
            e.target_id = Some(agreement.id.to_string());
            store.create_agreement(&agreement, &e).await?;
            println!("added agreement {}", agreement.id);
        }
        AdminCommand::Agreement(AgreementCommand::List) => {
            for a in store.agreements(None).await? {
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
            let mut e = event("agreement.end");
            e.target_kind = Some("agreement".into());
            e.target_id = Some(id.to_string());
            store.set_agreement_end(id, Some(on), &e).await?;
            println!("agreement {id} ends on {on}");
        }
        AdminCommand::Token(TokenCommand::Create {
            username,
            name,
            days,
        }) => {
            if !(1..=3650).contains(&days) {
                bail!("--days must be between 1 and 3650");
            }
            let u = user(&store, &username).await?;
            let (token, token_hash) = interdict_server::service::new_token();
            let now = Utc::now();
            let mut e = event("token.create");
            e.target_kind = Some("user".into());
            e.target_id = Some(u.username.to_string());
            e.target_agency = Some(u.agency.to_string());
            store
                .create_token(
                    u.id,
                    &token_hash,
                    TokenKind::Api,
                    &name,
                    None,
                    now,
                    Some(now + chrono::Duration::days(days)),
                    Some(&e),
                )
                .await?;
            println!("{token}");
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
