//! `arshif init`: a new archive that builds as it is.

use super::Verbosity;
use crate::cmd::new::{today, write_new};
use crate::config::CONFIG_FILE;
use crate::load::CONTENT_DIR;
use crate::pipeline::STATIC_DIR;
use crate::render::theme::{DEFAULT_ASSETS, DEFAULT_CSS, DEFAULT_TEMPLATES, TEMPLATES_DIR};
use anyhow::{bail, Context};
use chrono::Datelike;
use std::path::PathBuf;
use std::process::ExitCode;

/// The `site.yaml` a new archive starts with: every key set, the two
/// example topics commented out.
const SITE_YAML: &str = include_str!("init/site.yaml");

/// The example article; `{{date}}` becomes today's date.
const WELCOME: &str = include_str!("init/welcome.md");

/// Create a new archive: site.yaml, an example article and static/.
///
/// DIR must not exist, or be empty: init never overwrites anything.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  arshif init my-archive\n  \
arshif init my-archive --with-templates    # to customise the theme\n\n\
Then: arshif build --root my-archive")]
pub(super) struct Args {
    /// The folder to create.
    pub dir: PathBuf,
    /// Also copy the default theme (every template, theme.css, the fonts and the favicon) into DIR/templates/ for customising.
    #[arg(long)]
    pub with_templates: bool,
}

/// Creates the archive and says what to do next.
pub(super) fn run(args: Args, verbosity: Verbosity) -> anyhow::Result<ExitCode> {
    let dir = &args.dir;
    if dir.exists() {
        if !dir.is_dir() {
            bail!("{} exists and is not a folder: name a new folder", dir.display());
        }
        let mut entries = std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} exists and is not empty: init writes only into a new or empty folder",
                dir.display()
            );
        }
    }
    let date = today();
    let welcome = format!("{CONTENT_DIR}/{:04}/welcome.md", date.year());
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (CONFIG_FILE.to_string(), SITE_YAML.into()),
        (
            welcome.clone(),
            WELCOME.replace("{{date}}", &date.format("%Y-%m-%d").to_string()).into(),
        ),
        (format!("{STATIC_DIR}/.gitkeep"), Vec::new()),
        (".gitignore".to_string(), "/public/\n/.arshif-cache/\n".into()),
    ];
    if args.with_templates {
        for (name, text) in DEFAULT_TEMPLATES {
            files.push((format!("{TEMPLATES_DIR}/{name}"), text.as_bytes().to_vec()));
        }
        files.push((format!("{TEMPLATES_DIR}/theme.css"), DEFAULT_CSS.into()));
        for (name, bytes) in DEFAULT_ASSETS {
            files.push((format!("{TEMPLATES_DIR}/{name}"), bytes.to_vec()));
        }
    }
    for (path, text) in &files {
        write_new(&dir.join(path), text)?;
    }
    if !verbosity.quiet {
        println!(
            "created the archive {}: {CONFIG_FILE}, {welcome}, {STATIC_DIR}/{}",
            dir.display(),
            if args.with_templates {
                format!(
                    ", {TEMPLATES_DIR}/ ({} files)",
                    DEFAULT_TEMPLATES.len() + 1 + DEFAULT_ASSETS.len()
                )
            } else {
                String::new()
            }
        );
        println!("next: arshif build --root {}", dir.display());
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SiteConfig;
    use std::path::Path;

    /// The commented-out topics, with their `# ` removed.
    fn uncommented_topics() -> String {
        let start = SITE_YAML.find("# topics:").unwrap_or(SITE_YAML.len());
        SITE_YAML[start..]
            .lines()
            .map(|line| {
                line.strip_prefix("# ")
                    .or_else(|| line.strip_prefix('#'))
                    .unwrap_or(line)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_new_site_yaml_parses_and_has_no_topics() {
        let config = SiteConfig::parse(SITE_YAML, Path::new(CONFIG_FILE)).unwrap();
        assert!(config.topics.is_empty());
        assert_eq!(config.direction, crate::config::Direction::Rtl);
    }

    #[test]
    fn uncommented_topics_are_the_repositorys_two_default_topics() {
        let topics = uncommented_topics();
        let ours = SiteConfig::parse(&topics, Path::new(CONFIG_FILE)).unwrap();
        assert_eq!(ours.topics.len(), 2, "{topics}");
        let repository = include_str!("../../site.yaml");
        let theirs = SiteConfig::parse(repository, Path::new(CONFIG_FILE)).unwrap();
        let as_yaml = |config: &SiteConfig| serde_yaml::to_string(&config.topics).unwrap();
        assert_eq!(as_yaml(&ours), as_yaml(&theirs));
    }

    #[test]
    fn the_example_article_parses() {
        let text = WELCOME.replace("{{date}}", "2024-05-01");
        let parsed = crate::load::markdown::parse(&text).unwrap();
        assert!(!parsed.front.draft);
        assert_eq!(parsed.front.date.map(|(d, _)| d).as_deref(), Some("2024-05-01"));
    }
}
