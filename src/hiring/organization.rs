//! `Organization` and `OrganizationMember`.

use async_graphql::{
    ComplexObject, Context, Enum, ID, Object, SimpleObject, connection::Connection,
};
use chrono::{DateTime, Utc};

use super::{
    access,
    job::{Job, JobStatus},
    loader,
    search::{self, JobCursor, JobFilter, JobOrder},
};
use crate::{
    error::AppError,
    graphql::{node::NodeId, pagination},
    users::{self, User, UserId},
};

crate::node_id!(
    /// The id of an employer organization.
    OrganizationId => "Organization"
);

/// A member's part in an organization.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemberRole {
    /// Manages everything, including other owners; an organization always has one.
    Owner,
    /// Manages members (not owners) and jobs.
    Admin,
    /// Reads drafts and works on applications and interviews.
    Member,
}

crate::stored_as_text!(MemberRole {
    Owner => "owner",
    Admin => "admin",
    Member => "member",
});

impl MemberRole {
    /// Whether the role manages members and jobs.
    pub fn manages(self) -> bool {
        matches!(self, MemberRole::Owner | MemberRole::Admin)
    }
}

/// Head count bands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompanySize {
    /// 1 to 10 people.
    #[graphql(name = "EMPLOYEES_1_10")]
    Employees1To10,
    /// 11 to 50 people.
    #[graphql(name = "EMPLOYEES_11_50")]
    Employees11To50,
    /// 51 to 200 people.
    #[graphql(name = "EMPLOYEES_51_200")]
    Employees51To200,
    /// 201 to 1000 people.
    #[graphql(name = "EMPLOYEES_201_1000")]
    Employees201To1000,
    /// 1001 to 5000 people.
    #[graphql(name = "EMPLOYEES_1001_5000")]
    Employees1001To5000,
    /// More than 5000 people.
    #[graphql(name = "EMPLOYEES_5000_PLUS")]
    Employees5000Plus,
}

crate::stored_as_text!(CompanySize {
    Employees1To10 => "1-10",
    Employees11To50 => "11-50",
    Employees51To200 => "51-200",
    Employees201To1000 => "201-1000",
    Employees1001To5000 => "1001-5000",
    Employees5000Plus => "5000+",
});

/// An employer: a company or team that posts jobs.
#[derive(Clone, Debug)]
pub struct Organization {
    pub(crate) id: OrganizationId,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) industry: Option<String>,
    pub(crate) company_size: Option<CompanySize>,
    pub(crate) founded_year: Option<i32>,
    pub(crate) website_url: Option<String>,
    pub(crate) logo_url: Option<String>,
    pub(crate) location: Option<String>,
    pub(crate) created_at: DateTime<Utc>,
}

/// An employer: public details for everyone; members and drafts for its members.
#[Object]
impl Organization {
    /// The organization's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.name
    }

    /// What the organization does.
    async fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Industry, e.g. `Fintech`.
    async fn industry(&self) -> Option<&str> {
        self.industry.as_deref()
    }

    /// Head count band.
    async fn company_size(&self) -> Option<CompanySize> {
        self.company_size
    }

    /// Year founded.
    async fn founded_year(&self) -> Option<i32> {
        self.founded_year
    }

    /// Web site.
    async fn website_url(&self) -> Option<&str> {
        self.website_url.as_deref()
    }

    /// Logo image URL.
    async fn logo_url(&self) -> Option<&str> {
        self.logo_url.as_deref()
    }

    /// Where it is based.
    async fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// When it joined braid.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// The viewer's role here; `null` when the viewer is not a member.
    #[graphql(cache_control(private))]
    async fn viewer_role(&self, ctx: &Context<'_>) -> Result<Option<MemberRole>, AppError> {
        access::viewer_role(ctx, self.id).await
    }

    /// The people of the organization, owners first. Members and admins only.
    #[graphql(cache_control(private))]
    async fn members(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<Vec<OrganizationMember>>, AppError> {
        if !access::is_member_or_admin(ctx, self.id).await? {
            return Ok(None);
        }
        loader::load_members(ctx, self.id).await.map(Some)
    }

    /// The organization's jobs, newest first: published and closed ones for everyone,
    /// drafts for members too (the job board narrowed to this organization).
    #[graphql(complexity = "pagination::page_cost(first, child_complexity)")]
    async fn jobs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Jobs in this state (default PUBLISHED).")] status: Option<JobStatus>,
        #[graphql(desc = "How many to return (0 to 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return jobs after this cursor.")] after: Option<String>,
    ) -> Result<Connection<JobCursor, Job>, AppError> {
        let filter = JobFilter {
            status,
            organization_id: Some(self.id.to_global()),
            ..JobFilter::default()
        };
        search::board(ctx, filter, JobOrder::Newest, first, after).await
    }
}

/// Someone's place in an organization.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct OrganizationMember {
    #[graphql(skip)]
    pub(crate) organization: OrganizationId,
    #[graphql(skip)]
    pub(crate) user: UserId,
    /// What the member may do.
    pub role: MemberRole,
    /// Job title.
    pub title: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
}

#[ComplexObject]
impl OrganizationMember {
    /// The person (colleagues see each other whatever their profile visibility).
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<User>, AppError> {
        users::load_user_shared(ctx, self.user).await
    }

    /// The organization.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>, AppError> {
        loader::load_organization(ctx, self.organization).await
    }
}
