//! Inputs of the expert profile and knowledge mutations and the checks that turn them
//! into values to store (service and booking inputs are in `booking_input.rs`).

use async_graphql::InputObject;

use super::model::{ExpertVisibility, KnowledgeContentType};
use crate::error::AppError;
pub(super) use crate::graphql::input::{required, text, url};

/// The viewer's whole expert profile: omitted fields are cleared.
#[derive(InputObject, Default)]
pub struct ExpertProfileInput {
    /// Professional title (1 to 100 characters).
    pub title: Option<String>,
    /// Longer introduction (at most 5,000 characters).
    pub bio: Option<String>,
    /// What the expert knows (at most 2,000 characters).
    pub expertise_summary: Option<String>,
    /// Years of professional experience (0 to 80).
    pub years_experience: Option<i32>,
    /// Where the expert works (at most 255 characters).
    pub organization: Option<String>,
    /// Position there (at most 255 characters).
    pub position: Option<String>,
    /// Education (at most 2,000 characters).
    pub education: Option<String>,
    /// Certifications (at most 2,000 characters).
    pub certifications: Option<String>,
    /// Website, an http(s) URL.
    pub website_url: Option<String>,
    /// Who may see the profile; public for a new profile, unchanged when omitted.
    pub visibility: Option<ExpertVisibility>,
}

/// A checked expert profile.
pub(super) struct ProfileFields {
    pub(super) title: Option<String>,
    pub(super) bio: Option<String>,
    pub(super) expertise_summary: Option<String>,
    pub(super) years_experience: Option<i32>,
    pub(super) organization: Option<String>,
    pub(super) position: Option<String>,
    pub(super) education: Option<String>,
    pub(super) certifications: Option<String>,
    pub(super) website_url: Option<String>,
    pub(super) visibility: Option<ExpertVisibility>,
}

impl ExpertProfileInput {
    pub(super) fn parse(self) -> Result<ProfileFields, AppError> {
        if let Some(years) = self.years_experience
            && !(0..=80).contains(&years)
        {
            return Err(AppError::BadUserInput(
                "yearsExperience: 0 to 80".to_owned(),
            ));
        }
        Ok(ProfileFields {
            title: text("title", self.title, 100)?,
            bio: text("bio", self.bio, 5000)?,
            expertise_summary: text("expertiseSummary", self.expertise_summary, 2000)?,
            years_experience: self.years_experience,
            organization: text("organization", self.organization, 255)?,
            position: text("position", self.position, 255)?,
            education: text("education", self.education, 2000)?,
            certifications: text("certifications", self.certifications, 2000)?,
            website_url: url("websiteUrl", self.website_url)?,
            visibility: self.visibility,
        })
    }
}

/// A new knowledge base.
#[derive(InputObject)]
pub struct KnowledgeBaseInput {
    /// Name (1 to 100 characters).
    pub name: String,
    /// What it holds (at most 2,000 characters).
    pub description: Option<String>,
    /// Whether everyone who may see the expert may see it (default true).
    #[graphql(default = true)]
    pub is_public: bool,
}

/// Changes to a knowledge base; omitted fields stay.
#[derive(InputObject)]
pub(super) struct UpdateKnowledgeBaseInput {
    /// Name (1 to 100 characters).
    pub name: Option<String>,
    /// What it holds (at most 2,000 characters); empty clears it.
    pub description: Option<String>,
    /// Whether everyone who may see the expert may see it.
    pub is_public: Option<bool>,
}

/// A checked knowledge base.
pub(super) struct KnowledgeBaseFields {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) is_public: bool,
}

impl KnowledgeBaseInput {
    pub(super) fn parse(self) -> Result<KnowledgeBaseFields, AppError> {
        Ok(KnowledgeBaseFields {
            name: required("name", &self.name, 100)?,
            description: text("description", self.description, 2000)?,
            is_public: self.is_public,
        })
    }
}

impl UpdateKnowledgeBaseInput {
    /// The knowledge base after these changes.
    pub(super) fn apply(
        self,
        current: KnowledgeBaseFields,
    ) -> Result<KnowledgeBaseFields, AppError> {
        Ok(KnowledgeBaseFields {
            name: match self.name {
                Some(name) => required("name", &name, 100)?,
                None => current.name,
            },
            description: match self.description {
                Some(d) => text("description", Some(d), 2000)?,
                None => current.description,
            },
            is_public: self.is_public.unwrap_or(current.is_public),
        })
    }
}

