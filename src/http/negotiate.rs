//! `Accept` header negotiation for GraphQL over HTTP.

use http::HeaderMap;

/// The response media types braid can produce for a GraphQL request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum MediaType {
    /// `application/graphql-response+json`: the spec's own type, with meaningful 4xx codes.
    GraphqlResponseJson,
    /// `application/json`: the legacy type; well-formed requests always get 200.
    Json,
}

impl MediaType {
    /// The `Content-Type` header value.
    pub(super) fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        }
    }
}

struct Range<'a> {
    essence: &'a str,
    q: f32,
    order: usize,
}

fn ranges(accept: &str) -> impl Iterator<Item = Range<'_>> {
    accept.split(',').enumerate().filter_map(|(order, part)| {
        let mut params = part.split(';').map(str::trim);
        let essence = params.next().filter(|e| !e.is_empty())?;
        let mut q = 1.0;
        for param in params {
            if let Some(value) = param.strip_prefix("q=") {
                q = value.parse().unwrap_or(0.0);
            }
        }
        Some(Range { essence, q, order })
    })
}

/// Picks the response type: `None` when the client accepts neither JSON type (406).
/// A request without `Accept` gets `application/json`, as the spec asks of servers
/// during the transition to `application/graphql-response+json`.
pub(super) fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let accept = headers
        .get_all(http::header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    if accept.trim().is_empty() {
        return Some(MediaType::Json);
    }
    let mut best: Option<(f32, u8, usize, MediaType)> = None;
    for range in ranges(&accept) {
        let essence = range.essence.to_ascii_lowercase();
        // Specific types beat wildcards at equal quality; the GraphQL type wins a wildcard.
        let (media, specificity) = match essence.as_str() {
            "application/graphql-response+json" => (MediaType::GraphqlResponseJson, 2),
            "application/json" => (MediaType::Json, 2),
            "application/*" | "*/*" => (MediaType::Json, 1),
            _ => continue,
        };
        if range.q <= 0.0 {
            continue;
        }
        let candidate = (range.q, specificity, usize::MAX - range.order, media);
        if best.is_none_or(|b| (candidate.0, candidate.1, candidate.2) > (b.0, b.1, b.2)) {
            best = Some(candidate);
        }
    }
    best.map(|b| b.3)
}

/// Whether a browser is asking for a page (GraphiQL) rather than a GraphQL response.
pub(super) fn wants_html(headers: &HeaderMap) -> bool {
    let Some(accept) = headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    ranges(accept).any(|r| r.essence.eq_ignore_ascii_case("text/html") && r.q > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(accept: &str) -> Option<MediaType> {
        let mut headers = HeaderMap::new();
        if let Ok(value) = accept.parse() {
            headers.insert(http::header::ACCEPT, value);
        }
        negotiate(&headers)
    }

    #[test]
    fn negotiates_like_the_spec() {
        assert_eq!(pick(""), Some(MediaType::Json));
        assert_eq!(
            pick("application/graphql-response+json"),
            Some(MediaType::GraphqlResponseJson)
        );
        assert_eq!(pick("application/json"), Some(MediaType::Json));
        assert_eq!(
            pick("application/graphql-response+json, application/json;q=0.9"),
            Some(MediaType::GraphqlResponseJson)
        );
        assert_eq!(
            pick("application/json, application/graphql-response+json;q=0.5"),
            Some(MediaType::Json)
        );
        assert_eq!(pick("*/*"), Some(MediaType::Json));
        assert_eq!(pick("text/html"), None);
        assert_eq!(pick("application/graphql-response+json;q=0"), None);
    }
}
