//! One article as an export gave it, before it becomes a file.

use super::dates::ImportDate;

/// An imported article: the front matter values and the Markdown body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Article {
    /// Headline.
    pub title: String,
    /// URL segment and file name (already made safe by `load::slug::sanitise`).
    pub slug: String,
    /// Publication date; `None` files the article under `undated/`.
    pub date: Option<ImportDate>,
    /// Last modification (`updated:`), when the export gives one.
    pub updated: Option<ImportDate>,
    /// The lede (`summary:`).
    pub summary: Option<String>,
    /// Byline.
    pub author: Option<String>,
    /// Outlet or agency.
    pub source: Option<String>,
    /// Original address.
    pub url: Option<String>,
    /// Section.
    pub category: Option<String>,
    /// Tags, in the export's order.
    pub tags: Vec<String>,
    /// Not to be published (`draft: true`).
    pub draft: bool,
    /// Old addresses that must redirect to the article.
    pub aliases: Vec<String>,
    /// The featured photo.
    pub image: Option<FeaturedImage>,
    /// The Markdown body.
    pub body: String,
}

/// A featured photo (`image`, `image_alt`, `image_caption` in front matter).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct FeaturedImage {
    /// Address: `/uploads/…` once copied into the site, else the remote URL.
    pub url: String,
    /// Alternative text.
    pub alt: String,
    /// Caption (plain text).
    pub caption: String,
}

impl Article {
    /// The address the build gives the article (`/{yyyy}/{mm}/{slug}/`), to
    /// leave out an alias equal to it.
    pub(crate) fn url_path(&self) -> String {
        match self.date {
            Some(date) => format!("/{:04}/{:02}/{}/", date.year(), date.month(), self.slug),
            None => format!("/articles/{}/", self.slug),
        }
    }
}
