//! Demo hiring: organizations run by the demo employers, with published, draft and
//! closed jobs, and applications from demo individuals in every state, with interviews.

use anyhow::Context;
use chrono::{Duration, Utc};
use rust_decimal::Decimal;

use super::DemoUser;
use crate::{
    graphql::{money::Money, node::NodeId},
    hiring::{
        ApplicationInput, ApplicationStatus, CompanySize, EmploymentType, ExperienceLevel,
        InterviewInput, InterviewType, JobInput, JobSkillInput, JobStatus, MemberRole,
        OrganizationInput, RemoteType,
        seeding::{self, Actor, InterviewChange},
    },
    skills,
    state::AppState,
    users::Role,
};

const ORGANIZATIONS: &[(&str, &str, CompanySize, &str)] = &[
    (
        "Northwind Analytics",
        "Data platforms",
        CompanySize::Employees51To200,
        "Berlin, Germany",
    ),
    (
        "Lumen Health",
        "Healthcare",
        CompanySize::Employees201To1000,
        "Boston, USA",
    ),
    (
        "Kestrel Robotics",
        "Robotics",
        CompanySize::Employees11To50,
        "Shenzhen, China",
    ),
    (
        "Tidewater Bank",
        "Fintech",
        CompanySize::Employees1001To5000,
        "London, UK",
    ),
    (
        "Orchard Learning",
        "Education",
        CompanySize::Employees51To200,
        "Toronto, Canada",
    ),
    (
        "Basalt Cloud",
        "Infrastructure",
        CompanySize::Employees201To1000,
        "Dublin, Ireland",
    ),
    (
        "Juniper Games",
        "Gaming",
        CompanySize::Employees11To50,
        "Montreal, Canada",
    ),
    (
        "Meridian Logistics",
        "Logistics",
        CompanySize::Employees5000Plus,
        "Rotterdam, Netherlands",
    ),
    (
        "Sable Security",
        "Cybersecurity",
        CompanySize::Employees51To200,
        "Tel Aviv, Israel",
    ),
    (
        "Cirrus Commerce",
        "E-commerce",
        CompanySize::Employees1001To5000,
        "Singapore",
    ),
    (
        "Fernleaf Energy",
        "Energy",
        CompanySize::Employees201To1000,
        "Copenhagen, Denmark",
    ),
    (
        "Quill Media",
        "Media",
        CompanySize::Employees1To10,
        "Lisbon, Portugal",
    ),
    (
        "Atlas Mobility",
        "Transport",
        CompanySize::Employees201To1000,
        "Munich, Germany",
    ),
    (
        "Pebble Finance",
        "Fintech",
        CompanySize::Employees11To50,
        "São Paulo, Brazil",
    ),
    (
        "Harbor AI",
        "Artificial intelligence",
        CompanySize::Employees51To200,
        "San Francisco, USA",
    ),
];

struct JobTemplate {
    title: &'static str,
    description: &'static str,
    requirements: &'static str,
    skills: &'static [&'static str],
    level: ExperienceLevel,
    employment: EmploymentType,
    remote: RemoteType,
    salary: Option<(i64, i64)>,
}

