//! GraphQL types of the twin domain.

use async_graphql::{ComplexObject, Context, Enum, ID, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::{config::TwinConfig, loader};
use crate::{
    error::AppError,
    graphql::{self, node::NodeId, viewer::Viewer},
    users::{self, User, UserId},
};

crate::node_id!(
    /// The id of a digital twin.
    TwinId => "DigitalTwin"
);
crate::node_id!(
    /// The id of a twin data source.
    DataSourceId => "TwinDataSource"
);
crate::node_id!(
    /// The id of a twin training job.
    TrainingJobId => "TwinTrainingJob"
);
crate::node_id!(
    /// The id of a twin model version.
    ModelVersionId => "TwinModelVersion"
);

/// Where a twin is in its life.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TwinStatus {
    /// Created; not trained yet.
    Initializing,
    /// A training job is queued or running.
    Training,
    /// Answering with its active model version.
    Active,
    /// Switched off by its owner.
    Paused,
    /// Training failed.
    Error,
}

crate::stored_as_text!(TwinStatus {
    Initializing => "initializing",
    Training => "training",
    Active => "active",
    Paused => "paused",
    Error => "error",
});

/// A person's AI double, trained on their data sources.
#[derive(Clone, Debug)]
pub struct DigitalTwin {
    pub(crate) id: TwinId,
    pub(crate) owner: UserId,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) avatar_url: Option<String>,
    pub(crate) status: TwinStatus,
    pub(crate) last_trained_at: Option<DateTime<Utc>>,
    pub(crate) created_at: DateTime<Utc>,
}

impl DigitalTwin {
    fn owner_only(&self, ctx: &Context<'_>) -> Result<bool, AppError> {
        Ok(graphql::data::<Viewer>(ctx)?.is_self_or_admin(self.owner))
    }
}

/// A person's AI double: public details for whoever may see its owner; configuration,
/// data sources, training and model versions for the owner and admins only.
#[Object]
impl DigitalTwin {
    /// The twin's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.name
    }

    /// What the twin is for.
    async fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Picture URL.
    async fn avatar_url(&self) -> Option<&str> {
        self.avatar_url.as_deref()
    }

    /// Where the twin is in its life.
    async fn status(&self) -> TwinStatus {
        self.status
    }

    /// When a training job last completed.
    async fn last_trained_at(&self) -> Option<DateTime<Utc>> {
        self.last_trained_at
    }

    /// When the twin was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// The person the twin belongs to.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<User>, AppError> {
        users::load_user(ctx, self.owner).await
    }

    /// The current configuration, from MongoDB through a DataLoader. A twin whose
    /// document was never written shows the defaults (version 0); while MongoDB is down
    /// this field alone is `null` with `STORE_UNAVAILABLE`. Owner and admins only.
    async fn config(&self, ctx: &Context<'_>) -> Result<Option<TwinConfig>, AppError> {
        if !self.owner_only(ctx)? {
            return Ok(None);
        }
        Ok(Some(
            loader::load_config(ctx, self.id).await?.unwrap_or_default(),
        ))
    }

    /// What the twin learns from. Owner and admins only.
    async fn data_sources(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<Vec<TwinDataSource>>, AppError> {
        if !self.owner_only(ctx)? {
            return Ok(None);
        }
        loader::load_data_sources(ctx, self.id).await.map(Some)
    }

    /// Training jobs, newest first. Owner and admins only.
    async fn training_jobs(&self, ctx: &Context<'_>) -> Result<Option<Vec<TrainingJob>>, AppError> {
        if !self.owner_only(ctx)? {
            return Ok(None);
        }
        loader::load_training_jobs(ctx, self.id).await.map(Some)
    }

    /// The passages of the twin's data (its active model version) closest in meaning to
    /// `question`, best first, each with its source. Owner and admins only (`null` for
    /// others, and with `STORE_UNAVAILABLE` while the vector store is down); empty until
    /// a training job has completed.
    async fn ask(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The question (1 to 2000 characters).")] question: String,
        #[graphql(default = 5, desc = "How many passages (1 to 50).")] first: i32,
    ) -> Result<Option<Vec<super::training::TwinPassage>>, AppError> {
        if !self.owner_only(ctx)? {
            return Ok(None);
        }
        super::training::ask(ctx, self.id, &question, first)
            .await
            .map(Some)
    }

    /// Trained model versions, newest first. Owner and admins only.
    async fn model_versions(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<Vec<ModelVersion>>, AppError> {
        if !self.owner_only(ctx)? {
            return Ok(None);
        }
        loader::load_model_versions(ctx, self.id).await.map(Some)
    }
}

/// What kind of data a source holds.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataSourceKind {
    /// Text given directly.
    Text,
    /// A web page or document by URL.
    Url,
    /// An uploaded file (path and metadata).
    File,
}

