//! Photos: each article's lead photo found and checked ([`prepare`], a
//! stage after linking: a header read, no decoding), what templates get
//! of it ([`PhotoView`]), and the files the site serves made from it
//! ([`emit`], during rendering: decoded, resized and encoded only when a
//! file is not already in the output, and taken from the cache when it
//! was made before).
//!
//! Output files have content-addressed names (`photos/{key}-800.webp`,
//! the key a hash of the photo's bytes and the settings), so that an
//! unchanged photo keeps its files and a CDN can cache them for ever.

pub(crate) mod probe;
mod process;
mod store;

use crate::article::{Article, ImageRef};
use crate::config::SiteConfig;
use crate::diagnostic::{Diagnostic, Kind};
use crate::error::{Error, Result};
use crate::link::Site;
use crate::render::{Emitted, Emitter, OutputFile};
use probe::{PhotoFormat, Probe, ProbeError};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Folder of the output (and of the cache folder) the photo files go in.
pub(crate) const PHOTOS_DIR: &str = "photos";

/// Changes when the way files are made changes, so that their names do.
const PROCESS_VERSION: u32 = 1;

/// Widest fallback (JPEG or PNG) and crop, in pixels.
const FALLBACK_MAX: u32 = 1200;

/// The crops search engines ask for (Google's NewsArticle example gives
/// 16:9, 4:3 and 1:1), made at [`FALLBACK_MAX`] pixels wide or less.
const SHAPES: [(u32, u32); 3] = [(16, 9), (4, 3), (1, 1)];

/// What a build makes of a photo, from `site.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Settings {
    pub(crate) widths: Vec<u32>,
    pub(crate) quality: u8,
    pub(crate) max_pixels: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::of(&SiteConfig::default())
    }
}

impl Settings {
    fn of(config: &SiteConfig) -> Settings {
        let mut widths: Vec<u32> = config.image_widths.iter().copied().filter(|&w| w > 0).collect();
        widths.sort_unstable();
        widths.dedup();
        Settings {
            widths,
            quality: config.image_quality.clamp(1, 100),
            max_pixels: config.image_max_pixels.max(1),
        }
    }
}

/// An article's lead photo, found.
#[derive(Debug, Clone)]
pub(crate) enum Lead {
    /// A file of the site, probed.
    Local {
        /// The file.
        source: PathBuf,
        /// Its header.
        probe: Probe,
        /// Names its output files: the bytes and the settings.
        key: u64,
        /// As the article names it.
        image: ImageRef,
    },
    /// An address elsewhere, used as it is.
    Remote(ImageRef),
}

/// Every article's lead photo (same index as `Site::articles`) and where
/// made files are kept.
#[derive(Debug, Default)]
pub struct Photos {
    leads: Vec<Option<Lead>>,
    /// The photos of each article's text, by the address it writes.
    figures: Vec<Vec<(String, Lead)>>,
    store: Option<PathBuf>,
    settings: Settings,
    /// Record the photo files without making them (`arshif check`, which
    /// checks the photos' headers and keeps every file in memory).
    headers_only: bool,
    /// The index of the photos read, when it differs from the saved one.
    index_to_save: Option<store::Index>,
}

/// One file made from a photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Variant {
    /// Path in the output.
    pub(crate) path: String,
    /// Size in pixels.
    pub(crate) width: u32,
    /// Size in pixels.
    pub(crate) height: u32,
    /// The part of the upright photo it shows: left, top, width, height.
    pub(crate) region: (u32, u32, u32, u32),
    /// What it is.
    pub(crate) kind: VariantKind,
}

/// What a [`Variant`] is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VariantKind {
    /// A WebP width of the `srcset`.
    Webp,
    /// The JPEG (PNG) `<img src>` for browsers without WebP.
    Fallback,
    /// A crop to this shape, for search engines and social cards.
    Crop((u32, u32)),
    /// An SVG, copied.
    Copy,
}

