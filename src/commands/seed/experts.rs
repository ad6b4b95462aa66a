//! Demo experts: a profile for every demo user with the expert role (mixed visibility),
//! knowledge bases with tagged contents, services of every pricing model and status, and
//! bookings by individual demo users in every status and payment state.
//!
//! Everything goes through the expert domain's checked functions. Bookings that already
//! took place use `experts::seed_booking`, the seed-only path that accepts a start in the
//! past (the API refuses one); every other booking rule applies to them, the service's
//! availability included, so bookings are placed at local hours of the expert's zone.
//! Payments are recorded as the payment provider's webhook records them.

use anyhow::Context;
use chrono::{Duration, TimeZone, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;

use super::DemoUser;
use crate::{
    experts::{
        self, Actor, BookServiceInput, ExpertProfileInput, ExpertServiceInput, ExpertVisibility,
        KnowledgeBaseInput, KnowledgeContentInput, KnowledgeContentType, Payment, PaymentSource,
        PricingModel, ServiceAvailabilityInput, ServiceStatus, ServiceType, Weekday,
        WeeklyHoursInput,
    },
    state::AppState,
    users::{Role, UserId},
};

/// What was seeded, for the log.
#[derive(Debug, Default)]
pub(super) struct Seeded {
    pub(super) profiles: usize,
    pub(super) knowledge_bases: usize,
    pub(super) services: usize,
    pub(super) bookings: usize,
}

/// The time zones of the demo experts' availability.
const ZONES: &[Tz] = &[
    chrono_tz::Europe::Paris,
    chrono_tz::America::New_York,
    chrono_tz::Asia::Tokyo,
    chrono_tz::UTC,
];

/// Weekdays 09:00-18:00 and weekends 10:00-17:00 in `zone`: the demo bookings (10:00 to
/// 17:00 local at the latest) fit on any day.
fn demo_availability(zone: Tz) -> ServiceAvailabilityInput {
    use Weekday::*;
    let window = |day: Weekday| {
        let (from, to) = if matches!(day, Saturday | Sunday) {
            ("10:00", "17:00")
        } else {
            ("09:00", "18:00")
        };
        WeeklyHoursInput {
            day,
            from: from.to_owned(),
            to: to.to_owned(),
        }
    };
    ServiceAvailabilityInput {
        time_zone: zone.name().to_owned(),
        weekly: [
            Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday,
        ]
        .into_iter()
        .map(window)
        .collect(),
    }
}

const ORGANIZATIONS: &[&str] = &[
    "Northwind Advisory",
    "Independent",
    "Helix Labs",
    "Polaris University",
    "Cobalt Systems",
];

/// Seeds the expert side of the demo data.
pub(super) async fn seed(state: &AppState, demo_users: &[DemoUser]) -> anyhow::Result<Seeded> {
    let experts: Vec<&DemoUser> = demo_users
        .iter()
        .filter(|u| u.role == Role::Expert)
        .collect();
    let clients: Vec<UserId> = demo_users
        .iter()
        .filter(|u| u.role == Role::Individual)
        .map(|u| u.id)
        .collect();
    anyhow::ensure!(!clients.is_empty(), "the demo data has no individual users");
    let mut seeded = Seeded::default();
    for (n, expert) in experts.iter().enumerate() {
        let visibility = match n % 10 {
            0 => ExpertVisibility::Private,
            1 | 6 => ExpertVisibility::Limited,
            _ => ExpertVisibility::Public,
        };
        seed_profile(state, expert, n, visibility)
            .await
            .with_context(|| format!("profile of {}", expert.name))?;
        seeded.profiles += 1;
        seeded.knowledge_bases += seed_knowledge(state, expert, n)
            .await
            .with_context(|| format!("knowledge of {}", expert.name))?;
        let (services, bookings) = seed_services(state, expert, n, visibility, &clients)
            .await
            .with_context(|| format!("services of {}", expert.name))?;
        seeded.services += services;
        seeded.bookings += bookings;
    }
    Ok(seeded)
}

fn main_skill(expert: &DemoUser) -> &str {
    expert
        .skills
        .first()
        .map_or("software architecture", String::as_str)
}

async fn seed_profile(
    state: &AppState,
    expert: &DemoUser,
    n: usize,
    visibility: ExpertVisibility,
) -> anyhow::Result<()> {
    let skills = expert
        .skills
        .iter()
        .take(4)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let input = ExpertProfileInput {
        title: Some(format!("{} consultant", main_skill(expert))),
        bio: Some(format!(
            "{} helps teams ship with confidence: reviews, workshops and hands-on pairing.",
            expert.name
        )),
        expertise_summary: Some(format!("Deep practical experience with {skills}.")),
        years_experience: Some(5 + (n % 20) as i32),
        organization: Some(ORGANIZATIONS[n % ORGANIZATIONS.len()].to_owned()),
        position: Some(
            if n.is_multiple_of(3) {
                "Principal"
            } else {
                "Senior consultant"
            }
            .to_owned(),
        ),
        education: Some("MSc Computer Science".to_owned()),
        certifications: n
            .is_multiple_of(2)
            .then(|| "AWS Solutions Architect Professional".to_owned()),
        website_url: Some(format!("https://experts.example.com/{}", expert.id.0)),
        visibility: Some(visibility),
    };
    experts::save_profile(&state.pg, expert.id, input).await?;
    Ok(())
}

async fn seed_knowledge(state: &AppState, expert: &DemoUser, n: usize) -> anyhow::Result<usize> {
    let skill = main_skill(expert);
    let bases = [
        (format!("{skill} field notes"), true),
        ("Client playbooks".to_owned(), n % 4 != 3),
    ];
    let count = 1 + usize::from(n % 2 == 1);
    for (name, is_public) in bases.into_iter().take(count) {
        let kb = experts::create_knowledge_base(
            &state.pg,
            expert.id,
            KnowledgeBaseInput {
                name,
                description: Some(format!("What {} has learned in practice.", expert.name)),
                is_public,
            },
        )
        .await?;
        let mut tx = state.pg.begin().await?;
        let contents = [
            (
                format!("Getting started with {skill}"),
                KnowledgeContentType::Article,
                Some(format!(
                    "The five things I check first when a team adopts {skill}."
                )),
                None,
            ),
            (
                format!("{skill} review checklist"),
                KnowledgeContentType::Document,
                None,
                Some(format!(
                    "https://files.example.com/{}/checklist.pdf",
                    expert.id.0
                )),
            ),
            (
                "Frequently asked questions".to_owned(),
                KnowledgeContentType::Faq,
                Some("Q: Where do I start? A: With the smallest thing that hurts.".to_owned()),
                None,
            ),
        ];
        for (i, (title, content_type, content, file_url)) in contents.into_iter().enumerate() {
            let mut tags: Vec<String> = expert.skills.iter().skip(i).take(3).cloned().collect();
            tags.push(if i == 0 { "beginner" } else { "reference" }.to_owned());
            experts::add_content(
                &mut tx,
                kb.id,
                KnowledgeContentInput {
                    title,
                    content_type,
                    content,
                    file_url,
                    description: None,
                    is_featured: i == 0,
                    tags,
                },
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(count)
}

/// Two or three services per expert across the pricing models, and bookings of them.
async fn seed_services(
    state: &AppState,
    expert: &DemoUser,
    n: usize,
    visibility: ExpertVisibility,
    clients: &[UserId],
) -> anyhow::Result<(usize, usize)> {
    let skill = main_skill(expert);
    let zone = ZONES[n % ZONES.len()];
    let models = [
        PricingModel::Hourly,
        PricingModel::PerQuestion,
        PricingModel::Free,
        PricingModel::Subscription,
    ];
    let mut services = Vec::new();
    for k in 0..(2 + n % 2) {
        let model = models[(n + k) % models.len()];
        let (price, currency) = match model {
            PricingModel::Free => (None, None),
            PricingModel::Hourly => (
                Some(Decimal::new(8_000 + 500 * (n % 10) as i64, 2)),
                Some("USD"),
            ),
            PricingModel::PerQuestion => (Some(Decimal::new(2_500, 2)), Some("EUR")),
            PricingModel::Subscription => (Some(Decimal::new(29_900, 2)), Some("GBP")),
        };
        let service_type = match model {
            PricingModel::Hourly => ServiceType::Consultation,
            PricingModel::Subscription => ServiceType::Project,
            PricingModel::Free | PricingModel::PerQuestion => ServiceType::Qa,
        };
        // A few drafts: prepared but not offered yet.
        let status = if k == 2 && n.is_multiple_of(3) {
            ServiceStatus::Draft
        } else {
            ServiceStatus::Active
        };
        let service = experts::create_service(
            &state.pg,
            expert.id,
            ExpertServiceInput {
                title: match service_type {
                    ServiceType::Consultation => format!("{skill} consultation"),
                    ServiceType::Qa => format!("Ask me about {skill}"),
                    ServiceType::Project => format!("{skill} project mentoring"),
                },
                description: Some(format!("{} works with you on {skill}.", expert.name)),
                service_type,
                pricing_model: model,
                price: price.map(crate::graphql::money::Money),
                currency: currency.map(str::to_owned),
                availability: Some(demo_availability(zone)),
                status: Some(status),
            },
        )
        .await?;
        services.push((service.id, status));
    }
    let mut bookings = 0;
    // Private experts cannot be booked by others; drafts cannot be booked at all.
    if visibility != ExpertVisibility::Private {
        for (k, (service, status)) in services.iter().enumerate() {
            if *status == ServiceStatus::Active {
                bookings +=
                    seed_bookings(state, expert.id, *service, zone, n * 3 + k, clients).await?;
            }
        }
    }
    // Some services are retired after being booked: they stay, inactive.
    if n % 5 == 4 {
        experts::set_service_status(&state.pg, services[0].0, ServiceStatus::Inactive).await?;
    }
    Ok((services.len(), bookings))
}

/// One booking in each status and payment state the machines allow.
async fn seed_bookings(
    state: &AppState,
    expert: UserId,
    service: experts::ServiceId,
    zone: Tz,
    seq: usize,
    clients: &[UserId],
) -> anyhow::Result<usize> {
    let now = Utc::now();
    let today = now.with_timezone(&zone).date_naive();
    let as_expert = Actor {
        user: expert,
        is_admin: false,
    };
    // (days from now, what happens after booking)
    let plan = [
        (3, Outcome::Scheduled),
        (5, Outcome::Paid),
        (7, Outcome::CanceledByClient),
        (9, Outcome::PaidThenCanceled),
        (-3, Outcome::CompletedPaid),
        (-6, Outcome::CompletedUnpaid),
        (-9, Outcome::CanceledByExpert),
    ];
    for (i, (days, outcome)) in plan.iter().enumerate() {
        let client = clients[(seq * 7 + i) % clients.len()];
        let as_client = Actor {
            user: client,
            is_admin: false,
        };
        // 10:00 to 15:00 local, which no DST change of the demo zones touches.
        let local = (today + Duration::days(*days))
            .and_hms_opt(10 + (seq % 6) as u32, 0, 0)
            .context("a demo booking's local start")?;
        let start = zone
            .from_local_datetime(&local)
            .earliest()
            .context("a demo booking's start in its zone")?
            .with_timezone(&Utc);
        let input = BookServiceInput {
            title: [
                "Architecture review",
                "Career advice",
                "Code review",
                "Incident post-mortem",
            ][i % 4]
                .to_owned(),
            description: Some("Looking forward to it.".to_owned()),
            start_time: start,
            end_time: start + Duration::minutes(60 + 30 * (i % 3) as i64),
        };
        let booking = if *days > 0 {
            experts::book(state, client, service, input).await?
        } else {
            experts::seed_booking(state, client, service, input).await?
        };
        let pending = booking.payment_status == experts::PaymentStatus::Pending;
        match outcome {
            Outcome::Scheduled => {}
            Outcome::Paid | Outcome::PaidThenCanceled | Outcome::CompletedPaid if pending => {
                let payment = Payment::new(
                    format!("seed_{}", booking.id.0),
                    booking.id,
                    booking.payment_amount,
                    booking.payment_currency.as_deref().unwrap_or_default(),
                    PaymentSource::Seed,
                    "{}".to_owned(),
                )?;
                experts::record_payment(state, &payment).await?;
            }
            _ => {}
        }
        match outcome {
            Outcome::CanceledByClient | Outcome::PaidThenCanceled => {
                experts::cancel(state, as_client, booking.id, now).await?;
            }
            Outcome::CompletedPaid | Outcome::CompletedUnpaid => {
                experts::complete(state, as_expert, booking.id, now).await?;
            }
            Outcome::CanceledByExpert => {
                experts::cancel(state, as_expert, booking.id, now).await?;
            }
            Outcome::Scheduled | Outcome::Paid => {}
        }
    }
    Ok(plan.len())
}

#[derive(Clone, Copy)]
enum Outcome {
    Scheduled,
    Paid,
    CanceledByClient,
    PaidThenCanceled,
    CompletedPaid,
    CompletedUnpaid,
    CanceledByExpert,
}
