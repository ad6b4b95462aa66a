//! `POST /webhooks/payments`: the payment provider reports that a booking was paid.
//!
//! The contract (after Stripe's):
//! - `Braid-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`, the MAC of
//!   `"<t>.<raw body>"` keyed with `BRAID_PAYMENT_WEBHOOK_SECRET`. Several `v1=` may be
//!   sent (while the secret is rotated): one must match, compared in constant time.
//!   Other keys are ignored.
//! - The body: `{"id": "evt_123", "type": "payment.succeeded", "bookingId": "<global
//!   id>", "amount": "120.50", "currency": "EUR"}` (the amount a decimal string). Other
//!   event types are acknowledged and ignored.
//! - Answers: 200 `{"duplicate": false, "bookingId": ..., "paymentStatus": "PAID"}`
//!   when the booking is now paid; 200 `{"duplicate": true}` for an event id already
//!   recorded (nothing changes); 200 `{"ignored": true}` for another event type; 400 for
//!   a missing or malformed signature header or body; 401 when the signature does not
//!   match or its timestamp is more than `BRAID_PAYMENT_WEBHOOK_TOLERANCE_SECS` from now
//!   (a replay); 409 for a canceled booking or one not pending payment; 413 past the
//!   body limit; 422 for an unknown booking or an amount or currency other than what it
//!   owes; 503 while no secret is configured (so the provider retries later) or a store is
//!   down. Errors are `{"error": "<message>"}`.
//!
//! Neither the secret nor the signature is ever logged.

use axum::{
    Json,
    body::Body,
    extract::State,
    response::{IntoResponse, Response},
};
use hmac::{Hmac, Mac};
use http::{HeaderMap, StatusCode};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::json;
use sha2::Sha256;

use super::HttpState;
use crate::{
    cache,
    error::AppError,
    experts::{self, BookingId, Payment, PaymentSource, Recorded},
    graphql::node::NodeId,
};

/// The header carrying the timestamp and the signatures.
const SIGNATURE_HEADER: &str = "braid-signature";

/// Why a delivery's signature is refused.
#[derive(Debug, PartialEq, Eq)]
enum Refusal {
    /// The header is absent or cannot be read: 400.
    Malformed(&'static str),
    /// No signature matches: 401.
    Mismatch,
    /// The signed timestamp is outside the tolerance: 401.
    Stale,
}

/// Checks `header` against `body`: a `v1` signature must be the HMAC-SHA256 of
/// `"<t>.<body>"` with `secret`, and `t` within `tolerance` seconds of `now`.
fn verify(
    secret: &[u8],
    header: Option<&str>,
    body: &[u8],
    now: i64,
    tolerance: u64,
) -> Result<(), Refusal> {
    let header = header.ok_or(Refusal::Malformed("the Braid-Signature header is missing"))?;
    let malformed =
        Refusal::Malformed("the Braid-Signature header is not t=<unix seconds>,v1=<hex>");
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            return Err(malformed);
        };
        match key {
            "t" if value.bytes().all(|b| b.is_ascii_digit()) => {
                let seconds: i64 = value
                    .parse()
                    .map_err(|_| Refusal::Malformed("t is not unix seconds"))?;
                timestamp = Some((value, seconds));
            }
            "t" => return Err(malformed),
            "v1" => match hex::decode(value) {
                Ok(signature) if signature.len() == 32 => signatures.push(signature),
                _ => return Err(malformed),
            },
            _ => {}
        }
    }
    let (Some((signed_t, seconds)), false) = (timestamp, signatures.is_empty()) else {
        return Err(malformed);
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return Err(Refusal::Mismatch);
    };
    mac.update(signed_t.as_bytes());
    mac.update(b".");
    mac.update(body);
    if !signatures
        .iter()
        .any(|signature| mac.clone().verify_slice(signature).is_ok())
    {
        return Err(Refusal::Mismatch);
    }
    if now.abs_diff(seconds) > tolerance {
        return Err(Refusal::Stale);
    }
    Ok(())
}

/// The body of a delivery.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delivery {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    booking_id: Option<String>,
    amount: Option<String>,
    currency: Option<String>,
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// The payment a `payment.succeeded` delivery reports, its body kept as received; the
/// status and message of the refusal otherwise.
fn payment(delivery: Delivery, body: &str) -> Result<Payment, (StatusCode, String)> {
    let bad = |message: &str| (StatusCode::BAD_REQUEST, message.to_owned());
    let (Some(booking), Some(amount), Some(currency)) =
        (delivery.booking_id, delivery.amount, delivery.currency)
    else {
        return Err(bad(
            "a payment.succeeded event needs bookingId, amount and currency",
        ));
    };
    let amount: Decimal = amount
        .trim()
        .parse()
        .map_err(|_| bad("amount: a decimal string such as \"120.50\""))?;
    let booking = BookingId::from_global(&booking.into())
        .map_err(|e| (StatusCode::UNPROCESSABLE_ENTITY, format!("bookingId: {e}")))?;
    Payment::new(
        delivery.id,
        booking,
        amount,
        &currency,
        PaymentSource::Webhook,
        body.to_owned(),
    )
    .map_err(|e| bad(&e.to_string()))
}