/// The widths a photo `width` pixels wide is made in: the settings' up
/// to its own, and its own when some setting is wider (never enlarged).
fn widths_for(width: u32, settings: &Settings) -> Vec<u32> {
    let mut chosen: Vec<u32> = settings.widths.iter().copied().filter(|&w| w <= width).collect();
    if settings.widths.iter().any(|&w| w > width) || chosen.is_empty() {
        chosen.push(width);
    }
    chosen.dedup();
    chosen
}

/// Height of a `width`-wide copy of a `w` × `h` picture (at least 1).
fn scaled(width: u32, w: u32, h: u32) -> u32 {
    ((u64::from(width) * u64::from(h) + u64::from(w) / 2) / u64::from(w)).max(1) as u32
}

/// Every file a photo becomes, in a fixed order: the WebP widths, the
/// fallback, the crops (an SVG: itself).
pub(crate) fn variants(probe: &Probe, key: u64, settings: &Settings) -> Vec<Variant> {
    let stem = format!("{PHOTOS_DIR}/{key:016x}");
    let (w, h) = (probe.width, probe.height);
    if probe.format == PhotoFormat::Svg {
        return vec![Variant {
            path: format!("{stem}.svg"),
            width: 0,
            height: 0,
            region: (0, 0, 0, 0),
            kind: VariantKind::Copy,
        }];
    }
    let whole = (0, 0, w, h);
    let ext = if probe.alpha { "png" } else { "jpg" };
    let widths = widths_for(w, settings);
    let mut out: Vec<Variant> = widths
        .iter()
        .map(|&width| Variant {
            path: format!("{stem}-{width}.webp"),
            width,
            height: scaled(width, w, h),
            region: whole,
            kind: VariantKind::Webp,
        })
        .collect();
    let fallback = widths
        .iter()
        .copied()
        .filter(|&x| x <= FALLBACK_MAX)
        .max()
        .unwrap_or(widths[0]);
    out.push(Variant {
        path: format!("{stem}-{fallback}.{ext}"),
        width: fallback,
        height: scaled(fallback, w, h),
        region: whole,
        kind: VariantKind::Fallback,
    });
    for (a, b) in SHAPES {
        // The largest centred region of that shape.
        let (cw, ch) = if u64::from(w) * u64::from(b) >= u64::from(h) * u64::from(a) {
            (((u64::from(h) * u64::from(a)) / u64::from(b)).max(1) as u32, h)
        } else {
            (w, ((u64::from(w) * u64::from(b)) / u64::from(a)).max(1) as u32)
        };
        let width = cw.min(FALLBACK_MAX);
        out.push(Variant {
            path: format!("{stem}-{a}x{b}.{ext}"),
            width,
            height: scaled(width, a, b).min(ch),
            region: ((w - cw) / 2, (h - ch) / 2, cw, ch),
            kind: VariantKind::Crop((a, b)),
        });
    }
    out
}

/// The key of a photo's files: its bytes and what is made of them.
fn key_of(probe: &Probe, settings: &Settings) -> u64 {
    crate::hash_of((
        probe.hash,
        probe.len,
        &settings.widths,
        settings.quality,
        PROCESS_VERSION,
    ))
}

/// A URL of the site for an output path.
fn site_url(config: &SiteConfig, path: &str) -> String {
    format!("{}{}", config.base_path(), path)
}

