//! The `arshif` command line, one module per command: the edge where
//! library errors get context (`anyhow`) and become exit codes.

mod build;
mod check;
mod import;
mod init;
mod new;
mod serve;
mod topics;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// أرشيف (arshif): builds a fast right-to-left archive site from a folder of Arabic news articles.
#[derive(Parser)]
#[command(
    name = "arshif",
    version,
    propagate_version = true,
    after_help = "Examples:\n  arshif init my-archive\n  arshif new \"العنوان\" --root my-archive\n  \
                  arshif check --root my-archive\n  arshif build --root my-archive\n\n\
                  `arshif COMMAND --help` tells more, with examples."
)]
struct Cli {
    /// Print only errors.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Print more: stage timings with -v.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Build(build::Args),
    Check(check::Args),
    Import(import::Args),
    Serve(serve::Args),
    New(new::Args),
    Init(init::Args),
    Topics(topics::Args),
}

/// How loud the commands are.
#[derive(Debug, Clone, Copy)]
pub struct Verbosity {
    /// Only errors.
    pub quiet: bool,
    /// Extra detail level.
    pub verbose: u8,
}

/// Stack of each worker thread, where pages are rendered. Tera renders
/// macros by recursion with no depth limit of its own: a deep (or endless)
/// recursive macro in a site's template overflowed the default 2 MB and
/// aborted the process. 64 MB is address space, used only as deep as a
/// template goes; an endless recursion still ends the process.
const WORKER_STACK: usize = 64 << 20;

/// Runs the command line: parses the arguments, runs the command, and
/// turns its result into the exit code (errors printed with their context).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Fails only if a pool exists already, and then that one is used.
    let _ = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK).build_global();
    let verbosity = Verbosity {
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    let result = match cli.command {
        Command::Build(args) => build::run(args, verbosity),
        Command::Check(args) => check::run(args, verbosity),
        Command::Import(args) => import::run(args, verbosity),
        Command::Serve(args) => serve::run(args, verbosity),
        Command::New(args) => new::run(args, verbosity),
        Command::Init(args) => init::run(args, verbosity),
        Command::Topics(args) => topics::run(args, verbosity),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
