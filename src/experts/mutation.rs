//! Expert profile and knowledge mutations. Only experts save a profile (their own); a
//! knowledge base and its contents are changed by their expert or an admin.

use async_graphql::{Context, ID, Object};
use sqlx::{PgConnection, PgExecutor};

use super::{
    db,
    input::{
        ExpertProfileInput, KnowledgeBaseFields, KnowledgeBaseInput, KnowledgeContentInput,
        UpdateKnowledgeBaseInput, UpdateKnowledgeContentInput,
    },
    knowledge::{KnowledgeBase, KnowledgeContent},
    knowledge_db,
    model::{KnowledgeBaseId, KnowledgeContentId, KnowledgeContentStatus},
    profile::ExpertProfile,
};
use crate::{
    error::AppError,
    graphql::{self, node::NodeId, viewer::Viewer},
    state::AppState,
    users::{Role, UserId},
};

/// Creates or replaces `expert`'s profile (callers check the role).
pub(crate) async fn save_profile(
    db: impl PgExecutor<'_>,
    expert: UserId,
    input: ExpertProfileInput,
) -> Result<ExpertProfile, AppError> {
    let fields = input.parse()?;
    db::save_profile(db, expert, &fields)
        .await
        .map_err(db::constraint_error)
}

/// Creates a knowledge base for `expert`, who must have an expert profile.
pub(crate) async fn create_knowledge_base(
    db: impl PgExecutor<'_>,
    expert: UserId,
    input: KnowledgeBaseInput,
) -> Result<KnowledgeBase, AppError> {
    knowledge_db::insert_knowledge_base(db, expert, &input.parse()?).await
}

/// Adds a content with its tags to a knowledge base, in the caller's transaction.
pub(crate) async fn add_content(
    tx: &mut PgConnection,
    kb: KnowledgeBaseId,
    input: KnowledgeContentInput,
) -> Result<KnowledgeContent, AppError> {
    let (fields, tags) = input.parse()?;
    knowledge_db::insert_content(tx, kb, &fields, &tags).await
}

/// The knowledge base, locked in the caller's transaction, if the viewer may change it.
async fn owned_knowledge_base(
    ctx: &Context<'_>,
    tx: &mut PgConnection,
    id: KnowledgeBaseId,
) -> Result<KnowledgeBase, AppError> {
    let viewer = graphql::data::<Viewer>(ctx)?;
    viewer.require_user()?;
    let kb = knowledge_db::knowledge_base_for_update(&mut *tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound("no knowledge base has this id".to_owned()))?;
    viewer.require_owner_or_admin(kb.expert)?;
    Ok(kb)
}

/// The content, locked in the caller's transaction, if the viewer may change it.
async fn owned_content(
    ctx: &Context<'_>,
    tx: &mut PgConnection,
    id: KnowledgeContentId,
) -> Result<KnowledgeContent, AppError> {
    let viewer = graphql::data::<Viewer>(ctx)?;
    viewer.require_user()?;
    let (content, expert) = knowledge_db::content_for_update(&mut *tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound("no knowledge content has this id".to_owned()))?;
    viewer.require_owner_or_admin(expert)?;
    Ok(content)
}

/// Expert profile and knowledge mutations.
#[derive(Default)]
pub(super) struct KnowledgeMutation;

