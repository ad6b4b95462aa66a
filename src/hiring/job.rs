//! `Job` and `JobSkill`.

use async_graphql::{
    ComplexObject, Context, Enum, ID, Object, SimpleObject, connection::Connection,
};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::{
    access,
    application::{ApplicationStatus, JobApplication},
    loader::{self, ApplicationsPage},
    organization::{Organization, OrganizationId},
};
use crate::{
    error::AppError,
    graphql::{
        self,
        money::Money,
        node::NodeId,
        pagination::{self, KeysetCursor},
        viewer::Viewer,
    },
    skills::{self, Skill, SkillId},
    users::{self, User, UserId},
    vectors,
};

crate::node_id!(
    /// The id of a job.
    JobId => "Job"
);

/// Where the work happens.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemoteType {
    /// At the employer's site.
    OnSite,
    /// Anywhere.
    Remote,
    /// Partly on site.
    Hybrid,
}

crate::stored_as_text!(RemoteType {
    OnSite => "on_site",
    Remote => "remote",
    Hybrid => "hybrid",
});

/// The kind of contract.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmploymentType {
    /// Full time.
    FullTime,
    /// Part time.
    PartTime,
    /// A fixed-term contract.
    Contract,
    /// An internship.
    Internship,
}

crate::stored_as_text!(EmploymentType {
    FullTime => "full_time",
    PartTime => "part_time",
    Contract => "contract",
    Internship => "internship",
});

/// Seniority.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExperienceLevel {
    /// Starting out.
    Entry,
    /// Some years in.
    Mid,
    /// Leads the work.
    Senior,
    /// Leads the organization.
    Executive,
}

crate::stored_as_text!(ExperienceLevel {
    Entry => "entry",
    Mid => "mid",
    Senior => "senior",
    Executive => "executive",
});

/// Where a job is in its life: draft -> published -> closed.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobStatus {
    /// Being written; visible to the organization's members only.
    Draft,
    /// Open for applications (until its deadline).
    Published,
    /// No longer takes applications.
    Closed,
}

crate::stored_as_text!(JobStatus {
    Draft => "draft",
    Published => "published",
    Closed => "closed",
});

/// A position an organization is hiring for.
#[derive(Clone, Debug)]
pub struct Job {
    pub(crate) id: JobId,
    pub(crate) organization: OrganizationId,
    pub(crate) created_by: UserId,
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
    pub(crate) status: JobStatus,
    pub(crate) published_at: Option<DateTime<Utc>>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

impl Job {
    /// Whether the job takes applications today.
    pub fn takes_applications(&self) -> bool {
        self.status == JobStatus::Published
            && self
                .application_deadline
                .is_none_or(|deadline| deadline >= Utc::now().date_naive())
    }
}

/// A position an organization is hiring for.
#[Object]
impl Job {
    /// The job's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// Title.
    async fn title(&self) -> &str {
        &self.title
    }

    /// People whose profiles are closest in meaning to this job, best first (members
    /// of the job's organization and admins; `FORBIDDEN` for others). `null` with
    /// `STORE_UNAVAILABLE` while the vector store is down.
    async fn recommended_candidates(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10, desc = "How many people (1 to 50).")] first: i32,
    ) -> Result<Option<Vec<vectors::CandidateMatch>>, AppError> {
        if !access::is_member_or_admin(ctx, self.organization).await? {
            return Err(AppError::Forbidden(
                "only the job's organization sees recommended candidates".to_owned(),
            ));
        }
        vectors::recommended_candidates(ctx, self.id.0, first)
            .await
            .map(Some)
    }

    /// What the job is.
    async fn description(&self) -> &str {
        &self.description
    }

    /// What a candidate needs.
    async fn requirements(&self) -> Option<&str> {
        self.requirements.as_deref()
    }

    /// What the person will do.
    async fn responsibilities(&self) -> Option<&str> {
        self.responsibilities.as_deref()
    }

    /// Where.
    async fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// On site, remote or hybrid.
    async fn remote_type(&self) -> RemoteType {
        self.remote_type
    }

    /// The kind of contract.
    async fn employment_type(&self) -> EmploymentType {
        self.employment_type
    }

    /// Seniority.
    async fn experience_level(&self) -> ExperienceLevel {
        self.experience_level
    }

    /// Lowest yearly salary offered, in `salaryCurrency`.
    async fn salary_min(&self) -> Option<Money> {
        self.salary_min.map(Money)
    }

    /// Highest yearly salary offered, in `salaryCurrency`.
    async fn salary_max(&self) -> Option<Money> {
        self.salary_max.map(Money)
    }

    /// ISO 4217 code of the salary figures.
    async fn salary_currency(&self) -> Option<&str> {
        self.salary_currency.as_deref()
    }

    /// Last day applications are taken.
    async fn application_deadline(&self) -> Option<NaiveDate> {
        self.application_deadline
    }

    /// Draft, published or closed.
    async fn status(&self) -> JobStatus {
        self.status
    }

    /// Whether the job takes applications now (published, deadline not passed).
    async fn is_open(&self) -> bool {
        self.takes_applications()
    }

    /// When it was published.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.published_at
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }

    /// The organization hiring.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>, AppError> {
        loader::load_organization(ctx, self.organization).await
    }

    /// Who wrote the job (when visible to the viewer).
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>, AppError> {
        users::load_user(ctx, self.created_by).await
    }

    /// The skills asked for, required ones and the most important first.
    async fn skills(&self, ctx: &Context<'_>) -> Result<Vec<JobSkill>, AppError> {
        loader::load_job_skills(ctx, self.id).await
    }

    /// Applications, newest first. The organization's members and admins only.
    #[graphql(
        complexity = "pagination::page_cost(first, child_complexity)",
        cache_control(private)
    )]
    async fn applications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only applications in this state.")] status: Option<ApplicationStatus>,
        #[graphql(desc = "How many to return (0 to 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return applications after this cursor.")] after: Option<String>,
    ) -> Result<Option<Connection<KeysetCursor, JobApplication>>, AppError> {
        if !access::is_member_or_admin(ctx, self.organization).await? {
            return Ok(None);
        }
        let limit = pagination::page_size(first)?;
        let after = pagination::after_cursor(after.as_deref())?;
        let page = ApplicationsPage {
            job: self.id,
            status,
            limit: limit + 1,
            after,
        };
        let mut applications = loader::load_applications_page(ctx, page).await?;
        let has_next = applications.len() as i64 > limit;
        applications.truncate(limit as usize);
        Ok(Some(JobApplication::connection(
            applications,
            after.is_some(),
            has_next,
        )))
    }

    /// The viewer's own application to this job, if any.
    #[graphql(cache_control(private))]
    async fn viewer_application(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<JobApplication>, AppError> {
        match graphql::data::<Viewer>(ctx)?.user_id() {
            Some(viewer) => loader::load_application_of(ctx, self.id, viewer).await,
            None => Ok(None),
        }
    }
}

/// A skill a job asks for.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct JobSkill {
    #[graphql(skip)]
    pub(crate) job: JobId,
    #[graphql(skip)]
    pub(crate) skill: SkillId,
    /// Required (or nice to have).
    pub is_required: bool,
    /// How much it matters, 1 to 5.
    pub importance: Option<i32>,
}

#[ComplexObject]
impl JobSkill {
    /// The skill in the catalogue.
    async fn skill(&self, ctx: &Context<'_>) -> Result<Option<Skill>, AppError> {
        skills::load_skill(ctx, self.skill).await
    }
}
