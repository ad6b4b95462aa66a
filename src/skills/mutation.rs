//! Listing skills on the viewer's profile, and curating the catalogue.

use async_graphql::{Context, ID, InputObject, Object};

use super::{
    db, loader,
    model::{Skill, SkillCategory, SkillId, UserSkill},
};
use crate::{
    error::AppError,
    graphql::{self, node::NodeId, viewer::Viewer},
    state::AppState,
    users::UserId,
};

/// A skill to list on the viewer's profile.
#[derive(InputObject)]
pub struct SetSkillInput {
    /// The skill's name; a new name adds it to the catalogue.
    pub name: String,
    /// Self-assessed proficiency, 1 (beginner) to 5 (expert).
    pub proficiency: i32,
    /// Years of use, 0 to 80.
    pub years_experience: Option<f64>,
    /// Show it first on the profile.
    #[graphql(default)]
    pub is_highlighted: bool,
    /// Category for a name new to the catalogue (ignored for known skills).
    pub category: Option<SkillCategory>,
}

fn skill_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::BadUserInput(
            "name: 1 to 100 characters".to_owned(),
        ));
    }
    Ok(name.to_owned())
}

/// Lists a checked skill for `user`, adding the name to the catalogue on first use.
pub(crate) async fn list_skill(
    tx: &mut sqlx::PgConnection,
    user: UserId,
    input: SetSkillInput,
) -> Result<(), AppError> {
    let name = skill_name(&input.name)?;
    let proficiency = match input.proficiency {
        p @ 1..=5 => p as i16,
        _ => {
            return Err(AppError::BadUserInput(
                "proficiency: must be between 1 and 5".to_owned(),
            ));
        }
    };
    if input
        .years_experience
        .is_some_and(|y| !(0.0..=80.0).contains(&y))
    {
        return Err(AppError::BadUserInput(
            "yearsExperience: must be between 0 and 80".to_owned(),
        ));
    }
    let skill = db::ensure_skill(&mut *tx, &name, input.category).await?;
    db::set_user_skill(
        &mut *tx,
        user,
        skill,
        proficiency,
        input.years_experience,
        input.is_highlighted,
    )
    .await?;
    Ok(())
}

/// Skill mutations.
#[derive(Default)]
pub struct SkillMutation;

#[Object]
impl SkillMutation {
    /// Lists a skill on the viewer's profile (or changes how it is listed); returns the
    /// viewer's skills.
    async fn set_skill(
        &self,
        ctx: &Context<'_>,
        input: SetSkillInput,
    ) -> Result<Vec<UserSkill>, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        let mut tx = state.pg.begin().await?;
        list_skill(&mut tx, viewer.user_id, input).await?;
        tx.commit().await?;
        loader::load_user_skills(ctx, viewer.user_id).await
    }

    /// Removes a skill from the viewer's profile; `false` when it was not listed.
    async fn remove_skill(&self, ctx: &Context<'_>, skill_id: ID) -> Result<bool, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        Ok(
            db::remove_user_skill(&state.pg, viewer.user_id, SkillId::from_global(&skill_id)?)
                .await?,
        )
    }

    /// Adds a curated skill to the catalogue. Admins only.
    async fn create_skill(
        &self,
        ctx: &Context<'_>,
        name: String,
        category: Option<SkillCategory>,
        description: Option<String>,
    ) -> Result<Skill, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?;
        viewer.require_user()?;
        if !viewer.is_admin() {
            return Err(AppError::Forbidden(
                "only admins curate the skill catalogue".to_owned(),
            ));
        }
        let name = skill_name(&name)?;
        let description = description
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty());
        if description
            .as_ref()
            .is_some_and(|d| d.chars().count() > 1000)
        {
            return Err(AppError::BadUserInput(
                "description: at most 1,000 characters".to_owned(),
            ));
        }
        db::create(&state.pg, &name, category, description.as_deref()).await
    }
}
