//! SQL for `employer_organizations` and `employer_members`.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, prelude::FromRow};
use uuid::Uuid;

use super::refused;
use crate::{
    error::AppError,
    hiring::{
        input::OrganizationFields,
        organization::{CompanySize, MemberRole, Organization, OrganizationId, OrganizationMember},
    },
    users::UserId,
};

#[derive(FromRow)]
struct OrganizationRow {
    id: Uuid,
    name: String,
    description: Option<String>,
    industry: Option<String>,
    company_size: Option<String>,
    founded_year: Option<i32>,
    website_url: Option<String>,
    logo_url: Option<String>,
    location: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<OrganizationRow> for Organization {
    fn from(r: OrganizationRow) -> Self {
        Organization {
            id: OrganizationId(r.id),
            name: r.name,
            description: r.description,
            industry: r.industry,
            company_size: r.company_size.as_deref().and_then(CompanySize::parse),
            founded_year: r.founded_year,
            website_url: r.website_url,
            logo_url: r.logo_url,
            location: r.location,
            created_at: r.created_at,
        }
    }
}

const COLUMNS: &str = "id, name, description, industry, company_size, founded_year, website_url, logo_url, location, created_at";

/// Creates an organization; the caller adds its first owner in the same transaction.
#[tracing::instrument(skip_all)]
pub(crate) async fn insert(
    db: impl PgExecutor<'_>,
    fields: &OrganizationFields,
) -> Result<Organization, AppError> {
    sqlx::query_as::<_, OrganizationRow>(&format!(
        "insert into employer_organizations
            (id, name, description, industry, company_size, founded_year, website_url, logo_url, location)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning {COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(&fields.name)
    .bind(&fields.description)
    .bind(&fields.industry)
    .bind(fields.company_size.map(CompanySize::as_str))
    .bind(fields.founded_year)
    .bind(&fields.website_url)
    .bind(&fields.logo_url)
    .bind(&fields.location)
    .fetch_one(db)
    .await
    .map(Organization::from)
    .map_err(refused)
}

/// Replaces an organization's details; `None` when it does not exist.
#[tracing::instrument(skip_all)]
pub(crate) async fn update(
    db: impl PgExecutor<'_>,
    id: OrganizationId,
    fields: &OrganizationFields,
) -> Result<Option<Organization>, AppError> {
    sqlx::query_as::<_, OrganizationRow>(&format!(
        "update employer_organizations set name = $2, description = $3, industry = $4, company_size = $5,
            founded_year = $6, website_url = $7, logo_url = $8, location = $9
         where id = $1 returning {COLUMNS}"
    ))
    .bind(id.0)
    .bind(&fields.name)
    .bind(&fields.description)
    .bind(&fields.industry)
    .bind(fields.company_size.map(CompanySize::as_str))
    .bind(fields.founded_year)
    .bind(&fields.website_url)
    .bind(&fields.logo_url)
    .bind(&fields.location)
    .fetch_optional(db)
    .await
    .map(|row| row.map(Organization::from))
    .map_err(refused)
}

/// Organizations by id, in one statement.
#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(crate) async fn by_ids(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
) -> sqlx::Result<Vec<Organization>> {
    sqlx::query_as::<_, OrganizationRow>(&format!(
        "select {COLUMNS} from employer_organizations where id = any($1)"
    ))
    .bind(ids)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(Organization::from).collect())
}

/// The organizations a user belongs to, by name.
#[tracing::instrument(skip_all)]
pub(crate) async fn of_member(
    db: impl PgExecutor<'_>,
    user: UserId,
) -> sqlx::Result<Vec<Organization>> {
    sqlx::query_as::<_, OrganizationRow>(
        "select o.id, o.name, o.description, o.industry, o.company_size, o.founded_year, o.website_url,
                o.logo_url, o.location, o.created_at
         from employer_organizations o join employer_members m on m.organization_id = o.id
         where m.user_id = $1 order by lower(o.name), o.id",
    )
    .bind(user.0)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(Organization::from).collect())
}

#[derive(FromRow)]
struct MemberRow {
    organization_id: Uuid,
    user_id: Uuid,
    role: String,
    title: Option<String>,
    department: Option<String>,
    joined_at: DateTime<Utc>,
}

impl From<MemberRow> for OrganizationMember {
    fn from(r: MemberRow) -> Self {
        OrganizationMember {
            organization: OrganizationId(r.organization_id),
            user: UserId(r.user_id),
            role: MemberRole::parse(&r.role).unwrap_or(MemberRole::Member),
            title: r.title,
            department: r.department,
            joined_at: r.joined_at,
        }
    }
}

const MEMBER_COLUMNS: &str = "organization_id, user_id, role, title, department, joined_at";

/// A member to add or change.
pub(crate) struct MemberFields {
    pub(crate) role: MemberRole,
    pub(crate) title: Option<String>,
    pub(crate) department: Option<String>,
}

/// Adds a member; an existing member is `CONFLICT`.
#[tracing::instrument(skip_all)]
pub(crate) async fn insert_member(
    db: impl PgExecutor<'_>,
    organization: OrganizationId,
    user: UserId,
    fields: &MemberFields,
) -> Result<OrganizationMember, AppError> {
    sqlx::query_as::<_, MemberRow>(&format!(
        "insert into employer_members (organization_id, user_id, role, title, department)
         values ($1, $2, $3, $4, $5) returning {MEMBER_COLUMNS}"
    ))
    .bind(organization.0)
    .bind(user.0)
    .bind(fields.role.as_str())
    .bind(&fields.title)
    .bind(&fields.department)
    .fetch_one(db)
    .await
    .map(OrganizationMember::from)
    .map_err(refused)
}

/// Changes a member; `None` when they are not one. Demoting the last owner is `CONFLICT`.
#[tracing::instrument(skip_all)]
pub(crate) async fn update_member(
    db: impl PgExecutor<'_>,
    organization: OrganizationId,
    user: UserId,
    fields: &MemberFields,
) -> Result<Option<OrganizationMember>, AppError> {
    sqlx::query_as::<_, MemberRow>(&format!(
        "update employer_members set role = $3, title = $4, department = $5
         where organization_id = $1 and user_id = $2 returning {MEMBER_COLUMNS}"
    ))
    .bind(organization.0)
    .bind(user.0)
    .bind(fields.role.as_str())
    .bind(&fields.title)
    .bind(&fields.department)
    .fetch_optional(db)
    .await
    .map(|row| row.map(OrganizationMember::from))
    .map_err(refused)
}

/// Removes a member; whether they were one. Removing the last owner is `CONFLICT`.
#[tracing::instrument(skip_all)]
pub(crate) async fn delete_member(
    db: impl PgExecutor<'_>,
    organization: OrganizationId,
    user: UserId,
) -> Result<bool, AppError> {
    sqlx::query("delete from employer_members where organization_id = $1 and user_id = $2")
        .bind(organization.0)
        .bind(user.0)
        .execute(db)
        .await
        .map(|done| done.rows_affected() > 0)
        .map_err(refused)
}

/// A user's role in an organization.
pub(crate) async fn member_role(
    db: impl PgExecutor<'_>,
    organization: OrganizationId,
    user: UserId,
) -> sqlx::Result<Option<MemberRole>> {
    let role: Option<String> = sqlx::query_scalar(
        "select role from employer_members where organization_id = $1 and user_id = $2",
    )
    .bind(organization.0)
    .bind(user.0)
    .fetch_optional(db)
    .await?;
    Ok(role.as_deref().and_then(MemberRole::parse))
}

/// The members of many organizations, owners first, in one statement.
#[tracing::instrument(skip_all, fields(count = organizations.len()))]
pub(crate) async fn members_of(
    db: impl PgExecutor<'_>,
    organizations: &[Uuid],
) -> sqlx::Result<Vec<OrganizationMember>> {
    sqlx::query_as::<_, MemberRow>(&format!(
        "select {MEMBER_COLUMNS} from employer_members where organization_id = any($1)
         order by array_position(array['owner', 'admin', 'member'], role), joined_at, user_id"
    ))
    .bind(organizations)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(OrganizationMember::from).collect())
}

