//! SQL for `partners`, `partner_api_keys` and `partner_documents`.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::{PgPool, prelude::FromRow};
use uuid::Uuid;

use super::manifest::Manifest;
use crate::error::{AppError, violated_constraint};

/// Every partner key starts with this, so secret scanners can recognise leaked ones.
const KEY_PREFIX: &str = "bpk_";

/// The id of a partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PartnerId(pub Uuid);

/// A partner company.
#[derive(Clone, Debug, FromRow)]
pub struct Partner {
    /// Its id.
    #[sqlx(try_from = "Uuid")]
    pub id: PartnerId,
    /// Its unique name, e.g. `jobboard`.
    pub name: String,
}

impl From<Uuid> for PartnerId {
    fn from(id: Uuid) -> Self {
        PartnerId(id)
    }
}

/// A key just created: `key` is shown this once and never stored.
#[derive(Debug)]
pub struct NewKey {
    /// The key's id (for revocation).
    pub id: Uuid,
    /// The secret.
    pub key: String,
    /// When it stops working.
    pub expires_at: Option<DateTime<Utc>>,
}

fn key_hash(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// Adds a partner; a taken name is `CONFLICT`.
pub async fn add(pg: &PgPool, name: &str) -> Result<Partner, AppError> {
    sqlx::query_as("insert into partners (id, name) values ($1, $2) returning id, name")
        .bind(Uuid::now_v7())
        .bind(name)
        .fetch_one(pg)
        .await
        .map_err(|error| match violated_constraint(&error) {
            Some("partners_name_key") => {
                AppError::Conflict(format!("a partner named {name} exists"))
            }
            Some("partners_name_format") => {
                AppError::BadUserInput("name: 2 to 50 of a-z, 0-9, _ and -".to_owned())
            }
            _ => AppError::from(error),
        })
}

async fn partner_named(pg: &PgPool, name: &str) -> Result<Partner, AppError> {
    sqlx::query_as("select id, name from partners where name = $1")
        .bind(name)
        .fetch_optional(pg)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no partner named {name}")))
}

/// Creates an API key for a partner.
pub async fn create_key(
    pg: &PgPool,
    partner: &str,
    expires_at: Option<DateTime<Utc>>,
) -> Result<NewKey, AppError> {
    let partner = partner_named(pg, partner).await?;
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let key = format!("{KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(secret));
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into partner_api_keys (id, partner_id, key_hash, key_prefix, expires_at) values ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(partner.id.0)
    .bind(key_hash(&key).as_slice())
    .bind(&key[..KEY_PREFIX.len() + 6])
    .bind(expires_at)
    .execute(pg)
    .await?;
    Ok(NewKey {
        id,
        key,
        expires_at,
    })
}

/// Revokes a key at once; `false` when there is no such live key.
pub async fn revoke_key(pg: &PgPool, key_id: Uuid) -> Result<bool, AppError> {
    let done = sqlx::query(
        "update partner_api_keys set revoked_at = now() where id = $1 and revoked_at is null",
    )
    .bind(key_id)
    .execute(pg)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The partner a live (unrevoked, unexpired) key belongs to.
pub async fn find_by_key(pg: &PgPool, key: &str) -> Result<Option<Partner>, AppError> {
    if !key.starts_with(KEY_PREFIX) || key.len() > 100 {
        return Ok(None);
    }
    Ok(sqlx::query_as(
        "update partner_api_keys k set last_used_at = now()
         from partners p
         where k.key_hash = $1 and p.id = k.partner_id and k.revoked_at is null
           and (k.expires_at is null or k.expires_at > now())
         returning p.id, p.name",
    )
    .bind(key_hash(key).as_slice())
    .fetch_optional(pg)
    .await?)
}

/// Replaces a partner's allow-list with a manifest's operations, in one transaction.
/// Callers validate the operations against the schema first.
pub async fn publish(pg: &PgPool, partner: &str, manifest: &Manifest) -> Result<usize, AppError> {
    let partner = partner_named(pg, partner).await?;
    let mut tx = pg.begin().await?;
    sqlx::query("delete from partner_documents where partner_id = $1")
        .bind(partner.id.0)
        .execute(&mut *tx)
        .await?;
    for operation in &manifest.operations {
        sqlx::query(
            "insert into partner_documents (partner_id, document_id, name, operation_type, body) values ($1, $2, $3, $4, $5)
             on conflict do nothing",
        )
        .bind(partner.id.0)
        .bind(&operation.id)
        .bind(&operation.name)
        .bind(&operation.operation_type)
        .bind(&operation.body)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(manifest.operations.len())
}

/// The body of a document the partner published.
pub async fn trusted_document(
    pg: &PgPool,
    partner: PartnerId,
    document_id: &str,
) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar(
        "select body from partner_documents where partner_id = $1 and document_id = $2",
    )
    .bind(partner.0)
    .bind(document_id.to_ascii_lowercase())
    .fetch_optional(pg)
    .await?)
}

/// Every partner with its live keys and published documents, by name.
pub async fn list(pg: &PgPool) -> Result<Vec<(String, i64, i64)>, AppError> {
    Ok(sqlx::query_as(
        "select p.name,
                (select count(*) from partner_api_keys k where k.partner_id = p.id and k.revoked_at is null
                    and (k.expires_at is null or k.expires_at > now())),
                (select count(*) from partner_documents d where d.partner_id = p.id)
         from partners p order by p.name",
    )
    .fetch_all(pg)
    .await?)
}
