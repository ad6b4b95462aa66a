//! SQL for `skills` and `user_skills`.

use sqlx::{PgExecutor, prelude::FromRow};
use uuid::Uuid;

use super::model::{Skill, SkillCategory, SkillId, UserSkill};
use crate::{
    error::{AppError, violated_constraint},
    stores::postgres,
    users::UserId,
};

#[derive(FromRow)]
struct SkillRow {
    id: Uuid,
    name: String,
    category: Option<String>,
    description: Option<String>,
}

impl From<SkillRow> for Skill {
    fn from(r: SkillRow) -> Self {
        Skill {
            id: SkillId(r.id),
            name: r.name,
            category: r.category.as_deref().and_then(SkillCategory::parse),
            description: r.description,
        }
    }
}

/// Skills whose name contains `search` (all when `None`), by name.
#[tracing::instrument(skip_all)]
pub(super) async fn search(
    db: impl PgExecutor<'_>,
    search: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<Skill>> {
    let pattern = search.map(postgres::contains_pattern);
    sqlx::query_as::<_, SkillRow>(
        "select id, name::text as name, category, description from skills
         where $1::text is null or name ilike $1
         order by lower(name::text) limit $2",
    )
    .bind(pattern)
    .bind(limit)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(Skill::from).collect())
}

/// Catalogue entries by id, in one statement.
#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(super) async fn by_ids(db: impl PgExecutor<'_>, ids: &[Uuid]) -> sqlx::Result<Vec<Skill>> {
    sqlx::query_as::<_, SkillRow>(
        "select id, name::text as name, category, description from skills where id = any($1)",
    )
    .bind(ids)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(Skill::from).collect())
}

/// Adds a curated skill; a duplicate name is `CONFLICT`.
pub(super) async fn create(
    db: impl PgExecutor<'_>,
    name: &str,
    category: Option<SkillCategory>,
    description: Option<&str>,
) -> Result<Skill, AppError> {
    sqlx::query_as::<_, SkillRow>(
        "insert into skills (id, name, category, description) values ($1, $2, $3, $4)
         returning id, name::text as name, category, description",
    )
    .bind(Uuid::now_v7())
    .bind(name)
    .bind(category.map(SkillCategory::as_str))
    .bind(description)
    .fetch_one(db)
    .await
    .map(Skill::from)
    .map_err(|error| match violated_constraint(&error) {
        Some("skills_name_key") => {
            AppError::Conflict("name: a skill with this name exists".to_owned())
        }
        _ => AppError::from(error),
    })
}

/// The id of the skill with this name, creating it (uncategorised, or with `category`)
/// on first use.
#[tracing::instrument(skip_all)]
pub(crate) async fn ensure_skill(
    db: impl PgExecutor<'_>,
    name: &str,
    category: Option<SkillCategory>,
) -> sqlx::Result<SkillId> {
    sqlx::query_scalar::<_, Uuid>(
        "insert into skills (id, name, category) values ($1, $2, $3)
         on conflict (name) do update set name = skills.name
         returning id",
    )
    .bind(Uuid::now_v7())
    .bind(name)
    .bind(category.map(SkillCategory::as_str))
    .fetch_one(db)
    .await
    .map(SkillId)
}

/// Lists a skill for a user, or updates how they list it.
#[tracing::instrument(skip_all)]
pub(crate) async fn set_user_skill(
    db: impl PgExecutor<'_>,
    user: UserId,
    skill: SkillId,
    proficiency: i16,
    years: Option<f64>,
    highlighted: bool,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into user_skills (user_id, skill_id, proficiency_level, years_experience, is_highlighted)
         values ($1, $2, $3, $4::numeric(4, 1), $5)
         on conflict (user_id, skill_id) do update set proficiency_level = excluded.proficiency_level,
             years_experience = excluded.years_experience, is_highlighted = excluded.is_highlighted",
    )
    .bind(user.0)
    .bind(skill.0)
    .bind(proficiency)
    .bind(years)
    .bind(highlighted)
    .execute(db)
    .await
    .map(drop)
}

pub(super) async fn remove_user_skill(
    db: impl PgExecutor<'_>,
    user: UserId,
    skill: SkillId,
) -> sqlx::Result<bool> {
    sqlx::query("delete from user_skills where user_id = $1 and skill_id = $2")
        .bind(user.0)
        .bind(skill.0)
        .execute(db)
        .await
        .map(|done| done.rows_affected() > 0)
}

#[derive(FromRow)]
struct UserSkillRow {
    user_id: Uuid,
    id: Uuid,
    name: String,
    category: Option<String>,
    description: Option<String>,
    proficiency_level: i16,
    years_experience: Option<f64>,
    is_highlighted: bool,
}

/// The skills of many users with their catalogue entries, in one statement.
#[tracing::instrument(skip_all, fields(count = users.len()))]
pub(super) async fn user_skills_of(
    db: impl PgExecutor<'_>,
    users: &[Uuid],
) -> sqlx::Result<Vec<UserSkill>> {
    let rows = sqlx::query_as::<_, UserSkillRow>(
        "select us.user_id, s.id, s.name::text as name, s.category, s.description, us.proficiency_level,
                us.years_experience::float8 as years_experience, us.is_highlighted
         from user_skills us join skills s on s.id = us.skill_id
         where us.user_id = any($1)
         order by us.is_highlighted desc, us.proficiency_level desc, lower(s.name::text)",
    )
    .bind(users)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| UserSkill {
            user_id: UserId(r.user_id),
            skill: Skill::from(SkillRow {
                id: r.id,
                name: r.name,
                category: r.category,
                description: r.description,
            }),
            proficiency: i32::from(r.proficiency_level),
            years_experience: r.years_experience,
            is_highlighted: r.is_highlighted,
        })
        .collect())
}
