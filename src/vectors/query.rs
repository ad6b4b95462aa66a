//! `semanticSearch` and `hybridSearch`: Qdrant hits hydrated through the owning
//! domains' loaders (the same path as `node(id:)`), with visibility applied in Qdrant.

use std::collections::HashMap;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use qdrant_client::qdrant::Condition;
use uuid::Uuid;

use super::{
    access,
    kind::SearchKind,
    points::{self, Hit},
};
use crate::{
    delivery::{PrdId, RequirementId},
    error::AppError,
    experts::{ExpertProfileId, KnowledgeContentId, ServiceId},
    graphql::{
        self,
        input::required,
        node::{self, Node, NodeId},
        pagination,
        viewer::Viewer,
    },
    hiring::{self, Job, JobId},
    state::AppState,
    twins::TwinId,
    users::UserId,
};

/// Longest search text, in characters.
const MAX_TEXT: usize = 2_000;
/// Most results of one search.
const MAX_RESULTS: i32 = 50;
/// The `k` of reciprocal rank fusion: how much the top ranks dominate.
const RRF_K: f64 = 60.0;

/// One semantic-search result.
#[derive(SimpleObject)]
pub struct SearchHit {
    /// Cosine similarity of the best-matching chunk to the search text (-1..1).
    pub score: f64,
    /// What was found: a Job, User, ExpertProfile, ExpertService, KnowledgeContent,
    /// DigitalTwin (from one of its data sources), Requirement or PrdDoc.
    pub node: Node,
}

/// One job of a hybrid search.
#[derive(SimpleObject)]
pub struct JobSearchHit {
    /// Reciprocal-rank-fusion score (k = 60) of the two rankings.
    pub score: f64,
    /// The job.
    pub job: Job,
    /// Its place in the full-text ranking (1 = best), if it matched the words.
    pub full_text_rank: Option<i32>,
    /// Its place in the vector ranking (1 = best), if it was among the nearest.
    pub vector_rank: Option<i32>,
}

/// What to narrow a semantic search to; every given field must match.
#[derive(InputObject, Default)]
pub struct SemanticSearchFilter {
    /// Only what this user owns (a `User` ID).
    pub owner_id: Option<ID>,
    /// Only jobs of this organization (an `Organization` ID).
    pub organization_id: Option<ID>,
}

/// The search fields of the query root.
#[derive(Default)]
pub struct VectorQuery;

/// Checks `first` against the search limit.
pub fn result_count(first: i32) -> Result<usize, AppError> {
    match first {
        n @ 1..=MAX_RESULTS => Ok(n as usize),
        n => Err(AppError::BadUserInput(format!(
            "`first` must be between 1 and {MAX_RESULTS}, got {n}"
        ))),
    }
}

/// The viewer's visibility condition (with their organizations, for job drafts).
pub(super) async fn viewer_condition(ctx: &Context<'_>) -> Result<Option<Condition>, AppError> {
    let viewer = graphql::data::<Viewer>(ctx)?;
    let organizations = match viewer.user_id() {
        Some(user) if !viewer.is_admin() => {
            let state = graphql::data::<AppState>(ctx)?;
            hiring::organizations_of_member(&state.pg, user)
                .await?
                .into_iter()
                .map(|o| o.id.0)
                .collect()
        }
        _ => Vec::new(),
    };
    Ok(access::visible_to(viewer, &organizations))
}

/// The GraphQL type and UUID a hit hydrates to.
fn node_key(hit: &Hit) -> Option<(&'static str, Uuid)> {
    let id = hit.entity_id;
    Some(match SearchKind::parse(&hit.kind)? {
        SearchKind::Job => (JobId::TYPENAME, id),
        SearchKind::Profile => (UserId::TYPENAME, id),
        SearchKind::ExpertProfile => (ExpertProfileId::TYPENAME, id),
        SearchKind::ExpertService => (ServiceId::TYPENAME, id),
        SearchKind::KnowledgeContent => (KnowledgeContentId::TYPENAME, id),
        SearchKind::TwinSource => (TwinId::TYPENAME, hit.parent_id?),
        SearchKind::Requirement => (RequirementId::TYPENAME, id),
        SearchKind::Prd => (PrdId::TYPENAME, id),
    })
}

/// Hydrates hits through the domains' loaders (concurrently, so each loader batches),
/// dropping any the viewer may not see after all.
pub(super) async fn hydrate(
    ctx: &Context<'_>,
    hits: Vec<Hit>,
) -> Result<Vec<(Hit, Node)>, AppError> {
    let nodes = futures::future::try_join_all(hits.iter().map(|hit| async move {
        match node_key(hit) {
            Some((typename, uuid)) => node::load(ctx, typename, uuid).await,
            None => Ok(None),
        }
    }))
    .await?;
    Ok(hits
        .into_iter()
        .zip(nodes)
        .filter_map(|(hit, node)| Some((hit, node?)))
        .collect())
}

/// The best `limit` entities for `text` among points meeting `conditions` and visible to
/// the viewer.
pub(super) async fn search(
    ctx: &Context<'_>,
    text: &str,
    conditions: Vec<Condition>,
    limit: usize,
) -> Result<Vec<Hit>, AppError> {
    let state = graphql::data::<AppState>(ctx)?;
    let vector = state
        .embedder
        .embed_one(text)
        .await
        .map_err(AppError::internal)?;
    let filter = access::filter(viewer_condition(ctx).await?, conditions);
    points::nearest_entities(&state.qdrant, &state.config, vector, filter, limit).await
}

