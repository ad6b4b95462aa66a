//! `.env.example` documents every variable `Config` reads, with its help text.

use clap::CommandFactory;

use crate::harness::{EnvConfig, repo_root};

#[test]
fn env_example_lists_every_variable_with_its_doc() {
    let example = std::fs::read_to_string(repo_root().join(".env.example")).expect(".env.example");
    let comments = example
        .lines()
        .filter_map(|line| line.strip_prefix("# "))
        .collect::<Vec<_>>()
        .join(" ");
    let command = EnvConfig::command();
    let mut missing = Vec::new();
    for argument in command.get_arguments() {
        let Some(var) = argument.get_env().and_then(|v| v.to_str()) else {
            continue;
        };
        let help = argument
            .get_help()
            .map(ToString::to_string)
            .unwrap_or_default();
        let documented = example
            .lines()
            .any(|line| line.starts_with(&format!("{var}=")))
            && comments.contains(help.trim_end_matches('.'));
        if !documented {
            missing.push(format!("{var}: {help}"));
        }
    }
    assert!(
        missing.is_empty(),
        "not documented in .env.example: {missing:#?}"
    );
}
