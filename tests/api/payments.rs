//! The payment provider's webhook (`POST /webhooks/payments`) over a real port: only
//! fresh deliveries signed with the shared secret count, each event once, for exactly
//! what the booking owes.

use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::{
    experts::{book, booking_id, expert, hourly, notifications_of, service, uuid_of},
    harness::{Served, TestApp},
};

const SECRET: &str = "whsec_test_3b9f0c1e";

/// `Braid-Signature` for `body` signed at `t` with `secret`.
fn signature(secret: &str, t: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// POSTs `body` with this `Braid-Signature` (none when `None`).
async fn deliver(served: &Served, header: Option<String>, body: &str) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new()
        .post(served.url("/webhooks/payments"))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(header) = header {
        request = request.header("Braid-Signature", header);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Whether the answer's error message mentions `text`.
fn says(answer: &Value, text: &str) -> bool {
    answer["error"].as_str().is_some_and(|e| e.contains(text))
}

fn event(id: &str, booking: &str, amount: &str, currency: &str) -> String {
    json!({ "id": id, "type": "payment.succeeded", "bookingId": booking, "amount": amount, "currency": currency })
        .to_string()
}

/// The booking's payment status and last change, and how many payment events it has.
async fn payment_state(
    app: &TestApp,
    booking: &str,
) -> (String, chrono::DateTime<chrono::Utc>, i64) {
    sqlx::query_as(
        "select b.payment_status, b.updated_at, (select count(*) from payment_events e where e.booking_id = b.id)
         from service_bookings b where b.id = $1",
    )
    .bind(uuid_of(booking))
    .fetch_one(&app.state.pg)
    .await
    .expect("the booking")
}

#[tokio::test]
async fn only_fresh_signed_deliveries_pay_a_booking_once() {
    let app = TestApp::with_config(|config| {
        config.payment_webhook_secret = Some(SECRET.to_owned());
        config.payment_webhook_tolerance_secs = 300;
    })
    .await;
    let served = app.serve().await;
    let (expert_token, expert_id) = expert(&app, "webhook.expert", "PUBLIC").await;
    let (client, _) = app.register("webhook.client", "INDIVIDUAL").await;
    let hourly_service = service(&app, &expert_token, hourly("Paid by the provider")).await;
    // One hour at 120.50 EUR.
    let booking = booking_id(&book(&app, &client, &hourly_service, 24.0, 25.0).await);
    let body = event("evt_paid_1", &booking, "120.50", "EUR");
    let pending = payment_state(&app, &booking).await;
    assert_eq!((pending.0.as_str(), pending.2), ("pending", 0));

    // Forged: signed with another secret, or the body changed after signing.
    let (status, answer) =
        deliver(&served, Some(signature("whsec_guess", now(), &body)), &body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    let tampered = event("evt_paid_1", &booking, "1.00", "EUR");
    let (status, _) = deliver(&served, Some(signature(SECRET, now(), &body)), &tampered).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Replayed: a genuine signature from outside the window, past or future.
    for t in [now() - 301, now() - 86_400, now() + 3_600] {
        let (status, answer) = deliver(&served, Some(signature(SECRET, t, &body)), &body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{t}: {answer}");
        assert!(says(&answer, "tolerance"), "{answer}");
    }
    // Unreadable.
    for header in [
        None,
        Some("v1=abc".to_owned()),
        Some(format!("t={},v1=not-hex", now())),
    ] {
        let (status, _) = deliver(&served, header.clone(), &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{header:?}");
    }
    let garbage = "{\"id\": 5}";
    let (status, _) = deliver(&served, Some(signature(SECRET, now(), garbage)), garbage).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Signed, but not what the booking owes, or for no booking: refused, not recorded.
    for wrong in [
        event("evt_paid_1", &booking, "120.49", "EUR"),
        event("evt_paid_1", &booking, "120.50", "USD"),
        event(
            "evt_paid_1",
            "U2VydmljZUJvb2tpbmc6MDE5MDAwMDAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAw",
            "120.50",
            "EUR",
        ),
    ] {
        let (status, answer) =
            deliver(&served, Some(signature(SECRET, now(), &wrong)), &wrong).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{wrong}: {answer}"
        );
    }
    assert_eq!(payment_state(&app, &booking).await, pending);
    assert_eq!(
        notifications_of(&app, &expert_id).await,
        ["booking_created"]
    );

    // Valid: the booking is paid, the payload kept as signed, the expert told.
    let header = signature(SECRET, now(), &body);
    let (status, answer) = deliver(&served, Some(header.clone()), &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer,
        json!({ "duplicate": false, "bookingId": booking, "paymentStatus": "PAID" })
    );
    let paid = payment_state(&app, &booking).await;
    assert_eq!((paid.0.as_str(), paid.2), ("paid", 1));
    let kept: (String, String, String) = sqlx::query_as(
        "select payload, source, amount::text || ' ' || currency from payment_events where provider_event_id = 'evt_paid_1'",
    )
    .fetch_one(&app.state.pg)
    .await
    .expect("the event");
    assert_eq!(
        kept,
        (body.clone(), "webhook".to_owned(), "120.50 EUR".to_owned())
    );
    assert_eq!(
        notifications_of(&app, &expert_id).await,
        ["booking_created", "booking_paid"]
    );
    let seen = app
        .graphql_as(
            &client,
            "query($id: ID!) { booking(id: $id) { paymentStatus } }",
            json!({ "id": booking }),
        )
        .await;
    assert_eq!(seen["data"]["booking"]["paymentStatus"], "PAID", "{seen}");

    // The same event again, replayed as is or retried with a new signature: a duplicate,
    // answered 200, and nothing changes.
    for header in [header, signature(SECRET, now(), &body)] {
        let (status, answer) = deliver(&served, Some(header), &body).await;
        assert_eq!(
            (status, answer),
            (StatusCode::OK, json!({ "duplicate": true }))
        );
    }
    assert_eq!(payment_state(&app, &booking).await, paid);
    assert_eq!(
        notifications_of(&app, &expert_id).await,
        ["booking_created", "booking_paid"]
    );
    // Another event paying the same booking again is a conflict; other types are ignored.
    let second = event("evt_paid_2", &booking, "120.50", "EUR");
    let (status, _) = deliver(&served, Some(signature(SECRET, now(), &second)), &second).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let refund = json!({ "id": "evt_refund_1", "type": "charge.refunded", "bookingId": booking })
        .to_string();
    let (status, answer) = deliver(&served, Some(signature(SECRET, now(), &refund)), &refund).await;
    assert_eq!(
        (status, answer),
        (StatusCode::OK, json!({ "ignored": true }))
    );
    assert_eq!(payment_state(&app, &booking).await, paid);

    // Two deliveries of one event at once: the unique constraint lets exactly one count.
    let other = booking_id(&book(&app, &client, &hourly_service, 48.0, 49.0).await);
    let racing = event("evt_race", &other, "120.50", "EUR");
    let (a, b) = tokio::join!(
        deliver(&served, Some(signature(SECRET, now(), &racing)), &racing),
        deliver(&served, Some(signature(SECRET, now(), &racing)), &racing),
    );
    let mut answers = [a.1["duplicate"].clone(), b.1["duplicate"].clone()];
    answers.sort_by_key(Value::to_string);
    assert_eq!((a.0, b.0), (StatusCode::OK, StatusCode::OK));
    assert_eq!(answers, [json!(false), json!(true)]);
    assert_eq!(payment_state(&app, &other).await.2, 1);
}

#[tokio::test]
async fn without_a_secret_the_webhook_is_unavailable() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let body = event("evt_1", "x", "1.00", "EUR");
    let (status, answer) = deliver(&served, Some(signature("", now(), &body)), &body).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{answer}");
    assert!(says(&answer, "BRAID_PAYMENT_WEBHOOK_SECRET"), "{answer}");
}
