//! Notes: the first vertical slice through the stores. A note's current body lives in
//! PostgreSQL (`notes`), its revision history in MongoDB (`note_revisions`), and every
//! new note is announced on Redis pub/sub (`noteAdded`). Later domains replace it as the
//! model of how a domain is laid out.

mod db;
mod docs;
mod loader;
mod model;
mod mutation;
mod query;
mod subscription;

pub use loader::{attach_loaders, load};
pub use model::{Note, NoteId, NoteRevision};
pub use mutation::NoteMutation;
pub use query::NoteQuery;
pub use subscription::NoteSubscription;

/// Seeds demo notes; used by `braid seed`.
pub use mutation::create as create_note;

/// How many notes exist; `braid seed` loads demo data only into an empty database.
pub async fn count(pg: &sqlx::PgPool) -> sqlx::Result<i64> {
    db::count(pg).await
}
