//! Organizations and their members. The creator becomes the owner; owners and admins
//! manage members; only owners make, change or remove owners; the last owner stays.

use async_graphql::{Context, ID, Object};

use crate::{
    error::AppError,
    graphql::{self, node::NodeId},
    hiring::{
        access::{self, Actor, Needs},
        db::{self, organizations::MemberFields},
        input::OrganizationInput,
        organization::{MemberRole, Organization, OrganizationId, OrganizationMember},
    },
    state::AppState,
    users::{self, Role, UserId},
};

/// Creates an organization with `actor` as its owner (employers and admins only).
pub(crate) async fn create_organization(
    state: &AppState,
    actor: Actor,
    input: OrganizationInput,
) -> Result<Organization, AppError> {
    let fields = input.parse()?;
    let creator = users::find_user(state, actor.user).await?;
    if creator.role != Role::Employer && !actor.is_admin {
        return Err(AppError::Forbidden(
            "organizations are created by employer accounts".to_owned(),
        ));
    }
    let mut tx = state.pg.begin().await?;
    let organization = db::organizations::insert(&mut *tx, &fields).await?;
    let owner = MemberFields {
        role: MemberRole::Owner,
        title: None,
        department: None,
    };
    db::organizations::insert_member(&mut *tx, organization.id, actor.user, &owner).await?;
    tx.commit().await?;
    Ok(organization)
}

fn member_fields(
    role: MemberRole,
    title: Option<String>,
    department: Option<String>,
) -> Result<MemberFields, AppError> {
    use crate::graphql::input::text;
    Ok(MemberFields {
        role,
        title: text("title", title, 100)?,
        department: text("department", department, 100)?,
    })
}

/// Adds an employer account to an organization. Only owners add owners.
pub(crate) async fn add_member(
    state: &AppState,
    actor: Actor,
    organization: OrganizationId,
    user: UserId,
    fields: MemberFields,
) -> Result<OrganizationMember, AppError> {
    let member = users::find_user(state, user)
        .await
        .map_err(|_| AppError::BadUserInput("userId: no user has this id".to_owned()))?;
    if member.role != Role::Employer {
        return Err(AppError::BadUserInput(
            "userId: only employer accounts join organizations".to_owned(),
        ));
    }
    let needs = if fields.role == MemberRole::Owner {
        Needs::Owner
    } else {
        Needs::Manager
    };
    let mut tx = state.pg.begin().await?;
    access::require(&mut tx, actor, organization, needs).await?;
    let added = db::organizations::insert_member(&mut *tx, organization, user, &fields).await?;
    tx.commit().await?;
    Ok(added)
}

/// Organization mutations.
#[derive(Default)]
pub struct OrganizationMutation;

