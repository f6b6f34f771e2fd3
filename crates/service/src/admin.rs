//! Administration: agencies, users, roles, passwords, tokens and agreements, with one
//! set of rules and one way of auditing, whoever asks: an agency administrator through
//! the API or the web pages, or the node's operator at its console (`interdict admin`).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use interdict_core::agency::Agency;
use interdict_core::audit::AuditEvent;
use interdict_core::ident::CountryCode;
use interdict_core::policy::Action;
use interdict_core::{Actor, AgencyCode, AgencyKind, Agreement, RoleSet, Scope, Tlp, Username};
use interdict_store::{EndTokens, NewUser, TokenKind, TokenRow, UserChange, UserRow};
use serde::Serialize;
use uuid::Uuid;

use crate::auth::new_token;
use crate::error::{ServiceError, ServiceResult};
use crate::{hash_password, Service};

/// Who administers.
#[derive(Clone, Debug)]
pub enum Admin {
    /// The node's operator, at its console: may do everything.
    Console,
    /// An officer with the agency administrator role: their own agency only.
    User(Actor),
}

impl Admin {
    /// The agency the administrator is limited to, if any.
    fn agency(&self) -> Option<&AgencyCode> {
        match self {
            Admin::Console => None,
            Admin::User(actor) => Some(&actor.agency),
        }
    }
}

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 10;
/// The longest password accepted.
pub const MAX_PASSWORD: usize = 1024;

/// Checks a new password; the same rule on every path.
pub fn check_password(password: &str) -> ServiceResult<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        return Err(ServiceError::field(
            "password",
            format!("needs at least {MIN_PASSWORD} characters"),
        ));
    }
    if n > MAX_PASSWORD {
        return Err(ServiceError::field(
            "password",
            format!("must be at most {MAX_PASSWORD} characters"),
        ));
    }
    Ok(())
}

/// A user as administrators see it (never the password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UserView {
    pub username: Username,
    pub agency: AgencyCode,
    pub display_name: String,
    pub roles: RoleSet,
    pub disabled: bool,
}

impl From<UserRow> for UserView {
    fn from(row: UserRow) -> Self {
        UserView {
            username: row.username,
            agency: row.agency,
            display_name: row.display_name,
            roles: row.roles,
            disabled: row.disabled,
        }
    }
}

/// A user to create.
#[derive(Clone, Debug)]
pub struct NewUserInput {
    pub username: String,
    pub agency: String,
    pub display_name: Option<String>,
    pub roles: String,
    pub password: String,
}

/// An agreement to make.
#[derive(Clone, Debug)]
pub struct AgreementInput {
    pub title: String,
    pub parties: Vec<String>,
    pub scopes: Vec<String>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub max_tlp: String,
}

/// A token made for a program, shown once.
#[derive(Clone, Debug)]
pub struct IssuedToken {
    pub token: String,
    pub id: i64,
    pub expires_at: DateTime<Utc>,
}

fn field(name: &str, message: impl Into<String>) -> ServiceError {
    ServiceError::field(name, message)
}

fn parse_roles(raw: &str) -> ServiceResult<RoleSet> {
    let roles = RoleSet::parse_csv(raw).map_err(|e| field("roles", e.to_string()))?;
    if roles == RoleSet::EMPTY {
        return Err(field("roles", "give at least one role"));
    }
    Ok(roles)
}

impl Service {
    /// An admin event: by the operator (`console`) or by the administrator.
    fn admin_event(&self, by: &Admin, action: &str) -> AuditEvent {
        match by {
            Admin::Console => {
                let mut event = self.event(None, action);
                event.actor = Some("console".into());
                event
            }
            Admin::User(actor) => self.event(Some(actor), action),
        }
    }

    /// Refuses unless `by` may administer `agency` (an administrator of another agency
    /// is told it does not exist).
    fn may_administer(&self, by: &Admin, agency: &AgencyCode) -> ServiceResult<()> {
        match by {
            Admin::Console => Ok(()),
            Admin::User(actor) => {
                self.require(actor, Action::ManageAgency, "admin")?;
                if &actor.agency == agency {
                    Ok(())
                } else {
                    Err(ServiceError::NotFound)
                }
            }
        }
    }

    fn console_only(&self, by: &Admin, what: &str) -> ServiceResult<()> {
        match by {
            Admin::Console => Ok(()),
            Admin::User(actor) => {
                self.deny_action(actor, what, "console only");
                Err(ServiceError::ForbiddenRole)
            }
        }
    }

