//! Inputs of the hiring mutations and the checks that turn them into values to store.

use async_graphql::{ID, InputObject};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::{
    interview::InterviewType,
    job::{EmploymentType, ExperienceLevel, RemoteType},
    organization::CompanySize,
};
use crate::{
    error::AppError,
    graphql::{
        input::{required, text, url},
        money::Money,
        node::NodeId,
    },
    skills::SkillId,
    users::UserId,
};

/// An organization's details (all of them: an update replaces them).
#[derive(InputObject)]
pub struct OrganizationInput {
    /// Display name, 1 to 100 characters.
    pub name: String,
    /// What the organization does (up to 5000 characters).
    pub description: Option<String>,
    /// Industry (up to 100 characters).
    pub industry: Option<String>,
    /// Head count band.
    pub company_size: Option<CompanySize>,
    /// Year founded, 1800 to 2100.
    pub founded_year: Option<i32>,
    /// Web site (http or https).
    pub website_url: Option<String>,
    /// Logo image URL (http or https).
    pub logo_url: Option<String>,
    /// Where it is based (up to 255 characters).
    pub location: Option<String>,
}

/// Checked organization details.
pub(crate) struct OrganizationFields {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) industry: Option<String>,
    pub(crate) company_size: Option<CompanySize>,
    pub(crate) founded_year: Option<i32>,
    pub(crate) website_url: Option<String>,
    pub(crate) logo_url: Option<String>,
    pub(crate) location: Option<String>,
}

impl OrganizationInput {
    pub(super) fn parse(self) -> Result<OrganizationFields, AppError> {
        if let Some(year) = self.founded_year
            && !(1800..=2100).contains(&year)
        {
            return Err(AppError::BadUserInput(
                "foundedYear: between 1800 and 2100".to_owned(),
            ));
        }
        Ok(OrganizationFields {
            name: required("name", &self.name, 100)?,
            description: text("description", self.description, 5000)?,
            industry: text("industry", self.industry, 100)?,
            company_size: self.company_size,
            founded_year: self.founded_year,
            website_url: url("websiteUrl", self.website_url)?,
            logo_url: url("logoUrl", self.logo_url)?,
            location: text("location", self.location, 255)?,
        })
    }
}

/// A job's details (all of them: an update replaces them, skills included).
#[derive(InputObject)]
pub struct JobInput {
    /// Title, 1 to 100 characters.
    pub title: String,
    /// What the job is (up to 20000 characters).
    pub description: String,
    /// What a candidate needs.
    pub requirements: Option<String>,
    /// What the person will do.
    pub responsibilities: Option<String>,
    /// Where (up to 255 characters).
    pub location: Option<String>,
    /// On site, remote or hybrid.
    #[graphql(default_with = "RemoteType::OnSite")]
    pub remote_type: RemoteType,
    /// The kind of contract.
    pub employment_type: EmploymentType,
    /// Seniority.
    pub experience_level: ExperienceLevel,
    /// Lowest yearly salary offered (not above `salaryMax`).
    pub salary_min: Option<Money>,
    /// Highest yearly salary offered.
    pub salary_max: Option<Money>,
    /// ISO 4217 code, required with a salary, e.g. `EUR`.
    pub salary_currency: Option<String>,
    /// Last day applications are taken.
    pub application_deadline: Option<NaiveDate>,
    /// The skills asked for (at most 30).
    #[graphql(default)]
    pub skills: Vec<JobSkillInput>,
}

/// A skill a job asks for.
#[derive(InputObject)]
pub struct JobSkillInput {
    /// A skill from the catalogue.
    pub skill_id: ID,
    /// Required, or nice to have.
    #[graphql(default = true)]
    pub is_required: bool,
    /// How much it matters, 1 to 5.
    pub importance: Option<i32>,
}

/// Checked job details.
pub(crate) struct JobFields {
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) requirements: Option<String>,
    pub(crate) responsibilities: Option<String>,
    pub(crate) location: Option<String>,
    pub(crate) remote_type: RemoteType,
    pub(crate) employment_type: EmploymentType,
    pub(crate) experience_level: ExperienceLevel,
    pub(crate) salary_min: Option<Decimal>,
    pub(crate) salary_max: Option<Decimal>,
    pub(crate) salary_currency: Option<String>,
    pub(crate) application_deadline: Option<NaiveDate>,
    pub(crate) skills: Vec<JobSkillFields>,
}

/// A checked job skill.
pub(crate) struct JobSkillFields {
    pub(crate) skill: SkillId,
    pub(crate) is_required: bool,
    pub(crate) importance: Option<i16>,
}

fn salary(field: &str, value: Option<Decimal>) -> Result<Option<Decimal>, AppError> {
    match value {
        Some(v)
            if v.is_sign_negative() || v.scale() > 2 || v >= Decimal::from(10_000_000_000i64) =>
        {
            Err(AppError::BadUserInput(format!(
                "{field}: a non-negative amount with at most 2 decimals, below 10^10"
            )))
        }
        other => Ok(other),
    }
}

/// An ISO 4217 code: three upper-case letters.
pub(crate) fn currency(field: &str, raw: Option<String>) -> Result<Option<String>, AppError> {
    match text(field, raw, 3)? {
        Some(code) if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) => {
            Ok(Some(code))
        }
        Some(_) => Err(AppError::BadUserInput(format!(
            "{field}: an ISO 4217 code such as EUR"
        ))),
        None => Ok(None),
    }
}