#[Object]
impl OrganizationMutation {
    /// Creates an organization; the viewer (an employer) becomes its owner.
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        input: OrganizationInput,
    ) -> Result<Organization, AppError> {
        create_organization(graphql::data::<AppState>(ctx)?, Actor::of(ctx)?, input).await
    }

    /// Replaces an organization's details. Owners and admins.
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: OrganizationInput,
    ) -> Result<Organization, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let organization = OrganizationId::from_global(&id)?;
        let fields = input.parse()?;
        let mut tx = state.pg.begin().await?;
        require_existing(&mut tx, Actor::of(ctx)?, organization, Needs::Manager).await?;
        let updated = db::organizations::update(&mut *tx, organization, &fields)
            .await?
            .ok_or_else(no_organization)?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Adds an employer account as a member. Owners and admins; only owners add owners.
    async fn add_organization_member(
        &self,
        ctx: &Context<'_>,
        organization_id: ID,
        user_id: ID,
        #[graphql(desc = "The new member's role.", default_with = "MemberRole::Member")]
        role: MemberRole,
        #[graphql(desc = "Job title.")] title: Option<String>,
        #[graphql(desc = "Department.")] department: Option<String>,
    ) -> Result<OrganizationMember, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let organization = OrganizationId::from_global(&organization_id)?;
        let user = UserId::from_global(&user_id)?;
        let fields = member_fields(role, title, department)?;
        ensure_exists(state, organization).await?;
        add_member(state, Actor::of(ctx)?, organization, user, fields).await
    }

    /// Changes a member's role, title or department. Owners and admins; only owners
    /// touch owners; the last owner cannot be demoted.
    async fn update_organization_member(
        &self,
        ctx: &Context<'_>,
        organization_id: ID,
        user_id: ID,
        #[graphql(desc = "The member's role.")] role: MemberRole,
        #[graphql(desc = "Job title.")] title: Option<String>,
        #[graphql(desc = "Department.")] department: Option<String>,
    ) -> Result<OrganizationMember, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let organization = OrganizationId::from_global(&organization_id)?;
        let user = UserId::from_global(&user_id)?;
        let fields = member_fields(role, title, department)?;
        let mut tx = state.pg.begin().await?;
        let actor = Actor::of(ctx)?;
        require_existing(&mut tx, actor, organization, Needs::Manager).await?;
        let current = db::organizations::member_role(&mut *tx, organization, user)
            .await?
            .ok_or_else(not_a_member)?;
        if current == MemberRole::Owner || role == MemberRole::Owner {
            access::require(&mut tx, actor, organization, Needs::Owner).await?;
        }
        let updated = db::organizations::update_member(&mut *tx, organization, user, &fields)
            .await?
            .ok_or_else(not_a_member)?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Removes a member. Owners and admins; only owners remove owners; the last owner
    /// stays.
    async fn remove_organization_member(
        &self,
        ctx: &Context<'_>,
        organization_id: ID,
        user_id: ID,
    ) -> Result<Organization, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let organization = OrganizationId::from_global(&organization_id)?;
        let user = UserId::from_global(&user_id)?;
        let actor = Actor::of(ctx)?;
        let mut tx = state.pg.begin().await?;
        require_existing(&mut tx, actor, organization, Needs::Manager).await?;
        let current = db::organizations::member_role(&mut *tx, organization, user)
            .await?
            .ok_or_else(not_a_member)?;
        if current == MemberRole::Owner {
            access::require(&mut tx, actor, organization, Needs::Owner).await?;
        }
        db::organizations::delete_member(&mut *tx, organization, user).await?;
        tx.commit().await?;
        found(state, organization).await
    }

    /// Leaves an organization. The last owner cannot leave: make someone else owner
    /// first.
    async fn leave_organization(
        &self,
        ctx: &Context<'_>,
        organization_id: ID,
    ) -> Result<bool, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let organization = OrganizationId::from_global(&organization_id)?;
        let actor = Actor::of(ctx)?;
        let mut tx = state.pg.begin().await?;
        if !db::organizations::delete_member(&mut *tx, organization, actor.user).await? {
            return Err(not_a_member());
        }
        tx.commit().await?;
        Ok(true)
    }
}

fn no_organization() -> AppError {
    AppError::NotFound("no organization has this id".to_owned())
}

fn not_a_member() -> AppError {
    AppError::NotFound("this user is not a member of the organization".to_owned())
}

async fn ensure_exists(state: &AppState, organization: OrganizationId) -> Result<(), AppError> {
    found(state, organization).await.map(drop)
}

async fn found(state: &AppState, organization: OrganizationId) -> Result<Organization, AppError> {
    db::organizations::by_ids(&state.pg, &[organization.0])
        .await?
        .pop()
        .ok_or_else(no_organization)
}

/// `NOT_FOUND` for an organization that does not exist, then the access check.
async fn require_existing(
    tx: &mut sqlx::PgConnection,
    actor: Actor,
    organization: OrganizationId,
    needs: Needs,
) -> Result<(), AppError> {
    if db::organizations::by_ids(&mut *tx, &[organization.0])
        .await?
        .is_empty()
    {
        return Err(no_organization());
    }
    access::require(tx, actor, organization, needs)
        .await
        .map(drop)
}