    /// Every agency the node knows.
    pub async fn agencies(&self) -> ServiceResult<Vec<Agency>> {
        Ok(self.store().agencies().await?)
    }

    /// One agency.
    pub async fn agency(&self, code: &AgencyCode) -> ServiceResult<Option<Agency>> {
        Ok(self.store().agency(code).await?)
    }

    /// Adds an agency (the operator only).
    pub async fn create_agency(
        &self,
        by: &Admin,
        code: &str,
        name: &str,
        country: &str,
        kind: &str,
        contact: &str,
    ) -> ServiceResult<Agency> {
        self.console_only(by, "agency.create")?;
        let mut errors = interdict_core::FieldErrors::new();
        let code = AgencyCode::parse(code)
            .map_err(|e| errors.add("code", e.to_string()))
            .ok();
        let country = CountryCode::parse(country)
            .map_err(|e| errors.add("country", e.to_string()))
            .ok();
        let kind = AgencyKind::parse(kind)
            .ok_or_else(|| errors.add("kind", "must be customs, coast_guard, police or other"))
            .ok();
        if name.trim().is_empty() || name.chars().count() > 200 {
            errors.add("name", "must be 1 to 200 characters");
        }
        if contact.chars().count() > 500 {
            errors.add("contact", "must be at most 500 characters");
        }
        errors.into_result()?;
        let (Some(code), Some(country), Some(kind)) = (code, country, kind) else {
            return Err(field("code", "is not valid"));
        };
        let agency = Agency {
            code,
            name: name.trim().to_owned(),
            country,
            kind,
            contact: contact.trim().to_owned(),
        };
        if self.store().agency(&agency.code).await?.is_some() {
            return Err(ServiceError::AlreadyExists(format!(
                "agency {}",
                agency.code
            )));
        }
        let mut event = self.admin_event(by, "agency.create");
        event.target_kind = Some("agency".into());
        event.target_id = Some(agency.code.to_string());
        event.target_agency = Some(agency.code.to_string());
        event.detail = serde_json::json!({
            "name": agency.name, "country": agency.country.as_str(),
            "kind": agency.kind.as_str(), "contact": agency.contact,
        })
        .to_string();
        self.store().create_agency(&agency, &event).await?;
        Ok(agency)
    }

    /// Changes an agency's name and point of contact (its administrators, or the
    /// operator).
    pub async fn update_agency(
        &self,
        by: &Admin,
        code: &AgencyCode,
        name: Option<&str>,
        contact: Option<&str>,
    ) -> ServiceResult<Agency> {
        self.may_administer(by, code)?;
        let mut agency = self
            .store()
            .agency(code)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let previous = agency.clone();
        if let Some(name) = name {
            if name.trim().is_empty() || name.chars().count() > 200 {
                return Err(field("name", "must be 1 to 200 characters"));
            }
            agency.name = name.trim().to_owned();
        }
        if let Some(contact) = contact {
            if contact.chars().count() > 500 {
                return Err(field("contact", "must be at most 500 characters"));
            }
            agency.contact = contact.trim().to_owned();
        }
        let mut event = self.admin_event(by, "agency.update");
        event.target_kind = Some("agency".into());
        event.target_id = Some(code.to_string());
        event.target_agency = Some(code.to_string());
        event.detail = serde_json::json!({
            "name": agency.name, "contact": agency.contact,
            "previous": { "name": previous.name, "contact": previous.contact },
        })
        .to_string();
        self.store().update_agency(&agency, &event).await?;
        Ok(agency)
    }