/// What templates get of a photo (`article.photo`, and `photo` of each
/// article in a listing). Hashed into the fingerprint of every page that
/// shows it.
#[derive(Debug, Clone, Serialize, Hash, PartialEq, Eq)]
pub struct PhotoView {
    /// The `<img src>`: the JPEG (PNG) fallback, an SVG, or a remote address.
    pub src: String,
    /// Width of `src` in pixels (none for SVG and remote photos).
    pub width: Option<u32>,
    /// Height of `src` in pixels.
    pub height: Option<u32>,
    /// The WebP widths for `<source type="image/webp" srcset>` (`url 800w, …`).
    pub srcset: Option<String>,
    /// The `sizes` of the article page's photo.
    pub sizes: String,
    /// `image_alt` (empty when not given).
    pub alt: String,
    /// `image_caption`.
    pub caption: Option<String>,
    /// `image_credit`.
    pub credit: Option<String>,
    /// The 16:9 crop with an absolute address, for `og:image` and Twitter cards.
    pub social: Option<CropView>,
    /// The 16:9, 4:3 and 1:1 crops with absolute addresses (JSON-LD `image`).
    pub crops: Vec<CropView>,
}

/// A crop of a photo, with its absolute address.
#[derive(Debug, Clone, Serialize, Hash, PartialEq, Eq)]
pub struct CropView {
    /// Absolute address.
    pub url: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// MIME type.
    #[serde(rename = "type")]
    pub mime: &'static str,
}

/// The `sizes` of a lead photo: the theme's column (42rem), else the viewport.
const LEAD_SIZES: &str = "(min-width: 44rem) 42rem, 100vw";

impl Photos {
    /// Saves the index of the photos read (their headers by path, size and
    /// times) in the cache, when it changed: a build does it with the
    /// cache; `check` never writes. Only a memo: a build that cannot write
    /// it reads the photos again next time.
    pub fn save_index(&self) {
        if let (Some(store), Some(index)) = (&self.store, &self.index_to_save) {
            let _ = store::save_index(store, index);
        }
    }

    /// Makes [`emit`] record the photo files without decoding any photo:
    /// for `arshif check`, which renders everything in memory and only
    /// needs to know that the photos are there, whole and within the limit.
    pub fn headers_only(&mut self) {
        self.headers_only = true;
    }

    /// What templates get of article `index`'s photo.
    pub fn view(&self, config: &SiteConfig, index: usize) -> Option<PhotoView> {
        self.view_of(config, self.leads.get(index)?.as_ref()?)
    }

    /// What a figure of article `index`'s text shows, for the address it writes.
    pub fn figure(&self, config: &SiteConfig, index: usize, src: &str) -> Option<PhotoView> {
        let (_, lead) = self.figures.get(index)?.iter().find(|(s, _)| s == src)?;
        self.view_of(config, lead)
    }

    /// A fingerprint of the files the figures of article `index`'s text
    /// show: their pages change when a photo's bytes do.
    pub fn figures_print(&self, index: usize) -> u64 {
        let keys: Vec<(&str, Option<u64>)> = self
            .figures
            .get(index)
            .map(|own| {
                own.iter()
                    .map(|(src, lead)| match lead {
                        Lead::Local { key, .. } => (src.as_str(), Some(*key)),
                        Lead::Remote(_) => (src.as_str(), None),
                    })
                    .collect()
            })
            .unwrap_or_default();
        crate::hash_of(keys)
    }

    fn view_of(&self, config: &SiteConfig, lead: &Lead) -> Option<PhotoView> {
        let image = match lead {
            Lead::Local { image, .. } | Lead::Remote(image) => image,
        };
        let mut view = PhotoView {
            src: image.src.clone(),
            width: None,
            height: None,
            srcset: None,
            sizes: LEAD_SIZES.to_string(),
            alt: image.alt.clone().unwrap_or_default(),
            caption: image.caption.clone(),
            credit: image.credit.clone(),
            social: None,
            crops: Vec::new(),
        };
        let Lead::Local { probe, key, .. } = lead else {
            return Some(view);
        };
        let absolute = |path: &str| crate::render::feeds::absolute_url(&config.base_url, path);
        let made = variants(probe, *key, &self.settings);
        let webp: Vec<String> = made
            .iter()
            .filter(|v| v.kind == VariantKind::Webp)
            .map(|v| format!("{} {}w", site_url(config, &v.path), v.width))
            .collect();
        if !webp.is_empty() {
            view.srcset = Some(webp.join(", "));
        }
        let mime = if probe.alpha { "image/png" } else { "image/jpeg" };
        for v in &made {
            match v.kind {
                VariantKind::Copy => view.src = site_url(config, &v.path),
                VariantKind::Fallback => {
                    view.src = site_url(config, &v.path);
                    view.width = Some(v.width);
                    view.height = Some(v.height);
                }
                VariantKind::Crop(_) => view.crops.push(CropView {
                    url: absolute(&v.path),
                    width: v.width,
                    height: v.height,
                    mime,
                }),
                VariantKind::Webp => {}
            }
        }
        view.social = view.crops.first().cloned();
        Some(view)
    }
}

