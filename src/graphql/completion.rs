//! Field errors in `data`, where the GraphQL spec puts them.
//!
//! When a resolver fails, async-graphql records the error and leaves the field out of
//! its parent object. The spec ("Handling Field Errors") says otherwise: a nullable field
//! that errors is `null`, present in `data`; a non-null one makes its nearest nullable
//! ancestor `null` (and `data` itself when there is none). Clients rely on it: Apollo
//! Client reads a missing field as a cache miss, not as an error.
//!
//! [`place_errors`] repairs a response after execution: for each error whose field is
//! missing from its parent, it finds the field's declared type through the document and
//! the schema registry and writes the `null` where the spec puts it. Responses without
//! field errors (nearly all) cost nothing; the document is parsed again only when there
//! are errors to place.

use async_graphql::{
    Name, PathSegment, Response, Value,
    parser::{
        Positioned,
        types::{ExecutableDocument, OperationType, Selection, SelectionSet},
    },
    registry::{MetaTypeName, Registry},
};

/// The request text a response answers: what [`place_errors`] needs to read its paths.
#[derive(Clone, Debug, Default)]
pub(crate) struct RequestText {
    /// The document.
    pub(crate) query: String,
    /// The operation to run, when the document has several.
    pub(crate) operation_name: Option<String>,
}

/// Writes the `null`s the spec requires for the field errors of `response`.
pub(crate) fn place_errors(registry: &Registry, request: &RequestText, response: &mut Response) {
    let paths: Vec<Vec<PathSegment>> = response
        .errors
        .iter()
        .filter(|error| !error.path.is_empty() && is_missing(&response.data, &error.path))
        .map(|error| error.path.clone())
        .collect();
    if paths.is_empty() {
        return;
    }
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        return;
    };
    let Some((ty, selection)) = operation(&document, request.operation_name.as_deref()) else {
        return;
    };
    let root = match ty {
        OperationType::Query => Some(registry.query_type.as_str()),
        OperationType::Mutation => registry.mutation_type.as_deref(),
        OperationType::Subscription => registry.subscription_type.as_deref(),
    };
    let Some(root) = root else { return };
    let walker = Walker {
        registry,
        document: &document,
    };
    for path in paths {
        // An earlier error may already have nulled an ancestor of this one.
        if !is_missing(&response.data, &path) {
            continue;
        }
        let Some(nullable) = walker.nullability(root, selection, &path) else {
            continue;
        };
        match nullable.iter().rposition(|n| *n) {
            Some(position) => set_null(&mut response.data, &path[..=position]),
            None => response.data = Value::Null,
        }
    }
}

/// The operation a document runs: the only one, or the one named.
fn operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<(OperationType, &'a SelectionSet)> {
    let mut operations = document.operations.iter();
    let (_, operation) = match name {
        Some(name) => operations.find(|(n, _)| n.is_some_and(|n| n.as_str() == name))?,
        None => {
            let only = operations.next()?;
            if operations.next().is_some() {
                return None;
            }
            only
        }
    };
    Some((operation.node.ty, &operation.node.selection_set.node))
}

/// Whether the field at `path` is absent from an object that `data` holds at the path's
/// parent (async-graphql's way of reporting a failed field).
fn is_missing(data: &Value, path: &[PathSegment]) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut current = data;
    for segment in parents {
        current = match (segment, current) {
            (PathSegment::Field(key), Value::Object(fields)) => match fields.get(key.as_str()) {
                Some(value) => value,
                None => return false,
            },
            (PathSegment::Index(index), Value::List(items)) => match items.get(*index) {
                Some(value) => value,
                None => return false,
            },
            _ => return false,
        };
    }
    match (last, current) {
        (PathSegment::Field(key), Value::Object(fields)) => !fields.contains_key(key.as_str()),
        // Only the null data of a response that lost its root field.
        (PathSegment::Field(_), Value::Null) => parents.is_empty(),
        (PathSegment::Index(index), Value::List(items)) => *index >= items.len(),
        _ => false,
    }
}

/// Sets the value at `path` to `null`, inserting the key when it is absent.
fn set_null(data: &mut Value, path: &[PathSegment]) {
    let Some((last, parents)) = path.split_last() else {
        *data = Value::Null;
        return;
    };
    if parents.is_empty() && *data == Value::Null {
        *data = Value::Object(Default::default());
    }
    let mut current = data;
    for segment in parents {
        current = match (segment, current) {
            (PathSegment::Field(key), Value::Object(fields)) => {
                match fields.get_mut(key.as_str()) {
                    Some(value) => value,
                    None => return,
                }
            }
            (PathSegment::Index(index), Value::List(items)) => match items.get_mut(*index) {
                Some(value) => value,
                None => return,
            },
            _ => return,
        };
    }
    match (last, current) {
        (PathSegment::Field(key), Value::Object(fields)) => {
            fields.insert(Name::new(key), Value::Null);
        }
        (PathSegment::Index(index), Value::List(items)) => {
            if let Some(item) = items.get_mut(*index) {
                *item = Value::Null;
            }
        }
        _ => {}
    }
}

struct Walker<'a> {
    registry: &'a Registry,
    document: &'a ExecutableDocument,
}

impl<'a> Walker<'a> {
    /// Whether each position along `path` may be null, from the declared types; `None`
    /// when the path leaves what the schema describes (introspection, `__typename`).
    fn nullability(
        &self,
        root: &str,
        selection: &'a SelectionSet,
        path: &[PathSegment],
    ) -> Option<Vec<bool>> {
        let mut nullable = Vec::with_capacity(path.len());
        let mut ty = root.to_owned();
        let mut sets = vec![selection];
        for segment in path {
            match segment {
                PathSegment::Field(key) => {
                    let parent = MetaTypeName::concrete_typename(&ty).to_owned();
                    let mut matches = Vec::new();
                    for set in &sets {
                        self.fields_named(set, key, &parent, &mut matches);
                    }
                    let (name, on) = matches
                        .first()
                        .map(|(field, on)| (field.node.name.node.as_str(), on.clone()))?;
                    let field = self.registry.types.get(&on)?.field_by_name(name)?;
                    ty = field.ty.clone();
                    sets = matches
                        .iter()
                        .map(|(field, _)| &field.node.selection_set.node)
                        .collect();
                }
                PathSegment::Index(_) => {
                    let MetaTypeName::List(item) = MetaTypeName::create(&ty).unwrap_non_null()
                    else {
                        return None;
                    };
                    ty = item.to_owned();
                }
            }
            nullable.push(!MetaTypeName::create(&ty).is_non_null());
        }
        Some(nullable)
    }

    /// The fields of `set` (fragments included) answering to `key`, each with the type
    /// it is selected on.
    fn fields_named(
        &self,
        set: &'a SelectionSet,
        key: &str,
        on: &str,
        found: &mut Vec<(&'a Positioned<async_graphql::parser::types::Field>, String)>,
    ) {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) if field.node.response_key().node.as_str() == key => {
                    found.push((field, on.to_owned()));
                }
                Selection::Field(_) => {}
                Selection::InlineFragment(fragment) => {
                    let on = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map_or(on, |condition| condition.node.on.node.as_str());
                    self.fields_named(&fragment.node.selection_set.node, key, on, found);
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) =
                        self.document.fragments.get(&spread.node.fragment_name.node)
                    {
                        let on = fragment.node.type_condition.node.on.node.as_str();
                        self.fields_named(&fragment.node.selection_set.node, key, on, found);
                    }
                }
            }
        }
    }
}