impl JobInput {
    pub(super) fn parse(self) -> Result<JobFields, AppError> {
        let salary_min = salary("salaryMin", self.salary_min.map(|m| m.0))?;
        let salary_max = salary("salaryMax", self.salary_max.map(|m| m.0))?;
        if let (Some(min), Some(max)) = (salary_min, salary_max)
            && min > max
        {
            return Err(AppError::BadUserInput(
                "salaryMax: must not be below salaryMin".to_owned(),
            ));
        }
        let salary_currency = currency("salaryCurrency", self.salary_currency)?;
        if salary_currency.is_none() && (salary_min.is_some() || salary_max.is_some()) {
            return Err(AppError::BadUserInput(
                "salaryCurrency: required with a salary".to_owned(),
            ));
        }
        if self.skills.len() > 30 {
            return Err(AppError::BadUserInput("skills: at most 30".to_owned()));
        }
        let mut skills: Vec<JobSkillFields> = Vec::with_capacity(self.skills.len());
        for skill in self.skills {
            let id = SkillId::from_global(&skill.skill_id)?;
            if skills.iter().any(|s| s.skill == id) {
                return Err(AppError::BadUserInput(
                    "skills: each skill at most once".to_owned(),
                ));
            }
            let importance = match skill.importance {
                None => None,
                Some(n @ 1..=5) => Some(n as i16),
                Some(_) => {
                    return Err(AppError::BadUserInput(
                        "skills.importance: between 1 and 5".to_owned(),
                    ));
                }
            };
            skills.push(JobSkillFields {
                skill: id,
                is_required: skill.is_required,
                importance,
            });
        }
        Ok(JobFields {
            title: required("title", &self.title, 100)?,
            description: required("description", &self.description, 20000)?,
            requirements: text("requirements", self.requirements, 20000)?,
            responsibilities: text("responsibilities", self.responsibilities, 20000)?,
            location: text("location", self.location, 255)?,
            remote_type: self.remote_type,
            employment_type: self.employment_type,
            experience_level: self.experience_level,
            salary_min,
            salary_max,
            salary_currency,
            application_deadline: self.application_deadline,
            skills,
        })
    }
}

/// What an applicant sends.
#[derive(InputObject, Default)]
pub struct ApplicationInput {
    /// A cover letter (up to 10000 characters).
    pub cover_letter: Option<String>,
    /// Link to a résumé (http or https).
    pub resume_url: Option<String>,
    /// Let the organization talk to the applicant's digital twin.
    #[graphql(default)]
    pub twin_enabled: bool,
}

/// A checked application.
pub(crate) struct ApplicationFields {
    pub(crate) cover_letter: Option<String>,
    pub(crate) resume_url: Option<String>,
    pub(crate) twin_enabled: bool,
}

impl ApplicationInput {
    pub(super) fn parse(self) -> Result<ApplicationFields, AppError> {
        Ok(ApplicationFields {
            cover_letter: text("coverLetter", self.cover_letter, 10000)?,
            resume_url: url("resumeUrl", self.resume_url)?,
            twin_enabled: self.twin_enabled,
        })
    }
}

/// An interview to plan.
#[derive(InputObject)]
pub struct InterviewInput {
    /// Title, 1 to 100 characters.
    pub title: String,
    /// Details for the candidate (up to 5000 characters).
    pub description: Option<String>,
    /// What the interview is for.
    pub interview_type: InterviewType,
    /// Where it happens (on site).
    pub location: Option<String>,
    /// Whether it happens online (then `meetingLink` is required).
    #[graphql(default)]
    pub is_virtual: bool,
    /// The call link (http or https).
    pub meeting_link: Option<String>,
    /// When it starts (in the future).
    pub scheduled_at: DateTime<Utc>,
    /// How long it lasts, 5 to 480 minutes.
    pub duration_minutes: i32,
    /// Who interviews: a member of the organization (default: the viewer).
    pub interviewer_id: Option<ID>,
}

/// A checked interview.
pub(crate) struct InterviewFields {
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) interview_type: InterviewType,
    pub(crate) location: Option<String>,
    pub(crate) is_virtual: bool,
    pub(crate) meeting_link: Option<String>,
    pub(crate) scheduled_at: DateTime<Utc>,
    pub(crate) duration_minutes: i32,
    pub(crate) interviewer: Option<UserId>,
}

/// Checks an interview's time: in the future, 5 to 480 minutes long.
pub(super) fn interview_time(at: DateTime<Utc>, minutes: i32) -> Result<(), AppError> {
    if at <= Utc::now() {
        return Err(AppError::BadUserInput(
            "scheduledAt: must be in the future".to_owned(),
        ));
    }
    if !(5..=480).contains(&minutes) {
        return Err(AppError::BadUserInput(
            "durationMinutes: between 5 and 480".to_owned(),
        ));
    }
    Ok(())
}

impl InterviewInput {
    pub(super) fn parse(self) -> Result<InterviewFields, AppError> {
        interview_time(self.scheduled_at, self.duration_minutes)?;
        let meeting_link = url("meetingLink", self.meeting_link)?;
        if self.is_virtual && meeting_link.is_none() {
            return Err(AppError::BadUserInput(
                "meetingLink: required for a virtual interview".to_owned(),
            ));
        }
        Ok(InterviewFields {
            title: required("title", &self.title, 100)?,
            description: text("description", self.description, 5000)?,
            interview_type: self.interview_type,
            location: text("location", self.location, 255)?,
            is_virtual: self.is_virtual,
            meeting_link,
            scheduled_at: self.scheduled_at,
            duration_minutes: self.duration_minutes,
            interviewer: self
                .interviewer_id
                .as_ref()
                .map(UserId::from_global)
                .transpose()?,
        })
    }
}
