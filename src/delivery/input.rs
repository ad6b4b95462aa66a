//! Inputs of the delivery mutations and the checks that turn them into stored values.

use async_graphql::{InputObject, Json};
use chrono::{DateTime, Utc};

use super::{
    design::{Component, RiskAssessment},
    model::{ArchitectureType, ProjectStatus},
    project::{Milestone, TechStack},
    requirement::{Analysis, Features},
};
use crate::error::AppError;
pub(super) use crate::graphql::input::{required, text, text_list};

/// A new delivery project (created as a draft).
#[derive(InputObject)]
pub struct CreateProjectInput {
    /// Name (1 to 200 characters).
    pub name: String,
    /// What it is about (at most 5,000 characters).
    pub description: Option<String>,
    /// The technologies it is built with.
    pub tech_stack: Option<TechStackInput>,
    /// Timeline milestones (at most 100).
    pub milestones: Option<Vec<MilestoneInput>>,
    /// Initial custom fields: a JSON object (at most 50 keys, 16 KiB).
    pub custom_fields: Option<Json<serde_json::Value>>,
}

/// Changes to a project: given fields replace the stored ones.
#[derive(InputObject, Default)]
pub struct UpdateProjectInput {
    /// Name (1 to 200 characters).
    pub name: Option<String>,
    /// What it is about (at most 5,000 characters).
    pub description: Option<String>,
    /// The technologies it is built with.
    pub tech_stack: Option<TechStackInput>,
    /// Timeline milestones, replacing the current ones (at most 100).
    pub milestones: Option<Vec<MilestoneInput>>,
}

/// The technologies a project is built with.
#[derive(InputObject, Default)]
pub struct TechStackInput {
    /// Backend language or framework (at most 200 characters).
    pub backend: Option<String>,
    /// Primary database (at most 200 characters).
    pub database: Option<String>,
    /// Where it runs (at most 200 characters).
    pub infrastructure: Option<String>,
}

/// A dated goal.
#[derive(InputObject)]
pub struct MilestoneInput {
    /// What is to be reached (1 to 200 characters).
    pub name: String,
    /// When it is due.
    pub date: DateTime<Utc>,
    /// Whether it has been reached (default false).
    pub completed: Option<bool>,
}

/// Filters of `myProjects`.
#[derive(InputObject, Default)]
pub struct ProjectFilter {
    /// Only projects in this status.
    pub status: Option<ProjectStatus>,
    /// Only projects whose name contains this text (case-insensitive).
    pub search: Option<String>,
}

/// The AI's structured reading of a requirement.
#[derive(InputObject, Default)]
pub struct RequirementAnalysisInput {
    /// "As a ..., I want ..., so that ..." stories.
    pub user_stories: Vec<String>,
    /// Features by MoSCoW priority.
    pub features: MoscowFeaturesInput,
    /// Non-functional requirements.
    pub non_functional: Vec<String>,
}

/// Features by MoSCoW priority.
#[derive(InputObject, Default)]
pub struct MoscowFeaturesInput {
    /// Must have.
    pub must: Vec<String>,
    /// Should have.
    pub should: Vec<String>,
    /// Could have.
    pub could: Vec<String>,
    /// Won't have this time.
    pub wont: Vec<String>,
}

/// A new tech design.
#[derive(InputObject)]
pub struct CreateTechDesignInput {
    /// Title (1 to 200 characters).
    pub title: String,
    /// How the system is split up.
    pub architecture_type: ArchitectureType,
    /// The building blocks (at most 100).
    pub components: Vec<ComponentInput>,
    /// PlantUML source (`@startuml` ... `@enduml`), at most 100,000 characters.
    pub plantuml_code: Option<String>,
    /// Risk scores, each 0 to 10.
    pub risk_assessment: RiskAssessmentInput,
}

/// A building block of an architecture.
#[derive(InputObject)]
pub struct ComponentInput {
    /// Name (1 to 200 characters).
    pub name: String,
    /// What it is built with (1 to 200 characters).
    pub technology: String,
    /// What it is responsible for (at most 1,000 characters).
    pub responsibility: Option<String>,
}