    /// Adds a user.
    pub async fn create_user(&self, by: &Admin, input: NewUserInput) -> ServiceResult<UserView> {
        // Who may create users is settled before what they typed is looked at.
        if let Admin::User(actor) = by {
            self.require(actor, Action::ManageAgency, "admin")?;
        }
        let mut errors = interdict_core::FieldErrors::new();
        let username = Username::parse(&input.username)
            .map_err(|e| errors.add("username", e.to_string()))
            .ok();
        let agency = AgencyCode::parse(&input.agency)
            .map_err(|e| errors.add("agency", e.to_string()))
            .ok();
        let roles = parse_roles(&input.roles)
            .map_err(|e| errors.add("roles", e.fields().into_values().next().unwrap_or_default()))
            .ok();
        if let Err(e) = check_password(&input.password) {
            errors.add(
                "password",
                e.fields().into_values().next().unwrap_or_default(),
            );
        }
        let display_name = input
            .display_name
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned);
        if display_name
            .as_ref()
            .is_some_and(|d| d.chars().count() > 200)
        {
            errors.add("display_name", "must be at most 200 characters");
        }
        errors.into_result()?;
        let (Some(username), Some(agency), Some(roles)) = (username, agency, roles) else {
            return Err(field("username", "is not valid"));
        };
        self.may_administer(by, &agency)?;
        if self.store().agency(&agency).await?.is_none() {
            return Err(field("agency", "is not an agency this node knows"));
        }
        if self
            .store()
            .user_by_name(username.as_str())
            .await?
            .is_some()
        {
            return Err(ServiceError::AlreadyExists(format!("user {username}")));
        }
        let password = input.password;
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(ServiceError::internal)?
            .map_err(ServiceError::internal)?;
        let user = NewUser {
            username: username.clone(),
            agency: agency.clone(),
            display_name: display_name.unwrap_or_else(|| username.to_string()),
            roles,
            password_hash: Some(hash),
        };
        let mut event = self.admin_event(by, "user.create");
        event.target_kind = Some("user".into());
        event.target_id = Some(username.to_string());
        event.target_agency = Some(agency.to_string());
        event.detail = serde_json::json!({
            "display_name": user.display_name,
            "roles": roles.to_csv(),
        })
        .to_string();
        self.store().create_user(&user, &event).await?;
        Ok(UserView {
            username,
            agency,
            display_name: user.display_name,
            roles,
            disabled: false,
        })
    }

    /// The user an administrator may manage.
    async fn managed_user(&self, by: &Admin, username: &str) -> ServiceResult<UserRow> {
        if let Admin::User(actor) = by {
            self.require(actor, Action::ManageAgency, "admin")?;
        }
        let name = Username::parse(username).map_err(|_| ServiceError::NotFound)?;
        let user = self
            .store()
            .user_by_name(name.as_str())
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.may_administer(by, &user.agency)?;
        Ok(user)
    }

    async fn change_user(
        &self,
        by: &Admin,
        user: &UserRow,
        change: UserChange,
        end: EndTokens,
        action: &str,
        detail: serde_json::Value,
    ) -> ServiceResult<()> {
        let mut event = self.admin_event(by, action);
        event.target_kind = Some("user".into());
        event.target_id = Some(user.username.to_string());
        event.target_agency = Some(user.agency.to_string());
        let mut detail = detail;
        if let Some(object) = detail.as_object_mut() {
            object.insert(
                "ended_tokens".into(),
                match end {
                    EndTokens::None => "none",
                    EndTokens::AllButAutomation => "all_but_automation",
                    EndTokens::All => "all",
                }
                .into(),
            );
        }
        event.detail = detail.to_string();
        self.store()
            .update_user(user.id, &change, end, &event)
            .await?;
        Ok(())
    }

    /// Sets a user's password and ends their sessions and tokens (tokens made for
    /// automation only when `end_automation`).
    pub async fn set_password(
        &self,
        by: &Admin,
        username: &str,
        password: &str,
        end_automation: bool,
    ) -> ServiceResult<()> {
        check_password(password)?;
        let user = self.managed_user(by, username).await?;
        let password = password.to_owned();
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(ServiceError::internal)?
            .map_err(ServiceError::internal)?;
        let end = if end_automation {
            EndTokens::All
        } else {
            EndTokens::AllButAutomation
        };
        self.change_user(
            by,
            &user,
            UserChange {
                password_hash: Some(hash),
                ..UserChange::default()
            },
            end,
            "user.password",
            serde_json::json!({}),
        )
        .await
    }

    /// Replaces a user's roles. Removing a role ends the user's sessions and tokens
    /// (tokens made for automation stay only with `keep_automation`).
    pub async fn set_roles(
        &self,
        by: &Admin,
        username: &str,
        roles: &str,
        keep_automation: bool,
    ) -> ServiceResult<UserView> {
        let roles = parse_roles(roles)?;
        let user = self.managed_user(by, username).await?;
        if let Admin::User(actor) = by {
            if actor.user_id == user.id && !roles.any(&[interdict_core::Role::AgencyAdmin]) {
                return Err(field(
                    "roles",
                    "you cannot remove your own agency administrator role",
                ));
            }
        }
        let removed = user.roles.iter().any(|r| !roles.any(&[r]));
        let end = match (removed, keep_automation) {
            (false, _) => EndTokens::None,
            (true, true) => EndTokens::AllButAutomation,
            (true, false) => EndTokens::All,
        };
        self.change_user(
            by,
            &user,
            UserChange {
                roles: Some(roles),
                ..UserChange::default()
            },
            end,
            "user.roles",
            serde_json::json!({ "roles": roles.to_csv(), "previous": user.roles.to_csv() }),
        )
        .await?;
        Ok(UserView {
            roles,
            ..UserView::from(user)
        })
    }

    /// Disables a user (ending every session and token) or enables them again.
    pub async fn set_disabled(
        &self,
        by: &Admin,
        username: &str,
        disabled: bool,
    ) -> ServiceResult<()> {
        let user = self.managed_user(by, username).await?;
        if let Admin::User(actor) = by {
            if actor.user_id == user.id && disabled {
                return Err(field("username", "you cannot disable yourself"));
            }
        }
        self.change_user(
            by,
            &user,
            UserChange {
                disabled: Some(disabled),
                ..UserChange::default()
            },
            if disabled {
                EndTokens::All
            } else {
                EndTokens::None
            },
            if disabled {
                "user.disable"
            } else {
                "user.enable"
            },
            serde_json::json!({ "disabled": disabled }),
        )
        .await
    }

    /// The users an administrator manages (all of one agency, or every user for the
    /// operator, or of `agency`).
    pub async fn users(
        &self,
        by: &Admin,
        agency: Option<&AgencyCode>,
    ) -> ServiceResult<Vec<UserView>> {
        let agency = match (by, agency) {
            (Admin::User(actor), _) => {
                self.require(actor, Action::ManageAgency, "admin")?;
                Some(&actor.agency)
            }
            (Admin::Console, agency) => agency,
        };
        Ok(self
            .store()
            .users(agency)
            .await?
            .into_iter()
            .map(UserView::from)
            .collect())
    }

    /// One user an administrator manages (an administrator of another agency is told
    /// the user does not exist).
    pub async fn managed(&self, by: &Admin, username: &str) -> ServiceResult<UserView> {
        Ok(self.managed_user(by, username).await?.into())
    }

    /// When the users an administrator manages last signed in (those who never did
    /// are left out); the same users as [`Service::users`].
    pub async fn last_logins(
        &self,
        by: &Admin,
        agency: Option<&AgencyCode>,
    ) -> ServiceResult<BTreeMap<Username, DateTime<Utc>>> {
        let agency = match (by, agency) {
            (Admin::User(actor), _) => {
                self.require(actor, Action::ManageAgency, "admin")?;
                Some(&actor.agency)
            }
            (Admin::Console, agency) => agency,
        };
        Ok(self
            .store()
            .last_logins(agency)
            .await?
            .into_iter()
            .collect())
    }

    /// Makes a token for a program acting as `username`, valid for `days`.
    pub async fn create_token(
        &self,
        by: &Admin,
        username: &str,
        name: &str,
        days: i64,
    ) -> ServiceResult<IssuedToken> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(field("name", "must be 1 to 100 characters"));
        }
        if !(1..=366).contains(&days) {
            return Err(field("days", "must be between 1 and 366"));
        }
        let user = self.managed_user(by, username).await?;
        if user.disabled {
            return Err(ServiceError::Conflict {
                code: "user_disabled",
                message: format!("user {username} is disabled"),
            });
        }
        let (token, hash) = new_token();
        let now = self.now();
        let expires_at = now + chrono::Duration::days(days);
        let mut event = self.admin_event(by, "token.create");
        event.target_kind = Some("user".into());
        event.target_id = Some(user.username.to_string());
        event.target_agency = Some(user.agency.to_string());
        event.detail = serde_json::json!({
            "name": name,
            "expires_at": interdict_core::audit::canonical_time(&expires_at),
        })
        .to_string();
        let id = self
            .store()
            .create_token(
                user.id,
                &hash,
                TokenKind::Automation,
                name,
                None,
                now,
                Some(expires_at),
                Some(&event),
            )
            .await?;
        Ok(IssuedToken {
            token,
            id,
            expires_at,
        })
    }

    /// The tokens of a user (not their browser sessions).
    pub async fn tokens(&self, by: &Admin, username: &str) -> ServiceResult<Vec<TokenRow>> {
        let user = self.managed_user(by, username).await?;
        Ok(self.store().tokens_of(user.id).await?)
    }

    /// Revokes one token of a user.
    pub async fn revoke_user_token(
        &self,
        by: &Admin,
        username: &str,
        token_id: i64,
    ) -> ServiceResult<()> {
        let user = self.managed_user(by, username).await?;
        let mut event = self.admin_event(by, "token.revoke");
        event.target_kind = Some("user".into());
        event.target_id = Some(user.username.to_string());
        event.target_agency = Some(user.agency.to_string());
        event.detail = serde_json::json!({ "token": token_id }).to_string();
        self.store()
            .revoke_token_by_id(user.id, token_id, &event)
            .await?;
        Ok(())
    }

    /// Makes an agreement between agencies (the operator, who acts on the agreement
    /// signed by every party).
    pub async fn create_agreement(
        &self,
        by: &Admin,
        input: AgreementInput,
    ) -> ServiceResult<Agreement> {
        self.console_only(by, "agreement.create")?;
        let mut errors = interdict_core::FieldErrors::new();
        let mut parties = Vec::new();
        for (i, raw) in input.parties.iter().enumerate() {
            match AgencyCode::parse(raw) {
                Ok(code) => parties.push(code),
                Err(e) => errors.add(format!("parties[{i}]"), e.to_string()),
            }
        }
        let mut scopes = Vec::new();
        for (i, raw) in input.scopes.iter().enumerate() {
            match Scope::parse(raw) {
                Some(scope) => scopes.push(scope),
                None => errors.add(
                    format!("scopes[{i}]"),
                    "must be intelligence, surveillance, resources, training or seizures",
                ),
            }
        }
        let max_tlp = Tlp::parse(&input.max_tlp)
            .ok_or_else(|| {
                errors.add(
                    "max_tlp",
                    "must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED",
                )
            })
            .ok();
        errors.into_result()?;
        let agreement = Agreement {
            id: self.new_id(),
            title: input.title.trim().to_owned(),
            parties,
            scopes,
            valid_from: input.valid_from,
            valid_to: input.valid_to,
            max_tlp: max_tlp.unwrap_or(Tlp::Clear),
        };
        agreement
            .check()
            .map_err(|e| field("agreement", e.to_string()))?;
        for party in &agreement.parties {
            if self.store().agency(party).await?.is_none() {
                return Err(field(
                    "parties",
                    format!("{party} is not an agency this node knows"),
                ));
            }
        }
        let mut event = self.admin_event(by, "agreement.create");
        event.target_kind = Some("agreement".into());
        event.target_id = Some(agreement.id.to_string());
        event.detail = serde_json::json!({
            "title": agreement.title,
            "parties": agreement.parties.iter().map(AgencyCode::as_str).collect::<Vec<_>>(),
            "scopes": agreement.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            "valid_from": agreement.valid_from.to_string(),
            "valid_to": agreement.valid_to.map(|d| d.to_string()),
            "max_tlp": agreement.max_tlp.as_str(),
        })
        .to_string();
        self.store().create_agreement(&agreement, &event).await?;
        // What the agreement lets be told of each other's records reaches the owners'
        // lists of hits: in the background in a serving node, before returning here
        // otherwise (the command line).
        let parties = agreement.parties.clone();
        if self.config().background {
            let service = self.clone();
            tokio::spawn(async move {
                if let Err(e) = service.recorrelate(&parties).await {
                    tracing::warn!(error = %e, "correlating the parties of a new agreement again");
                }
            });
        } else {
            self.recorrelate(&parties).await?;
        }
        Ok(agreement)
    }

    /// Sets the last day an agreement is in force. An agency administrator may end
    /// their agency's agreements (sooner, never later); the operator may set any day.
    pub async fn end_agreement(
        &self,
        by: &Admin,
        id: Uuid,
        on: NaiveDate,
    ) -> ServiceResult<Agreement> {
        let agreement = self
            .store()
            .agreements(by.agency())
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or(ServiceError::NotFound)?;
        if let Admin::User(actor) = by {
            self.require(actor, Action::ManageAgency, "agreement.end")?;
            if agreement.valid_to.is_some_and(|to| on > to) {
                return Err(field(
                    "on",
                    "an agency may end an agreement sooner, not later",
                ));
            }
        }
        if on < agreement.valid_from {
            return Err(field("on", "is before the agreement starts"));
        }
        let mut event = self.admin_event(by, "agreement.end");
        event.target_kind = Some("agreement".into());
        event.target_id = Some(id.to_string());
        event.target_agency = by.agency().map(ToString::to_string);
        event.detail = serde_json::json!({
            "valid_to": on.to_string(),
            "previous": agreement.valid_to.map(|d| d.to_string()),
            "parties": agreement.parties.iter().map(AgencyCode::as_str).collect::<Vec<_>>(),
        })
        .to_string();
        self.store().set_agreement_end(id, Some(on), &event).await?;
        Ok(Agreement {
            valid_to: Some(on),
            ..agreement
        })
    }

    /// The node's public key and a fresh checkpoint of its audit chain, for others to
    /// verify with.
    pub fn node_key(&self) -> String {
        self.keys().public_hex()
    }
}

