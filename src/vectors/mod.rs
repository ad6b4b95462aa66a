//! The vector index (Qdrant): sentence embeddings, the indexing outbox and its worker,
//! semantic and hybrid search, recommendations and match scores.
//!
//! Writes never touch Qdrant directly: PostgreSQL triggers add `vector_outbox` rows in
//! the writing transaction (MongoDB documents carry a pending state), and the worker in
//! `braid serve` embeds and upserts with retries, so a Qdrant outage loses nothing.

mod access;
mod embedder;
mod indexer;
mod kind;
mod maintenance;
mod mongo_docs;
pub mod outbox;
pub mod points;
mod query;
mod recommend;
mod sources;

pub use embedder::{DIMENSIONS, EmbedError, Embedder, chunk};
pub use indexer::{CHANNEL, DrainReport, drain_all, spawn};
pub use kind::{SearchKind, Visibility};
pub use maintenance::{Drift, drift, reindex};
pub use query::{JobSearchHit, SearchHit, SemanticSearchFilter, VectorQuery, result_count};
pub use recommend::{
    CandidateMatch, JobMatch, KnowledgeMatch, knowledge_search, match_score,
    recommended_candidates, recommended_jobs,
};