const JOBS: &[JobTemplate] = &[
    JobTemplate {
        title: "Senior Rust Engineer",
        description: "Build the storage engine behind our real-time analytics: async Rust services, careful performance work and on-call for what you ship.",
        requirements: "Five years of systems programming, production Rust, PostgreSQL internals a plus.",
        skills: &["Rust", "PostgreSQL", "Kubernetes"],
        level: ExperienceLevel::Senior,
        employment: EmploymentType::FullTime,
        remote: RemoteType::Remote,
        salary: Some((120_000, 160_000)),
    },
    JobTemplate {
        title: "Frontend Developer (React)",
        description: "Own the customer dashboard: accessible React components, GraphQL data fetching and a design system shared across teams.",
        requirements: "React and TypeScript in production, an eye for design, testing with Playwright.",
        skills: &["React", "TypeScript", "GraphQL"],
        level: ExperienceLevel::Mid,
        employment: EmploymentType::FullTime,
        remote: RemoteType::Hybrid,
        salary: Some((70_000, 95_000)),
    },
    JobTemplate {
        title: "Machine Learning Engineer",
        description: "Train and serve ranking models; retrieval-augmented generation for our support assistant; evaluation pipelines.",
        requirements: "PyTorch, Python, experience with large language models and vector search.",
        skills: &["Python", "PyTorch", "Retrieval-Augmented Generation"],
        level: ExperienceLevel::Senior,
        employment: EmploymentType::FullTime,
        remote: RemoteType::Remote,
        salary: Some((130_000, 175_000)),
    },
    JobTemplate {
        title: "Data Engineering Intern",
        description: "Help us move batch pipelines to streaming: Kafka, Airflow and dbt, with mentoring from the data platform team.",
        requirements: "SQL and Python basics; curiosity about distributed systems.",
        skills: &["SQL", "Apache Airflow", "Apache Kafka"],
        level: ExperienceLevel::Entry,
        employment: EmploymentType::Internship,
        remote: RemoteType::OnSite,
        salary: Some((24_000, 30_000)),
    },
    JobTemplate {
        title: "Platform Engineer",
        description: "Run the Kubernetes platform every team deploys to: Terraform, observability with Prometheus and Grafana, cost and reliability.",
        requirements: "Kubernetes and Terraform in production; Go or Rust for tooling.",
        skills: &["Kubernetes", "Terraform", "Go"],
        level: ExperienceLevel::Mid,
        employment: EmploymentType::FullTime,
        remote: RemoteType::Hybrid,
        salary: Some((90_000, 125_000)),
    },
    JobTemplate {
        title: "Product Designer",
        description: "Design end-to-end flows for hiring teams: research, prototypes in Figma, and a design system with engineering.",
        requirements: "A portfolio of shipped product work; user research experience.",
        skills: &["Figma", "User Research", "Design Systems"],
        level: ExperienceLevel::Mid,
        employment: EmploymentType::Contract,
        remote: RemoteType::Remote,
        salary: None,
    },
];

/// The application states the demo covers, each reached through the real transitions.
const OUTCOMES: &[ApplicationStatus] = &[
    ApplicationStatus::Applied,
    ApplicationStatus::Reviewing,
    ApplicationStatus::Interviewed,
    ApplicationStatus::Offered,
    ApplicationStatus::Accepted,
    ApplicationStatus::Rejected,
    ApplicationStatus::Withdrawn,
];

fn actor(user: &DemoUser) -> Actor {
    Actor {
        user: user.id,
        is_admin: false,
    }
}