impl Service {
    /// Stores records made elsewhere (an import, the demo world) in one transaction with
    /// one audit entry: the operator only. Each record must belong to an agency the node
    /// knows.
    pub async fn import_records<R: crate::records::RecordType>(
        &self,
        by: &Admin,
        records: &[R],
    ) -> ServiceResult<usize> {
        self.console_only(by, &format!("{}.import", R::KIND.as_str()))?;
        let mut agencies: Vec<&AgencyCode> = records.iter().map(|r| r.agency()).collect();
        agencies.sort();
        agencies.dedup();
        for agency in &agencies {
            if self.store().agency(agency).await?.is_none() {
                return Err(field(
                    "agency",
                    format!("{agency} is not an agency this node knows"),
                ));
            }
        }
        // TLP:RED recipients are held to what a form holds them to: each must be able
        // to receive the record. Checked once per owner and list of recipients.
        let mut checked = std::collections::HashSet::new();
        for (i, record) in records.iter().enumerate() {
            let handling = record.handling();
            if handling.tlp == Tlp::Red
                && checked.insert((record.agency().clone(), handling.recipients.clone()))
            {
                self.check_recipients(record.agency(), R::KIND, handling)
                    .await
                    .map_err(|e| match e {
                        ServiceError::Invalid { fields, .. } => {
                            let mut errors = interdict_core::FieldErrors::new();
                            for (name, message) in fields {
                                errors.add(format!("records[{i}].{name}"), message);
                            }
                            ServiceError::from(errors)
                        }
                        other => other,
                    })?;
            }
        }
        let mut event = self.admin_event(by, &format!("{}.import", R::KIND.as_str()));
        event.target_kind = Some(R::KIND.as_str().to_owned());
        event.detail = serde_json::json!({
            "count": records.len(),
            "agencies": agencies.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
        })
        .to_string();
        self.store().insert_records(records, &event).await?;
        for record in records {
            self.index_names(record);
        }
        Ok(records.len())
    }
}

