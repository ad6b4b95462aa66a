//! `braid migrate`: PostgreSQL migrations are reversible; MongoDB specs apply
//! idempotently and their validators hold; Qdrant collections are created once.

use braid::{
    commands::migrate,
    stores::{mongo, postgres, qdrant},
};
use bson::doc;
use serde_json::{Value, json};
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
    let users_exist: bool = sqlx::query_scalar("select to_regclass('users') is not null")
        .fetch_one(pool)
        .await
        .expect("query");
    assert!(!users_exist, "the users table is gone after rolling back");

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
    sqlx::query("insert into skills (id, name) values (gen_random_uuid(), 'works')")
        .execute(&mut conn)
        .await
        .expect("the schema is usable");
    let notes_exist: bool = sqlx::query_scalar("select to_regclass('notes') is not null")
        .fetch_one(&mut conn)
        .await
        .expect("query");
    assert!(!notes_exist, "the retired notes table is gone");
    let scopes: i64 = sqlx::query_scalar(
        "select count(*) from information_schema.columns
         where table_name = 'partner_api_keys' and column_name = 'scopes'",
    )
    .fetch_one(&mut conn)
    .await
    .expect("query");
    assert_eq!(scopes, 0, "key scopes were never enforced and are gone");
}

#[tokio::test]
async fn updated_at_is_maintained_by_the_trigger() {
    let app = TestApp::new().await;
    sqlx::query(
        "insert into users (id, username, email, password_hash, role, created_at, updated_at)
         values (gen_random_uuid(), 'trigger-test', 'trigger@example.com', 'x', 'individual',
                 now() - interval '1 day', now() - interval '1 day')",
    )
    .execute(&app.state.pg)
    .await
    .expect("insert");
    let (created, updated): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) =
        sqlx::query_as(
            "update users set phone_number = '+1 555 0100' where username = 'trigger-test'
             returning created_at, updated_at",
        )
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
    let prds = app.state.mongo.collection::<bson::Document>("prd_docs");
    let invalid = prds
        .insert_one(doc! { "_id": 1, "requirement_id": "not a uuid", "current_version": 0 })
        .await;
    assert!(
        invalid.is_err(),
        "the $jsonSchema validator refuses a malformed PRD"
    );

    // A retired collection left by an older braid is dropped by the next migrate.
    app.state
        .mongo
        .collection::<bson::Document>("note_revisions")
        .insert_one(doc! { "body": "left over" })
        .await
        .expect("an old collection");
    migrate::apply_all(&app.state).await.expect("migrate");
    let names = app
        .state
        .mongo
        .list_collection_names()
        .await
        .expect("collections");
    assert!(!names.iter().any(|n| n == "note_revisions"), "{names:?}");

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

#[tokio::test]
async fn free_form_availability_becomes_typed_or_any_time() {
    use crate::experts::{expert, hourly, service};
    let app = TestApp::new().await;
    let pool = &app.state.pg;
    let (token, _) = expert(&app, "legacy.expert", "PUBLIC").await;
    let legacy = service(&app, &token, hourly("Legacy hours")).await;
    let free_text = service(&app, &token, hourly("Free text")).await;
    // Back to just before the availability migration, whatever came after it.
    const TYPED_AVAILABILITY: i64 = 20261206000004;
    let since = postgres::MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration() && m.version >= TYPED_AVAILABILITY)
        .count();
    let reverted = postgres::migrate_down(pool, since)
        .await
        .expect("rolling the availability migration back");
    assert!(reverted.contains(&TYPED_AVAILABILITY), "{reverted:?}");
    // The shapes written before availability was typed: the demo seed's, and anything.
    for (id, value) in [
        (
            &legacy,
            r#"{"weekdays": ["thu", "mon"], "hours": "09:00-17:00", "timezone": "Europe/Paris"}"#,
        ),
        (&free_text, r#"{"note": "evenings, ask first"}"#),
    ] {
        sqlx::query("update expert_services set availability = $2::jsonb where id = $1")
            .bind(crate::experts::uuid_of(id))
            .bind(value)
            .execute(pool)
            .await
            .expect("an old availability");
    }
    postgres::migrate_up(pool).await.expect("migrating forward");
    let query = "query($id: ID!) { expertService(id: $id) { availability { timeZone weekly { day from to } } } }";
    let read = async |id: &str| {
        let response = app.graphql_as(&token, query, json!({ "id": id })).await;
        assert!(response["errors"].is_null(), "{response}");
        response["data"]["expertService"]["availability"].clone()
    };
    assert_eq!(
        read(&legacy).await,
        json!({ "timeZone": "Europe/Paris", "weekly": [
            { "day": "MONDAY", "from": "09:00", "to": "17:00" },
            { "day": "THURSDAY", "from": "09:00", "to": "17:00" },
        ] })
    );
    assert_eq!(read(&free_text).await, Value::Null);
    // Rolled back, the converted value returns to the old shape.
    postgres::migrate_down(pool, since)
        .await
        .expect("rolling back again");
    let old: Value = sqlx::query_scalar("select availability from expert_services where id = $1")
        .bind(crate::experts::uuid_of(&legacy))
        .fetch_one(pool)
        .await
        .expect("the legacy service");
    assert_eq!(
        old,
        json!({ "weekdays": ["mon", "thu"], "hours": "09:00-17:00", "timezone": "Europe/Paris" })
    );
    postgres::migrate_up(pool).await.expect("and forward again");
}
