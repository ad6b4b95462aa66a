//! Who is asking: the viewer of a request or a WebSocket connection, and the rules
//! every domain uses to decide what that viewer may see and change.

use crate::{
    auth,
    error::AppError,
    state::AppState,
    users::{Role, UserId},
};

/// A signed-in user, as resolved from a session token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    /// The user.
    pub user_id: UserId,
    /// The session the token belongs to (`logout` ends it).
    pub session_id: auth::SessionId,
    /// The user's role.
    pub role: Role,
    /// Operators with the admin capability see and moderate everything.
    pub is_admin: bool,
}

/// The identity a request runs as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// No credentials were presented.
    Anonymous,
    /// A valid session token was presented.
    User(SignedIn),
    /// A partner's API key was presented: sees what anonymous viewers see, runs only the
    /// partner's published documents, and may not act as a user.
    Partner(crate::partners::PartnerId),
}

impl Viewer {
    /// The signed-in user, or `UNAUTHENTICATED`.
    pub fn require_user(&self) -> Result<&SignedIn, AppError> {
        match self {
            Viewer::User(signed_in) => Ok(signed_in),
            Viewer::Anonymous => Err(AppError::Unauthenticated("sign in to do this".to_owned())),
            Viewer::Partner(_) => Err(AppError::Forbidden(
                "partner keys cannot act as a user".to_owned(),
            )),
        }
    }

    /// The signed-in user's id, if any.
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Viewer::User(signed_in) => Some(signed_in.user_id),
            Viewer::Anonymous | Viewer::Partner(_) => None,
        }
    }

    /// Whether the viewer is an operator with the admin capability.
    pub fn is_admin(&self) -> bool {
        matches!(self, Viewer::User(SignedIn { is_admin: true, .. }))
    }

    /// `Ok` for an admin; `UNAUTHENTICATED` for anonymous viewers, `FORBIDDEN` for
    /// everyone else.
    pub fn require_admin(&self) -> Result<&SignedIn, AppError> {
        let signed_in = self.require_user()?;
        if signed_in.is_admin {
            Ok(signed_in)
        } else {
            Err(AppError::Forbidden("only admins may do this".to_owned()))
        }
    }

    /// Whether the viewer is this user or an admin: who may see private fields.
    pub fn is_self_or_admin(&self, user: UserId) -> bool {
        self.user_id() == Some(user) || self.is_admin()
    }

    /// `Ok` when the viewer may change what `owner` owns (the owner or an admin);
    /// `UNAUTHENTICATED` for anonymous viewers, `FORBIDDEN` for everyone else.
    pub fn require_owner_or_admin(&self, owner: UserId) -> Result<&SignedIn, AppError> {
        let signed_in = self.require_user()?;
        if signed_in.user_id == owner || signed_in.is_admin {
            Ok(signed_in)
        } else {
            Err(AppError::Forbidden(
                "only its owner or an admin may change this".to_owned(),
            ))
        }
    }
}

/// Resolves the viewer from an `Authorization` header value (HTTP) or the same value in
/// a WebSocket `connection_init` payload.
///
/// Credentials that are present but not valid are an error, never a silent fallback to
/// anonymous.
pub async fn authenticate(
    state: &AppState,
    authorization: Option<&str>,
) -> Result<Viewer, AppError> {
    let Some(value) = authorization.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(Viewer::Anonymous);
    };
    let Some(token) = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
        return Err(AppError::Unauthenticated(
            "the Authorization header must be `Bearer <token>`".to_owned(),
        ));
    };
    match auth::resolve_session(state, token).await? {
        Some(signed_in) => Ok(Viewer::User(signed_in)),
        None => Err(AppError::Unauthenticated(
            "the session token is invalid or expired".to_owned(),
        )),
    }
}