crate::stored_as_text!(DataSourceKind {
    Text => "text",
    Url => "url",
    File => "file",
});

/// How far a data source got in processing.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataSourceStatus {
    /// Waiting to be processed.
    Pending,
    /// Being processed.
    Processing,
    /// Processed and usable for training.
    Processed,
    /// Processing failed (see `errorMessage`).
    Failed,
}

crate::stored_as_text!(DataSourceStatus {
    Pending => "pending",
    Processing => "processing",
    Processed => "processed",
    Failed => "failed",
});

/// Something a twin learns from.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct TwinDataSource {
    #[graphql(skip)]
    pub(crate) id: DataSourceId,
    #[graphql(skip)]
    pub(crate) twin_id: TwinId,
    /// What kind of data it holds.
    pub kind: DataSourceKind,
    /// Display name.
    pub name: String,
    /// The text (text sources).
    pub content_text: Option<String>,
    /// The URL (URL sources).
    pub content_url: Option<String>,
    /// The stored file's path (file sources).
    pub content_path: Option<String>,
    /// Extra facts such as a file's size or content type.
    pub metadata: Json<serde_json::Value>,
    /// Processing state.
    pub status: DataSourceStatus,
    /// Why processing failed.
    pub error_message: Option<String>,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

#[ComplexObject]
impl TwinDataSource {
    /// The data source's global ID.
    async fn id(&self) -> ID {
        self.id.to_global()
    }
}

/// Where a training job is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrainingStatus {
    /// Waiting for a worker.
    Queued,
    /// Running.
    Processing,
    /// Finished; a model version was recorded.
    Completed,
    /// Failed (see `errorMessage`).
    Failed,
}

crate::stored_as_text!(TrainingStatus {
    Queued => "queued",
    Processing => "processing",
    Completed => "completed",
    Failed => "failed",
});

/// A run of twin training.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct TrainingJob {
    #[graphql(skip)]
    pub(crate) id: TrainingJobId,
    #[graphql(skip)]
    pub(crate) twin_id: TwinId,
    /// Where the job is.
    pub status: TrainingStatus,
    /// Percent done, 0 to 100.
    pub progress: i32,
    /// Why it failed.
    pub error_message: Option<String>,
    /// When a worker started it.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub completed_at: Option<DateTime<Utc>>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
}

#[ComplexObject]
impl TrainingJob {
    /// The job's global ID.
    async fn id(&self) -> ID {
        self.id.to_global()
    }
}

/// A trained model of a twin.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct ModelVersion {
    #[graphql(skip)]
    pub(crate) id: ModelVersionId,
    #[graphql(skip)]
    pub(crate) twin_id: TwinId,
    /// 1, 2, ... per twin.
    pub version: i32,
    /// Whether the twin answers with this version (at most one is active).
    pub is_active: bool,
    /// Evaluation figures recorded by training.
    pub performance_metrics: Json<serde_json::Value>,
    /// When it was trained.
    pub created_at: DateTime<Utc>,
}

#[ComplexObject]
impl ModelVersion {
    /// The version's global ID.
    async fn id(&self) -> ID {
        self.id.to_global()
    }
}
