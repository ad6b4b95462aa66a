//! Experts (seed 003 section 4): expert profiles, knowledge bases with their contents and
//! tags, the services experts offer (with their weekly availability) and clients'
//! bookings of them, their payments, and the booking notifications.

mod availability;
mod booking;
mod booking_db;
mod booking_input;
mod db;
mod input;
mod knowledge;
mod knowledge_db;
mod loader;
mod model;
mod mutation;
mod payment;
mod payment_db;
mod profile;
mod query;
mod service;
mod subscription;

use async_graphql::{Context, MergedObject};
use uuid::Uuid;

pub use availability::{ServiceAvailabilityInput, Weekday, WeeklyHoursInput};
pub(crate) use booking::{
    Actor, book, cancel, complete, create_service, seed_booking, set_service_status,
};
pub use booking_input::{BookServiceInput, ExpertServiceInput};
pub use input::{ExpertProfileInput, KnowledgeBaseInput, KnowledgeContentInput};
pub use knowledge::{KnowledgeBase, KnowledgeContent};
pub use loader::{
    attach_loaders, load_booking, load_content, load_expert, load_knowledge_base, load_service,
};
pub use model::{
    BookingId, BookingSide, BookingStatus, ExpertProfileId, ExpertVisibility, KnowledgeBaseId,
    KnowledgeContentId, KnowledgeContentStatus, KnowledgeContentType, PaymentStatus, PricingModel,
    ServiceId, ServiceStatus, ServiceType,
};
pub(crate) use mutation::{add_content, create_knowledge_base, save_profile};
pub(crate) use payment::{Payment, PaymentSource, Recorded, record_payment};
pub use profile::ExpertProfile;
pub use query::ExpertQuery;
pub use service::{ExpertService, ServiceBooking};
pub use subscription::ExpertSubscription;

use crate::{
    error::AppError,
    graphql::node::{Node, NodeId},
    users::UserId,
};

/// The expert domain's mutations.
#[derive(MergedObject, Default)]
pub struct ExpertMutation(
    mutation::KnowledgeMutation,
    booking::BookingMutation,
    payment::PaymentMutation,
);

/// The GraphQL type names of this domain's nodes.
pub const NODE_TYPES: [&str; 5] = [
    ExpertProfileId::TYPENAME,
    KnowledgeBaseId::TYPENAME,
    KnowledgeContentId::TYPENAME,
    ServiceId::TYPENAME,
    BookingId::TYPENAME,
];

/// `node(id:)` for this domain's types; `null` when absent or not visible.
pub async fn load_node(
    ctx: &Context<'_>,
    typename: &str,
    uuid: Uuid,
) -> Result<Option<Node>, AppError> {
    Ok(match typename {
        ExpertProfileId::TYPENAME => load_expert(ctx, UserId(uuid))
            .await?
            .map(Node::ExpertProfile),
        KnowledgeBaseId::TYPENAME => load_knowledge_base(ctx, KnowledgeBaseId(uuid))
            .await?
            .map(Node::KnowledgeBase),
        KnowledgeContentId::TYPENAME => load_content(ctx, KnowledgeContentId(uuid))
            .await?
            .map(Node::KnowledgeContent),
        ServiceId::TYPENAME => load_service(ctx, ServiceId(uuid))
            .await?
            .map(Node::ExpertService),
        BookingId::TYPENAME => load_booking(ctx, BookingId(uuid))
            .await?
            .map(Node::ServiceBooking),
        _ => None,
    })
}