impl Service {
    /// Backs the node up into `dir` (which is created and must be empty): the SQLite
    /// database as a consistent copy and the audit checkpoint log. Never the node's
    /// key, which is kept apart. PostgreSQL databases are backed up with `pg_dump` by
    /// the command line; here only the checkpoint log is copied for them.
    pub async fn backup(
        &self,
        by: &Admin,
        dir: &std::path::Path,
    ) -> ServiceResult<Vec<std::path::PathBuf>> {
        self.console_only(by, "node.backup")?;
        std::fs::create_dir_all(dir).map_err(ServiceError::internal)?;
        if std::fs::read_dir(dir)
            .map_err(ServiceError::internal)?
            .next()
            .is_some()
        {
            return Err(field("to", format!("{} is not empty", dir.display())));
        }
        // Sign the chain as it stands, so that the copy is vouched for to its end.
        self.checkpoint_now().await?;
        let mut written = Vec::new();
        if self.dialect() == crate::Dialect::Sqlite {
            let db = dir.join("interdict.db");
            self.store().backup_sqlite(&db).await?;
            written.push(db);
        }
        let log = self.config().checkpoint_log_path();
        if log.exists() {
            let copy = dir.join("audit-checkpoints.log");
            std::fs::copy(&log, &copy).map_err(ServiceError::internal)?;
            written.push(copy);
        }
        let mut event = self.admin_event(by, "node.backup");
        event.detail = serde_json::json!({
            "to": dir.display().to_string(),
            "files": written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        })
        .to_string();
        self.store().audit(&event).await?;
        Ok(written)
    }
}
