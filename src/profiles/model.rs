//! GraphQL types of the profile domain.

use async_graphql::{ComplexObject, Enum, ID, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use crate::{
    graphql::{node::NodeId, viewer::Viewer},
    users::{PrivacySettings, UserId},
};

crate::node_id!(
    /// The id of a work experience.
    ExperienceId => "Experience"
);
crate::node_id!(
    /// The id of a portfolio project (a row of the seed's `projects` table).
    PortfolioProjectId => "PortfolioProject"
);
crate::node_id!(
    /// The id of an education.
    EducationId => "Education"
);

/// Highest level of education reached.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EducationLevel {
    /// Secondary school.
    HighSchool,
    /// Associate degree.
    Associate,
    /// Bachelor's degree.
    Bachelor,
    /// Master's degree.
    Master,
    /// Doctorate.
    Doctorate,
    /// Anything else.
    Other,
}

crate::stored_as_text!(EducationLevel {
    HighSchool => "high_school",
    Associate => "associate",
    Bachelor => "bachelor",
    Master => "master",
    Doctorate => "doctorate",
    Other => "other",
});

/// A person's profile (seed 003 `individual_profiles`).
#[derive(SimpleObject, Clone, Debug)]
pub struct IndividualProfile {
    #[graphql(skip)]
    pub(crate) user_id: UserId,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// One-line summary, e.g. "Senior backend engineer".
    pub headline: Option<String>,
    /// A few paragraphs about the person.
    pub summary: Option<String>,
    /// Where the person lives; `null` to others when the user hides it.
    pub location: Option<String>,
    /// Birth date; `null` to others unless the user shows it.
    pub birth_date: Option<NaiveDate>,
    /// Highest education level.
    pub education_level: Option<EducationLevel>,
    /// Years of professional experience.
    pub years_experience: Option<i32>,
    /// Current job title.
    pub current_position: Option<String>,
    /// Current employer.
    pub current_company: Option<String>,
    /// When the profile last changed.
    pub updated_at: DateTime<Utc>,
}

impl IndividualProfile {
    /// The profile as this viewer may see it: location and birth date follow the owner's
    /// privacy settings, except for the owner and admins.
    pub fn masked_for(mut self, viewer: &Viewer, owner: UserId, privacy: &PrivacySettings) -> Self {
        if !viewer.is_self_or_admin(owner) {
            if !privacy.show_location {
                self.location = None;
            }
            if !privacy.show_birth_date {
                self.birth_date = None;
            }
        }
        self
    }
}

/// A job the person held.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct Experience {
    #[graphql(skip)]
    pub(crate) id: ExperienceId,
    #[graphql(skip)]
    pub(crate) user_id: UserId,
    /// Job title.
    pub title: String,
    /// Employer.
    pub company: String,
    /// Where the job was.
    pub location: Option<String>,
    /// What the person did and achieved.
    pub description: Option<String>,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day; `null` while current.
    pub end_date: Option<NaiveDate>,
    /// Whether the person still holds the job.
    pub is_current: bool,
}

#[ComplexObject]
impl Experience {
    /// The experience's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.id.to_global()
    }
}

/// A project in the person's portfolio.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct PortfolioProject {
    #[graphql(skip)]
    pub(crate) id: PortfolioProjectId,
    #[graphql(skip)]
    pub(crate) user_id: UserId,
    /// Project name.
    pub title: String,
    /// What it is and the person's part in it.
    pub description: Option<String>,
    /// Where to see it (http or https).
    pub url: Option<String>,
    /// Technologies used.
    pub technologies: Vec<String>,
    /// When it started.
    pub start_date: Option<NaiveDate>,
    /// When it ended.
    pub end_date: Option<NaiveDate>,
    /// Whether it is ongoing.
    pub is_current: bool,
}

#[ComplexObject]
impl PortfolioProject {
    /// The project's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.id.to_global()
    }
}

/// A school or programme the person attended.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct Education {
    #[graphql(skip)]
    pub(crate) id: EducationId,
    #[graphql(skip)]
    pub(crate) user_id: UserId,
    /// School or institution.
    pub institution: String,
    /// Degree, e.g. "bachelor".
    pub degree: Option<String>,
    /// Field of study.
    pub field_of_study: Option<String>,
    /// Grade or GPA.
    pub grade: Option<String>,
    /// Notes.
    pub description: Option<String>,
    /// When it started.
    pub start_date: Option<NaiveDate>,
    /// When it ended (or is expected to).
    pub end_date: Option<NaiveDate>,
    /// Whether the person still attends.
    pub is_current: bool,
}

#[ComplexObject]
impl Education {
    /// The education's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.id.to_global()
    }
}
