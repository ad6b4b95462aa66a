//! Hiring mutations. Each runs in one transaction: the rows it changes are locked, the
//! database checks the rule, and the people concerned get a notification in the same
//! transaction, so nobody hears of a change that did not happen.

mod applications;
mod interviews;
mod jobs;
mod organizations;

pub use applications::ApplicationMutation;
pub use interviews::InterviewMutation;
pub use jobs::JobMutation;
pub use organizations::OrganizationMutation;

use sqlx::PgConnection;

use crate::{error::AppError, events::Pending, notifications, users::UserId};

/// The checked domain functions behind the mutations, for `braid seed`.
pub(crate) mod seeding {
    pub(crate) use super::super::access::Actor;
    pub(crate) use super::applications::{
        Scoring, accept_offer, apply, move_application, withdraw,
    };
    pub(crate) use super::interviews::{change_interview, schedule};
    pub(crate) use super::jobs::{create_job, set_job_status};
    pub(crate) use super::organizations::{add_member, create_organization};
    pub(crate) use crate::hiring::db::{interviews::InterviewChange, organizations::MemberFields};
}

/// A notification for several people (the actor excluded, each person once).
pub(super) struct Notice<'a> {
    pub(super) kind: &'a str,
    pub(super) title: &'a str,
    pub(super) content: &'a str,
    pub(super) action_url: Option<&'a str>,
}

/// Records `notice` for `recipients` except `actor`, in the caller's transaction; the
/// events to publish once it commits.
pub(super) async fn tell(
    tx: &mut PgConnection,
    actor: UserId,
    recipients: impl IntoIterator<Item = UserId>,
    notice: Notice<'_>,
) -> Result<Pending, AppError> {
    let mut people: Vec<UserId> = Vec::new();
    for person in recipients {
        if person != actor && !people.contains(&person) {
            people.push(person);
        }
    }
    let rows: Vec<notifications::NewNotification<'_>> = people
        .into_iter()
        .map(|recipient| notifications::NewNotification {
            recipient,
            kind: notice.kind,
            title: notice.title,
            content: notice.content,
            action_url: notice.action_url,
        })
        .collect();
    Ok(notifications::notify(&mut *tx, &rows).await?)
}
