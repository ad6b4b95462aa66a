//! Which entity types each mutation changes, and a generation counter per entity type in
//! Redis. A cached response records the generations of the types it read; a mutation
//! bumps the generations of the types it declares, so the next read of a dependent
//! response misses. The declarations live in one table ([`TOUCHES`]); a test checks that
//! every mutation of the schema is in it.

use crate::state::AppState;

/// The entity types each root mutation field may change. A response that read any of
/// them is stale after the mutation.
pub const TOUCHES: &[(&str, &[&str])] = &[
    // auth: sign-in state is private and never cached; a new account joins `users`.
    ("register", &["User"]),
    ("login", &[]),
    ("logout", &[]),
    ("logoutEverywhere", &[]),
    ("changePassword", &[]),
    ("linkOAuthAccount", &[]),
    ("unlinkOAuthAccount", &[]),
    // users and profiles: privacy settings decide what anonymous viewers see of a user.
    ("updateSettings", USER_FACING),
    ("updateProfile", &["User", "IndividualProfile"]),
    ("addExperience", &["Experience"]),
    ("updateExperience", &["Experience"]),
    ("deleteExperience", &["Experience"]),
    ("addPortfolioProject", &["PortfolioProject"]),
    ("updatePortfolioProject", &["PortfolioProject"]),
    ("deletePortfolioProject", &["PortfolioProject"]),
    ("addEducation", &["Education"]),
    ("updateEducation", &["Education"]),
    ("deleteEducation", &["Education"]),
    // skills: `setSkill` adds a new name to the catalogue on first use.
    ("setSkill", &["UserSkill", "Skill"]),
    ("removeSkill", &["UserSkill"]),
    ("createSkill", &["Skill"]),
    // twins
    ("createTwin", TWINS),
    ("updateTwin", TWINS),
    ("deleteTwin", TWINS),
    ("updateTwinConfig", TWINS),
    ("revertTwinConfig", TWINS),
    ("addTwinDataSource", TWINS),
    ("removeTwinDataSource", TWINS),
    ("startTwinTraining", TWINS),
    ("activateTwinModelVersion", TWINS),
    // hiring
    (
        "createOrganization",
        &["Organization", "OrganizationMember"],
    ),
    ("updateOrganization", &["Organization"]),
    ("addOrganizationMember", &["OrganizationMember"]),
    ("updateOrganizationMember", &["OrganizationMember"]),
    ("removeOrganizationMember", &["OrganizationMember"]),
    ("leaveOrganization", &["OrganizationMember"]),
    ("createJob", JOBS),
    ("updateJob", JOBS),
    ("publishJob", JOBS),
    ("closeJob", JOBS),
    ("applyToJob", &["JobApplication"]),
    ("moveApplication", &["JobApplication"]),
    ("withdrawApplication", &["JobApplication"]),
    ("acceptOffer", &["JobApplication", "Job"]),
    ("scheduleInterview", &["Interview"]),
    ("rescheduleInterview", &["Interview"]),
    ("cancelInterview", &["Interview"]),
    ("completeInterview", &["Interview"]),
    // delivery: owner-only documents, never cached; declared all the same.
    ("createProject", DELIVERY),
    ("updateProject", DELIVERY),
    ("transitionProject", DELIVERY),
    ("setProjectCustomField", DELIVERY),
    ("unsetProjectCustomField", DELIVERY),
    ("submitRequirement", DELIVERY),
    ("recordRequirementAnalysis", DELIVERY),
    ("editRequirementAnalysis", DELIVERY),
    ("reportRequirementAnalysisFailure", DELIVERY),
    ("uploadProjectAttachment", DELIVERY),
    ("removeProjectAttachment", DELIVERY),
    ("generatePrd", DELIVERY),
    ("updatePrd", DELIVERY),
    ("revertPrd", DELIVERY),
    ("createTechDesign", DELIVERY),
    ("logDesignDecision", DELIVERY),
    ("attachApiSpec", DELIVERY),
    // messaging, notifications: private to their participants.
    ("startDirectConversation", MESSAGING),
    ("startTwinConversation", MESSAGING),
    ("createGroupConversation", MESSAGING),
    ("addConversationMember", MESSAGING),
    ("removeConversationMember", MESSAGING),
    ("sendMessage", MESSAGING),
    ("markConversationRead", MESSAGING),
    ("markNotificationsRead", &["Notification"]),
    // experts
    ("saveExpertProfile", &["ExpertProfile"]),
    ("createKnowledgeBase", &["KnowledgeBase"]),
    ("updateKnowledgeBase", &["KnowledgeBase"]),
    (
        "deleteKnowledgeBase",
        &["KnowledgeBase", "KnowledgeContent"],
    ),
    ("addKnowledgeContent", &["KnowledgeContent"]),
    ("updateKnowledgeContent", &["KnowledgeContent"]),
    ("setKnowledgeContentStatus", &["KnowledgeContent"]),
    ("deleteKnowledgeContent", &["KnowledgeContent"]),
    ("createExpertService", &["ExpertService"]),
    ("updateExpertService", &["ExpertService"]),
    ("setExpertServiceStatus", &["ExpertService"]),
    ("bookService", &["ServiceBooking"]),
    ("recordPayment", &["ServiceBooking"]),
    ("cancelBooking", &["ServiceBooking"]),
    ("completeBooking", &["ServiceBooking"]),
];

