//! Apollo's persisted-query manifest format:
//! `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id","name","type","body"}]}`.

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// A parsed and checked manifest.
#[derive(Debug, Deserialize)]
pub struct Manifest {
    format: String,
    version: u32,
    /// The operations it allows.
    pub operations: Vec<ManifestOperation>,
}

/// One allowed operation.
#[derive(Debug, Deserialize)]
pub struct ManifestOperation {
    /// The document id: the SHA-256 of `body`, hex.
    pub id: String,
    /// The operation's name.
    pub name: String,
    /// `query`, `mutation` or `subscription`.
    #[serde(rename = "type")]
    pub operation_type: String,
    /// The document text.
    pub body: String,
}

impl Manifest {
    /// Parses a manifest and checks its format, ids and types (not yet the schema).
    pub fn parse(text: &str) -> anyhow::Result<Manifest> {
        let manifest: Manifest = serde_json::from_str(text)?;
        anyhow::ensure!(
            manifest.format == "apollo-persisted-query-manifest" && manifest.version == 1,
            "not an apollo-persisted-query-manifest version 1"
        );
        anyhow::ensure!(
            !manifest.operations.is_empty(),
            "the manifest has no operations"
        );
        for operation in &manifest.operations {
            let digest: String = Sha256::digest(operation.body.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            anyhow::ensure!(
                digest == operation.id,
                "operation {}: id is not the SHA-256 of its body",
                operation.name
            );
            anyhow::ensure!(
                matches!(
                    operation.operation_type.as_str(),
                    "query" | "mutation" | "subscription"
                ),
                "operation {}: unknown type {}",
                operation.name,
                operation.operation_type
            );
        }
        Ok(manifest)
    }
}
