//! Photos of a WordPress export: copied from a copy of `wp-content/uploads`
//! into the site's `static/uploads/`, keeping WordPress's `yyyy/mm/` layout,
//! and their addresses rewritten to `/uploads/…`.
//!
//! `static/` rather than beside each article: the build copies `static/` as
//! it is, one photo used by many posts is copied once, and WordPress's own
//! `yyyy/mm/name.jpg` names never collide.

use percent_encoding::percent_decode_str;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// Where an upload address went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Placed {
    /// Copied (or already there): the new site address.
    Local(String),
    /// Not an upload, or not found in the media folder: the address is kept.
    Remote,
}

/// Copies uploads once each and remembers where every address went.
pub(crate) struct Media {
    /// The copy of `wp-content/uploads`, when given.
    source: Option<PathBuf>,
    /// `ROOT/static/uploads`.
    target: PathBuf,
    dry_run: bool,
    placed: HashMap<String, Placed>,
    /// Photos copied (or found already copied).
    pub copied: usize,
    /// Image addresses left remote.
    pub remote: Vec<String>,
    /// Copies that failed, with why.
    pub failures: Vec<String>,
}

impl Media {
    /// A photo mover for one import.
    pub(crate) fn new(source: Option<PathBuf>, root: &Path, dry_run: bool) -> Media {
        Media {
            source,
            target: root.join("static").join("uploads"),
            dry_run,
            placed: HashMap::new(),
            copied: 0,
            remote: Vec::new(),
            failures: Vec::new(),
        }
    }

    /// The address to write for `url`; `is_image` counts a kept remote address.
    pub(crate) fn place(&mut self, url: &str, is_image: bool) -> String {
        let url = url.trim();
        if let Some(placed) = self.placed.get(url) {
            return match placed {
                Placed::Local(local) => local.clone(),
                Placed::Remote => url.to_string(),
            };
        }
        let placed = self.copy(url);
        let out = match &placed {
            Placed::Local(local) => local.clone(),
            Placed::Remote => {
                if is_image && !url.is_empty() {
                    self.remote.push(url.to_string());
                }
                url.to_string()
            }
        };
        // Only images are remembered as remote, so that a link to an upload
        // seen first does not hide a later image of it from the count.
        if is_image || matches!(placed, Placed::Local(_)) {
            self.placed.insert(url.to_string(), placed);
        }
        out
    }

    fn copy(&mut self, url: &str) -> Placed {
        let Some(source) = &self.source else {
            return Placed::Remote;
        };
        let Some(relative) = upload_path(url) else {
            return Placed::Remote;
        };
        let decoded = percent_decode_str(relative).decode_utf8_lossy().to_string();
        let safe = Path::new(&decoded)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !safe || decoded.is_empty() {
            return Placed::Remote;
        }
        let from = source.join(&decoded);
        if !from.is_file() {
            return Placed::Remote;
        }
        let to = self.target.join(&decoded);
        if !self.dry_run && !same_size(&from, &to) {
            let copied = to
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|_| std::fs::copy(&from, &to).map(|_| ()));
            if let Err(err) = copied {
                self.failures
                    .push(format!("cannot copy {} to {}: {err}", from.display(), to.display()));
                return Placed::Remote;
            }
        }
        self.copied += 1;
        Placed::Local(format!("/uploads/{relative}"))
    }
}

/// A re-import leaves a photo that is already there untouched (its time stays).
fn same_size(from: &Path, to: &Path) -> bool {
    match (std::fs::metadata(from), std::fs::metadata(to)) {
        (Ok(a), Ok(b)) => a.len() == b.len(),
        _ => false,
    }
}

/// The part of an address after `/wp-content/uploads/`, without query or fragment.
fn upload_path(url: &str) -> Option<&str> {
    let marker = "/wp-content/uploads/";
    let start = url.find(marker)? + marker.len();
    let rest = &url[start..];
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    Some(&rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_found_are_copied_once_and_others_stay_remote() {
        let dir = tempfile::tempdir().expect("tmp");
        let uploads = dir.path().join("uploads");
        std::fs::create_dir_all(uploads.join("2016/07")).expect("mkdir");
        std::fs::write(uploads.join("2016/07/صورة.jpg"), b"jpg").expect("write");
        let root = dir.path().join("site");
        let mut media = Media::new(Some(uploads), &root, false);
        let url = "https://x.example/wp-content/uploads/2016/07/%D8%B5%D9%88%D8%B1%D8%A9.jpg?w=300";
        assert_eq!(media.place(url, true), "/uploads/2016/07/%D8%B5%D9%88%D8%B1%D8%A9.jpg");
        assert_eq!(media.place(url, true), "/uploads/2016/07/%D8%B5%D9%88%D8%B1%D8%A9.jpg");
        assert_eq!(media.copied, 1);
        assert!(root.join("static/uploads/2016/07/صورة.jpg").is_file());
        let missing = "https://x.example/wp-content/uploads/2016/07/none.jpg";
        assert_eq!(media.place(missing, true), missing);
        assert_eq!(
            media.place("https://x.example/wp-content/uploads/../../etc/passwd", true),
            "https://x.example/wp-content/uploads/../../etc/passwd"
        );
        assert_eq!(media.remote.len(), 2);
    }
}