#[Object]
impl VectorQuery {
    /// Finds what is closest in meaning to `text` among the kinds asked for (default:
    /// all), best first, among what the viewer may see. `null` with `STORE_UNAVAILABLE`
    /// while the vector store is down (the rest of the query still resolves). Never
    /// response-cached: the index follows the stores asynchronously.
    #[graphql(cache_control(no_cache))]
    async fn semantic_search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to look for, in plain words (1 to 2000 characters).")] text: String,
        #[graphql(desc = "Kinds to search (default: every kind).")] kinds: Option<Vec<SearchKind>>,
        #[graphql(desc = "Narrows the results.")] filter: Option<SemanticSearchFilter>,
        #[graphql(default = 10, desc = "How many results (1 to 50).")] first: i32,
    ) -> Result<Option<Vec<SearchHit>>, AppError> {
        let text = required("text", &text, MAX_TEXT)?;
        let limit = result_count(first)?;
        let kinds = kinds
            .filter(|k| !k.is_empty())
            .unwrap_or(SearchKind::ALL.to_vec());
        let mut conditions = vec![access::of_kinds(&kinds)];
        let filter = filter.unwrap_or_default();
        if let Some(owner) = &filter.owner_id {
            conditions.push(Condition::matches(
                "owner_id",
                UserId::from_global(owner)?.0.to_string(),
            ));
        }
        if let Some(organization) = &filter.organization_id {
            let organization = hiring::OrganizationId::from_global(organization)?;
            conditions.push(Condition::matches("org_id", organization.0.to_string()));
        }
        let hits = search(ctx, &text, conditions, limit).await?;
        Ok(Some(
            hydrate(ctx, hits)
                .await?
                .into_iter()
                .map(|(hit, node)| SearchHit {
                    score: f64::from(hit.score),
                    node,
                })
                .collect(),
        ))
    }

    /// Published jobs for `text`, ranked by full text (`ts_rank`) and by meaning (vector
    /// similarity) fused into one list by reciprocal rank fusion. While the vector store
    /// is down the list is the full-text ranking alone, and the response carries a
    /// `STORE_UNAVAILABLE` error saying so. Never response-cached.
    #[graphql(
        complexity = "pagination::page_cost(Some(first), child_complexity)",
        cache_control(no_cache)
    )]
    async fn hybrid_search(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "What to look for (1 to 2000 characters; web-search syntax for the full-text half)."
        )]
        text: String,
        #[graphql(default = 10, desc = "How many jobs (1 to 50).")] first: i32,
    ) -> Result<Vec<JobSearchHit>, AppError> {
        let text = required("text", &text, MAX_TEXT)?;
        let limit = result_count(first)?;
        let state = graphql::data::<AppState>(ctx)?;
        // Each ranking contributes its top candidates; fusion picks the page from them.
        let depth = (limit * 3).max(20);
        let lexical = hiring::full_text_ranking(&state.pg, &text, depth as i64).await?;
        let semantic = match search(
            ctx,
            &text,
            vec![
                access::of_kinds(&[SearchKind::Job]),
                Condition::matches("status", "published".to_owned()),
            ],
            depth,
        )
        .await
        {
            Ok(hits) => hits.into_iter().map(|h| h.entity_id).collect(),
            Err(AppError::StoreUnavailable(store)) => {
                ctx.add_error(
                    async_graphql::Error::from(AppError::StoreUnavailable(store))
                        .into_server_error(ctx.item.pos),
                );
                Vec::new()
            }
            Err(other) => return Err(other),
        };
        let fused = fuse(&lexical, &semantic);
        let mut hits = Vec::new();
        let jobs = futures::future::try_join_all(
            fused
                .iter()
                .take(limit * 2)
                .map(|(id, _)| node::load(ctx, JobId::TYPENAME, *id)),
        )
        .await?;
        for ((id, score), job) in fused.iter().zip(jobs) {
            if let Some(Node::Job(job)) = job {
                hits.push(JobSearchHit {
                    score: *score,
                    job,
                    full_text_rank: rank_of(&lexical, *id),
                    vector_rank: rank_of(&semantic, *id),
                });
            }
            if hits.len() == limit {
                break;
            }
        }
        Ok(hits)
    }
}

fn rank_of(ranking: &[Uuid], id: Uuid) -> Option<i32> {
    ranking.iter().position(|r| *r == id).map(|p| p as i32 + 1)
}

/// Reciprocal rank fusion: each ranking gives 1 / (k + rank); best total first.
pub(super) fn fuse(first: &[Uuid], second: &[Uuid]) -> Vec<(Uuid, f64)> {
    let mut scores: HashMap<Uuid, f64> = HashMap::new();
    for ranking in [first, second] {
        for (index, id) in ranking.iter().enumerate() {
            *scores.entry(*id).or_default() += 1.0 / (RRF_K + index as f64 + 1.0);
        }
    }
    let mut fused: Vec<(Uuid, f64)> = scores.into_iter().collect();
    fused.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    fused
}
