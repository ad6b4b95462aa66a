//! Digital twins: the twin (`digital_twins`), its data sources, training jobs and model
//! versions in PostgreSQL, and its configuration as a versioned MongoDB document
//! (`twin_configs`): braid's first entity spanning two stores.

mod config;
mod db;
mod docs;
mod input;
mod loader;
mod model;
mod mutation;
mod query;
mod subscription;
mod training;

pub use config::{TwinConfig, TwinConfigInput};
pub use input::{CreateTwinInput, TwinDataSourceInput};
pub use loader::{attach_loaders, load_twin, load_twins_of};
pub use model::{
    DataSourceId, DigitalTwin, ModelVersion, ModelVersionId, TrainingJob, TrainingJobId,
    TwinDataSource, TwinId, TwinStatus,
};
pub use mutation::TwinMutation;
pub use mutation::publish_training_progress;
pub(crate) use mutation::{add_data_source, create as create_twin};
pub use query::TwinQuery;
pub use subscription::TwinSubscription;
pub use training::{PASSAGE_KIND, TwinPassage, model_path, run_queued_training};
