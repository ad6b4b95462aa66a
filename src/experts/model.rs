//! Ids and enums of the expert domain (the GraphQL object types live in `profile.rs`,
//! `knowledge.rs` and `service.rs`).

use async_graphql::Enum;

crate::node_id!(
    /// The id of an expert profile: the expert's user id under its own type name.
    ExpertProfileId => "ExpertProfile"
);
crate::node_id!(
    /// The id of a knowledge base.
    KnowledgeBaseId => "KnowledgeBase"
);
crate::node_id!(
    /// The id of a knowledge content.
    KnowledgeContentId => "KnowledgeContent"
);
crate::node_id!(
    /// The id of an expert service.
    ServiceId => "ExpertService"
);
crate::node_id!(
    /// The id of a service booking.
    BookingId => "ServiceBooking"
);

/// Who may see an expert profile (and the services and knowledge bases hanging off it).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ExpertVisibility {
    /// Everyone, signed in or not.
    #[default]
    Public,
    /// Signed-in users only.
    Limited,
    /// The expert and admins only.
    Private,
}

crate::stored_as_text!(ExpertVisibility {
    Public => "public",
    Limited => "limited",
    Private => "private",
});

/// What kind of knowledge a content is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum KnowledgeContentType {
    /// A written article.
    Article,
    /// A document (usually a file).
    Document,
    /// A video.
    Video,
    /// An audio recording.
    Audio,
    /// A link to something elsewhere.
    Link,
    /// Questions and answers.
    Faq,
}

crate::stored_as_text!(KnowledgeContentType {
    Article => "article",
    Document => "document",
    Video => "video",
    Audio => "audio",
    Link => "link",
    Faq => "faq",
});

/// Where a knowledge content is in its life.
///
/// The vector-indexing worker does not exist yet, so contents are created `ACTIVE` and
/// only their owner's archive and restore change them; the vector issue will create them
/// `PROCESSING` and let the worker move them to `ACTIVE` or `FAILED`.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum KnowledgeContentStatus {
    /// Being indexed (set by the indexing worker only).
    Processing,
    /// Usable and shown to whoever may see its knowledge base.
    Active,
    /// Hidden by its owner; can be restored to active.
    Archived,
    /// Indexing failed (set by the indexing worker only).
    Failed,
}

crate::stored_as_text!(KnowledgeContentStatus {
    Processing => "processing",
    Active => "active",
    Archived => "archived",
    Failed => "failed",
});

/// What an expert offers.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceType {
    /// Answers to questions.
    Qa,
    /// A consultation session.
    Consultation,
    /// A piece of project work.
    Project,
}

crate::stored_as_text!(ServiceType {
    Qa => "qa",
    Consultation => "consultation",
    Project => "project",
});

/// How a service is charged.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PricingModel {
    /// No charge: no price and no currency.
    Free,
    /// The price per booking (one question).
    PerQuestion,
    /// The price per hour, charged for the booked duration.
    Hourly,
    /// The price per booking (one subscription period).
    Subscription,
}

crate::stored_as_text!(PricingModel {
    Free => "free",
    PerQuestion => "per_question",
    Hourly => "hourly",
    Subscription => "subscription",
});

/// Whether a service is offered.
///
/// Changes: `DRAFT -> ACTIVE | INACTIVE`, `ACTIVE -> INACTIVE`, `INACTIVE -> ACTIVE`; a
/// service never goes back to draft.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceStatus {
    /// Listed and bookable.
    Active,
    /// Not listed and not bookable; existing bookings stand.
    Inactive,
    /// Being prepared; not listed yet.
    Draft,
}

crate::stored_as_text!(ServiceStatus {
    Active => "active",
    Inactive => "inactive",
    Draft => "draft",
});

/// Where a booking is. Changes: `SCHEDULED -> COMPLETED | CANCELED`.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingStatus {
    /// Booked and not yet over.
    Scheduled,
    /// The expert delivered it.
    Completed,
    /// Called off by the client or the expert.
    Canceled,
}

crate::stored_as_text!(BookingStatus {
    Scheduled => "scheduled",
    Completed => "completed",
    Canceled => "canceled",
});

/// Where a booking's payment is. Changes: `PENDING -> PAID -> REFUNDED`.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentStatus {
    /// Not paid yet.
    Pending,
    /// Paid by the client (free bookings are paid when made).
    Paid,
    /// Paid, then refunded because the booking was canceled.
    Refunded,
}

crate::stored_as_text!(PaymentStatus {
    Pending => "pending",
    Paid => "paid",
    Refunded => "refunded",
});

/// Which side of a booking the viewer is on.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingSide {
    /// Bookings the viewer made.
    Client,
    /// Bookings of the viewer's services.
    Expert,
}
