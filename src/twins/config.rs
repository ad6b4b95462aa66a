//! A twin's configuration: persona, communication style, knowledge sources, answer
//! policy and free-form custom fields. Stored in MongoDB `twin_configs` as seed 000's
//! "version array + current pointer": every change appends a version (with its time
//! and author) and moves `current`.

use async_graphql::{Enum, ID, InputObject, Json, Object};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    error::AppError,
    graphql::{input::text_list, node::NodeId},
    users::UserId,
};

use super::model::DataSourceId;

/// How formal a twin sounds.
#[derive(Enum, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Formality {
    /// Relaxed.
    Casual,
    /// Polite and plain.
    #[default]
    Neutral,
    /// Formal.
    Formal,
}

/// How much a twin says.
#[derive(Enum, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Verbosity {
    /// Short answers.
    Brief,
    /// Enough to be clear.
    #[default]
    Balanced,
    /// Thorough answers.
    Detailed,
}

/// The stored body of one configuration version.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default)]
pub(crate) struct ConfigBody {
    pub(crate) persona: String,
    pub(crate) communication_style: CommunicationStyle,
    pub(crate) knowledge_source_ids: Vec<bson::Uuid>,
    pub(crate) answer_policy: AnswerPolicy,
    pub(crate) custom: bson::Document,
}