/// A photo of an article's text as HTML, lazily loaded: `<picture>` with
/// the WebP widths and the fallback `<img>`, or an `<img>` alone (SVG,
/// remote). Attribute values escaped.
pub(crate) fn picture_html(photo: &PhotoView) -> String {
    use crate::render::html::escape;
    let mut html = String::new();
    if let Some(srcset) = &photo.srcset {
        html.push_str(&format!(
            "<picture>\n<source type=\"image/webp\" srcset=\"{}\" sizes=\"{}\">\n",
            escape(srcset),
            escape(&photo.sizes)
        ));
    }
    html.push_str(&format!(
        "<img src=\"{}\" alt=\"{}\"",
        escape(&photo.src),
        escape(&photo.alt)
    ));
    if let (Some(width), Some(height)) = (photo.width, photo.height) {
        html.push_str(&format!(" width=\"{width}\" height=\"{height}\""));
    }
    html.push_str(" loading=\"lazy\" decoding=\"async\">");
    if photo.srcset.is_some() {
        html.push_str("\n</picture>");
    }
    html
}

/// Where an article's photo is: a path from `static/` when it starts
/// with `/`, else from the article's folder (percent-escapes decoded);
/// `None` for an address that is not a file of the site.
fn resolve(root: &Path, article: &Article, src: &str) -> Option<PathBuf> {
    if src.contains("://") || src.starts_with("data:") || src.starts_with("//") {
        return None;
    }
    let path = src.split(['?', '#']).next().unwrap_or(src);
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let (base, relative) = match decoded.strip_prefix('/') {
        Some(rest) => (root.join(crate::pipeline::STATIC_DIR), rest.to_string()),
        None => (article.file.parent()?.to_path_buf(), decoded.into_owned()),
    };
    Some(base.join(relative))
}

/// Whether an `image:` is an address elsewhere (used as it is).
fn is_remote(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// A `.txt` article's photo: an image file beside it with the same name.
const TEXT_PHOTO_EXTENSIONS: [&str; 6] = ["jpg", "jpeg", "png", "webp", "gif", "svg"];

/// The photo beside each text article (`name.txt` + `name.jpg`), by
/// article index, from one listing of each folder that holds text articles.
fn text_photos(site: &Site) -> BTreeMap<usize, String> {
    let mut by_folder: BTreeMap<PathBuf, Vec<usize>> = BTreeMap::new();
    for (i, article) in site.articles.iter().enumerate() {
        let is_text = article.file.extension().is_some_and(|e| e == "txt");
        if is_text && article.image.as_ref().is_none_or(|image| image.src.is_empty()) {
            if let Some(parent) = article.file.parent() {
                by_folder.entry(parent.to_path_buf()).or_default().push(i);
            }
        }
    }
    let mut found = BTreeMap::new();
    for (folder, members) in by_folder {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        let names: std::collections::BTreeSet<String> = entries
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        for i in members {
            let Some(stem) = site.articles[i].file.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let photo = TEXT_PHOTO_EXTENSIONS
                .iter()
                .map(|ext| format!("{stem}.{ext}"))
                .find(|name| names.contains(name));
            if let Some(name) = photo {
                found.insert(i, name);
            }
        }
    }
    found
}

/// What the photos stage found for one image: the photo, the index
/// entry of its file, or the problem with it.
type Found = (Option<Lead>, Option<(String, store::Seen)>, Option<Diagnostic>);

/// The files of one photo: the records of those emitted and those kept in memory.
type Made = (Vec<Emitted>, Vec<OutputFile>);

/// What [`emit`] gives: as [`Made`] for all photos, and every photo file with its fingerprint.
pub(crate) type EmittedPhotos = (Vec<Emitted>, Vec<OutputFile>, Vec<(String, Option<u64>)>);

/// A photo to make: its key, files, and (file, header, an article showing it, the line naming it).
type Job<'a> = (u64, Vec<Variant>, (&'a Path, &'a Probe, &'a Article, usize));

