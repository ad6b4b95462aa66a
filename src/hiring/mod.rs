//! Hiring (seed 003 section 3): employer organizations and their members, jobs with
//! their skills, applications and interviews, all in PostgreSQL.
//!
//! The rules live in the database where it can hold them (status transitions, one
//! application per applicant, applications only to open jobs, an organization never
//! without an owner); resolvers add who may do what and tell the people concerned
//! through `notifications`.

mod access;
mod application;
mod db;
mod input;
mod interview;
mod job;
mod loader;
mod mutation;
mod organization;
mod query;
mod search;
mod subscription;

pub use application::{ApplicationId, ApplicationStatus, JobApplication};
pub(crate) use db::organizations::of_member as organizations_of_member;
pub use input::{ApplicationInput, InterviewInput, JobInput, JobSkillInput, OrganizationInput};
pub use interview::{Interview, InterviewId, InterviewStatus, InterviewType};
pub use job::{EmploymentType, ExperienceLevel, Job, JobId, JobSkill, JobStatus, RemoteType};
pub use loader::{attach_loaders, load_node};
pub(crate) use mutation::seeding;
pub use mutation::{ApplicationMutation, InterviewMutation, JobMutation, OrganizationMutation};
pub use organization::{CompanySize, MemberRole, Organization, OrganizationId, OrganizationMember};
pub use query::HiringQuery;
pub(crate) use search::full_text_ranking;
pub use search::{JobCursor, JobFilter, JobOrder};
pub use subscription::HiringSubscription;
