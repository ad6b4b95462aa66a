//! Document limits async-graphql does not enforce itself: aliases (fragments expanded,
//! so spreading one aliased fragment many times counts every time) and root fields.
//! Depth, complexity and directives per field are async-graphql's own limits.

use std::collections::HashSet;

use async_graphql::{
    ServerError,
    parser::types::{ExecutableDocument, OperationDefinition, Selection, SelectionSet},
};

use crate::{
    config::Config,
    error::{ErrorCode, request_error},
};

struct Counter<'a> {
    document: &'a ExecutableDocument,
    aliases: usize,
    max_aliases: usize,
}

impl Counter<'_> {
    /// Counts aliases below `set`, expanding fragments; stops once over the limit.
    fn visit(&mut self, set: &SelectionSet, expanding: &mut HashSet<String>) {
        for selection in &set.items {
            if self.aliases > self.max_aliases {
                return;
            }
            match &selection.node {
                Selection::Field(field) => {
                    self.aliases += usize::from(field.node.alias.is_some());
                    self.visit(&field.node.selection_set.node, expanding);
                }
                Selection::InlineFragment(fragment) => {
                    self.visit(&fragment.node.selection_set.node, expanding)
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.to_string();
                    // A fragment that spreads itself is a validation error reported later.
                    if let Some(fragment) = self
                        .document
                        .fragments
                        .get(spread.node.fragment_name.node.as_str())
                        && expanding.insert(name.clone())
                    {
                        self.visit(&fragment.node.selection_set.node, expanding);
                        expanding.remove(&name);
                    }
                }
            }
        }
    }
}

/// Root fields of an operation, root-level fragments expanded.
fn root_fields(
    document: &ExecutableDocument,
    set: &SelectionSet,
    expanding: &mut HashSet<String>,
) -> usize {
    set.items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(_) => 1,
            Selection::InlineFragment(fragment) => {
                root_fields(document, &fragment.node.selection_set.node, expanding)
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.to_string();
                match document
                    .fragments
                    .get(spread.node.fragment_name.node.as_str())
                {
                    Some(fragment) if expanding.insert(name.clone()) => {
                        let count =
                            root_fields(document, &fragment.node.selection_set.node, expanding);
                        expanding.remove(&name);
                        count
                    }
                    _ => 0,
                }
            }
        })
        .sum()
}

/// Checks one operation against the configured alias and root-field limits.
pub(crate) fn check(
    document: &ExecutableDocument,
    operation: &OperationDefinition,
    config: &Config,
) -> Result<(), ServerError> {
    let roots = root_fields(document, &operation.selection_set.node, &mut HashSet::new());
    if roots > config.max_root_fields {
        return Err(request_error(
            ErrorCode::GraphqlValidationFailed,
            format!(
                "the operation selects {roots} root fields; the limit is {}",
                config.max_root_fields
            ),
        ));
    }
    let mut counter = Counter {
        document,
        aliases: 0,
        max_aliases: config.max_aliases,
    };
    counter.visit(&operation.selection_set.node, &mut HashSet::new());
    if counter.aliases > config.max_aliases {
        return Err(request_error(
            ErrorCode::GraphqlValidationFailed,
            format!(
                "the operation uses more than {} aliases",
                config.max_aliases
            ),
        ));
    }
    Ok(())
}
