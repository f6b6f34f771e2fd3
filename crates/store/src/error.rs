/// What can go wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A change made on a stale version, or one the store refuses; the message is the
    /// store's own.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A unique key already holds the value.
    #[error("already exists ({constraint})")]
    Duplicate { constraint: String },
    /// A reference to something that does not exist.
    #[error("refers to something that does not exist ({constraint})")]
    MissingReference { constraint: String },
    #[error("{0}")]
    Config(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate {
                constraint: db.constraint().unwrap_or("unique").to_owned(),
            },
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::MissingReference {
                    constraint: db.constraint().unwrap_or("foreign key").to_owned(),
                }
            }
            _ => StoreError::Database(error),
        }
    }
}