/// `POST /webhooks/payments`.
pub(super) async fn payments(
    State(app): State<HttpState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let config = &app.state.config;
    let Some(secret) = config
        .payment_webhook_secret
        .as_deref()
        .filter(|s| !s.is_empty())
    else {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "payment webhooks are not configured on this server (BRAID_PAYMENT_WEBHOOK_SECRET)",
        );
    };
    let limit = config.body_limit_bytes;
    let Ok(body) = axum::body::to_bytes(body, limit).await else {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body exceeds {limit} bytes"),
        );
    };
    let header = match headers.get(SIGNATURE_HEADER).map(|v| v.to_str()) {
        Some(Err(_)) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "the Braid-Signature header is not ASCII",
            );
        }
        Some(Ok(value)) => Some(value),
        None => None,
    };
    let now = chrono::Utc::now().timestamp();
    match verify(
        secret.as_bytes(),
        header,
        &body,
        now,
        config.payment_webhook_tolerance_secs,
    ) {
        Ok(()) => {}
        Err(Refusal::Malformed(message)) => return refuse(StatusCode::BAD_REQUEST, message),
        Err(Refusal::Mismatch) => {
            tracing::warn!("payment webhook refused: no signature matches");
            return refuse(StatusCode::UNAUTHORIZED, "the signature does not match");
        }
        Err(Refusal::Stale) => {
            tracing::warn!("payment webhook refused: timestamp outside the tolerance");
            return refuse(
                StatusCode::UNAUTHORIZED,
                "the signed timestamp is outside the tolerance window",
            );
        }
    }
    let Ok(text) = std::str::from_utf8(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "the body is not UTF-8");
    };
    let delivery: Delivery = match serde_json::from_str(text) {
        Ok(delivery) => delivery,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                format!("the body is not a payment event: {e}"),
            );
        }
    };
    if delivery.kind != "payment.succeeded" {
        tracing::info!(event = %delivery.id, kind = %delivery.kind, "payment webhook event ignored");
        return Json(json!({ "ignored": true })).into_response();
    }
    let event = delivery.id.clone();
    let payment = match payment(delivery, text) {
        Ok(payment) => payment,
        Err((status, message)) => return refuse(status, message),
    };
    match experts::record_payment(&app.state, &payment).await {
        Ok(Recorded::Paid(booking)) => {
            cache::bump(
                &app.state,
                cache::touched_by("recordPayment").unwrap_or_default(),
            )
            .await;
            tracing::info!(%event, booking = %booking.id.0, "payment recorded from the webhook");
            Json(json!({
                "duplicate": false,
                "bookingId": booking.id.to_global(),
                "paymentStatus": "PAID",
            }))
            .into_response()
        }
        Ok(Recorded::Duplicate(_)) => {
            tracing::info!(%event, "payment webhook event already recorded");
            Json(json!({ "duplicate": true })).into_response()
        }
        Err(error) => {
            let status = match &error {
                AppError::NotFound(_) | AppError::BadUserInput(_) => {
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                AppError::Conflict(_) => StatusCode::CONFLICT,
                AppError::StoreUnavailable(_) | AppError::Timeout => {
                    StatusCode::SERVICE_UNAVAILABLE
                }
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            if let AppError::Internal(cause) = &error {
                tracing::error!(error = format!("{cause:#}"), %event, "payment webhook failed");
            } else {
                tracing::info!(%event, status = status.as_u16(), reason = %error, "payment webhook event refused");
            }
            refuse(status, error.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &[u8], t: &str, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap_or_else(|_| panic!("a key"));
        mac.update(format!("{t}.").as_bytes());
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn signatures_are_checked() {
        let (secret, body, now) = (
            b"whsec_test".as_slice(),
            br#"{"id":"evt_1"}"#.as_slice(),
            1_800_000_000,
        );
        let good = sign(secret, "1800000000", body);
        let header = format!("t=1800000000,v1={good}");
        assert_eq!(verify(secret, Some(&header), body, now, 300), Ok(()));
        // Rotation: any matching v1 will do; unknown keys are ignored.
        let rotated = format!("t=1800000000, v0=abc, v1={}, v1={good}", "00".repeat(32));
        assert_eq!(verify(secret, Some(&rotated), body, now, 300), Ok(()));
        // Another body, another secret, another timestamp: no match.
        assert_eq!(
            verify(secret, Some(&header), b"{}", now, 300),
            Err(Refusal::Mismatch)
        );
        assert_eq!(
            verify(b"other", Some(&header), body, now, 300),
            Err(Refusal::Mismatch)
        );
        let moved = format!("t=1800000001,v1={good}");
        assert_eq!(
            verify(secret, Some(&moved), body, now, 300),
            Err(Refusal::Mismatch)
        );
        // Signed, but too old or too far ahead.
        assert_eq!(
            verify(secret, Some(&header), body, now + 301, 300),
            Err(Refusal::Stale)
        );
        assert_eq!(
            verify(secret, Some(&header), body, now - 301, 300),
            Err(Refusal::Stale)
        );
        assert_eq!(verify(secret, Some(&header), body, now + 300, 300), Ok(()));
        for bad in [
            None,
            Some(""),
            Some("v1=00"),
            Some("t=1800000000"),
            Some(&format!("t=-5,v1={good}") as &str),
            Some(&format!("t=1800000000,v1={}", &good[..62]) as &str),
            Some("t=1800000000,v1=zz"),
            Some("garbage"),
        ] {
            assert!(
                matches!(
                    verify(secret, bad, body, now, 300),
                    Err(Refusal::Malformed(_))
                ),
                "{bad:?}"
            );
        }
    }
}