/// Roles of (organization, user) pairs, in one statement.
#[tracing::instrument(skip_all, fields(count = pairs.len()))]
pub(crate) async fn roles_of(
    db: impl PgExecutor<'_>,
    pairs: &[(OrganizationId, UserId)],
) -> sqlx::Result<Vec<OrganizationMember>> {
    let organizations: Vec<Uuid> = pairs.iter().map(|(o, _)| o.0).collect();
    let users: Vec<Uuid> = pairs.iter().map(|(_, u)| u.0).collect();
    sqlx::query_as::<_, MemberRow>(&format!(
        "select {MEMBER_COLUMNS} from employer_members
         where (organization_id, user_id) in (select * from unnest($1::uuid[], $2::uuid[]))"
    ))
    .bind(organizations)
    .bind(users)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(OrganizationMember::from).collect())
}

/// Who manages an organization (owners and admins): whom organization-wide news reaches.
pub(crate) async fn managers_of(
    db: impl PgExecutor<'_>,
    organization: OrganizationId,
) -> sqlx::Result<Vec<UserId>> {
    sqlx::query_scalar(
        "select user_id from employer_members where organization_id = $1 and role in ('owner', 'admin')",
    )
    .bind(organization.0)
    .fetch_all(db)
    .await
    .map(|ids: Vec<Uuid>| ids.into_iter().map(UserId).collect())
}
