//! What the vector index holds: one kind per indexed entity type.

use async_graphql::Enum;

/// A kind of indexed entity; each point's `kind` payload.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SearchKind {
    /// Job postings (published ones for everyone, drafts and closed ones for their
    /// organization).
    Job,
    /// Individuals' profiles: headline, summary, position, skills and experiences.
    Profile,
    /// Experts' profiles.
    ExpertProfile,
    /// Services experts offer.
    ExpertService,
    /// Contents of experts' knowledge bases.
    KnowledgeContent,
    /// Digital twins' data sources (their owner only).
    TwinSource,
    /// Delivery requirements (their project owner only).
    Requirement,
    /// PRDs (their project owner only).
    Prd,
}

impl SearchKind {
    /// Every kind.
    pub const ALL: [SearchKind; 8] = [
        SearchKind::Job,
        SearchKind::Profile,
        SearchKind::ExpertProfile,
        SearchKind::ExpertService,
        SearchKind::KnowledgeContent,
        SearchKind::TwinSource,
        SearchKind::Requirement,
        SearchKind::Prd,
    ];

    /// The `kind` payload value (and `vector_outbox.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            SearchKind::Job => "job",
            SearchKind::Profile => "profile",
            SearchKind::ExpertProfile => "expert_profile",
            SearchKind::ExpertService => "expert_service",
            SearchKind::KnowledgeContent => "knowledge_content",
            SearchKind::TwinSource => "twin_source",
            SearchKind::Requirement => "requirement",
            SearchKind::Prd => "prd",
        }
    }

    /// The kind a payload or outbox value names.
    pub fn parse(value: &str) -> Option<SearchKind> {
        SearchKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// Whether the entities live in MongoDB (a pending state on the document) rather
    /// than PostgreSQL (the `vector_outbox` table).
    pub fn in_mongo(self) -> bool {
        matches!(self, SearchKind::Requirement | SearchKind::Prd)
    }
}

/// Who may find a point: the `visibility` payload, matched by the search filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Everyone, anonymous viewers and partners included.
    Public,
    /// Signed-in users.
    Members,
    /// The owner (and, with an `org_id`, that organization's members) and admins.
    Private,
}

impl Visibility {
    /// The payload value.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Members => "members",
            Visibility::Private => "private",
        }
    }

    pub(crate) fn parse(value: &str) -> Visibility {
        match value {
            "public" => Visibility::Public,
            "members" => Visibility::Members,
            _ => Visibility::Private,
        }
    }
}
