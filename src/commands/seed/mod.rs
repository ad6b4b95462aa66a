//! `braid seed`: the demo data set, loaded only into an empty database.
//!
//! People come from `seed/people.json` (made by `seed/generate_people.py`): 240 users
//! across the three roles with profiles, skills, experiences, portfolio projects and
//! educations; `experts.rs` adds expert profiles, knowledge, services and bookings. Every
//! demo account signs in with [`DEMO_PASSWORD`]. Everything goes
//! through the same checked domain functions the API uses.

mod delivery;
mod experts;
mod hiring;
mod volume;

use anyhow::Context;
use async_graphql::MaybeUndefined;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::{
    auth,
    config::Config,
    messaging::{self, MessageKind},
    profiles::{self, EducationInput, ExperienceInput, PortfolioProjectInput, ProfileInput},
    skills::{self, SetSkillInput, SkillCategory},
    state::AppState,
    twins::{self, CreateTwinInput, TwinConfigInput, TwinDataSourceInput, TwinId},
    users::{self, NewAccount, PrivacySettings, Role, UserId},
};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "braid-demo-password";

const PEOPLE: &str = include_str!("../../../seed/people.json");

/// A seeded account, as the domain seeds in this folder see it.
#[derive(Clone, Debug)]
pub(super) struct DemoUser {
    pub(super) id: UserId,
    pub(super) role: Role,
    /// First and last name.
    pub(super) name: String,
    /// Names of the person's skills (all in the skill catalogue).
    pub(super) skills: Vec<String>,
}

#[derive(Deserialize)]
struct People {
    skills: Vec<SeedSkill>,
    users: Vec<SeedUser>,
}

#[derive(Deserialize)]
struct SeedSkill {
    name: String,
    category: String,
}

#[derive(Deserialize)]
struct SeedUser {
    username: String,
    email: String,
    phone_number: Option<String>,
    role: String,
    is_admin: bool,
    profile: SeedProfile,
    privacy: SeedPrivacy,
    skills: Vec<SeedUserSkill>,
    experiences: Vec<SeedExperience>,
    portfolio_projects: Vec<SeedProject>,
    educations: Vec<SeedEducation>,
}

#[derive(Deserialize)]
struct SeedProfile {
    first_name: String,
    last_name: String,
    headline: String,
    summary: String,
    location: String,
    birth_date: Option<NaiveDate>,
    education_level: String,
    years_experience: i32,
    current_position: Option<String>,
    current_company: Option<String>,
}

#[derive(Deserialize)]
struct SeedPrivacy {
    show_location: bool,
    show_birth_date: bool,
}

#[derive(Deserialize)]
struct SeedUserSkill {
    name: String,
    proficiency: i32,
    years: f64,
}

#[derive(Deserialize)]
struct SeedExperience {
    title: String,
    company: String,
    location: Option<String>,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    is_current: bool,
    description: Option<String>,
}

#[derive(Deserialize)]
struct SeedProject {
    name: String,
    description: Option<String>,
    url: Option<String>,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    is_current: bool,
    technologies: Vec<String>,
}

#[derive(Deserialize)]
struct SeedEducation {
    institution: String,
    degree: Option<String>,
    field_of_study: Option<String>,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    is_current: bool,
    description: Option<String>,
}

fn value<T>(v: Option<T>) -> MaybeUndefined<T> {
    v.map_or(MaybeUndefined::Null, MaybeUndefined::Value)
}

/// Loads the demo data set into an empty database (or any, with `force`), then adds
/// `volume` units of generated benchmark data when asked.
pub async fn run(config: Config, force: bool, volume: Option<u32>) -> anyhow::Result<()> {
    let state = AppState::connect(config).await?;
    let existing = users::count_users(&state.pg).await?;
    if existing > 0 && !force {
        tracing::info!(
            existing,
            "database already has users; not seeding the demo data (use --force)"
        );
    } else {
        seed_demo(&state).await?;
    }
    if let Some(scale) = volume {
        println!("{}", volume::generate(&state, scale).await?);
    }
    Ok(())
}

