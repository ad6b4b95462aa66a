//! `me`, `user(id)` and `users(filter)`.

use async_graphql::{
    Context, ID, InputObject, Object,
    connection::{Connection, Edge},
};

use super::{
    db, loader,
    model::{Role, User, UserId},
};
use crate::{
    error::AppError,
    graphql::{
        self,
        node::NodeId,
        pagination::{self, KeysetCursor},
        viewer::Viewer,
    },
    state::AppState,
};

/// Narrows the `users` listing; all given conditions must hold.
#[derive(InputObject, Default)]
pub(super) struct UserFilter {
    /// Only users with this role.
    pub role: Option<Role>,
    /// Only users who list this skill (by name, case-insensitively).
    pub skill: Option<String>,
    /// Only users whose visible location contains this text.
    pub location: Option<String>,
    /// Text found in the username, name or headline.
    pub search: Option<String>,
}

fn optional_text(field: &str, value: Option<String>) -> Result<Option<String>, AppError> {
    match value.map(|v| v.trim().to_owned()) {
        Some(v) if v.chars().count() > 100 => Err(AppError::BadUserInput(format!(
            "{field}: at most 100 characters"
        ))),
        Some(v) if v.is_empty() => Ok(None),
        other => Ok(other),
    }
}

/// User queries.
#[derive(Default)]
pub struct UserQuery;

#[Object]
impl UserQuery {
    /// The signed-in user; `null` for anonymous requests.
    #[graphql(cache_control(no_cache))]
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<User>, AppError> {
        match graphql::data::<Viewer>(ctx)?.user_id() {
            Some(id) => loader::load_user(ctx, id).await,
            None => Ok(None),
        }
    }

    /// A user by global ID; `null` when there is none or the viewer may not see them.
    #[graphql(cache_control(max_age = 60))]
    async fn user(&self, ctx: &Context<'_>, id: ID) -> Result<Option<User>, AppError> {
        loader::load_user(ctx, UserId::from_global(&id)?).await
    }

    /// Users the viewer may see, newest first.
    #[graphql(
        complexity = "pagination::page_cost(first, child_complexity)",
        cache_control(max_age = 60)
    )]
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions users must meet.")] filter: Option<UserFilter>,
        #[graphql(desc = "How many users to return (0 to 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return users after this cursor (an `endCursor`).")] after: Option<String>,
    ) -> Result<Connection<KeysetCursor, User>, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?;
        let limit = pagination::page_size(first)?;
        let after = pagination::after_cursor(after.as_deref())?;
        let filter = filter.unwrap_or_default();
        let filter = db::UserFilter {
            role: filter.role,
            skill: optional_text("skill", filter.skill)?,
            location: optional_text("location", filter.location)?,
            search: optional_text("search", filter.search)?,
        };
        let mut users = db::page(&state.pg, viewer, &filter, after, limit + 1).await?;
        let has_next = users.len() as i64 > limit;
        users.truncate(limit as usize);
        let mut connection = Connection::new(after.is_some(), has_next);
        connection.edges.extend(users.into_iter().map(|user| {
            Edge::new(
                KeysetCursor {
                    at: user.created_at,
                    id: user.id.0,
                },
                user,
            )
        }));
        Ok(connection)
    }
}
