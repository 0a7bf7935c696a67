//! Topics: where articles are assigned to the running stories of
//! `site.yaml`. Keyword rules are analysed exactly like the text, so a rule
//! written once matches spelling variants, clitics and inflections.
//!
//! One job per file: [`rules`] compiles `site.yaml`'s rules, [`matching`]
//! scores an article against them, [`explain`] says why an article was
//! assigned or not, [`profile`] holds back matches far from the topic's
//! confident articles, [`suggest`] proposes the running stories an archive
//! has no topic for.

pub(crate) mod explain;
pub(crate) mod matching;
pub(crate) mod profile;
pub mod rules;
pub(crate) mod suggest;

use crate::analyse::keywords::Keywords;
use crate::analyse::tokens::{Analyser, Analysis};
use crate::article::{Article, TopicRef};
use crate::config::TopicDef;
use crate::diagnostic::{Diagnostic, Kind};
use matching::Score;
use rayon::prelude::*;
use rules::{Compiled, Compiler};
use rustc_hash::FxHashMap;

/// All topic rules of a site, compiled. Its keyword set is handed to the
/// analysis stage, which spots mentions while it reads each article once.
#[derive(Debug)]
pub(crate) struct TopicMatcher {
    rules: Vec<Option<Compiled>>,
    min_mentions: Vec<u32>,
    /// Every keyword phrase of every rule (and its `not:` phrases).
    pub keywords: Keywords,
    /// The text of each keyword, as the rule wrote it first.
    texts: Vec<String>,
}

impl TopicMatcher {
    /// Compiles the topics' rules. A keyword made only of stop words is an error.
    pub(crate) fn new(topics: &[TopicDef]) -> Result<TopicMatcher, Diagnostic> {
        let mut keywords = Keywords::default();
        let mut texts = Vec::new();
        let mut compiler = Compiler {
            keywords: &mut keywords,
            texts: &mut texts,
            analyser: Analyser::new(),
        };
        let mut rules = Vec::with_capacity(topics.len());
        for topic in topics {
            rules.push(match &topic.rule {
                Some(rule) => Some(compiler.compile(rule, &topic.slug)?),
                None => None,
            });
        }
        Ok(TopicMatcher {
            rules,
            min_mentions: topics.iter().map(|t| t.min_mentions).collect(),
            keywords,
            texts,
        })
    }

    /// The text of keyword `index`.
    pub(crate) fn keyword_text(&self, index: usize) -> &str {
        self.texts.get(index).map_or("?", String::as_str)
    }

    /// The compiled rule of a topic.
    pub(crate) fn rule(&self, topic: usize) -> Option<&Compiled> {
        self.rules.get(topic)?.as_ref()
    }

    /// The minimum weighted mentions of a topic.
    pub(crate) fn min_mentions(&self, topic: usize) -> u32 {
        self.min_mentions.get(topic).copied().unwrap_or(0)
    }

    /// What a topic's rule finds in an analysed article (`None`: not satisfied).
    pub(crate) fn score(&self, topic: usize, analysis: &Analysis) -> Option<Score> {
        matching::evaluate(self.rule(topic)?, &analysis.keyword_hits)
    }

    /// Whether a score is enough for the topic: a story named in the
    /// headline or lede needs min_mentions; one only mentioned in passing
    /// in the body (a press review, a roundup) needs twice as many.
    pub(crate) fn enough(&self, topic: usize, score: &Score) -> bool {
        let min = self.min_mentions(topic);
        score.mentions.total() >= min && (score.mentions.lead > 0 || score.mentions.body >= 2 * min)
    }

    /// The topics (indices) whose rules an analysed article satisfies.
    pub(crate) fn matching(&self, analysis: &Analysis) -> Vec<usize> {
        (0..self.rules.len())
            .filter(|&topic| self.score(topic, analysis).is_some_and(|s| self.enough(topic, &s)))
            .collect()
    }
}