impl Default for ConfigBody {
    fn default() -> Self {
        Self {
            persona: String::new(),
            communication_style: CommunicationStyle::default(),
            knowledge_source_ids: Vec::new(),
            answer_policy: AnswerPolicy::default(),
            custom: bson::Document::new(),
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub(crate) struct CommunicationStyle {
    pub(crate) tone: String,
    pub(crate) formality: Formality,
    pub(crate) verbosity: Verbosity,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default)]
pub(crate) struct AnswerPolicy {
    pub(crate) max_answer_chars: i32,
    pub(crate) guardrails: Vec<String>,
    pub(crate) decline_topics: Vec<String>,
}

impl Default for AnswerPolicy {
    fn default() -> Self {
        Self {
            max_answer_chars: 1200,
            guardrails: Vec::new(),
            decline_topics: Vec::new(),
        }
    }
}

/// One version of a twin's configuration.
#[derive(Clone, Debug, Default)]
pub struct TwinConfig {
    pub(crate) version: i32,
    pub(crate) body: ConfigBody,
    pub(crate) created_at: Option<DateTime<Utc>>,
    pub(crate) author: Option<UserId>,
}

/// One version of a twin's configuration (version 0: the defaults, never saved).
#[Object]
impl TwinConfig {
    /// 1 for the first saved configuration, one more per change; 0 for unsaved defaults.
    async fn version(&self) -> i32 {
        self.version
    }

    /// Who the twin is, in its own words.
    async fn persona(&self) -> &str {
        &self.body.persona
    }

    /// Tone words, e.g. "warm, direct".
    async fn tone(&self) -> &str {
        &self.body.communication_style.tone
    }

    /// How formal the twin sounds.
    async fn formality(&self) -> Formality {
        self.body.communication_style.formality
    }

    /// How much the twin says.
    async fn verbosity(&self) -> Verbosity {
        self.body.communication_style.verbosity
    }

    /// The data sources the twin may draw on (all when empty).
    async fn knowledge_source_ids(&self) -> Vec<ID> {
        self.body
            .knowledge_source_ids
            .iter()
            .map(|id| DataSourceId(uuid::Uuid::from(*id)).to_global())
            .collect()
    }

    /// Longest answer, in characters.
    async fn max_answer_chars(&self) -> i32 {
        self.body.answer_policy.max_answer_chars
    }

    /// Rules every answer follows.
    async fn guardrails(&self) -> &[String] {
        &self.body.answer_policy.guardrails
    }

    /// Topics the twin declines to discuss.
    async fn decline_topics(&self) -> &[String] {
        &self.body.answer_policy.decline_topics
    }

    /// Free-form settings (a JSON object).
    async fn custom(&self) -> Json<serde_json::Value> {
        Json(bson::Bson::Document(self.body.custom.clone()).into_relaxed_extjson())
    }

    /// When this version was saved.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        self.created_at
    }

    /// Who saved this version.
    async fn author_id(&self) -> Option<ID> {
        self.author.map(NodeId::to_global)
    }
}

/// Changes to a twin's configuration: given fields change, the rest carry over into the
/// new version.
#[derive(InputObject, Default)]
pub struct TwinConfigInput {
    /// Who the twin is (at most 4,000 characters).
    pub persona: Option<String>,
    /// Tone words (at most 100 characters).
    pub tone: Option<String>,
    /// How formal the twin sounds.
    pub formality: Option<Formality>,
    /// How much the twin says.
    pub verbosity: Option<Verbosity>,
    /// Data sources the twin may draw on; each must belong to the twin.
    pub knowledge_source_ids: Option<Vec<ID>>,
    /// Longest answer, 50 to 20,000 characters.
    pub max_answer_chars: Option<i32>,
    /// Rules every answer follows (at most 20, each at most 300 characters).
    pub guardrails: Option<Vec<String>>,
    /// Topics to decline (at most 50, each at most 100 characters).
    pub decline_topics: Option<Vec<String>>,
    /// Free-form settings: a JSON object (at most 16 KiB), replacing the previous one.
    pub custom: Option<Json<serde_json::Value>>,
}

impl TwinConfigInput {
    /// The next version's body: these changes applied to `current`. Knowledge source ids
    /// are returned parsed, for the caller to check against the twin's sources.
    pub(crate) fn apply(
        self,
        mut body: ConfigBody,
    ) -> Result<(ConfigBody, Vec<DataSourceId>), AppError> {
        if let Some(persona) = self.persona {
            if persona.chars().count() > 4000 {
                return Err(AppError::BadUserInput(
                    "persona: at most 4,000 characters".to_owned(),
                ));
            }
            body.persona = persona.trim().to_owned();
        }
        if let Some(tone) = self.tone {
            if tone.chars().count() > 100 {
                return Err(AppError::BadUserInput(
                    "tone: at most 100 characters".to_owned(),
                ));
            }
            body.communication_style.tone = tone.trim().to_owned();
        }
        if let Some(formality) = self.formality {
            body.communication_style.formality = formality;
        }
        if let Some(verbosity) = self.verbosity {
            body.communication_style.verbosity = verbosity;
        }
        if let Some(max) = self.max_answer_chars {
            if !(50..=20_000).contains(&max) {
                return Err(AppError::BadUserInput(
                    "maxAnswerChars: between 50 and 20,000".to_owned(),
                ));
            }
            body.answer_policy.max_answer_chars = max;
        }
        if let Some(guardrails) = self.guardrails {
            body.answer_policy.guardrails = text_list("guardrails", guardrails, 20, 300)?;
        }
        if let Some(topics) = self.decline_topics {
            body.answer_policy.decline_topics = text_list("declineTopics", topics, 50, 100)?;
        }
        if let Some(Json(custom)) = self.custom {
            if !custom.is_object() || custom.to_string().len() > 16 * 1024 {
                return Err(AppError::BadUserInput(
                    "custom: must be a JSON object of at most 16 KiB".to_owned(),
                ));
            }
            body.custom = bson::to_document(&custom).map_err(|_| {
                AppError::BadUserInput("custom: not storable as a document".to_owned())
            })?;
        }
        let mut sources = Vec::new();
        if let Some(ids) = self.knowledge_source_ids {
            if ids.len() > 200 {
                return Err(AppError::BadUserInput(
                    "knowledgeSourceIds: at most 200".to_owned(),
                ));
            }
            sources = ids
                .iter()
                .map(DataSourceId::from_global)
                .collect::<Result<Vec<_>, _>>()?;
            body.knowledge_source_ids = sources.iter().map(|s| bson::Uuid::from(s.0)).collect();
        }
        Ok((body, sources))
    }
}
