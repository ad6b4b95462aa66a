//! Document limits enforced before anything expands a document: its size, its fragment
//! count, and the size of the operation once every fragment spread is expanded (fields in
//! all, root fields, aliases).
//!
//! A document of a few hundred bytes can describe millions of fields (each fragment
//! spreading the previous one twice doubles the count), so nothing here expands
//! fragments: each fragment's [`Shape`] is computed once and reused wherever it is
//! spread, with saturating arithmetic, in time linear in the document's size. Only a
//! document within these limits reaches async-graphql's validation (depth, complexity,
//! overlapping fields), whose visitors do expand fragments.

use std::collections::HashMap;

use async_graphql::{
    ServerError,
    parser::types::{ExecutableDocument, OperationDefinition, Selection, SelectionSet},
};

use crate::{
    config::Config,
    error::{ErrorCode, request_error},
};

/// What a selection set amounts to once its fragment spreads are expanded.
#[derive(Clone, Copy, Default)]
struct Shape {
    /// Fields at every level.
    fields: u64,
    /// Fields at the selection set's own level (fragments spread there included).
    top_level: u64,
    /// Aliased fields at every level.
    aliases: u64,
}

impl Shape {
    fn add(self, other: Shape) -> Shape {
        Shape {
            fields: self.fields.saturating_add(other.fields),
            top_level: self.top_level.saturating_add(other.top_level),
            aliases: self.aliases.saturating_add(other.aliases),
        }
    }

    /// This shape as the selection set of a field: none of it is at the outer level.
    fn nested(self) -> Shape {
        Shape {
            top_level: 0,
            ..self
        }
    }
}

/// Shapes of a document's fragments, each computed once.
struct Shapes<'a> {
    document: &'a ExecutableDocument,
    /// `None` while a fragment is being measured: a spread back into it is a cycle, which
    /// validation reports; here it counts as empty.
    fragments: HashMap<&'a str, Option<Shape>>,
}

impl<'a> Shapes<'a> {
    fn of_set(&mut self, set: &'a SelectionSet) -> Shape {
        set.items
            .iter()
            .map(|selection| match &selection.node {
                Selection::Field(field) => Shape {
                    fields: 1,
                    top_level: 1,
                    aliases: u64::from(field.node.alias.is_some()),
                }
                .add(self.of_set(&field.node.selection_set.node).nested()),
                Selection::InlineFragment(fragment) => {
                    self.of_set(&fragment.node.selection_set.node)
                }
                Selection::FragmentSpread(spread) => {
                    self.of_fragment(spread.node.fragment_name.node.as_str())
                }
            })
            .fold(Shape::default(), Shape::add)
    }

    fn of_fragment(&mut self, name: &'a str) -> Shape {
        if let Some(known) = self.fragments.get(name) {
            return known.unwrap_or_default();
        }
        // An unknown fragment is a validation error reported later.
        let Some((name, fragment)) = self.document.fragments.get_key_value(name) else {
            return Shape::default();
        };
        self.fragments.insert(name.as_str(), None);
        let shape = self.of_set(&fragment.node.selection_set.node);
        self.fragments.insert(name.as_str(), Some(shape));
        shape
    }
}

/// Refuses a document longer than the configured limit, before it is parsed.
pub(crate) fn check_size(query: &str, config: &Config) -> Result<(), ServerError> {
    if query.len() > config.max_document_bytes {
        return Err(refused(format!(
            "the document is {} bytes long; the limit is {}",
            query.len(),
            config.max_document_bytes
        )));
    }
    Ok(())
}

/// Checks one operation against the fragment, field, root-field and alias limits.
pub(crate) fn check(
    document: &ExecutableDocument,
    operation: &OperationDefinition,
    config: &Config,
) -> Result<(), ServerError> {
    // Fragments nest by spreading one another; bounding their number bounds that depth.
    if document.fragments.len() > config.max_fragments {
        return Err(refused(format!(
            "the document defines {} fragments; the limit is {}",
            document.fragments.len(),
            config.max_fragments
        )));
    }
    let mut shapes = Shapes {
        document,
        fragments: HashMap::with_capacity(document.fragments.len()),
    };
    let shape = shapes.of_set(&operation.selection_set.node);
    let over = |count: u64, limit: usize| count > u64::try_from(limit).unwrap_or(u64::MAX);
    if over(shape.top_level, config.max_root_fields) {
        return Err(refused(format!(
            "the operation selects {} root fields; the limit is {}",
            shown(shape.top_level),
            config.max_root_fields
        )));
    }
    if over(shape.fields, config.max_fields) {
        return Err(refused(format!(
            "the operation selects {} fields with its fragments expanded; the limit is {}",
            shown(shape.fields),
            config.max_fields
        )));
    }
    if over(shape.aliases, config.max_aliases) {
        return Err(refused(format!(
            "the operation uses {} aliases; the limit is {}",
            shown(shape.aliases),
            config.max_aliases
        )));
    }
    Ok(())
}

fn refused(message: String) -> ServerError {
    request_error(ErrorCode::GraphqlValidationFailed, message)
}

/// A count for a message: a saturated one is "more than 18446744073709551615" in spirit.
fn shown(count: u64) -> String {
    if count == u64::MAX {
        "too many".to_owned()
    } else {
        count.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::{parse_query, types::DocumentOperations};

    fn shape(query: &str) -> Shape {
        let document = parse_query(query).expect("parses");
        let DocumentOperations::Single(operation) = &document.operations else {
            panic!("one operation");
        };
        let mut shapes = Shapes {
            document: &document,
            fragments: HashMap::new(),
        };
        shapes.of_set(&operation.node.selection_set.node)
    }

    /// Fragment `F{n}` spreads `F{n-1}` twice: `levels` of them expand to 2^levels fields.
    fn doubling(levels: u32, wrap: bool) -> String {
        let mut query = String::from("fragment F0 on Query { __typename }\n");
        for n in 1..=levels {
            query.push_str(&format!(
                "fragment F{n} on Query {{ ...F{m} ...F{m} }}\n",
                m = n - 1
            ));
        }
        if wrap {
            query.push_str(&format!(
                "{{ node(id: \"x\") {{ ...on Query {{ ...F{levels} }} }} }}"
            ));
        } else {
            query.push_str(&format!("{{ ...F{levels} }}"));
        }
        query
    }

    #[test]
    fn doubling_fragments_are_counted_without_expanding_them() {
        let started = std::time::Instant::now();
        let root = shape(&doubling(60, false));
        assert_eq!(root.fields, 1 << 60);
        assert_eq!(root.top_level, 1 << 60);
        let nested = shape(&doubling(64, true));
        assert_eq!(nested.fields, u64::MAX, "saturates instead of overflowing");
        assert_eq!(nested.top_level, 1);
        assert!(started.elapsed() < std::time::Duration::from_millis(50));
    }

    #[test]
    fn aliases_and_nested_fields_are_counted_once_per_spread() {
        let counted = shape(
            "fragment A on Job { a: id b: id title } { jobs { edges { node { ...A ...A } } } }",
        );
        assert_eq!(counted.top_level, 1);
        assert_eq!(counted.fields, 3 + 6);
        assert_eq!(counted.aliases, 4);
    }

    #[test]
    fn cycles_and_unknown_fragments_count_as_empty() {
        let counted = shape("fragment A on Query { __typename ...A ...B } { ...A }");
        assert_eq!(counted.fields, 1);
    }
}
