//! Recommendations and match scores: an entity's own text embedded now, compared with
//! the index (or with another entity).

use async_graphql::{Context, SimpleObject};
use qdrant_client::qdrant::Condition;
use uuid::Uuid;

use super::{
    access,
    embedder::chunk,
    indexer,
    kind::SearchKind,
    points,
    query::{self, hydrate},
};
use crate::{
    error::AppError,
    experts::KnowledgeContent,
    graphql::{self, node::Node},
    hiring::Job,
    state::AppState,
    users::User,
};

/// A job recommended to a person.
#[derive(SimpleObject)]
pub struct JobMatch {
    /// Cosine similarity of the person's profile and the job (-1..1).
    pub score: f64,
    /// The job.
    pub job: Job,
}

/// A person recommended for a job.
#[derive(SimpleObject)]
pub struct CandidateMatch {
    /// Cosine similarity of the job and the person's profile (-1..1).
    pub score: f64,
    /// The person.
    pub user: User,
}

/// A knowledge-base search result.
#[derive(SimpleObject)]
pub struct KnowledgeMatch {
    /// Cosine similarity of the best-matching chunk to the search text (-1..1).
    pub score: f64,
    /// The content.
    pub content: KnowledgeContent,
}

/// The embedding of an entity's current text (normalised mean of its chunks), computed
/// now from its store; `None` when it does not exist or has no text.
pub(super) async fn document_vector(
    state: &AppState,
    kind: SearchKind,
    id: Uuid,
) -> Result<Option<Vec<f32>>, AppError> {
    let docs = indexer::documents(state, kind, Some(&[id])).await?;
    let Some(doc) = docs.into_iter().next() else {
        return Ok(None);
    };
    let vectors = state
        .embedder
        .embed(chunk(&doc.text))
        .await
        .map_err(AppError::internal)?;
    Ok(points::mean_unit(&vectors))
}

/// How well an applicant's profile matches a job, 0..100 (cosine similarity, negative
/// as 0); `None` when either has no text.
pub async fn match_score(
    state: &AppState,
    job: Uuid,
    applicant: Uuid,
) -> Result<Option<i32>, AppError> {
    let (job, profile) = tokio::try_join!(
        document_vector(state, SearchKind::Job, job),
        document_vector(state, SearchKind::Profile, applicant),
    )?;
    Ok(job.zip(profile).map(|(a, b)| {
        let cosine: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        (cosine.clamp(0.0, 1.0) * 100.0).round() as i32
    }))
}

async fn nearest(
    ctx: &Context<'_>,
    vector: Vec<f32>,
    conditions: Vec<Condition>,
    first: i32,
) -> Result<Vec<(f64, Node)>, AppError> {
    let state = graphql::data::<AppState>(ctx)?;
    let limit = query::result_count(first)?;
    let filter = access::filter(query::viewer_condition(ctx).await?, conditions);
    let hits =
        points::nearest_entities(&state.qdrant, &state.config, vector, filter, limit).await?;
    Ok(hydrate(ctx, hits)
        .await?
        .into_iter()
        .map(|(hit, node)| (f64::from(hit.score), node))
        .collect())
}

/// People whose profiles are closest to a job's text (the caller checks who may ask).
pub async fn recommended_candidates(
    ctx: &Context<'_>,
    job: Uuid,
    first: i32,
) -> Result<Vec<CandidateMatch>, AppError> {
    let state = graphql::data::<AppState>(ctx)?;
    let Some(vector) = document_vector(state, SearchKind::Job, job).await? else {
        return Ok(Vec::new());
    };
    let found = nearest(
        ctx,
        vector,
        vec![access::of_kinds(&[SearchKind::Profile])],
        first,
    )
    .await?;
    Ok(found
        .into_iter()
        .filter_map(|(score, node)| match node {
            Node::User(user) => Some(CandidateMatch { score, user }),
            _ => None,
        })
        .collect())
}

/// Published jobs closest to a person's profile (the caller checks who may ask).
pub async fn recommended_jobs(
    ctx: &Context<'_>,
    user: Uuid,
    first: i32,
) -> Result<Vec<JobMatch>, AppError> {
    let state = graphql::data::<AppState>(ctx)?;
    let Some(vector) = document_vector(state, SearchKind::Profile, user).await? else {
        return Ok(Vec::new());
    };
    let conditions = vec![
        access::of_kinds(&[SearchKind::Job]),
        Condition::matches("status", "published".to_owned()),
    ];
    let found = nearest(ctx, vector, conditions, first).await?;
    Ok(found
        .into_iter()
        .filter_map(|(score, node)| match node {
            Node::Job(job) => Some(JobMatch { score, job }),
            _ => None,
        })
        .collect())
}

/// Contents of one knowledge base closest to `text`, among those the viewer may see.
pub async fn knowledge_search(
    ctx: &Context<'_>,
    knowledge_base: Uuid,
    text: &str,
    first: i32,
) -> Result<Vec<KnowledgeMatch>, AppError> {
    let text = graphql::input::required("text", text, 2_000)?;
    let limit = query::result_count(first)?;
    let conditions = vec![
        access::of_kinds(&[SearchKind::KnowledgeContent]),
        Condition::matches("parent_id", knowledge_base.to_string()),
    ];
    let hits = query::search(ctx, &text, conditions, limit).await?;
    Ok(hydrate(ctx, hits)
        .await?
        .into_iter()
        .filter_map(|(hit, node)| match node {
            Node::KnowledgeContent(content) => Some(KnowledgeMatch {
                score: f64::from(hit.score),
                content,
            }),
            _ => None,
        })
        .collect())
}
