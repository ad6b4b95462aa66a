//! Inputs of the profile mutations and the checks that turn them into values to store.

use async_graphql::{InputObject, MaybeUndefined};
use chrono::{NaiveDate, Utc};

use super::{
    db::ProfileFields,
    history::{NewEducation, NewExperience, NewPortfolioProject},
    model::EducationLevel,
};
use crate::{
    error::AppError,
    graphql::input::{required, text, url},
};

/// The one period rule of experiences, projects and educations: a start not in the
/// future, an end on or after the start, and no end while current.
pub(super) struct Period {
    pub(super) start: Option<NaiveDate>,
    pub(super) end: Option<NaiveDate>,
    pub(super) is_current: bool,
}

impl Period {
    fn parse(
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
        is_current: bool,
    ) -> Result<Self, AppError> {
        let today = Utc::now().date_naive();
        if start.is_some_and(|s| s > today) {
            return Err(AppError::BadUserInput(
                "startDate: must not be in the future".to_owned(),
            ));
        }
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            return Err(AppError::BadUserInput(
                "endDate: must not be before startDate".to_owned(),
            ));
        }
        if is_current && end.is_some() {
            return Err(AppError::BadUserInput(
                "endDate: must be empty while isCurrent is true".to_owned(),
            ));
        }
        Ok(Self {
            start,
            end,
            is_current,
        })
    }
}

/// Changes to the viewer's profile: omitted fields stay, `null` clears.
#[derive(InputObject, Default)]
pub struct ProfileInput {
    /// First name (at most 50 characters).
    pub first_name: MaybeUndefined<String>,
    /// Last name (at most 50 characters).
    pub last_name: MaybeUndefined<String>,
    /// One-line summary (at most 255 characters).
    pub headline: MaybeUndefined<String>,
    /// About the person (at most 5,000 characters).
    pub summary: MaybeUndefined<String>,
    /// Where the person lives (at most 255 characters).
    pub location: MaybeUndefined<String>,
    /// Birth date (1900 or later, not in the future).
    pub birth_date: MaybeUndefined<NaiveDate>,
    /// Highest education level.
    pub education_level: MaybeUndefined<EducationLevel>,
    /// Years of professional experience (0 to 80).
    pub years_experience: MaybeUndefined<i32>,
    /// Current job title (at most 255 characters).
    pub current_position: MaybeUndefined<String>,
    /// Current employer (at most 255 characters).
    pub current_company: MaybeUndefined<String>,
}

fn merge_text(
    field: &str,
    target: &mut Option<String>,
    change: MaybeUndefined<String>,
    max: usize,
) -> Result<(), AppError> {
    match change {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => *target = None,
        MaybeUndefined::Value(value) => *target = text(field, Some(value), max)?,
    }
    Ok(())
}

impl ProfileInput {
    /// Applies the changes to the stored fields, checking each.
    pub(super) fn apply(self, mut fields: ProfileFields) -> Result<ProfileFields, AppError> {
        merge_text("firstName", &mut fields.first_name, self.first_name, 50)?;
        merge_text("lastName", &mut fields.last_name, self.last_name, 50)?;
        merge_text("headline", &mut fields.headline, self.headline, 255)?;
        merge_text("summary", &mut fields.summary, self.summary, 5000)?;
        merge_text("location", &mut fields.location, self.location, 255)?;
        merge_text(
            "currentPosition",
            &mut fields.current_position,
            self.current_position,
            255,
        )?;
        merge_text(
            "currentCompany",
            &mut fields.current_company,
            self.current_company,
            255,
        )?;
        match self.birth_date {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => fields.birth_date = None,
            MaybeUndefined::Value(date) => {
                let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default();
                if date < earliest || date > Utc::now().date_naive() {
                    return Err(AppError::BadUserInput(
                        "birthDate: must be between 1900 and today".to_owned(),
                    ));
                }
                fields.birth_date = Some(date);
            }
        }
        match self.years_experience {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => fields.years_experience = None,
            MaybeUndefined::Value(years) if (0..=80).contains(&years) => {
                fields.years_experience = Some(years)
            }
            MaybeUndefined::Value(_) => {
                return Err(AppError::BadUserInput(
                    "yearsExperience: must be between 0 and 80".to_owned(),
                ));
            }
        }
        if !self.education_level.is_undefined() {
            fields.education_level = self.education_level.take();
        }
        Ok(fields)
    }
}