/// An article's topics: those its rules match and its front matter names,
/// less `topics_exclude`. Unknown slugs in front matter are warnings.
pub(crate) fn assign(
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
            for named in &article.topics {
                match by_slug.get(named.slug.as_str()) {
                    Some(&topic) => assigned.push(topic),
                    None => warnings.push(unknown_topic(article, named, "topics")),
                }
            }
            for named in &article.topics_exclude {
                match by_slug.get(named.slug.as_str()) {
                    Some(topic) => assigned.retain(|t| t != topic),
                    None => warnings.push(unknown_topic(article, named, "topics_exclude")),
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

fn unknown_topic(article: &Article, named: &TopicRef, key: &str) -> Diagnostic {
    let slug = &named.slug;
    Diagnostic::warning(
        &article.file,
        Some(named.line),
        Kind::UnknownTopic {
            key: key.to_string(),
            slug: slug.clone(),
        },
        format!("`{key}` names `{slug}`, which site.yaml does not define: add it to `topics:` or fix the slug"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::tokens::Analyser;
    use crate::config::Rule;

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
        // Without a summary the first paragraph is the lede: these body
        // texts start with a neutral one so that they stay body.
        let body = if lede.is_empty() {
            format!("تمهيد.\n{body}")
        } else {
            body.to_string()
        };
        matcher
            .matching(&analysed(&matcher, title, Some(lede), &body))
            .into_iter()
            .map(|t| ["russia-china", "karabakh"][t])
            .collect()
    }

    /// The analysis of an article with this headline, summary and body.
    fn analysed(matcher: &TopicMatcher, title: &str, summary: Option<&str>, body: &str) -> Analysis {
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
        article.summary = summary.map(String::from);
        article.plain_text = body.into();
        crate::analyse::analyse(&mut Analyser::new(), &matcher.keywords, &mut article);
        article.analysis
    }

    /// A matcher for one topic with this rule (YAML) and min_mentions.
    fn one_topic(rule: &str, min_mentions: u32) -> TopicMatcher {
        let yaml = format!("- slug: t\n  name: t\n  min_mentions: {min_mentions}\n  match:\n{rule}");
        let defs: Vec<TopicDef> = serde_yaml::from_str(&yaml).unwrap();
        TopicMatcher::new(&defs).unwrap()
    }

    fn hit(matcher: &TopicMatcher, title: &str, summary: Option<&str>, body: &str) -> bool {
        !matcher.matching(&analysed(matcher, title, summary, body)).is_empty()
    }

    const RUSSIA_CHINA_TOGETHER: &str =
        "    all:\n      - [روسيا, موسكو, بوتين]\n      - [الصين, بكين]\n    within: sentence\n";

    #[test]
    fn all_within_sentence_needs_the_requirements_in_one_sentence() {
        let m = one_topic(RUSSIA_CHINA_TOGETHER, 3);
        // Named in separate sentences, however often: not together.
        let apart = "زار بوتين المعرض. وفي الصين أمطار. روسيا تحتفل. بكين تستعد. موسكو هادئة. الصين أيضا.";
        assert!(!hit(&m, "أخبار", Some(""), apart));
        // Together in the headline (one sentence) or a lede sentence.
        assert!(hit(&m, "روسيا والصين توقعان اتفاقا", Some(""), ""));
        assert!(hit(&m, "أخبار", Some("التقى بوتين نظيره في بكين."), ""));
        // Together in the body only: three sentences (weight 1 each, twice min) are needed.
        let together = "روسيا والصين تتفقان. موسكو وبكين توقعان. بوتين في بكين.";
        assert!(hit(&m, "أخبار", Some(""), together));
        assert!(!hit(&m, "أخبار", Some(""), "روسيا والصين تتفقان. ثم لا شيء."));
        let score = m.score(0, &analysed(&m, "أخبار", Some(""), together)).unwrap();
        assert_eq!(score.together, 3);
    }

    #[test]
    fn in_restricts_where_mentions_count() {
        let rule = "    all:\n      - [روسيا]\n      - [الصين]\n    in: [headline, lede]\n";
        let m = one_topic(rule, 3);
        let body = "روسيا والصين. روسيا والصين. روسيا والصين. روسيا والصين.";
        assert!(!hit(&m, "أخبار", Some("تقرير"), body), "body mentions counted");
        assert!(hit(&m, "روسيا والصين", Some("تقرير"), ""));
        assert!(hit(&m, "أخبار", Some("روسيا والصين"), ""));
        // A bad place is a config error naming it.
        let defs: Result<Vec<TopicDef>, _> =
            serde_yaml::from_str("- slug: t\n  name: t\n  match:\n    any: [روسيا]\n    in: [footer]\n");
        assert!(defs.is_err());
    }

    #[test]
    fn not_phrases_cancel_the_mentions_of_their_sentence() {
        let rule =
            "    all:\n      - [روسيا]\n      - [الصين]\n    within: sentence\n    not: [مونديال روسيا, كأس العالم]\n";
        let m = one_topic(rule, 3);
        assert!(!hit(&m, "منتخب الصين يغيب عن مونديال روسيا", Some(""), ""));
        assert!(!hit(&m, "الصين تتابع كأس العالم في روسيا", Some(""), ""));
        assert!(hit(
            &m,
            "الصين وروسيا تتفقان",
            Some(""),
            "منتخب الصين غاب عن مونديال روسيا."
        ));
        let explained = explain::explain(&m, 0, &analysed(&m, "الصين في مونديال روسيا", Some(""), ""));
        assert_eq!(explained.cancelled, 1);
        assert!(!explained.matched);
    }

    #[test]
    fn keywords_that_normalise_alike_count_once() {
        let m = one_topic("    any: [قره باغ, قرة باغ, كاراباخ]\n", 3);
        let score = m.score(0, &analysed(&m, "قرة باغ", Some(""), "")).unwrap();
        // One headline mention (3), not two.
        assert_eq!((score.mentions.total(), score.count), (3, 1));
        let explained = explain::explain(&m, 0, &analysed(&m, "قرة باغ", Some(""), ""));
        assert_eq!(explained.keywords.len(), 1, "{:?}", explained.keywords);
    }

    #[test]
    fn the_first_paragraph_is_the_lede_without_a_summary() {
        let rule = "    all:\n      - [بوتين]\n      - [بكين]\n    within: sentence\n    in: [headline, lede]\n";
        let m = one_topic(rule, 3);
        let body = "وصل بوتين إلى بكين اليوم.\nفقرة ثانية عن الطقس.";
        assert!(hit(&m, "زيارة", None, body), "first paragraph not taken as the lede");
        // With a summary, the summary is the lede and the body stays body.
        assert!(!hit(&m, "زيارة", Some("ملخص"), body));
        // The second paragraph is never the lede.
        assert!(!hit(&m, "زيارة", None, "فقرة أولى.\nوصل بوتين إلى بكين."));
    }

    #[test]
    fn each_needs_every_requirement_again_and_again() {
        let rule = "    all:\n      - [روسيا]\n      - [الصين]\n    each: 3\n";
        let m = one_topic(rule, 3);
        // A headline list naming both once, the text about one of them.
        assert!(!hit(&m, "روسيا والصين وأوروبا أعداء", Some(""), "روسيا. روسيا. روسيا."));
        assert!(hit(&m, "روسيا والصين", Some(""), "روسيا. الصين. روسيا. الصين."));
        let misplaced: Result<Vec<TopicDef>, _> =
            serde_yaml::from_str("- slug: t\n  name: t\n  match:\n    any: [روسيا]\n    each: 2\n");
        let defs = misplaced.unwrap();
        assert!(TopicMatcher::new(&defs).unwrap_err().message.contains("`all:`"));
    }

    #[test]
    fn explain_lists_keywords_places_and_score() {
        let m = one_topic(RUSSIA_CHINA_TOGETHER, 3);
        let explained = explain::explain(&m, 0, &analysed(&m, "روسيا والصين", Some("بوتين"), "بكين"));
        assert!(explained.matched);
        let line = explained.line();
        assert!(
            line.starts_with("assigned  score 6 (lead 6, body 0; 1 sentences together) against 3"),
            "{line}"
        );
        assert!(
            line.contains("«روسيا»: headline 1") && line.contains("«بوتين»: lede 1") && line.contains("«بكين»: body 1"),
            "{line}"
        );
        let not = explain::explain(&m, 0, &analysed(&m, "روسيا", Some(""), "الصين"));
        assert!(
            !not.matched && not.line().starts_with("not assigned  rule not satisfied"),
            "{}",
            not.line()
        );
    }

    #[test]
    fn the_repository_rules_know_the_spellings_and_the_story() {
        let config =
            crate::config::SiteConfig::parse(include_str!("../../../site.yaml"), std::path::Path::new("site.yaml"))
                .unwrap();
        let m = TopicMatcher::new(&config.topics).unwrap();
        let rc = config.topics.iter().position(|t| t.slug == "russia-china").unwrap();
        let on = |title: &str, body: &str| m.matching(&analysed(&m, title, None, body)).contains(&rc);
        let story = "اتفق الجانبان على تعزيز التعاون.\nوقال بيان إن البلدين سيواصلان التنسيق. وأضاف أن التعاون بين روسيا والصين يتسع. وقال إن موسكو وبكين تتفقان. وأكد أن الروس والصينيين أصدقاء.";
        assert!(on("بوتن يلتقي شي جينبينغ", story), "«بوتن», «شي جينبينغ»");
        assert!(on("روسيا والصين تتعهدان بحماية الاتفاق", story));
        // The World Cup held in Russia, and Wilbur Ross, are not Russia.
        assert!(!on(
            "الصين تتابع مونديال روسيا",
            story
                .replace("روسيا والصين", "الصين")
                .replace("موسكو وبكين", "بكين")
                .replace("الروس و", "")
                .as_str()
        ));
        assert!(!on(
            "ويلبور روس في بكين",
            "وصل وزير التجارة ويلبور روس إلى بكين. وقال روس إن الصين شريك."
        ));
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
