//! Topics: where articles are assigned to the running stories of
//! `site.yaml`. Keyword rules are analysed exactly like the text, so a rule
//! written once matches spelling variants, clitics and inflections.

use crate::analyse::keywords::{Keywords, Mentions};
use crate::analyse::tokens::{Analyser, Analysis};
use crate::article::Article;
use crate::config::{Rule, TopicDef, CONFIG_FILE};
use crate::diagnostic::Diagnostic;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::path::Path;

/// A rule with its phrases replaced by indices into the keyword set.
#[derive(Debug)]
enum Compiled {
    Phrase(usize),
    Any(Vec<Compiled>),
    All(Vec<Compiled>),
}

/// All topic rules of a site, compiled. Its keyword set is handed to the
/// analysis stage, which counts mentions while it reads each article once.
#[derive(Debug)]
pub struct TopicMatcher {
    rules: Vec<Option<Compiled>>,
    min_mentions: Vec<u32>,
    /// Every keyword phrase of every rule.
    pub keywords: Keywords,
}

impl TopicMatcher {
    /// Compiles the topics' rules. A keyword made only of stop words is an error.
    pub fn new(topics: &[TopicDef]) -> Result<TopicMatcher, Diagnostic> {
        let mut analyser = Analyser::new();
        let mut matcher = TopicMatcher {
            rules: Vec::with_capacity(topics.len()),
            min_mentions: topics.iter().map(|t| t.min_mentions).collect(),
            keywords: Keywords::default(),
        };
        for topic in topics {
            let rule = match &topic.rule {
                Some(rule) => Some(matcher.compile(rule, &mut analyser, &topic.slug)?),
                None => None,
            };
            matcher.rules.push(rule);
        }
        Ok(matcher)
    }