#[Object]
impl KnowledgeMutation {
    /// Creates or replaces the viewer's expert profile (users with the EXPERT role only).
    async fn save_expert_profile(
        &self,
        ctx: &Context<'_>,
        input: ExpertProfileInput,
    ) -> Result<ExpertProfile, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        if viewer.role != Role::Expert {
            return Err(AppError::Forbidden(
                "only users with the EXPERT role have an expert profile".to_owned(),
            ));
        }
        save_profile(&state.pg, viewer.user_id, input).await
    }

    /// Creates a knowledge base for the viewer, who needs an expert profile.
    async fn create_knowledge_base(
        &self,
        ctx: &Context<'_>,
        input: KnowledgeBaseInput,
    ) -> Result<KnowledgeBase, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        if viewer.role != Role::Expert {
            return Err(AppError::Forbidden(
                "only experts have knowledge bases".to_owned(),
            ));
        }
        create_knowledge_base(&state.pg, viewer.user_id, input).await
    }

    /// Renames a knowledge base, changes its description or makes it public or private.
    async fn update_knowledge_base(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateKnowledgeBaseInput,
    ) -> Result<KnowledgeBase, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let mut tx = state.pg.begin().await?;
        let kb = owned_knowledge_base(ctx, &mut tx, KnowledgeBaseId::from_global(&id)?).await?;
        let fields = input.apply(KnowledgeBaseFields {
            name: kb.name,
            description: kb.description,
            is_public: kb.is_public,
        })?;
        let updated = knowledge_db::update_knowledge_base(&mut *tx, kb.id, &fields).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Deletes a knowledge base with its contents.
    async fn delete_knowledge_base(&self, ctx: &Context<'_>, id: ID) -> Result<bool, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let mut tx = state.pg.begin().await?;
        let kb = owned_knowledge_base(ctx, &mut tx, KnowledgeBaseId::from_global(&id)?).await?;
        let deleted = knowledge_db::delete_knowledge_base(&mut *tx, kb.id).await?;
        tx.commit().await?;
        Ok(deleted)
    }

    /// Adds a piece of knowledge with its tags. It is created ACTIVE: the vector-indexing
    /// worker that will take contents through PROCESSING does not exist yet.
    async fn add_knowledge_content(
        &self,
        ctx: &Context<'_>,
        knowledge_base_id: ID,
        input: KnowledgeContentInput,
    ) -> Result<KnowledgeContent, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let mut tx = state.pg.begin().await?;
        let kb = owned_knowledge_base(
            ctx,
            &mut tx,
            KnowledgeBaseId::from_global(&knowledge_base_id)?,
        )
        .await?;
        let added = add_content(&mut tx, kb.id, input).await?;
        tx.commit().await?;
        Ok(added)
    }

    /// Changes a piece of knowledge; `tags`, when given, replace all of its tags.
    async fn update_knowledge_content(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateKnowledgeContentInput,
    ) -> Result<KnowledgeContent, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let mut tx = state.pg.begin().await?;
        let content = owned_content(ctx, &mut tx, KnowledgeContentId::from_global(&id)?).await?;
        let (fields, tags) = input.apply(content.fields())?;
        let updated = knowledge_db::update_content(&mut *tx, content.id, &fields).await?;
        if let Some(tags) = tags {
            knowledge_db::replace_tags(&mut tx, content.id, &tags).await?;
        }
        tx.commit().await?;
        Ok(updated)
    }

    /// Archives a piece of knowledge (ARCHIVED) or restores it (ACTIVE). PROCESSING and
    /// FAILED belong to the indexing worker; other changes are CONFLICT.
    async fn set_knowledge_content_status(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: KnowledgeContentStatus,
    ) -> Result<KnowledgeContent, AppError> {
        if !matches!(
            status,
            KnowledgeContentStatus::Active | KnowledgeContentStatus::Archived
        ) {
            return Err(AppError::BadUserInput(
                "status: only ACTIVE or ARCHIVED may be set; the indexing worker sets the others"
                    .to_owned(),
            ));
        }
        let state = graphql::data::<AppState>(ctx)?;
        let mut tx = state.pg.begin().await?;
        let content = owned_content(ctx, &mut tx, KnowledgeContentId::from_global(&id)?).await?;
        let updated = knowledge_db::set_content_status(&mut *tx, content.id, status).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Deletes a piece of knowledge with its tags.
    async fn delete_knowledge_content(&self, ctx: &Context<'_>, id: ID) -> Result<bool, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let mut tx = state.pg.begin().await?;
        let content = owned_content(ctx, &mut tx, KnowledgeContentId::from_global(&id)?).await?;
        let deleted = knowledge_db::delete_content(&mut *tx, content.id).await?;
        tx.commit().await?;
        Ok(deleted)
    }
}
