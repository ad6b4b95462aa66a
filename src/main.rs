//! The `braid` binary: parses the configuration and runs one subcommand.

// async-graphql's nested resolver futures exceed the default limit in release builds.
#![recursion_limit = "256"]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // `.env` is optional; real environment variables win over it.
    let _ = dotenvy::dotenv();
    let cli = braid::commands::Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("braid: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(braid::commands::run(cli))
}