    fn compile(&mut self, rule: &Rule, analyser: &mut Analyser, topic: &str) -> Result<Compiled, Diagnostic> {
        Ok(match rule {
            Rule::Phrase(text) => Compiled::Phrase(self.keywords.add(text, analyser).map_err(|text| {
                Diagnostic::error(
                    Path::new(CONFIG_FILE),
                    None,
                    "config",
                    format!("topic `{topic}`: keyword `{text}` has no words left once stop words are removed"),
                )
            })?),
            Rule::List(items) | Rule::Any { any: items } => Compiled::Any(
                items
                    .iter()
                    .map(|item| self.compile(item, analyser, topic))
                    .collect::<Result<_, _>>()?,
            ),
            Rule::All { all } => Compiled::All(
                all.iter()
                    .map(|item| self.compile(item, analyser, topic))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }

    /// The topics (indices) whose rules an analysed article satisfies.
    pub fn matching(&self, analysis: &Analysis) -> Vec<usize> {
        let counts = &analysis.keyword_mentions;
        if counts.len() != self.keywords.len() {
            return Vec::new();
        }
        self.rules
            .iter()
            .enumerate()
            .filter_map(|(topic, rule)| {
                let score = evaluate(rule.as_ref()?, counts)?;
                let min = self.min_mentions[topic];
                // A story named in the headline or lede needs min_mentions; one
                // only mentioned in passing in the body (a press review, a
                // roundup) needs twice as many.
                let enough = score.total() >= min && (score.lead > 0 || score.body >= 2 * min);
                enough.then_some(topic)
            })
            .collect()
    }
}

/// Body mentions that make a requirement of an `all` rule present without
/// a word in the headline or lede.
const BODY_PRESENCE: u32 = 3;

/// The rule's weighted mentions, or `None` when it is not satisfied.
fn evaluate(rule: &Compiled, counts: &[Mentions]) -> Option<Mentions> {
    let add = |a: Mentions, b: Mentions| Mentions {
        lead: a.lead + b.lead,
        body: a.body + b.body,
    };
    match rule {
        Compiled::Phrase(phrase) => Some(counts[*phrase]).filter(|c| c.total() > 0),
        Compiled::Any(items) => items.iter().filter_map(|item| evaluate(item, counts)).reduce(add),
        // Every requirement must be a real presence, not one passing word:
        // named in the headline or lede, or mentioned again and again in the body.
        Compiled::All(items) => items
            .iter()
            .map(|item| evaluate(item, counts).filter(|m| m.lead > 0 || m.body >= BODY_PRESENCE))
            .try_fold(Mentions::default(), |sum, item| item.map(|m| add(sum, m))),
    }
}

/// An article's topics: those its rules match and its front matter names,
/// less `topics_exclude`. Unknown slugs in front matter are warnings.
pub fn assign(
    matcher: &TopicMatcher,
    topics: &[TopicDef],
    articles: &[std::sync::Arc<Article>],
) -> (Vec<Vec<usize>>, Vec<Diagnostic>) {
    let by_slug: FxHashMap<&str, usize> = topics.iter().enumerate().map(|(i, t)| (t.slug.as_str(), i)).collect();
    let results: Vec<(Vec<usize>, Vec<Diagnostic>)> = articles
        .par_iter()
        .map(|article| {
            let mut warnings = Vec::new();
            let mut assigned = matcher.matching(&article.analysis);
            for slug in &article.topics {
                match by_slug.get(slug.as_str()) {
                    Some(&topic) => assigned.push(topic),
                    None => warnings.push(unknown_topic(article, slug, "topics")),
                }
            }
            for slug in &article.topics_exclude {
                match by_slug.get(slug.as_str()) {
                    Some(topic) => assigned.retain(|t| t != topic),
                    None => warnings.push(unknown_topic(article, slug, "topics_exclude")),
                }
            }
            assigned.sort_unstable();
            assigned.dedup();
            (assigned, warnings)
        })
        .collect();
    let mut warnings = Vec::new();
    let assigned = results
        .into_iter()
        .map(|(topics, mut found)| {
            warnings.append(&mut found);
            topics
        })
        .collect();
    (assigned, warnings)
}

fn unknown_topic(article: &Article, slug: &str, key: &str) -> Diagnostic {
    Diagnostic::warning(
        &article.file,
        None,
        "unknown-topic",
        format!("`{key}` names `{slug}`, which site.yaml does not define: add it to `topics:` or fix the slug"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::tokens::Analyser;

    fn topics() -> Vec<TopicDef> {
        let yaml = r#"
- slug: russia-china
  name: روسيا والصين
  match:
    all:
      - [روسيا, موسكو, الكرملين, بوتين, الروسي]
      - [الصين, بكين, شي جين بينغ, الصيني]
- slug: karabakh
  name: ناغورنو كاراباخ
  min_mentions: 2
  match:
    any:
      - [ناغورنو كاراباخ, كاراباخ, كراباخ, قره باغ, قرة باغ, لاتشين]
      - all:
          - [أرمينيا, الأرميني, يريفان]
          - [أذربيجان, الأذربيجاني, باكو]
"#;
        serde_yaml::from_str(yaml).unwrap()
    }

    fn matched(title: &str, lede: &str, body: &str) -> Vec<&'static str> {
        let matcher = TopicMatcher::new(&topics()).unwrap();
        let mut article = crate::load::parse_article(
            &crate::load::SourceFile {
                content_path: "x.txt".into(),
                path: "x.txt".into(),
            },
            "x",
        )
        .unwrap()
        .0;
        article.title = title.into();
        article.summary = Some(lede.into());
        article.plain_text = body.into();
        crate::analyse::analyse(&mut Analyser::new(), &matcher.keywords, &mut article);
        matcher
            .matching(&article.analysis)
            .into_iter()
            .map(|t| ["russia-china", "karabakh"][t])
            .collect()
    }

    #[test]
    fn variants_and_clitics_match() {
        assert_eq!(matched("وبكين توقع اتفاقاً مع موسكو", "", ""), vec!["russia-china"]);
        assert_eq!(matched("صادرات النفط الروسية للصين", "", ""), vec!["russia-china"]);
        assert_eq!(matched("الصينيون يستقبلون الرئيس الروسي", "", ""), vec!["russia-china"]);
        assert_eq!(matched("توتر في كراباخ", "", ""), vec!["karabakh"]);
        assert_eq!(matched("قرة باغ", "", "قره باغ"), vec!["karabakh"]);
        assert_eq!(matched("", "محادثات بين ارمينيا وأذربيجان", ""), vec!["karabakh"]);
    }

    #[test]
    fn phrases_survive_line_breaks_and_diacritics() {
        assert_eq!(
            matched("", "اتصل بالرئيس شي\nجين بينغ والرئيس بوتين", ""),
            vec!["russia-china"]
        );
        assert_eq!(matched("نَاغُورْنُو كَارَابَاخ", "", ""), vec!["karabakh"]);
    }

    #[test]
    fn negatives() {
        // Russia alone is not Russia–China.
        assert!(matched("بوتين يزور موسكو", "الكرملين يعلن", "روسيا").is_empty());
        // A word holding the letters of a keyword is not a mention.
        assert!(matched("فيروس جديد في الصين", "", "دروس من بكين").is_empty());
        // The England striker Kane (كين) is not Beijing (بكين), whatever the stemmer says.
        assert!(matched("روسيا تستضيف المونديال", "هاري كين", "روسيا وكين").is_empty());
        // One passing mention deep in the body is below min_mentions.
        assert!(matched("اقتصاد", "", "ذكر التقرير أرمينيا").is_empty());
        assert!(matched("", "", "اشارة عابرة الى لاتشين").is_empty());
        // A press review naming both countries twice in its body is not about them…
        assert!(matched("جولة الصحف", "", "أوروبا والصين وروسيا. ثم روسيا والصين").is_empty());
        // …but a body that keeps returning to them is.
        assert_eq!(
            matched("جولة", "", "روسيا والصين. روسيا والصين. موسكو وبكين. بوتين"),
            vec!["russia-china"]
        );
    }

    #[test]
    fn headline_mentions_weigh_more() {
        // One mention in the headline reaches min_mentions 2 on its own.
        assert_eq!(matched("لاتشين", "", ""), vec!["karabakh"]);
    }

    #[test]
    fn stop_word_keyword_is_a_config_error() {
        let mut defs = topics();
        defs[0].rule = Some(Rule::Phrase("في".into()));
        let err = TopicMatcher::new(&defs).unwrap_err();
        assert!(err.message.contains("stop words"), "{}", err.message);
    }
}
