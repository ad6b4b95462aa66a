//! Who may find which points: visibility as Qdrant payload filters, so hidden points are
//! never returned (and a page is never short because of filtering afterwards).

use qdrant_client::qdrant::{Condition, Filter};
use uuid::Uuid;

use super::kind::{SearchKind, Visibility};
use crate::graphql::viewer::Viewer;

/// The condition a viewer's visible points meet (`None`: admins see everything).
/// `organizations` are the viewer's employer organizations (their drafts are visible).
pub(super) fn visible_to(viewer: &Viewer, organizations: &[Uuid]) -> Option<Condition> {
    if viewer.is_admin() {
        return None;
    }
    let public = Condition::matches("visibility", Visibility::Public.as_str().to_owned());
    let Some(user) = viewer.user_id() else {
        return Some(Filter::must([public]).into());
    };
    let mut any = vec![
        Condition::matches(
            "visibility",
            vec![
                Visibility::Public.as_str().to_owned(),
                Visibility::Members.as_str().to_owned(),
            ],
        ),
        Condition::matches("owner_id", user.0.to_string()),
    ];
    if !organizations.is_empty() {
        any.push(Condition::matches(
            "org_id",
            organizations
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
        ));
    }
    Some(Filter::should(any).into())
}

/// Points of these kinds.
pub(super) fn of_kinds(kinds: &[SearchKind]) -> Condition {
    Condition::matches(
        "kind",
        kinds
            .iter()
            .map(|k| k.as_str().to_owned())
            .collect::<Vec<_>>(),
    )
}

/// `conditions` all together, plus the viewer's visibility.
pub(super) fn filter(viewer_condition: Option<Condition>, conditions: Vec<Condition>) -> Filter {
    Filter::must(conditions.into_iter().chain(viewer_condition))
}