/// Seeds the hiring domain; returns (organizations, jobs, applications).
pub(super) async fn seed(
    state: &AppState,
    people: &[DemoUser],
) -> anyhow::Result<(usize, usize, usize)> {
    let employers: Vec<&DemoUser> = people.iter().filter(|p| p.role == Role::Employer).collect();
    let individuals: Vec<&DemoUser> = people
        .iter()
        .filter(|p| p.role == Role::Individual)
        .collect();
    anyhow::ensure!(
        employers.len() >= 3 && !individuals.is_empty(),
        "too few demo people"
    );
    let mut skill_ids = std::collections::HashMap::new();
    for template in JOBS {
        for name in template.skills {
            skill_ids.insert(*name, skills::ensure_skill(&state.pg, name, None).await?);
        }
    }
    let (mut jobs_made, mut applications_made) = (0, 0);
    let mut next_applicant = 0;
    for (n, (name, industry, size, location)) in ORGANIZATIONS.iter().enumerate() {
        let team: Vec<&DemoUser> = (0..3)
            .map(|k| employers[(n * 3 + k) % employers.len()])
            .collect();
        let owner = actor(team[0]);
        let organization = seeding::create_organization(
            state,
            owner,
            OrganizationInput {
                name: (*name).to_owned(),
                description: Some(format!(
                    "{name} builds {} products.",
                    industry.to_lowercase()
                )),
                industry: Some((*industry).to_owned()),
                company_size: Some(*size),
                founded_year: Some(1995 + (n as i32 * 2)),
                website_url: Some(format!(
                    "https://{}.example.com",
                    name.to_lowercase().replace(' ', "-")
                )),
                logo_url: None,
                location: Some((*location).to_owned()),
            },
        )
        .await
        .with_context(|| format!("organization {name}"))?;
        for (member, role) in [(team[1], MemberRole::Admin), (team[2], MemberRole::Member)] {
            seeding::add_member(
                state,
                owner,
                organization.id,
                member.id,
                seeding::MemberFields {
                    role,
                    title: Some(
                        if role == MemberRole::Admin {
                            "Head of Talent"
                        } else {
                            "Engineering Manager"
                        }
                        .to_owned(),
                    ),
                    department: Some("People".to_owned()),
                },
            )
            .await?;
        }
        for k in 0..4 {
            let template = &JOBS[(n + k) % JOBS.len()];
            let job = seeding::create_job(
                state,
                owner,
                organization.id,
                JobInput {
                    title: template.title.to_owned(),
                    description: template.description.to_owned(),
                    requirements: Some(template.requirements.to_owned()),
                    responsibilities: None,
                    location: Some((*location).to_owned()),
                    remote_type: template.remote,
                    employment_type: template.employment,
                    experience_level: template.level,
                    salary_min: template.salary.map(|(min, _)| Money(Decimal::from(min))),
                    salary_max: template.salary.map(|(_, max)| Money(Decimal::from(max))),
                    salary_currency: template.salary.map(|_| "USD".to_owned()),
                    application_deadline: Some(
                        (Utc::now() + Duration::days(30 + k as i64 * 7)).date_naive(),
                    ),
                    skills: template
                        .skills
                        .iter()
                        .enumerate()
                        .map(|(i, s)| JobSkillInput {
                            skill_id: skill_ids[s].to_global(),
                            is_required: i < 2,
                            importance: Some(5 - i as i32),
                        })
                        .collect(),
                },
            )
            .await?;
            jobs_made += 1;
            if k == 3 {
                continue; // stays a draft
            }
            seeding::set_job_status(state, owner, job.id, JobStatus::Published).await?;
            for (i, outcome) in OUTCOMES.iter().enumerate().skip((n + k) % 3) {
                let applicant = individuals[next_applicant % individuals.len()];
                next_applicant += 1;
                let application = seeding::apply(
                    state,
                    actor(applicant),
                    job.id,
                    ApplicationInput {
                        cover_letter: Some(format!(
                            "Hello {name}, I am {} and I would love to join you as {}. I bring {}.",
                            applicant.name,
                            template.title,
                            applicant
                                .skills
                                .iter()
                                .take(3)
                                .cloned()
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                        resume_url: None,
                        twin_enabled: i % 2 == 0,
                    },
                    seeding::Scoring::Skip,
                )
                .await?;
                applications_made += 1;
                walk(state, team[2], applicant, application.id, *outcome, i).await?;
            }
            if k == 2 {
                seeding::set_job_status(state, owner, job.id, JobStatus::Closed).await?;
            }
        }
    }
    Ok((ORGANIZATIONS.len(), jobs_made, applications_made))
}

/// Takes an application to `outcome` through the allowed transitions, with an interview
/// on the way when it gets that far.
async fn walk(
    state: &AppState,
    recruiter: &DemoUser,
    applicant: &DemoUser,
    application: crate::hiring::ApplicationId,
    outcome: ApplicationStatus,
    n: usize,
) -> anyhow::Result<()> {
    use ApplicationStatus::*;
    let path: &[ApplicationStatus] = match outcome {
        Applied => &[],
        Reviewing => &[Reviewing],
        Interviewed => &[Reviewing, Interviewed],
        Offered | Accepted => &[Reviewing, Interviewed, Offered],
        Rejected => &[Reviewing, Rejected],
        Withdrawn => &[Reviewing],
    };
    for status in path {
        if *status == Interviewed {
            let interview = seeding::schedule(
                state,
                actor(recruiter),
                application,
                InterviewInput {
                    title: "Technical interview".to_owned(),
                    description: Some("A conversation about a system you built.".to_owned()),
                    interview_type: InterviewType::Technical,
                    location: None,
                    is_virtual: true,
                    meeting_link: Some("https://meet.example.com/braid-demo".to_owned()),
                    scheduled_at: Utc::now() + Duration::days(2 + n as i64),
                    duration_minutes: 60,
                    interviewer_id: None,
                },
            )
            .await?;
            seeding::change_interview(
                state,
                actor(recruiter),
                interview.id,
                InterviewChange::Complete {
                    feedback: Some("Clear thinking, good trade-offs.".to_owned()),
                    rating: Some(3 + (n % 3) as i16),
                },
            )
            .await?;
        }
        seeding::move_application(state, actor(recruiter), application, *status).await?;
    }
    match outcome {
        Accepted => {
            seeding::accept_offer(state, actor(applicant), application).await?;
        }
        Withdrawn => {
            seeding::withdraw(state, actor(applicant), application).await?;
        }
        _ => {}
    }
    Ok(())
}
