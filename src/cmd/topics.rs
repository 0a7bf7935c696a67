//! `arshif topics`: helps editors write topic rules. `explain SLUG` says,
//! article by article, why an article is on a topic or not (keywords,
//! where, score against the threshold); `suggest` proposes the running
//! stories the archive has no topic for, each with a draft rule.

use super::Verbosity;
use crate::link::topics::suggest::{self, SuggestOptions};
use crate::link::topics::{explain, TopicMatcher};
use crate::pipeline::{self, BuildOptions};
use anyhow::{bail, Context};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Explain and tune the topic rules of site.yaml.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  arshif topics explain russia-china\n  arshif topics explain karabakh --all --root my-archive\n"
)]
pub(super) struct Args {
    #[command(subcommand)]
    command: TopicsCommand,
}

#[derive(clap::Subcommand)]
enum TopicsCommand {
    /// For each article on the topic (and, with --all, each naming one of
    /// its keywords), one line: verdict, score against min_mentions, and
    /// the topic's keywords found with where (headline, lede, body).
    Explain(ExplainArgs),
    /// Running stories: headline words rare in the archive that come back
    /// within a few weeks, each with sample headlines and a draft rule to
    /// paste under `topics:` in site.yaml.
    Suggest(SuggestArgs),
}

#[derive(clap::Args)]
struct SuggestArgs {
    /// The site folder, holding site.yaml and content/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Days a story's headlines must fall within.
    #[arg(long, default_value_t = 30)]
    days: i64,
    /// Headlines a story needs within those days.
    #[arg(long, default_value_t = 3)]
    min_articles: usize,
    /// Stories proposed at most.
    #[arg(long, default_value_t = 10)]
    count: usize,
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// The topic's slug, as in site.yaml.
    slug: String,
    /// The site folder, holding site.yaml and content/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Also list the articles that name the topic's keywords without being assigned.
    #[arg(long)]
    all: bool,
}

/// Runs `arshif topics`.
pub(super) fn run(args: Args, _verbosity: Verbosity) -> anyhow::Result<ExitCode> {
    match args.command {
        TopicsCommand::Explain(args) => run_explain(args),
        TopicsCommand::Suggest(args) => run_suggest(args),
    }
}

fn run_explain(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let options = BuildOptions::new(&args.root);
    let prepared =
        pipeline::prepare(&options).with_context(|| format!("reading the site in {}", args.root.display()))?;
    let site = &prepared.site;
    let Some(topic) = site.config.topics.iter().position(|t| t.slug == args.slug) else {
        let known: Vec<&str> = site.config.topics.iter().map(|t| t.slug.as_str()).collect();
        bail!(
            "site.yaml defines no topic `{}` (it defines: {})",
            args.slug,
            known.join(", ")
        );
    };
    let matcher = match TopicMatcher::new(&site.config.topics) {
        Ok(matcher) => matcher,
        Err(problem) => bail!("compiling the topic rules of site.yaml: {}", problem.message),
    };
    let mut out = std::io::stdout().lock();
    let (mut assigned, mut listed) = (0, 0);
    for (article, links) in site.articles.iter().zip(&site.links) {
        let on = links.topics.contains(&topic);
        let why = explain::explain(&matcher, topic, &article.analysis);
        if !(on || why.matched || (args.all && !why.keywords.is_empty())) {
            continue;
        }
        assigned += usize::from(on);
        listed += 1;
        // Front matter can put an article on a topic or take it off; the
        // topic's profile can hold a rule match back as borderline.
        let excluded = article.topics_exclude.iter().any(|t| t.slug == args.slug);
        let note = match (on, why.matched) {
            (true, false) => "  [front matter: topics]",
            (false, true) if excluded => "  [front matter: topics_exclude]",
            (false, true) => "  [held back: far from the topic's profile, see `arshif check`]",
            _ => "",
        };
        writeln!(out, "/{}\t{}{note}\t{}", article.path(), why.line(), article.title)?;
    }
    writeln!(out, "{assigned} articles on `{}`, {listed} listed", args.slug)?;
    Ok(ExitCode::SUCCESS)
}

/// Sample headlines printed per story.
const SAMPLES: usize = 3;

fn run_suggest(args: SuggestArgs) -> anyhow::Result<ExitCode> {
    if args.days < 1 || args.min_articles < 2 {
        bail!("--days must be at least 1 and --min-articles at least 2");
    }
    let options = BuildOptions::new(&args.root);
    let prepared =
        pipeline::prepare(&options).with_context(|| format!("reading the site in {}", args.root.display()))?;
    let site = &prepared.site;
    let headlines: Vec<(&str, Option<i64>)> = site
        .articles
        .iter()
        .map(|a| (a.title.as_str(), a.date.map(|d| d.timestamp().div_euclid(86_400))))
        .collect();
    let stories = suggest::suggest(
        &headlines,
        SuggestOptions {
            days: args.days,
            min_articles: args.min_articles,
            max_stories: args.count,
        },
    );
    let mut out = std::io::stdout().lock();
    if stories.is_empty() {
        writeln!(
            out,
            "no running story found (try a longer --days or a smaller --min-articles)"
        )?;
    }
    for (n, story) in stories.iter().enumerate() {
        let day = |d: i64| {
            chrono::DateTime::from_timestamp(d * 86_400, 0)
                .map_or_else(String::new, |t| t.format("%Y-%m-%d").to_string())
        };
        writeln!(
            out,
            "# story {}: «{}», {} headlines from {} to {}",
            n + 1,
            story.words.join("», «"),
            story.articles.len(),
            day(story.span.0),
            day(story.span.1)
        )?;
        for &i in story.articles.iter().take(SAMPLES) {
            writeln!(out, "#   /{}  {}", site.articles[i].path(), site.articles[i].title)?;
        }
        write!(out, "{}", suggest::draft_rule(story, &format!("story-{}", n + 1)))?;
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}
