//! DataLoaders for notes (PostgreSQL) and their revisions (MongoDB), created per request.

use std::collections::HashMap;

use async_graphql::{
    Context, Request,
    dataloader::{DataLoader, Loader},
};
use sqlx::PgPool;

use super::{
    db, docs,
    model::{Note, NoteId, NoteRevision},
};
use crate::{error::AppError, graphql, state::AppState};

/// Notes by id: one `select ... where id = any($1)` per batch.
pub(super) struct NoteLoader(PgPool);

impl Loader<NoteId> for NoteLoader {
    type Value = Note;
    type Error = AppError;

    async fn load(&self, keys: &[NoteId]) -> Result<HashMap<NoteId, Note>, AppError> {
        let ids: Vec<_> = keys.iter().map(|k| k.0).collect();
        let notes = db::find_many(&self.0, &ids).await?;
        Ok(notes.into_iter().map(|n| (n.note_id, n)).collect())
    }
}

/// Revisions by note: one MongoDB `find` per batch.
pub(super) struct RevisionLoader(mongodb::Database);

impl Loader<NoteId> for RevisionLoader {
    type Value = Vec<NoteRevision>;
    type Error = AppError;

    async fn load(&self, keys: &[NoteId]) -> Result<HashMap<NoteId, Vec<NoteRevision>>, AppError> {
        Ok(docs::revisions_of(&self.0, keys).await?)
    }
}

/// Adds this domain's loaders to a request.
pub fn attach_loaders(request: Request, state: &AppState) -> Request {
    request
        .data(graphql::loader(state, NoteLoader(state.pg.clone())))
        .data(graphql::loader(state, RevisionLoader(state.mongo.clone())))
}

/// A note by id through the request's loader; `None` when absent.
pub async fn load(ctx: &Context<'_>, id: NoteId) -> Result<Option<Note>, AppError> {
    graphql::data::<DataLoader<NoteLoader>>(ctx)?
        .load_one(id)
        .await
}

/// A note's revisions through the request's loader.
pub(super) async fn revisions(
    ctx: &Context<'_>,
    id: NoteId,
) -> Result<Vec<NoteRevision>, AppError> {
    let loader = graphql::data::<DataLoader<RevisionLoader>>(ctx)?;
    Ok(loader.load_one(id).await?.unwrap_or_default())
}