/// A new piece of knowledge: `content`, `fileUrl` or both.
#[derive(InputObject)]
pub struct KnowledgeContentInput {
    /// Title (1 to 255 characters).
    pub title: String,
    /// What kind of knowledge it is.
    pub content_type: KnowledgeContentType,
    /// The text (1 to 100,000 characters).
    pub content: Option<String>,
    /// Where the file is, an http(s) URL.
    pub file_url: Option<String>,
    /// A short description (at most 2,000 characters).
    pub description: Option<String>,
    /// Whether the expert highlights it.
    #[graphql(default)]
    pub is_featured: bool,
    /// Tags (at most 20, each 1 to 50 characters; stored lower case, duplicates dropped).
    #[graphql(default)]
    pub tags: Vec<String>,
}

/// Changes to a piece of knowledge; omitted fields stay, empty strings clear.
#[derive(InputObject)]
pub(super) struct UpdateKnowledgeContentInput {
    /// Title (1 to 255 characters).
    pub title: Option<String>,
    /// What kind of knowledge it is.
    pub content_type: Option<KnowledgeContentType>,
    /// The text (at most 100,000 characters).
    pub content: Option<String>,
    /// Where the file is, an http(s) URL.
    pub file_url: Option<String>,
    /// A short description (at most 2,000 characters).
    pub description: Option<String>,
    /// Whether the expert highlights it.
    pub is_featured: Option<bool>,
    /// Replaces every tag (same rules as when adding).
    pub tags: Option<Vec<String>>,
}

/// A checked knowledge content (without its status, which has its own mutation).
pub(super) struct ContentFields {
    pub(super) title: String,
    pub(super) content_type: KnowledgeContentType,
    pub(super) content: Option<String>,
    pub(super) file_url: Option<String>,
    pub(super) description: Option<String>,
    pub(super) is_featured: bool,
}

impl ContentFields {
    fn checked(self) -> Result<Self, AppError> {
        if self.content.is_none() && self.file_url.is_none() {
            return Err(AppError::BadUserInput(
                "content: give the text, a fileUrl, or both".to_owned(),
            ));
        }
        Ok(self)
    }
}

impl KnowledgeContentInput {
    pub(super) fn parse(self) -> Result<(ContentFields, Vec<String>), AppError> {
        let fields = ContentFields {
            title: required("title", &self.title, 255)?,
            content_type: self.content_type,
            content: text("content", self.content, 100_000)?,
            file_url: url("fileUrl", self.file_url)?,
            description: text("description", self.description, 2000)?,
            is_featured: self.is_featured,
        }
        .checked()?;
        Ok((fields, tags(self.tags)?))
    }
}

impl UpdateKnowledgeContentInput {
    /// The content after these changes, and the new tags when given.
    pub(super) fn apply(
        self,
        current: ContentFields,
    ) -> Result<(ContentFields, Option<Vec<String>>), AppError> {
        let fields = ContentFields {
            title: match self.title {
                Some(title) => required("title", &title, 255)?,
                None => current.title,
            },
            content_type: self.content_type.unwrap_or(current.content_type),
            content: match self.content {
                Some(c) => text("content", Some(c), 100_000)?,
                None => current.content,
            },
            file_url: match self.file_url {
                Some(u) => url("fileUrl", Some(u))?,
                None => current.file_url,
            },
            description: match self.description {
                Some(d) => text("description", Some(d), 2000)?,
                None => current.description,
            },
            is_featured: self.is_featured.unwrap_or(current.is_featured),
        }
        .checked()?;
        Ok((fields, self.tags.map(tags).transpose()?))
    }
}

fn tags(raw: Vec<String>) -> Result<Vec<String>, AppError> {
    let mut tags: Vec<String> = Vec::with_capacity(raw.len());
    for tag in raw {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty() || tag.chars().count() > 50 {
            return Err(AppError::BadUserInput(
                "tags: each tag is 1 to 50 characters".to_owned(),
            ));
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > 20 {
        return Err(AppError::BadUserInput("tags: at most 20".to_owned()));
    }
    Ok(tags)
}
