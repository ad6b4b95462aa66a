//! Inputs of the service and booking mutations, price consistency, and what a booking
//! costs.

use async_graphql::{InputObject, MaybeUndefined};
use chrono::{DateTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::graphql::money::Money;

use super::{
    availability::{Availability, ServiceAvailabilityInput},
    input::{required, text},
    model::{PricingModel, ServiceStatus, ServiceType},
};
use crate::error::AppError;

/// A new service.
#[derive(InputObject)]
pub struct ExpertServiceInput {
    /// Title (1 to 100 characters).
    pub title: String,
    /// What the client gets (at most 5,000 characters).
    pub description: Option<String>,
    /// What kind of service it is.
    pub service_type: ServiceType,
    /// How it is charged.
    pub pricing_model: PricingModel,
    /// Above 0 and at most 1,000,000, in cents at most (per hour for hourly services);
    /// omitted for free services.
    pub price: Option<Money>,
    /// ISO 4217 code such as `USD` with a price; omitted for free services.
    pub currency: Option<String>,
    /// When the service may be booked; omitted, at any time.
    pub availability: Option<ServiceAvailabilityInput>,
    /// `ACTIVE` (the default) to offer it now, `DRAFT` to prepare it first.
    pub status: Option<ServiceStatus>,
}

/// Changes to a service; omitted fields stay. `price` and `currency` may be set to
/// `null` (switching to free needs both cleared).
#[derive(InputObject)]
pub(super) struct UpdateExpertServiceInput {
    /// Title (1 to 100 characters).
    pub title: Option<String>,
    /// What the client gets (at most 5,000 characters); empty clears it.
    pub description: Option<String>,
    /// What kind of service it is.
    pub service_type: Option<ServiceType>,
    /// How it is charged.
    pub pricing_model: Option<PricingModel>,
    /// The price; `null` clears it.
    pub price: MaybeUndefined<Money>,
    /// The currency; `null` clears it.
    pub currency: MaybeUndefined<String>,
    /// When the service may be booked; `null` makes it bookable at any time. Existing
    /// bookings stand.
    pub availability: MaybeUndefined<ServiceAvailabilityInput>,
}

/// A checked service (without its status, which has its own mutation).
pub(super) struct ServiceFields {
    pub(super) title: String,
    pub(super) description: Option<String>,
    pub(super) service_type: ServiceType,
    pub(super) pricing_model: PricingModel,
    pub(super) price: Option<Decimal>,
    pub(super) currency: Option<String>,
    pub(super) availability: Availability,
}

impl ExpertServiceInput {
    pub(super) fn parse(self) -> Result<(ServiceFields, ServiceStatus), AppError> {
        let status = match self.status {
            None | Some(ServiceStatus::Active) => ServiceStatus::Active,
            Some(ServiceStatus::Draft) => ServiceStatus::Draft,
            Some(ServiceStatus::Inactive) => {
                return Err(AppError::BadUserInput(
                    "status: a new service is ACTIVE or DRAFT".to_owned(),
                ));
            }
        };
        let (price, currency) =
            pricing(self.pricing_model, self.price.map(|m| m.0), self.currency)?;
        Ok((
            ServiceFields {
                title: required("title", &self.title, 100)?,
                description: text("description", self.description, 5000)?,
                service_type: self.service_type,
                pricing_model: self.pricing_model,
                price,
                currency,
                availability: match &self.availability {
                    Some(a) => a.parse()?,
                    None => Availability::Any,
                },
            },
            status,
        ))
    }
}

impl UpdateExpertServiceInput {
    /// The service after these changes.
    pub(super) fn apply(self, current: ServiceFields) -> Result<ServiceFields, AppError> {
        let pricing_model = self.pricing_model.unwrap_or(current.pricing_model);
        let (price, currency) = pricing(
            pricing_model,
            keep(self.price.map_value(|m| m.0), current.price),
            keep(self.currency, current.currency),
        )?;
        Ok(ServiceFields {
            title: match self.title {
                Some(title) => required("title", &title, 100)?,
                None => current.title,
            },
            description: match self.description {
                Some(d) => text("description", Some(d), 5000)?,
                None => current.description,
            },
            service_type: self.service_type.unwrap_or(current.service_type),
            pricing_model,
            price,
            currency,
            availability: match self.availability {
                MaybeUndefined::Undefined => current.availability,
                MaybeUndefined::Null => Availability::Any,
                MaybeUndefined::Value(a) => a.parse()?,
            },
        })
    }
}

/// A booking request.
#[derive(InputObject)]
pub struct BookServiceInput {
    /// What the client wants (1 to 255 characters).
    pub title: String,
    /// Details for the expert (at most 5,000 characters).
    pub description: Option<String>,
    /// When it starts (in the future).
    pub start_time: DateTime<Utc>,
    /// When it ends: after the start, at most 31 days later.
    pub end_time: DateTime<Utc>,
}

/// A checked booking request.
pub(super) struct BookingFields {
    pub(super) title: String,
    pub(super) description: Option<String>,
    pub(super) start_time: DateTime<Utc>,
    pub(super) end_time: DateTime<Utc>,
}

impl BookServiceInput {
    /// Checks the request; the start must be after `now` unless `now` is `None` (the
    /// seed's path for bookings in the past).
    pub(super) fn parse(self, now: Option<DateTime<Utc>>) -> Result<BookingFields, AppError> {
        if let Some(now) = now
            && self.start_time <= now
        {
            return Err(AppError::BadUserInput(
                "startTime: must be in the future".to_owned(),
            ));
        }
        if self.end_time <= self.start_time {
            return Err(AppError::BadUserInput(
                "endTime: must be after startTime".to_owned(),
            ));
        }
        if self.end_time - self.start_time > chrono::Duration::days(31) {
            return Err(AppError::BadUserInput(
                "endTime: a booking lasts at most 31 days".to_owned(),
            ));
        }
        Ok(BookingFields {
            title: required("title", &self.title, 255)?,
            description: text("description", self.description, 5000)?,
            start_time: self.start_time,
            end_time: self.end_time,
        })
    }
}

/// What a booking of `[start, end)` costs: the hourly price times the hours (rounded to
/// cents, at least one cent), the price for per-question and subscription services,
/// nothing (and no currency) for free ones.
pub(super) fn payment(
    model: PricingModel,
    price: Option<Decimal>,
    currency: Option<&str>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> (Decimal, Option<String>) {
    let price = price.unwrap_or_default();
    let amount = match model {
        PricingModel::Free => return (Decimal::ZERO, None),
        PricingModel::PerQuestion | PricingModel::Subscription => price,
        PricingModel::Hourly => {
            let seconds = Decimal::from((end - start).num_seconds());
            (price * seconds / Decimal::from(3600))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
                .max(Decimal::new(1, 2))
        }
    };
    (amount, currency.map(str::to_owned))
}

/// Price consistency: a free service has no price and no currency; any other has a price
/// above 0 (at most 1,000,000, whole cents) and an ISO 4217 currency.
fn pricing(
    model: PricingModel,
    price: Option<Decimal>,
    currency: Option<String>,
) -> Result<(Option<Decimal>, Option<String>), AppError> {
    if model == PricingModel::Free {
        return match (price, currency) {
            (None, None) => Ok((None, None)),
            _ => Err(AppError::BadUserInput(
                "price: a FREE service has no price and no currency".to_owned(),
            )),
        };
    }
    let price = match price.map(|p| p.normalize()) {
        Some(p) if p > Decimal::ZERO && p <= Decimal::from(1_000_000) && p.scale() <= 2 => p,
        _ => {
            return Err(AppError::BadUserInput(format!(
                "price: a {} service needs a price above 0 and at most 1,000,000, in whole cents",
                model.as_str().to_uppercase()
            )));
        }
    };
    let currency = currency.map(|c| c.trim().to_uppercase());
    match currency {
        Some(c) if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) => {
            Ok((Some(price), Some(c)))
        }
        _ => Err(AppError::BadUserInput(
            "currency: a priced service needs an ISO 4217 code such as USD".to_owned(),
        )),
    }
}

/// The value after a change that may leave it, clear it or set it.
fn keep<T>(given: MaybeUndefined<T>, current: Option<T>) -> Option<T> {
    match given {
        MaybeUndefined::Undefined => current,
        MaybeUndefined::Null => None,
        MaybeUndefined::Value(v) => Some(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hourly_payments_round_to_cents() {
        let start = DateTime::from_timestamp(1_900_000_000, 0).unwrap_or_default();
        let end = start + chrono::Duration::minutes(100);
        let (amount, currency) = payment(
            PricingModel::Hourly,
            Some(Decimal::new(12_345, 2)),
            Some("EUR"),
            start,
            end,
        );
        // 123.45 x 100/60 = 205.75
        assert_eq!(amount, Decimal::new(20_575, 2));
        assert_eq!(currency.as_deref(), Some("EUR"));
        let (free, none) = payment(PricingModel::Free, None, None, start, end);
        assert_eq!((free, none), (Decimal::ZERO, None));
    }

    #[test]
    fn prices_agree_with_the_model() {
        assert!(pricing(PricingModel::Free, None, None).is_ok());
        assert!(pricing(PricingModel::Free, Some(Decimal::ONE), None).is_err());
        assert!(pricing(PricingModel::Hourly, None, Some("USD".into())).is_err());
        assert!(
            pricing(
                PricingModel::Hourly,
                Some(Decimal::new(1, 3)),
                Some("USD".into())
            )
            .is_err()
        );
        assert_eq!(
            pricing(
                PricingModel::Hourly,
                Some(Decimal::new(1000, 2)),
                Some("usd".into())
            )
            .ok(),
            Some((Some(Decimal::TEN), Some("USD".to_owned())))
        );
    }
}
