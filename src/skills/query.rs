//! `skills(search)`: the catalogue as a type-ahead.

use async_graphql::{Context, Object};

use super::{db, model::Skill};
use crate::{error::AppError, graphql, state::AppState};

/// Skill queries.
#[derive(Default)]
pub struct SkillQuery;

#[Object]
impl SkillQuery {
    /// Skills whose name contains `search` (case-insensitively), alphabetically.
    #[graphql(cache_control(max_age = 300))]
    async fn skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Text the name contains; all skills when omitted.")] search: Option<
            String,
        >,
        #[graphql(desc = "How many to return (1 to 100, default 20).")] first: Option<i32>,
    ) -> Result<Vec<Skill>, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let limit = match first.unwrap_or(20) {
            n @ 1..=100 => i64::from(n),
            n => {
                return Err(AppError::BadUserInput(format!(
                    "first: must be between 1 and 100, got {n}"
                )));
            }
        };
        let search = search
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        if search.as_ref().is_some_and(|s| s.chars().count() > 100) {
            return Err(AppError::BadUserInput(
                "search: at most 100 characters".to_owned(),
            ));
        }
        Ok(db::search(&state.pg, search.as_deref(), limit).await?)
    }
}
