//! `braid migrate`: PostgreSQL migrations are reversible; MongoDB specs apply
//! idempotently and their validators hold; Qdrant collections are created once.

use braid::{
    commands::migrate,
    stores::{mongo, postgres, qdrant},
};
use bson::doc;
use sqlx::{Connection, PgConnection};

use crate::harness::TestApp;

#[tokio::test]
async fn postgres_migrations_roll_back_and_forward() {
    let app = TestApp::new().await;
    let pool = &app.state.pg;
    let applied = postgres::MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .count();

    let reverted = postgres::migrate_down(pool, applied)
        .await
        .expect("rolling everything back");
    assert_eq!(reverted.len(), applied);
    let notes_exists: bool = sqlx::query_scalar("select to_regclass('notes') is not null")
        .fetch_one(pool)
        .await
        .expect("query");
    assert!(!notes_exists, "the notes table is gone after rolling back");

    postgres::migrate_up(pool)
        .await
        .expect("migrating forward again");
    let reverted = postgres::migrate_down(pool, 1)
        .await
        .expect("rolling back one");
    assert_eq!(
        reverted,
        [postgres::MIGRATOR
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or_default()]
    );
    postgres::migrate_up(pool).await.expect("and forward again");
    let mut conn = PgConnection::connect(&app.state.config.database_url)
        .await
        .expect("connect");
    sqlx::query("insert into notes (id, body) values (gen_random_uuid(), 'works')")
        .execute(&mut conn)
        .await
        .expect("the schema is usable");
}

#[tokio::test]
async fn updated_at_is_maintained_by_the_trigger() {
    let app = TestApp::new().await;
    sqlx::query(
        "insert into notes (id, body, created_at, updated_at)
         values (gen_random_uuid(), 'a', now() - interval '1 day', now() - interval '1 day')",
    )
    .execute(&app.state.pg)
    .await
    .expect("insert");
    let (created, updated): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) =
        sqlx::query_as("update notes set body = 'b' returning created_at, updated_at")
            .fetch_one(&app.state.pg)
            .await
            .expect("update");
    assert!(
        updated > created + chrono::Duration::hours(23),
        "updated_at moved forward on update"
    );
}

#[tokio::test]
async fn mongo_specs_apply_idempotently_and_validate() {
    let app = TestApp::new().await;
    // TestApp already migrated once; a second run must change nothing and fail nothing.
    migrate::apply_all(&app.state)
        .await
        .expect("a second migrate succeeds");
    for spec in mongo::embedded_specs().expect("specs parse") {
        let names = app
            .state
            .mongo
            .collection::<bson::Document>(&spec.collection)
            .list_index_names()
            .await
            .expect("listing indexes");
        for index in &spec.indexes {
            assert!(
                names.contains(&index.name),
                "{} lacks index {}",
                spec.collection,
                index.name
            );
        }
    }
    let revisions = app
        .state
        .mongo
        .collection::<bson::Document>("note_revisions");
    let invalid = revisions
        .insert_one(doc! { "_id": 1, "note_id": "not a uuid", "version": 0 })
        .await;
    assert!(
        invalid.is_err(),
        "the $jsonSchema validator refuses a malformed revision"
    );

    let collections = app
        .state
        .qdrant
        .list_collections()
        .await
        .expect("listing collections");
    let expected = qdrant::collection_name(&app.state.config, &qdrant::COLLECTIONS[0]);
    assert_eq!(
        collections
            .collections
            .iter()
            .filter(|c| c.name == expected)
            .count(),
        1
    );
}
