//! Agencies, users and tokens.

use chrono::Duration;
use interdict_core::{Role, RoleSet};
use interdict_store::{EndTokens, NewUser, StoreError, TokenKind, UserChange};

use crate::fixtures::*;

fn new_user(name: &str, agency: &str, roles: &[Role]) -> NewUser {
    NewUser {
        username: username(name),
        agency: code(agency),
        display_name: "김민준 (Kim Min-jun)".into(),
        roles: roles.iter().copied().collect(),
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
    }
}

backend_tests! {
    async fn agencies_are_stored_and_unique(store: Store) {
        assert!(store.agencies().await.unwrap().is_empty());
        seed_agencies(&store).await;
        let all = store.agencies().await.unwrap();
        let mut want: Vec<_> = AGENCY_CODES.iter().map(|c| agency(c)).collect();
        want.sort_by(|a, b| a.code.cmp(&b.code));
        assert_eq!(all, want);
        assert_eq!(store.agency(&code(THAI)).await.unwrap(), Some(agency(THAI)));
        assert_eq!(store.agency(&code("DE-ZOLL")).await.unwrap(), None);
        assert!(matches!(
            store.create_agency(&agency(KCS), &event("agency.create")).await,
            Err(StoreError::Duplicate { .. })
        ));
        assert_eq!(store.verify_audit().await.unwrap(), Ok(5));
    }

    async fn users_are_created_found_and_unique(store: Store) {
        seed_agencies(&store).await;
        let analyst = new_user("kcs.analyst", KCS, &[Role::Analyst, Role::Coordinator]);
        let id = store.create_user(&analyst, &event("user.create")).await.unwrap();
        let other = store
            .create_user(&new_user("kcg.watch", KCG, &[Role::WatchOfficer]), &event("user.create"))
            .await
            .unwrap();
        assert_ne!(id, other);

        let row = store.user_by_name("kcs.analyst").await.unwrap().unwrap();
        assert_eq!(row.id, id);
        assert_eq!(row.username, analyst.username);
        assert_eq!(row.agency, analyst.agency);
        assert_eq!(row.display_name, analyst.display_name);
        assert_eq!(row.roles, analyst.roles);
        assert_eq!(row.password_hash, analyst.password_hash);
        assert!(!row.disabled);
        assert!(store.user_by_name("nobody").await.unwrap().is_none());

        let kcs_users = store.users(Some(&code(KCS))).await.unwrap();
        assert_eq!(kcs_users, vec![row.clone()]);
        assert_eq!(store.users(None).await.unwrap().len(), 2);
        assert!(store.users(Some(&code(JAPAN))).await.unwrap().is_empty());

        // The same name again, even in another agency, is a conflict and writes nothing.
        let audit_before = store.verify_audit().await.unwrap();
        let clash = new_user("kcs.analyst", THAI, &[Role::Analyst]);
        assert!(matches!(
            store.create_user(&clash, &event("user.create")).await,
            Err(StoreError::Duplicate { .. })
        ));
        assert_eq!(store.verify_audit().await.unwrap(), audit_before);
        assert_eq!(store.users(None).await.unwrap().len(), 2);
        // A user of an unknown agency is refused.
        assert!(store
            .create_user(&new_user("ghost", "DE-ZOLL", &[Role::Analyst]), &event("user.create"))
            .await
            .is_err());

        // Updates change what they name and nothing else.
        let roles: RoleSet = [Role::AgencyAdmin].into_iter().collect();
        store
            .update_user(id, &UserChange { password_hash: Some("new-hash".into()), roles: Some(roles), ..UserChange::default() }, EndTokens::All, &event("user.update"))
            .await
            .unwrap();
        let updated = store.user_by_name("kcs.analyst").await.unwrap().unwrap();
        assert_eq!(updated.roles, roles);
        assert_eq!(updated.password_hash.as_deref(), Some("new-hash"));
        assert!(!updated.disabled);
        store.update_user(id, &UserChange { disabled: Some(true), ..UserChange::default() }, EndTokens::All, &event("user.disable")).await.unwrap();
        let disabled = store.user_by_name("kcs.analyst").await.unwrap().unwrap();
        assert!(disabled.disabled);
        assert_eq!(disabled.roles, roles);
        assert_eq!(disabled.password_hash.as_deref(), Some("new-hash"));
        assert!(matches!(
            store.update_user(9_999_999, &UserChange { disabled: Some(true), ..UserChange::default() }, EndTokens::All, &event("user.update")).await,
            Err(StoreError::NotFound)
        ));
    }

    async fn tokens_expire_are_revoked_and_die_with_their_user(store: Store) {
        seed_agencies(&store).await;
        let user = store
            .create_user(&new_user("kcs.analyst", KCS, &[Role::Analyst]), &event("user.create"))
            .await
            .unwrap();
        let now = at(0);
        let session = store
            .create_token(user, "hash-session", TokenKind::Session, "browser", Some("csrf-1"), now,
                Some(now + Duration::hours(8)), None)
            .await
            .unwrap();
        let api = store
            .create_token(user, "hash-api", TokenKind::Api, "cli", None, now, None,
                Some(&event("token.create")))
            .await
            .unwrap();

        let owner = store.token_owner("hash-session", now).await.unwrap().unwrap();
        assert_eq!(owner.token_id, session);
        assert_eq!(owner.kind, TokenKind::Session);
        assert_eq!(owner.csrf.as_deref(), Some("csrf-1"));
        assert_eq!(owner.user.id, user);
        assert_eq!(owner.user.username.as_str(), "kcs.analyst");
        let owner = store.token_owner("hash-api", now).await.unwrap().unwrap();
        assert_eq!((owner.token_id, owner.kind, owner.csrf), (api, TokenKind::Api, None));
        assert!(store.token_owner("hash-unknown", now).await.unwrap().is_none());

        // Expiry: valid up to the instant before, not at or after it.
        let end = now + Duration::hours(8);
        assert!(store.token_owner("hash-session", end - Duration::microseconds(1)).await.unwrap().is_some());
        assert!(store.token_owner("hash-session", end).await.unwrap().is_none());
        assert!(store.token_owner("hash-session", end + Duration::days(400)).await.unwrap().is_none());
        // A token without expiry lives on.
        assert!(store.token_owner("hash-api", now + Duration::days(4000)).await.unwrap().is_some());

        // The same secret twice is a conflict.
        assert!(matches!(
            store.create_token(user, "hash-api", TokenKind::Api, "dup", None, now, None, None).await,
            Err(StoreError::Duplicate { .. })
        ));

        // Revocation.
        store.revoke_token("hash-session").await.unwrap();
        assert!(store.token_owner("hash-session", now).await.unwrap().is_none());
        assert!(store.token_owner("hash-api", now).await.unwrap().is_some());

        // Disabling the user ends every token, and enabling it again revives none.
        let spare = store
            .create_token(user, "hash-spare", TokenKind::Api, "spare", None, now, None, None)
            .await
            .unwrap();
        assert!(spare > api);
        store.update_user(user, &UserChange { disabled: Some(true), ..UserChange::default() }, EndTokens::All, &event("user.disable")).await.unwrap();
        assert!(store.token_owner("hash-api", now).await.unwrap().is_none());
        assert!(store.token_owner("hash-spare", now).await.unwrap().is_none());
        store.update_user(user, &UserChange { disabled: Some(false), ..UserChange::default() }, EndTokens::All, &event("user.enable")).await.unwrap();
        assert!(store.token_owner("hash-api", now).await.unwrap().is_none());

        // A fresh token of the re-enabled user works.
        store
            .create_token(user, "hash-fresh", TokenKind::Api, "fresh", None, now, None, None)
            .await
            .unwrap();
        assert!(store.token_owner("hash-fresh", now).await.unwrap().is_some());
        // Tokens of users of other agencies are unaffected by this user's state.
        let other = store
            .create_user(&new_user("kcg.watch", KCG, &[Role::WatchOfficer]), &event("user.create"))
            .await
            .unwrap();
        store
            .create_token(other, "hash-other", TokenKind::Session, "browser", Some("c"), now,
                Some(now + Duration::minutes(30)), None)
            .await
            .unwrap();
        store.update_user(user, &UserChange { disabled: Some(true), ..UserChange::default() }, EndTokens::All, &event("user.disable")).await.unwrap();
        assert_eq!(store.token_owner("hash-other", now).await.unwrap().unwrap().user.id, other);
        // The disabled flag alone, without revoked tokens, also ends the session.
        sqlx::query("UPDATE users SET disabled = TRUE WHERE id = $1")
            .bind(other)
            .execute(&crate::harness::raw(&store).await)
            .await
            .unwrap();
        assert!(store.token_owner("hash-other", now).await.unwrap().is_none());
    }
}