/// Risk scores, each 0 (none) to 10 (severe).
#[derive(InputObject)]
pub struct RiskAssessmentInput {
    /// Performance risk.
    pub performance: f64,
    /// Security risk.
    pub security: f64,
    /// Maintainability risk.
    pub maintainability: f64,
}

/// A technical decision.
#[derive(InputObject)]
pub struct DesignDecisionInput {
    /// The option chosen (1 to 500 characters).
    pub option: String,
    /// The options not chosen (at most 20, each 1 to 500 characters).
    pub alternatives: Vec<String>,
    /// Why (1 to 5,000 characters).
    pub rationale: String,
}

impl TechStackInput {
    pub(super) fn parse(self) -> Result<TechStack, AppError> {
        Ok(TechStack {
            backend: text("techStack.backend", self.backend, 200)?,
            database: text("techStack.database", self.database, 200)?,
            infrastructure: text("techStack.infrastructure", self.infrastructure, 200)?,
        })
    }
}

pub(super) fn milestones(items: Vec<MilestoneInput>) -> Result<Vec<Milestone>, AppError> {
    if items.len() > 100 {
        return Err(AppError::BadUserInput("milestones: at most 100".to_owned()));
    }
    let mut parsed = items
        .into_iter()
        .map(|m| {
            Ok(Milestone {
                name: required("milestones.name", &m.name, 200)?,
                date: bson::DateTime::from_chrono(m.date),
                completed: m.completed.unwrap_or(false),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    parsed.sort_by_key(|m| m.date);
    Ok(parsed)
}

/// A custom field key: letters, digits, `_` and `-` (no `.` or `$`, which MongoDB paths
/// reserve), 1 to 64 characters.
pub(super) fn custom_field_key(raw: &str) -> Result<String, AppError> {
    let valid = (1..=64).contains(&raw.len())
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid {
        return Err(AppError::BadUserInput(format!(
            "key: {raw:?} must be 1 to 64 letters, digits, `_` or `-`"
        )));
    }
    Ok(raw.to_owned())
}

/// A custom field value: any JSON of at most 8 KiB.
pub(super) fn custom_field_value(value: &serde_json::Value) -> Result<bson::Bson, AppError> {
    if value.to_string().len() > 8 * 1024 {
        return Err(AppError::BadUserInput(
            "value: at most 8 KiB of JSON".to_owned(),
        ));
    }
    bson::to_bson(value).map_err(|_| AppError::BadUserInput("value: not storable".to_owned()))
}

/// Initial custom fields: a JSON object with valid keys.
pub(super) fn custom_fields(
    value: Option<Json<serde_json::Value>>,
) -> Result<bson::Document, AppError> {
    let Some(Json(value)) = value else {
        return Ok(bson::Document::new());
    };
    let Some(object) = value.as_object() else {
        return Err(AppError::BadUserInput(
            "customFields: must be a JSON object".to_owned(),
        ));
    };
    if value.to_string().len() > 16 * 1024 {
        return Err(AppError::BadUserInput(
            "customFields: at most 16 KiB".to_owned(),
        ));
    }
    let mut fields = bson::Document::new();
    for (key, value) in object {
        fields.insert(custom_field_key(key)?, custom_field_value(value)?);
    }
    Ok(fields)
}

/// Requirement text as submitted: 1 to 20,000 characters.
pub(super) fn raw_text(raw: &str) -> Result<String, AppError> {
    required("rawText", raw, 20_000)
}

/// A confidence score: 0 to 1.
pub(super) fn confidence(value: f64) -> Result<f64, AppError> {
    if !(0.0..=1.0).contains(&value) {
        return Err(AppError::BadUserInput(
            "confidence: must be between 0 and 1".to_owned(),
        ));
    }
    Ok(value)
}

impl RequirementAnalysisInput {
    pub(super) fn parse(self) -> Result<Analysis, AppError> {
        let list = |field: &str, items| text_list(field, items, 100, 2000);
        let analysis = Analysis {
            user_stories: list("analysis.userStories", self.user_stories)?,
            features: Features {
                must: list("analysis.features.must", self.features.must)?,
                should: list("analysis.features.should", self.features.should)?,
                could: list("analysis.features.could", self.features.could)?,
                wont: list("analysis.features.wont", self.features.wont)?,
            },
            non_functional: list("analysis.nonFunctional", self.non_functional)?,
        };
        if analysis == Analysis::default() {
            return Err(AppError::BadUserInput(
                "analysis: at least one story, feature or non-functional requirement".to_owned(),
            ));
        }
        Ok(analysis)
    }
}

/// PRD markdown: 1 to 200,000 characters.
pub(super) fn prd_content(raw: &str) -> Result<String, AppError> {
    let value = raw.trim();
    if value.is_empty() || value.chars().count() > 200_000 {
        return Err(AppError::BadUserInput(
            "content: 1 to 200,000 characters of markdown".to_owned(),
        ));
    }
    Ok(value.to_owned())
}

fn score(field: &str, value: f64) -> Result<f64, AppError> {
    if !(0.0..=10.0).contains(&value) {
        return Err(AppError::BadUserInput(format!(
            "riskAssessment.{field}: must be between 0 and 10"
        )));
    }
    Ok(value)
}

/// A checked new design.
pub(super) struct NewDesign {
    pub(super) title: String,
    pub(super) kind: ArchitectureType,
    pub(super) components: Vec<Component>,
    pub(super) plantuml_code: String,
    pub(super) risk: RiskAssessment,
}

impl CreateTechDesignInput {
    pub(super) fn parse(self) -> Result<NewDesign, AppError> {
        if self.components.len() > 100 {
            return Err(AppError::BadUserInput("components: at most 100".to_owned()));
        }
        let components = self
            .components
            .into_iter()
            .map(|c| {
                Ok(Component {
                    name: required("components.name", &c.name, 200)?,
                    technology: required("components.technology", &c.technology, 200)?,
                    responsibility: text("components.responsibility", c.responsibility, 1000)?,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let plantuml_code = self.plantuml_code.unwrap_or_default().trim().to_owned();
        let diagram = plantuml_code.starts_with("@startuml") && plantuml_code.ends_with("@enduml");
        if !(plantuml_code.is_empty() || diagram) {
            return Err(AppError::BadUserInput(
                "plantumlCode: must start with @startuml and end with @enduml".to_owned(),
            ));
        }
        if plantuml_code.chars().count() > 100_000 {
            return Err(AppError::BadUserInput(
                "plantumlCode: at most 100,000 characters".to_owned(),
            ));
        }
        let r = self.risk_assessment;
        Ok(NewDesign {
            title: required("title", &self.title, 200)?,
            kind: self.architecture_type,
            components,
            plantuml_code,
            risk: RiskAssessment {
                performance: score("performance", r.performance)?,
                security: score("security", r.security)?,
                maintainability: score("maintainability", r.maintainability)?,
            },
        })
    }
}

/// A checked decision: (option, alternatives, rationale).
pub(super) fn decision(
    input: DesignDecisionInput,
) -> Result<(String, Vec<String>, String), AppError> {
    Ok((
        required("option", &input.option, 500)?,
        text_list("alternatives", input.alternatives, 20, 500)?,
        required("rationale", &input.rationale, 5000)?,
    ))
}

/// A GitHub URL for a spec: `https://github.com/<owner>/<repo>...`, at most 255 characters.
pub(super) fn github_url(raw: Option<String>) -> Result<Option<String>, AppError> {
    let Some(url) = raw.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let valid = url.len() <= 255 && url.strip_prefix("https://github.com/").is_some_and(|rest| {
        let mut parts = rest.split('/');
        matches!((parts.next(), parts.next()), (Some(o), Some(r)) if !o.is_empty() && !r.is_empty())
    }) && !url.chars().any(char::is_whitespace);
    if !valid {
        return Err(AppError::BadUserInput(
            "githubUrl: must be https://github.com/<owner>/<repo>... (at most 255 characters)"
                .to_owned(),
        ));
    }
    Ok(Some(url))
}