/// A job, for adding or replacing an experience.
#[derive(InputObject)]
pub struct ExperienceInput {
    /// Job title (1 to 100 characters).
    pub title: String,
    /// Employer (1 to 100 characters).
    pub company: String,
    /// Where the job was.
    pub location: Option<String>,
    /// What the person did (at most 5,000 characters).
    pub description: Option<String>,
    /// First day (not in the future).
    pub start_date: NaiveDate,
    /// Last day; omit while current.
    pub end_date: Option<NaiveDate>,
    /// Whether the person still holds the job; must be true exactly when there is no end date.
    pub is_current: bool,
}

impl ExperienceInput {
    pub(super) fn parse(self) -> Result<NewExperience, AppError> {
        if self.end_date.is_none() && !self.is_current {
            return Err(AppError::BadUserInput(
                "endDate: required unless isCurrent is true".to_owned(),
            ));
        }
        Ok(NewExperience {
            title: required("title", &self.title, 100)?,
            company: required("company", &self.company, 100)?,
            location: text("location", self.location, 100)?,
            description: text("description", self.description, 5000)?,
            period: Period::parse(Some(self.start_date), self.end_date, self.is_current)?,
        })
    }
}

/// A portfolio project, for adding or replacing one.
#[derive(InputObject)]
pub struct PortfolioProjectInput {
    /// Project name (1 to 100 characters).
    pub title: String,
    /// What it is (at most 5,000 characters).
    pub description: Option<String>,
    /// Where to see it (http or https).
    pub url: Option<String>,
    /// Technologies used (at most 20, each at most 50 characters).
    #[graphql(default)]
    pub technologies: Vec<String>,
    /// When it started.
    pub start_date: Option<NaiveDate>,
    /// When it ended.
    pub end_date: Option<NaiveDate>,
    /// Whether it is ongoing.
    #[graphql(default)]
    pub is_current: bool,
}

impl PortfolioProjectInput {
    pub(super) fn parse(self) -> Result<NewPortfolioProject, AppError> {
        if self.technologies.len() > 20 {
            return Err(AppError::BadUserInput(
                "technologies: at most 20".to_owned(),
            ));
        }
        let technologies = self
            .technologies
            .into_iter()
            .map(|t| required("technologies", &t, 50))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NewPortfolioProject {
            title: required("title", &self.title, 100)?,
            description: text("description", self.description, 5000)?,
            url: url("url", self.url)?,
            technologies,
            period: Period::parse(self.start_date, self.end_date, self.is_current)?,
        })
    }
}

/// An education, for adding or replacing one.
#[derive(InputObject)]
pub struct EducationInput {
    /// School or institution (1 to 100 characters).
    pub institution: String,
    /// Degree.
    pub degree: Option<String>,
    /// Field of study.
    pub field_of_study: Option<String>,
    /// Grade or GPA (at most 20 characters).
    pub grade: Option<String>,
    /// Notes (at most 5,000 characters).
    pub description: Option<String>,
    /// When it started.
    pub start_date: Option<NaiveDate>,
    /// When it ended or is expected to end.
    pub end_date: Option<NaiveDate>,
    /// Whether the person still attends.
    #[graphql(default)]
    pub is_current: bool,
}

impl EducationInput {
    pub(super) fn parse(self) -> Result<NewEducation, AppError> {
        Ok(NewEducation {
            institution: required("institution", &self.institution, 100)?,
            degree: text("degree", self.degree, 100)?,
            field_of_study: text("fieldOfStudy", self.field_of_study, 100)?,
            grade: text("grade", self.grade, 20)?,
            description: text("description", self.description, 5000)?,
            period: Period::parse(self.start_date, self.end_date, self.is_current)?,
        })
    }
}
