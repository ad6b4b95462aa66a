//! Changes to the viewer's profile and history. Items can be changed by their owner or
//! an admin: others get `FORBIDDEN`, anonymous viewers `UNAUTHENTICATED`.

use async_graphql::{Context, ID, Object};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{
    db::{self, ProfileFields},
    history::{self, HistoryTable},
    input::{EducationInput, ExperienceInput, PortfolioProjectInput, ProfileInput},
    model::{
        Education, EducationId, Experience, ExperienceId, IndividualProfile, PortfolioProject,
        PortfolioProjectId,
    },
};
use crate::{
    error::AppError,
    graphql::{self, node::NodeId, viewer::Viewer},
    state::AppState,
    users::UserId,
};

/// Checks, in the caller's transaction, that the item exists and that the viewer may
/// change it; returns its owner. The item stays locked until the transaction ends.
async fn authorize(
    ctx: &Context<'_>,
    tx: &mut PgConnection,
    table: HistoryTable,
    id: Uuid,
) -> Result<UserId, AppError> {
    let viewer = graphql::data::<Viewer>(ctx)?;
    viewer.require_user()?;
    let owner = history::owner_of(&mut *tx, table, id)
        .await?
        .ok_or_else(|| AppError::NotFound("no such item".to_owned()))?;
    viewer.require_owner_or_admin(owner)?;
    Ok(owner)
}

async fn delete(ctx: &Context<'_>, table: HistoryTable, id: Uuid) -> Result<bool, AppError> {
    let mut tx = graphql::data::<AppState>(ctx)?.pg.begin().await?;
    authorize(ctx, &mut tx, table, id).await?;
    let deleted = history::delete_item(&mut *tx, table, id).await?;
    tx.commit().await?;
    Ok(deleted)
}

/// Applies profile changes for `user` in the caller's transaction.
pub(crate) async fn update_profile(
    tx: &mut sqlx::PgConnection,
    user: UserId,
    input: ProfileInput,
) -> Result<IndividualProfile, AppError> {
    let current = db::profile_for_update(&mut *tx, user).await?;
    let fields = input.apply(
        current
            .as_ref()
            .map(ProfileFields::from)
            .unwrap_or_default(),
    )?;
    Ok(db::save_profile(&mut *tx, user, &fields).await?)
}

/// Adds a checked experience to `user`'s history.
pub(crate) async fn add_experience(
    db: impl sqlx::PgExecutor<'_>,
    user: UserId,
    input: ExperienceInput,
) -> Result<Experience, AppError> {
    let experience = input.parse()?;
    Ok(history::insert_experience(db, Uuid::now_v7(), user, &experience).await?)
}

/// Adds a checked project to `user`'s portfolio.
pub(crate) async fn add_portfolio_project(
    db: impl sqlx::PgExecutor<'_>,
    user: UserId,
    input: PortfolioProjectInput,
) -> Result<PortfolioProject, AppError> {
    let project = input.parse()?;
    Ok(history::insert_portfolio_project(db, Uuid::now_v7(), user, &project).await?)
}

/// Adds a checked education to `user`'s history.
pub(crate) async fn add_education(
    db: impl sqlx::PgExecutor<'_>,
    user: UserId,
    input: EducationInput,
) -> Result<Education, AppError> {
    let education = input.parse()?;
    Ok(history::insert_education(db, Uuid::now_v7(), user, &education).await?)
}

/// Profile mutations.
#[derive(Default)]
pub struct ProfileMutation;

#[Object]
impl ProfileMutation {
    /// Changes the viewer's profile: omitted fields stay, `null` clears a field.
    async fn update_profile(
        &self,
        ctx: &Context<'_>,
        input: ProfileInput,
    ) -> Result<IndividualProfile, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        let mut tx = state.pg.begin().await?;
        let profile = update_profile(&mut tx, viewer.user_id, input).await?;
        tx.commit().await?;
        Ok(profile)
    }

    /// Adds a work experience to the viewer's history.
    async fn add_experience(
        &self,
        ctx: &Context<'_>,
        input: ExperienceInput,
    ) -> Result<Experience, AppError> {
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        add_experience(&graphql::data::<AppState>(ctx)?.pg, viewer.user_id, input).await
    }

    /// Replaces an experience.
    async fn update_experience(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ExperienceInput,
    ) -> Result<Experience, AppError> {
        let id = ExperienceId::from_global(&id)?;
        let experience = input.parse()?;
        let mut tx = graphql::data::<AppState>(ctx)?.pg.begin().await?;
        let owner = authorize(ctx, &mut tx, HistoryTable::Experiences, id.0).await?;
        let updated = history::insert_experience(&mut *tx, id.0, owner, &experience).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Deletes an experience; `false` when it was already gone.
    async fn delete_experience(&self, ctx: &Context<'_>, id: ID) -> Result<bool, AppError> {
        delete(
            ctx,
            HistoryTable::Experiences,
            ExperienceId::from_global(&id)?.0,
        )
        .await
    }

    /// Adds a project to the viewer's portfolio.
    async fn add_portfolio_project(
        &self,
        ctx: &Context<'_>,
        input: PortfolioProjectInput,
    ) -> Result<PortfolioProject, AppError> {
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        add_portfolio_project(&graphql::data::<AppState>(ctx)?.pg, viewer.user_id, input).await
    }

    /// Replaces a portfolio project.
    async fn update_portfolio_project(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: PortfolioProjectInput,
    ) -> Result<PortfolioProject, AppError> {
        let id = PortfolioProjectId::from_global(&id)?;
        let project = input.parse()?;
        let mut tx = graphql::data::<AppState>(ctx)?.pg.begin().await?;
        let owner = authorize(ctx, &mut tx, HistoryTable::Projects, id.0).await?;
        let updated = history::insert_portfolio_project(&mut *tx, id.0, owner, &project).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Deletes a portfolio project; `false` when it was already gone.
    async fn delete_portfolio_project(&self, ctx: &Context<'_>, id: ID) -> Result<bool, AppError> {
        delete(
            ctx,
            HistoryTable::Projects,
            PortfolioProjectId::from_global(&id)?.0,
        )
        .await
    }

    /// Adds an education to the viewer's history.
    async fn add_education(
        &self,
        ctx: &Context<'_>,
        input: EducationInput,
    ) -> Result<Education, AppError> {
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        add_education(&graphql::data::<AppState>(ctx)?.pg, viewer.user_id, input).await
    }

    /// Replaces an education.
    async fn update_education(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: EducationInput,
    ) -> Result<Education, AppError> {
        let id = EducationId::from_global(&id)?;
        let education = input.parse()?;
        let mut tx = graphql::data::<AppState>(ctx)?.pg.begin().await?;
        let owner = authorize(ctx, &mut tx, HistoryTable::Educations, id.0).await?;
        let updated = history::insert_education(&mut *tx, id.0, owner, &education).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Deletes an education; `false` when it was already gone.
    async fn delete_education(&self, ctx: &Context<'_>, id: ID) -> Result<bool, AppError> {
        delete(
            ctx,
            HistoryTable::Educations,
            EducationId::from_global(&id)?.0,
        )
        .await
    }
}
