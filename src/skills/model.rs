//! `Skill` and `UserSkill`.

use async_graphql::{ComplexObject, Enum, ID, SimpleObject};

use crate::{graphql::node::NodeId, users::UserId};

crate::node_id!(
    /// The id of a skill in the catalogue.
    SkillId => "Skill"
);

/// What kind of skill.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkillCategory {
    /// Rust, Go, TypeScript, ...
    ProgrammingLanguage,
    /// React, Axum, Spring, ...
    Framework,
    /// PostgreSQL, MongoDB, ...
    Database,
    /// AWS, Kubernetes, ...
    Cloud,
    /// Machine learning and data engineering.
    DataMl,
    /// Product and visual design.
    Design,
    /// Engineering practices such as Domain-Driven Design.
    Practice,
    /// Communication, leadership, ...
    SoftSkill,
    /// Anything else.
    Other,
}

crate::stored_as_text!(SkillCategory {
    ProgrammingLanguage => "programming_language",
    Framework => "framework",
    Database => "database",
    Cloud => "cloud",
    DataMl => "data_ml",
    Design => "design",
    Practice => "practice",
    SoftSkill => "soft_skill",
    Other => "other",
});

/// A skill in the shared catalogue.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct Skill {
    #[graphql(skip)]
    pub(crate) id: SkillId,
    /// Name, unique case-insensitively.
    pub name: String,
    /// What kind of skill, when curated.
    pub category: Option<SkillCategory>,
    /// What the skill covers.
    pub description: Option<String>,
}

#[ComplexObject]
impl Skill {
    /// The skill's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.id.to_global()
    }
}

/// A skill a user lists, with how well they know it.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserSkill {
    #[graphql(skip)]
    pub(crate) user_id: UserId,
    /// The skill.
    pub skill: Skill,
    /// Self-assessed proficiency, 1 (beginner) to 5 (expert).
    pub proficiency: i32,
    /// Years of use.
    pub years_experience: Option<f64>,
    /// Shown first on the profile.
    pub is_highlighted: bool,
}