async fn seed_demo(state: &AppState) -> anyhow::Result<()> {
    let people: People = serde_json::from_str(PEOPLE).context("seed/people.json is malformed")?;
    let categories: std::collections::HashMap<&str, Option<SkillCategory>> = people
        .skills
        .iter()
        .map(|s| (s.name.as_str(), SkillCategory::parse(&s.category)))
        .collect();
    // One hash for every demo account: they share the documented demo password.
    let password_hash = auth::hash_new_password(DEMO_PASSWORD).await?;
    let mut accounts = Vec::with_capacity(people.users.len());
    for person in &people.users {
        let user = seed_person(state, person, &password_hash, &categories)
            .await
            .with_context(|| format!("seeding {}", person.username))?;
        accounts.push((user, person));
    }
    let twins = seed_twins(state, &accounts)
        .await
        .context("seeding twins")?;
    let conversations = seed_conversations(state, &accounts, &twins)
        .await
        .context("seeding conversations")?;
    let demo_users: Vec<DemoUser> = accounts
        .iter()
        .map(|(id, person)| DemoUser {
            id: *id,
            role: Role::parse(&person.role).unwrap_or(Role::Individual),
            name: format!("{} {}", person.profile.first_name, person.profile.last_name),
            skills: person.skills.iter().map(|s| s.name.clone()).collect(),
        })
        .collect();
    let (organizations, jobs, applications) = hiring::seed(state, &demo_users)
        .await
        .context("seeding hiring")?;
    let owners: Vec<UserId> = accounts
        .iter()
        .filter(|(_, p)| p.role != "expert")
        .step_by(7)
        .map(|(user, _)| *user)
        .collect();
    let projects = delivery::seed(state, &owners)
        .await
        .context("seeding delivery projects")?;
    let experts = experts::seed(state, &demo_users)
        .await
        .context("seeding experts")?;
    tracing::info!(
        users = people.users.len(),
        skills = people.skills.len(),
        twins = twins.len(),
        conversations,
        organizations,
        jobs,
        applications,
        projects,
        expert_profiles = experts.profiles,
        knowledge_bases = experts.knowledge_bases,
        services = experts.services,
        bookings = experts.bookings,
        password = DEMO_PASSWORD,
        "demo data loaded"
    );
    Ok(())
}

/// A twin for every third individual, configured from their profile, with their summary
/// and experiences as data sources.
async fn seed_twins(
    state: &AppState,
    accounts: &[(UserId, &SeedUser)],
) -> anyhow::Result<Vec<(TwinId, UserId)>> {
    let tones = [
        "warm, direct",
        "precise, calm",
        "curious, upbeat",
        "dry, concise",
    ];
    let mut twins = Vec::new();
    for (n, (user, person)) in accounts
        .iter()
        .filter(|(_, p)| p.role == "individual")
        .step_by(3)
        .enumerate()
    {
        let p = &person.profile;
        let config = TwinConfigInput {
            persona: Some(format!(
                "I am {}'s digital twin. {}",
                p.first_name, p.summary
            )),
            tone: Some(tones[n % tones.len()].to_owned()),
            guardrails: Some(vec![
                "Never share contact details or salary expectations.".to_owned(),
                "Say so when you are unsure instead of guessing.".to_owned(),
            ]),
            decline_topics: Some(vec!["politics".to_owned(), "medical advice".to_owned()]),
            ..TwinConfigInput::default()
        };
        let twin = twins::create_twin(
            state,
            *user,
            CreateTwinInput {
                name: format!("{} (twin)", p.first_name),
                description: Some(format!(
                    "Answers questions about {}'s work: {}",
                    p.first_name, p.headline
                )),
                config: Some(config),
            },
        )
        .await?;
        let summary = TwinDataSourceInput {
            name: "Profile summary".to_owned(),
            text: Some(p.summary.clone()),
            url: None,
            file_path: None,
            metadata: None,
        };
        twins::add_data_source(&state.pg, twin.id, summary).await?;
        for experience in person.experiences.iter().take(2) {
            let source = TwinDataSourceInput {
                name: format!("{} at {}", experience.title, experience.company),
                text: experience
                    .description
                    .clone()
                    .or_else(|| Some(experience.title.clone())),
                url: None,
                file_path: None,
                metadata: None,
            };
            twins::add_data_source(&state.pg, twin.id, source).await?;
        }
        twins.push((twin.id, *user));
    }
    Ok(twins)
}

