//! Strings no store takes: PostgreSQL refuses U+0000 in text, so a NUL anywhere in a
//! request's values (its variables or the literals in its document) is refused at the
//! boundary as `BAD_USER_INPUT`, before any resolver runs, instead of surfacing as an
//! internal error from whichever store it reaches first.

use async_graphql::{
    ServerError, Value, Variables,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

use crate::error::{ErrorCode, request_error};

/// Refuses variables that hold a NUL character.
pub(crate) fn check_variables(variables: &Variables) -> Result<(), ServerError> {
    for (name, value) in variables.iter() {
        if const_has_nul(value) {
            return Err(refused(&format!("variable ${name}")));
        }
    }
    Ok(())
}

/// Refuses a document whose literals (arguments, directive arguments, variable defaults)
/// hold a NUL character.
pub(crate) fn check_document(document: &ExecutableDocument) -> Result<(), ServerError> {
    let sets = document
        .operations
        .iter()
        .map(|(_, operation)| &operation.node.selection_set.node)
        .chain(
            document
                .fragments
                .values()
                .map(|fragment| &fragment.node.selection_set.node),
        );
    for set in sets {
        if let Some(argument) = set_has_nul(set) {
            return Err(refused(&format!("argument {argument}")));
        }
    }
    let defaults = document.operations.iter().flat_map(|(_, operation)| {
        operation
            .node
            .variable_definitions
            .iter()
            .filter_map(|definition| definition.node.default_value.as_ref())
    });
    for default in defaults {
        if const_has_nul(&default.node) {
            return Err(refused("a variable's default value"));
        }
    }
    Ok(())
}

fn refused(place: &str) -> ServerError {
    request_error(
        ErrorCode::BadUserInput,
        format!("{place}: text may not contain the NUL character (U+0000)"),
    )
}

fn const_has_nul(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains('\0'),
        Value::List(items) => items.iter().any(const_has_nul),
        Value::Object(fields) => fields
            .iter()
            .any(|(key, value)| key.contains('\0') || const_has_nul(value)),
        _ => false,
    }
}

fn literal_has_nul(value: &async_graphql_value::Value) -> bool {
    use async_graphql_value::Value as Literal;
    match value {
        Literal::String(text) => text.contains('\0'),
        Literal::List(items) => items.iter().any(literal_has_nul),
        Literal::Object(fields) => fields
            .iter()
            .any(|(key, value)| key.contains('\0') || literal_has_nul(value)),
        _ => false,
    }
}

/// The name of the first argument (of a field or a directive) below `set` whose literal
/// holds a NUL.
fn set_has_nul(set: &SelectionSet) -> Option<String> {
    set.items.iter().find_map(|selection| {
        let (directives, nested) = match &selection.node {
            Selection::Field(field) => {
                if let Some((name, _)) = field
                    .node
                    .arguments
                    .iter()
                    .find(|(_, value)| literal_has_nul(&value.node))
                {
                    return Some(format!("{}.{}", field.node.name.node, name.node));
                }
                (&field.node.directives, Some(&field.node.selection_set.node))
            }
            Selection::InlineFragment(fragment) => (
                &fragment.node.directives,
                Some(&fragment.node.selection_set.node),
            ),
            Selection::FragmentSpread(spread) => (&spread.node.directives, None),
        };
        directives
            .iter()
            .find_map(|directive| {
                directive
                    .node
                    .arguments
                    .iter()
                    .find(|(_, value)| literal_has_nul(&value.node))
                    .map(|(name, _)| format!("@{}.{}", directive.node.name.node, name.node))
            })
            .or_else(|| nested.and_then(set_has_nul))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused_for(query: &str, variables: serde_json::Value) -> Option<String> {
        let document = async_graphql::parser::parse_query(query).expect("parses");
        let variables = Variables::from_json(variables);
        check_variables(&variables)
            .and_then(|()| check_document(&document))
            .err()
            .map(|e| e.message)
    }

    #[test]
    fn nul_in_variables_literals_and_defaults_is_refused() {
        let search = r#"{ users(filter: { search: "a\u0000b" }) { totalCount } }"#;
        assert!(
            refused_for(search, serde_json::json!({}))
                .is_some_and(|m| m.starts_with("argument users.filter"))
        );
        let nested = r#"query($s: String = "x\u0000") { jobs { edges { node { title @include(if: true) } } } } fragment F on Query { skills(search: "\u0000") { totalCount } }"#;
        assert!(refused_for(nested, serde_json::json!({})).is_some());
        let variable = "query($s: String) { users(filter: { search: $s }) { totalCount } }";
        assert!(
            refused_for(variable, serde_json::json!({ "s": "a\u{0}b" }))
                .is_some_and(|m| m.starts_with("variable $s"))
        );
        assert!(
            refused_for(
                variable,
                serde_json::json!({ "s": { "deep": ["ok", "\u{0}"] } })
            )
            .is_some()
        );
    }

    #[test]
    fn ordinary_text_passes() {
        let query =
            r#"query($s: String) { users(filter: { search: "a\\u0000b" }) { totalCount } }"#;
        assert_eq!(
            refused_for(query, serde_json::json!({ "s": "ünïcode ✓" })),
            None
        );
    }
}
