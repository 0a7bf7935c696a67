//! Topic rules compiled: phrases become indices into the keyword set the
//! analysis stage spots, and the options of each group (`in:`, `not:`,
//! `within:`, `each:`) are checked once, when `site.yaml` is read.

use crate::analyse::keywords::{Keywords, Place};
use crate::analyse::tokens::Analyser;
use crate::config::{Rule, CONFIG_FILE};
use crate::diagnostic::{Diagnostic, Kind};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Options of an `any:` or `all:` group in `site.yaml`; every one is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct GroupOptions {
    /// Where mentions count for this group and what it holds (`in:
    /// [headline, lede]`); everywhere when absent.
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub places: Option<Vec<Place>>,
    /// Phrases that cancel every mention in their sentence («مونديال
    /// روسيا»: the World Cup, not the country).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not: Vec<String>,
    /// `sentence`: an `all` group's requirements must be named together in
    /// one sentence (the headline is one), and only such sentences count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<Within>,
    /// Every requirement of an `all` group mentioned at least this many
    /// times (anywhere the group's `in:` allows): the story keeps returning
    /// to each of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub each: Option<u32>,
}

/// How close an `all` group's requirements must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Within {
    /// In one sentence.
    Sentence,
}

/// A group's options, compiled.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    /// Allowed places (indexed by [`place_index`]); `None`: all.
    pub places: Option<[bool; 3]>,
    /// Keyword indices of the `not:` phrases.
    pub not: Vec<usize>,
    /// Requirements named together in one sentence.
    pub within_sentence: bool,
    /// Mentions each requirement needs at least.
    pub each: u32,
}

/// A rule with its phrases replaced by indices into the keyword set.
#[derive(Debug, Clone)]
pub(crate) enum Compiled {
    /// One phrase.
    Phrase(usize),
    /// Any of these (phrases that normalise alike appear once).
    Any(Vec<Compiled>, Options),
    /// All of these.
    All(Vec<Compiled>, Options),
}

impl Compiled {
    /// Every keyword index the rule uses (its `not:` phrases too), sorted.
    pub(crate) fn phrases(&self) -> Vec<usize> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out.sort_unstable();
        out.dedup();
        out
    }

    fn collect(&self, out: &mut Vec<usize>) {
        match self {
            Compiled::Phrase(p) => out.push(*p),
            Compiled::Any(items, options) | Compiled::All(items, options) => {
                out.extend_from_slice(&options.not);
                items.iter().for_each(|item| item.collect(out));
            }
        }
    }
}

/// Position of a place in [`Options::places`].
pub(crate) fn place_index(place: Place) -> usize {
    match place {
        Place::Headline => 0,
        Place::Lede => 1,
        Place::Body => 2,
    }
}

/// Compiles rules into a keyword set, remembering each phrase's text.
pub(crate) struct Compiler<'a> {
    /// The keyword set phrases are added to.
    pub keywords: &'a mut Keywords,
    /// Text of each keyword, for `topics explain`.
    pub texts: &'a mut Vec<String>,
    /// The analyser keywords are stemmed with.
    pub analyser: Analyser,
}

impl Compiler<'_> {
    fn phrase(&mut self, text: &str, topic: &str) -> Result<usize, Diagnostic> {
        let index = self.keywords.add(text, &mut self.analyser).map_err(|text| {
            config_error(format!(
                "topic `{topic}`: keyword `{text}` has no words left once stop words are removed"
            ))
        })?;
        if index == self.texts.len() {
            self.texts.push(text.to_string());
        }
        Ok(index)
    }

    /// Compiles one rule of `topic`.
    pub(crate) fn compile(&mut self, rule: &Rule, topic: &str) -> Result<Compiled, Diagnostic> {
        Ok(match rule {
            Rule::Phrase(text) => Compiled::Phrase(self.phrase(text, topic)?),
            Rule::List(items) => Compiled::Any(self.items(items, topic, true)?, Options::default()),
            Rule::Any { any, options } => {
                let options = self.options(options, topic, false)?;
                Compiled::Any(self.items(any, topic, true)?, options)
            }
            Rule::All { all, options } => {
                let options = self.options(options, topic, true)?;
                Compiled::All(self.items(all, topic, false)?, options)
            }
        })
    }

    /// The items of a group; in an `any` group, phrases that normalise to
    /// the same keyword («قره باغ», «قرة باغ») are kept once, so a mention
    /// is not counted twice.
    fn items(&mut self, items: &[Rule], topic: &str, merge: bool) -> Result<Vec<Compiled>, Diagnostic> {
        let mut out: Vec<Compiled> = Vec::with_capacity(items.len());
        for item in items {
            let compiled = self.compile(item, topic)?;
            let repeated = merge
                && matches!(compiled, Compiled::Phrase(p) if out.iter().any(|o| matches!(o, Compiled::Phrase(q) if *q == p)));
            if !repeated {
                out.push(compiled);
            }
        }
        Ok(out)
    }

    fn options(&mut self, options: &GroupOptions, topic: &str, all: bool) -> Result<Options, Diagnostic> {
        if !all && (options.within.is_some() || options.each.is_some()) {
            return Err(config_error(format!(
                "topic `{topic}`: `within:` and `each:` belong to an `all:` group, not an `any:` one"
            )));
        }
        let places = match &options.places {
            None => None,
            Some(list) if list.is_empty() => {
                return Err(config_error(format!(
                    "topic `{topic}`: `in:` lists no place: write some of headline, lede, body"
                )))
            }
            Some(list) => {
                let mut allowed = [false; 3];
                for &place in list {
                    allowed[place_index(place)] = true;
                }
                Some(allowed)
            }
        };
        let not = options
            .not
            .iter()
            .map(|text| self.phrase(text, topic))
            .collect::<Result<_, _>>()?;
        Ok(Options {
            places,
            not,
            within_sentence: options.within == Some(Within::Sentence),
            each: options.each.unwrap_or(0),
        })
    }
}

fn config_error(message: String) -> Diagnostic {
    Diagnostic::error(Path::new(CONFIG_FILE), None, Kind::Config, message)
}