/// Employers writing to candidates, a few project groups, and visitors asking twins.
async fn seed_conversations(
    state: &AppState,
    accounts: &[(UserId, &SeedUser)],
    twins: &[(TwinId, UserId)],
) -> anyhow::Result<usize> {
    let by_role = |role: &str| {
        accounts
            .iter()
            .filter(|(_, p)| p.role == role)
            .collect::<Vec<_>>()
    };
    let (employers, individuals, experts) = (
        by_role("employer"),
        by_role("individual"),
        by_role("expert"),
    );
    let mut count = 0;
    for (n, (employer, hiring)) in employers.iter().enumerate() {
        let (candidate, person) = individuals[(n * 7) % individuals.len()];
        let conversation = messaging::direct_between(state, *employer, *candidate).await?;
        let lines = [
            (
                *employer,
                format!(
                    "Hi {}, your experience as {} caught my eye. {}",
                    person.profile.first_name,
                    person
                        .profile
                        .current_position
                        .as_deref()
                        .unwrap_or("an engineer"),
                    hiring.profile.headline
                ),
            ),
            (
                *candidate,
                "Thanks for reaching out! Happy to hear more about the role and the team."
                    .to_owned(),
            ),
            (
                *employer,
                "Great. Would a 30-minute call on Thursday work for you?".to_owned(),
            ),
        ];
        for (sender, text) in lines.iter().take(2 + n % 2) {
            messaging::send_message(
                state,
                conversation.id,
                *sender,
                MessageKind::Text,
                text,
                &serde_json::json!({}),
            )
            .await?;
        }
        count += 1;
    }
    for (n, chunk) in individuals.chunks(12).take(5).enumerate() {
        let (owner, _) = experts[n % experts.len()];
        let members: Vec<UserId> = chunk.iter().map(|(u, _)| *u).collect();
        let group =
            messaging::create_group(state, *owner, &format!("Study group {}", n + 1), &members)
                .await?;
        messaging::send_message(
            state,
            group.id,
            *owner,
            MessageKind::Text,
            "Welcome! This week: event-driven architecture.",
            &serde_json::json!({}),
        )
        .await?;
        count += 1;
    }
    for (n, (twin, _owner)) in twins.iter().enumerate().take(20) {
        let (visitor, _) = employers[n % employers.len()];
        let conversation = messaging::with_twin(state, *visitor, *twin).await?;
        messaging::send_message(
            state,
            conversation.id,
            *visitor,
            MessageKind::Text,
            "What kind of projects do you enjoy most?",
            &serde_json::json!({}),
        )
        .await?;
        count += 1;
    }
    Ok(count)
}

async fn seed_person(
    state: &AppState,
    person: &SeedUser,
    password_hash: &str,
    categories: &std::collections::HashMap<&str, Option<SkillCategory>>,
) -> anyhow::Result<UserId> {
    let role =
        Role::parse(&person.role).with_context(|| format!("unknown role {}", person.role))?;
    let p = &person.profile;
    let mut tx = state.pg.begin().await?;
    let user = users::create_account(
        &mut tx,
        NewAccount {
            username: &person.username,
            email: &person.email,
            phone_number: person.phone_number.as_deref(),
            password_hash: Some(password_hash),
            role,
            is_admin: person.is_admin,
            registration_source: "seed",
            first_name: Some(&p.first_name),
            last_name: Some(&p.last_name),
        },
    )
    .await?;
    users::set_privacy(
        &mut *tx,
        user,
        &PrivacySettings {
            show_location: person.privacy.show_location,
            show_birth_date: person.privacy.show_birth_date,
        },
    )
    .await?;
    profiles::update_profile(
        &mut tx,
        user,
        ProfileInput {
            headline: MaybeUndefined::Value(p.headline.clone()),
            summary: MaybeUndefined::Value(p.summary.clone()),
            location: MaybeUndefined::Value(p.location.clone()),
            birth_date: value(p.birth_date),
            education_level: value(profiles::EducationLevel::parse(&p.education_level)),
            years_experience: MaybeUndefined::Value(p.years_experience),
            current_position: value(p.current_position.clone()),
            current_company: value(p.current_company.clone()),
            ..ProfileInput::default()
        },
    )
    .await?;
    for skill in &person.skills {
        let input = SetSkillInput {
            name: skill.name.clone(),
            proficiency: skill.proficiency,
            years_experience: Some(skill.years),
            is_highlighted: skill.proficiency >= 5,
            category: categories.get(skill.name.as_str()).copied().flatten(),
        };
        skills::list_skill(&mut tx, user, input).await?;
    }
    for e in &person.experiences {
        let input = ExperienceInput {
            title: e.title.clone(),
            company: e.company.clone(),
            location: e.location.clone(),
            description: e.description.clone(),
            start_date: e.start_date,
            end_date: e.end_date,
            is_current: e.is_current,
        };
        profiles::add_experience(&mut *tx, user, input).await?;
    }
    for project in &person.portfolio_projects {
        let input = PortfolioProjectInput {
            title: project.name.clone(),
            description: project.description.clone(),
            url: project.url.clone(),
            technologies: project.technologies.clone(),
            start_date: project.start_date,
            end_date: project.end_date,
            is_current: project.is_current,
        };
        profiles::add_portfolio_project(&mut *tx, user, input).await?;
    }
    for education in &person.educations {
        let input = EducationInput {
            institution: education.institution.clone(),
            degree: education.degree.clone(),
            field_of_study: education.field_of_study.clone(),
            grade: None,
            description: education.description.clone(),
            start_date: education.start_date,
            end_date: education.end_date,
            is_current: education.is_current,
        };
        profiles::add_education(&mut *tx, user, input).await?;
    }
    tx.commit().await?;
    Ok(user)
}