/// Finds and checks one image of an article (reads its header, or finds
/// it in the index when its file's size and times did not change).
/// A missing file of a text's image (`in_text`) is a warning, the image
/// left as written: an archive's old texts may name images long gone.
fn find(
    root: &Path,
    article: &Article,
    image: ImageRef,
    index: &store::Index,
    settings: &Settings,
    in_text: bool,
) -> Found {
    if is_remote(&image.src) {
        return (Some(Lead::Remote(image)), None, None);
    }
    let located = |kind: Kind, message: String| Diagnostic::error(&article.file, Some(image.line), kind, message);
    let Some(source) = resolve(root, article, &image.src) else {
        let message = format!("`{}` is neither a file of the site nor an http(s) address", image.src);
        return (None, None, Some(located(Kind::BadPhoto, message)));
    };
    let meta = match std::fs::metadata(&source) {
        Ok(meta) if meta.is_file() => meta,
        _ => {
            let message = format!("photo `{}` is not there: no file {}", image.src, source.display());
            if in_text {
                let message = format!("{message} (the image is left as written)");
                let warning = Diagnostic::warning(&article.file, Some(image.line), Kind::MissingPhoto, message);
                return (None, None, Some(warning));
            }
            return (None, None, Some(located(Kind::MissingPhoto, message)));
        }
    };
    let (modified, changed) = crate::pipeline::file_times(&meta);
    let name = source.to_string_lossy().into_owned();
    let known = index
        .get(&name)
        .filter(|s| s.modified == modified && s.changed == changed && s.size == meta.len())
        .map(|s| s.probe.clone());
    let probed = match known {
        Some(probe) => Ok(probe),
        None => {
            let svg = source.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg"));
            match std::fs::read(&source) {
                Ok(bytes) => probe::probe(&bytes, svg, settings.max_pixels),
                Err(err) => Err(ProbeError::Corrupt(format!("cannot be read: {err}"))),
            }
        }
    };
    match probed {
        Ok(probe) => {
            let key = key_of(&probe, settings);
            let seen = store::Seen {
                modified,
                changed,
                size: meta.len(),
                probe: probe.clone(),
            };
            let lead = Lead::Local {
                source,
                probe,
                key,
                image,
            };
            (Some(lead), Some((name, seen)), None)
        }
        Err(err) => {
            let kind = match err {
                ProbeError::TooLarge { .. } => Kind::PhotoTooLarge,
                _ => Kind::BadPhoto,
            };
            (
                None,
                None,
                Some(located(kind, format!("photo {} {err}", source.display()))),
            )
        }
    }
}

