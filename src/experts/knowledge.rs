//! The `KnowledgeBase` and `KnowledgeContent` types.

use async_graphql::{Context, ID, Object, connection::Connection};
use chrono::{DateTime, Utc};

use super::{
    loader::{self, PageKey},
    model::{KnowledgeBaseId, KnowledgeContentId, KnowledgeContentStatus, KnowledgeContentType},
    profile::ExpertProfile,
    query::connection,
};
use crate::{
    error::AppError,
    graphql::{
        self,
        node::NodeId,
        pagination::{self, KeysetCursor},
        viewer::Viewer,
    },
    users::UserId,
};

/// A collection of an expert's knowledge.
#[derive(Clone, Debug)]
pub struct KnowledgeBase {
    pub(crate) id: KnowledgeBaseId,
    pub(crate) expert: UserId,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) is_public: bool,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// A collection of an expert's knowledge. Private ones (`isPublic: false`), and their
/// contents, are seen by the expert and admins only.
#[Object]
impl KnowledgeBase {
    /// Contents of this knowledge base closest in meaning to `text`, best first, among
    /// those the viewer may see (archived and private contents only for the expert).
    /// `null` with `STORE_UNAVAILABLE` while the vector store is down.
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to look for (1 to 2000 characters).")] text: String,
        #[graphql(default = 10, desc = "How many contents (1 to 50).")] first: i32,
    ) -> Result<Option<Vec<crate::vectors::KnowledgeMatch>>, AppError> {
        crate::vectors::knowledge_search(ctx, self.id.0, &text, first)
            .await
            .map(Some)
    }

    /// The knowledge base's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// The expert it belongs to (when visible to the viewer).
    async fn expert(&self, ctx: &Context<'_>) -> Result<Option<ExpertProfile>, AppError> {
        loader::load_expert(ctx, self.expert).await
    }

    /// Name (1 to 100 characters).
    async fn name(&self) -> &str {
        &self.name
    }

    /// What it holds.
    async fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Whether everyone who may see the expert may see it.
    async fn is_public(&self) -> bool {
        self.is_public
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }

    /// Contents, newest first: active ones, and every status for the expert and admins.
    #[graphql(complexity = "pagination::page_cost(first, child_complexity)")]
    async fn contents(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return (0 to 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return contents after this cursor.")] after: Option<String>,
    ) -> Result<Connection<KeysetCursor, KnowledgeContent>, AppError> {
        let viewer = graphql::data::<Viewer>(ctx)?;
        let limit = pagination::page_size(first)?;
        let after = pagination::after_cursor(after.as_deref())?;
        let key = PageKey::new(
            self.id.0,
            after,
            limit,
            viewer.is_self_or_admin(self.expert),
        );
        let rows = loader::load_content_page(ctx, key).await?;
        Ok(connection(rows, limit, after.is_some(), |c| KeysetCursor {
            at: c.created_at,
            id: c.id.0,
        }))
    }
}

/// A piece of knowledge in a knowledge base.
#[derive(Clone, Debug)]
pub struct KnowledgeContent {
    pub(crate) id: KnowledgeContentId,
    pub(crate) knowledge_base_id: KnowledgeBaseId,
    pub(crate) title: String,
    pub(crate) content_type: KnowledgeContentType,
    pub(crate) content: Option<String>,
    pub(crate) file_url: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) status: KnowledgeContentStatus,
    pub(crate) is_featured: bool,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// A piece of knowledge: text, a file, or both. Seen by whoever may see its knowledge
/// base while active; in every status by the expert and admins.
#[Object]
impl KnowledgeContent {
    /// The content's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// The knowledge base it is in.
    async fn knowledge_base(&self, ctx: &Context<'_>) -> Result<Option<KnowledgeBase>, AppError> {
        loader::load_knowledge_base(ctx, self.knowledge_base_id).await
    }

    /// Title (1 to 255 characters).
    async fn title(&self) -> &str {
        &self.title
    }

    /// What kind of knowledge it is.
    async fn content_type(&self) -> KnowledgeContentType {
        self.content_type
    }

    /// The text (at most 100,000 characters).
    async fn content(&self) -> Option<&str> {
        self.content.as_deref()
    }

    /// Where the file is (http or https).
    async fn file_url(&self) -> Option<&str> {
        self.file_url.as_deref()
    }

    /// A short description.
    async fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Where it is in its life (created active until the indexing worker exists).
    async fn status(&self) -> KnowledgeContentStatus {
        self.status
    }

    /// Whether the expert highlights it.
    async fn is_featured(&self) -> bool {
        self.is_featured
    }

    /// Tags (lower case), alphabetical.
    async fn tags(&self, ctx: &Context<'_>) -> Result<Vec<String>, AppError> {
        loader::load_tags(ctx, self.id).await
    }

    /// When it was added.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}