const USER_FACING: &[&str] = &[
    "User",
    "IndividualProfile",
    "UserSkill",
    "Experience",
    "Education",
    "PortfolioProject",
    "ExpertProfile",
];
const TWINS: &[&str] = &["DigitalTwin", "TwinConfig", "TwinDataSource"];
const JOBS: &[&str] = &["Job", "JobSkill"];
const DELIVERY: &[&str] = &["Project", "Requirement", "PrdDoc", "TechDesign", "ApiSpec"];
const MESSAGING: &[&str] = &["Conversation", "Message"];

/// The types a mutation changes; `None` for a field missing from [`TOUCHES`].
pub fn touched_by(mutation: &str) -> Option<&'static [&'static str]> {
    TOUCHES
        .iter()
        .find(|(name, _)| *name == mutation)
        .map(|(_, types)| *types)
}

/// Every entity type some mutation changes, sorted and without repeats: the
/// generations a cache lookup reads.
pub(super) fn tracked() -> &'static [&'static str] {
    static TRACKED: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    TRACKED.get_or_init(|| {
        let mut types: Vec<&str> = TOUCHES
            .iter()
            .flat_map(|(_, t)| t.iter().copied())
            .collect();
        types.sort_unstable();
        types.dedup();
        types
    })
}

/// The entity a GraphQL type name stands for: `[JobEdge!]!` and `JobConnection` read
/// `Job`s (an empty page still depends on jobs appearing).
pub(super) fn entity_of(type_name: &str) -> &str {
    let named = type_name.trim_matches(|c| c == '[' || c == ']' || c == '!');
    named
        .strip_suffix("Connection")
        .or_else(|| named.strip_suffix("Edge"))
        .unwrap_or(named)
}

pub(super) fn generation_key(state: &AppState, entity: &str) -> String {
    state.redis.key(&format!("gen:{entity}"))
}

/// Bumps the generations of `entities` (one round trip) and clears them from this
/// instance's hot cache. A Redis failure is logged: cached responses then live at most
/// their max-age.
pub async fn bump(state: &AppState, entities: &[&str]) {
    if entities.is_empty() {
        return;
    }
    state.hot.invalidate(entities);
    let mut pipeline = redis::pipe();
    for entity in entities {
        pipeline
            .cmd("INCR")
            .arg(generation_key(state, entity))
            .ignore();
    }
    if let Err(error) = state.redis.run_pipeline::<()>(&pipeline).await {
        tracing::warn!(%error, ?entities, "could not bump cache generations");
    }
}