/// Finds and checks every article's lead photo and the photos of its
/// text (reads headers, decodes nothing). Every problem is returned, not
/// only the first. `cache` is the cache folder, where made files are kept
/// between builds.
pub(crate) fn prepare(site: &Site, root: &Path, cache: Option<&Path>) -> (Photos, Vec<Diagnostic>) {
    let settings = Settings::of(&site.config);
    let store = cache.map(|dir| dir.join(PHOTOS_DIR));
    let index = store.as_deref().map(store::load_index).unwrap_or_default();
    let beside = text_photos(site);
    let found: Vec<(Found, Vec<(String, Found)>)> = site
        .articles
        .par_iter()
        .enumerate()
        .map(|(i, article)| {
            let lead = match (&article.image, beside.get(&i)) {
                (Some(image), _) if !image.src.is_empty() => Some(image.clone()),
                (image, Some(name)) => Some(ImageRef {
                    src: name.clone(),
                    line: 1,
                    ..image.clone().unwrap_or(ImageRef {
                        src: String::new(),
                        line: 1,
                        alt: None,
                        caption: None,
                        credit: None,
                    })
                }),
                _ => None,
            };
            let lead = match lead {
                Some(image) => find(root, article, image, &index, &settings, false),
                None => (None, None, None),
            };
            let figures = article
                .figures
                .iter()
                .map(|image| {
                    (
                        image.src.clone(),
                        find(root, article, image.clone(), &index, &settings, true),
                    )
                })
                .collect();
            (lead, figures)
        })
        .collect();
    let mut leads = Vec::with_capacity(found.len());
    let mut figures = Vec::with_capacity(found.len());
    let mut problems = Vec::new();
    let mut seen = store::Index::new();
    for ((lead, entry, problem), found_figures) in found {
        leads.push(lead);
        seen.extend(entry);
        problems.extend(problem);
        let mut own = Vec::new();
        for (src, (figure, entry, problem)) in found_figures {
            seen.extend(entry);
            problems.extend(problem);
            own.extend(figure.map(|f| (src, f)));
        }
        figures.push(own);
    }
    let index_to_save =
        (store.is_some() && !problems.iter().any(Diagnostic::is_error) && seen != index).then_some(seen);
    (
        Photos {
            leads,
            figures,
            store,
            settings,
            headers_only: false,
            index_to_save,
        },
        problems,
    )
}

/// The fingerprint of a photo file: its path names its content.
fn file_print(path: &str) -> u64 {
    crate::hash_bytes(path.as_bytes())
}

