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

impl SkillCategory {
    const ALL: [(SkillCategory, &'static str); 9] = [
        (SkillCategory::ProgrammingLanguage, "programming_language"),
        (SkillCategory::Framework, "framework"),
        (SkillCategory::Database, "database"),
        (SkillCategory::Cloud, "cloud"),
        (SkillCategory::DataMl, "data_ml"),
        (SkillCategory::Design, "design"),
        (SkillCategory::Practice, "practice"),
        (SkillCategory::SoftSkill, "soft_skill"),
        (SkillCategory::Other, "other"),
    ];

    /// The value stored in `skills.category`.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(c, _)| *c == self)
            .map_or("other", |(_, s)| s)
    }

    /// Parses a stored value.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, s)| *s == value).map(|(c, _)| *c)
    }
}

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