/// The files photos become, emitted: for each photo (once, however many
/// articles show it) whose files `unchanged` does not all accept, taken
/// from the cache or made (decoded, resized, encoded), in parallel.
/// Returns the records of the files emitted, those kept in memory, and
/// every photo file with its fingerprint. Every photo that cannot be
/// decoded is reported, naming the photo and the article.
pub(crate) fn emit(
    site: &Site,
    unchanged: &(dyn Fn(&str, u64) -> bool + Sync),
    emitter: &Emitter,
) -> Result<EmittedPhotos> {
    let photos = &site.photos;
    let mut unique: BTreeMap<u64, (&Path, &Probe, &Article, usize)> = BTreeMap::new();
    let all = photos
        .leads
        .iter()
        .enumerate()
        .filter_map(|(i, lead)| Some((i, lead.as_ref()?)));
    let in_texts = photos
        .figures
        .iter()
        .enumerate()
        .flat_map(|(i, own)| own.iter().map(move |(_, lead)| (i, lead)));
    for (i, lead) in all.chain(in_texts) {
        if let Lead::Local {
            source,
            probe,
            key,
            image,
        } = lead
        {
            unique
                .entry(*key)
                .or_insert((source.as_path(), probe, &site.articles[i], image.line));
        }
    }
    let jobs: Vec<Job> = unique
        .into_iter()
        .map(|(key, found)| (key, variants(found.1, key, &photos.settings), found))
        .collect();
    let pages: Vec<(String, Option<u64>)> = jobs
        .iter()
        .flat_map(|(_, made, _)| made.iter().map(|v| (v.path.clone(), Some(file_print(&v.path)))))
        .collect();
    if photos.headers_only {
        return Ok((Vec::new(), Vec::new(), pages));
    }
    let done: Vec<std::result::Result<Made, Diagnostic>> = jobs
        .par_iter()
        .filter(|(_, made, _)| !made.iter().all(|v| unchanged(&v.path, file_print(&v.path))))
        .map(|(key, made, (source, probe, article, line))| {
            let problem = |message: String| {
                Diagnostic::error(
                    &article.file,
                    Some(*line),
                    Kind::BadPhoto,
                    format!("photo {} {message}", source.display()),
                )
            };
            let names: Vec<&str> = made
                .iter()
                .map(|v| v.path.rsplit('/').next().unwrap_or(&v.path))
                .collect();
            let kept = photos.store.as_deref().and_then(|dir| store::load(dir, *key, &names));
            let bytes = match kept {
                Some(bytes) => bytes,
                None => {
                    let original = std::fs::read(source).map_err(|err| problem(format!("cannot be read: {err}")))?;
                    if crate::hash_bytes(&original) != probe.hash {
                        return Err(problem("changed while the build read it: build again".to_string()));
                    }
                    let bytes = process::process(
                        &original,
                        probe,
                        made,
                        photos.settings.quality,
                        photos.settings.max_pixels,
                    )
                    .map_err(problem)?;
                    if let Some(dir) = &photos.store {
                        let files: Vec<(&str, &[u8])> =
                            names.iter().copied().zip(bytes.iter().map(Vec::as_slice)).collect();
                        store::save(dir, *key, &files);
                    }
                    bytes
                }
            };
            let mut emitted = Vec::with_capacity(made.len());
            let mut kept = Vec::new();
            for (variant, bytes) in made.iter().zip(bytes) {
                let file = OutputFile {
                    path: variant.path.clone(),
                    bytes,
                    origin: format!("photo {}", source.display()),
                };
                let (record, file) = emitter.emit(file).map_err(|err| problem(err.to_string()))?;
                emitted.push(record);
                kept.extend(file);
            }
            Ok((emitted, kept))
        })
        .collect();
    let mut emitted = Vec::new();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for result in done {
        match result {
            Ok((mut e, mut f)) => {
                emitted.append(&mut e);
                files.append(&mut f);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        problems.sort();
        return Err(Error::Invalid(problems));
    }
    Ok((emitted, files, pages))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(width: u32, height: u32) -> Probe {
        Probe {
            format: PhotoFormat::Jpeg,
            width,
            height,
            alpha: false,
            hash: 1,
            len: 2,
        }
    }

    #[test]
    fn widths_never_enlarge_and_include_the_original_when_narrower() {
        let settings = Settings {
            widths: vec![480, 800, 1200, 1600],
            quality: 80,
            max_pixels: 1 << 30,
        };
        assert_eq!(widths_for(1600, &settings), vec![480, 800, 1200, 1600]);
        assert_eq!(widths_for(1000, &settings), vec![480, 800, 1000]);
        assert_eq!(widths_for(300, &settings), vec![300]);
        assert_eq!(widths_for(4000, &settings), vec![480, 800, 1200, 1600]);
    }

    #[test]
    fn crops_have_their_shape_and_stay_inside_the_photo() {
        let settings = Settings::default();
        let made = variants(&probe(1600, 1067), 7, &settings);
        let crops: Vec<&Variant> = made.iter().filter(|v| matches!(v.kind, VariantKind::Crop(_))).collect();
        assert_eq!(crops.len(), 3);
        assert_eq!((crops[0].width, crops[0].height), (1200, 675));
        assert_eq!((crops[1].width, crops[1].height), (1200, 900));
        assert_eq!((crops[2].width, crops[2].height), (1067, 1067));
        for crop in crops {
            let (left, top, w, h) = crop.region;
            assert!(left + w <= 1600 && top + h <= 1067, "{crop:?}");
        }
        let fallback = made.iter().find(|v| v.kind == VariantKind::Fallback).expect("fallback");
        assert_eq!(
            (fallback.width, fallback.height, fallback.path.as_str()),
            (1200, 800, "photos/0000000000000007-1200.jpg")
        );
    }
}
