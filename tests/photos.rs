//! Photos: an article's `image` becomes resized WebP files with a JPEG
//! fallback and crops under content-addressed names, shown with
//! `<picture>`/`srcset`, in social and JSON-LD metadata, in feeds and as
//! thumbnails in listings; EXIF orientation applied and every piece of
//! metadata gone from the output; bad photos reported together, naming
//! the article (and line) and the photo; incremental builds that leave
//! photo files alone and equal a clean build.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

/// A JPEG of `width` × `height` pixels: red on the left half, blue on the right.
fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    for _ in 0..height {
        for x in 0..width {
            pixels.extend_from_slice(if x < width / 2 { &[220, 20, 20] } else { &[20, 20, 220] });
        }
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode(&pixels, width, height, image::ExtendedColorType::Rgb8)
        .expect("encode a JPEG");
    out
}

/// The text every EXIF block of the fixtures carries, to look for in the output.
const SECRET: &[u8] = b"arshif-secret-gps";

/// `bytes` (a JPEG) with an EXIF block: orientation 6 (turn 90° clockwise
/// to show), an image description holding [`SECRET`], and a GPS position.
fn with_exif(bytes: &[u8]) -> Vec<u8> {
    let mut tiff: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    let entry = |tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&kind.to_le_bytes());
        tiff.extend_from_slice(&count.to_le_bytes());
        tiff.extend_from_slice(&value.to_le_bytes());
    };
    // IFD0 at 8: three entries, ends at 8 + 2 + 36 + 4 = 50; GPS IFD at
    // 50 (one entry, ends at 68); the description's text at 68.
    tiff.extend_from_slice(&3u16.to_le_bytes());
    entry(&mut tiff, 0x010e, 2, SECRET.len() as u32 + 1, 68);
    entry(&mut tiff, 0x0112, 3, 1, 6);
    entry(&mut tiff, 0x8825, 4, 1, 50);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(&1u16.to_le_bytes());
    entry(&mut tiff, 0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0"));
    tiff.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(tiff.len(), 68);
    tiff.extend_from_slice(SECRET);
    tiff.push(0);
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend_from_slice(&tiff);
    let mut out = bytes[..2].to_vec();
    out.extend_from_slice(&[0xff, 0xe1]);
    out.extend_from_slice(&((segment.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&segment);
    out.extend_from_slice(&bytes[2..]);
    out
}

/// CRC-32 as PNG chunks use it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A small, valid PNG whose header declares `width` × `height` pixels.
fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut out),
        &[0, 0, 0],
        1,
        1,
        image::ExtendedColorType::Rgb8,
    )
    .expect("encode a PNG");
    // IHDR's data starts at 16 (8 signature, 4 length, 4 type).
    out[16..20].copy_from_slice(&width.to_be_bytes());
    out[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&out[12..29]);
    out[29..33].copy_from_slice(&crc.to_be_bytes());
    out
}

/// A site with small photo widths (fast), an article with a photo beside
/// it and one without.
fn photo_site() -> Site {
    let site = Site::new();
    site.write(
        "site.yaml",
        "base_url: https://news.example/\nimage_widths: [16, 32, 48]\n",
    );
    site.write("content/2022/lead.jpg", with_exif(&jpeg(64, 48)));
    site.write(
        "content/2022/2022-12-01-with-photo.md",
        md(
            "title: خبر مع صورة\ndate: 2022-12-01\nimage: lead.jpg\nimage_alt: وصف الصورة\nimage_caption: تعليق الصورة\nimage_credit: تصوير فلان",
            "نص الخبر.",
        ),
    );
    site.write(
        "content/2022/2022-11-01-without.md",
        md("title: خبر بلا صورة\ndate: 2022-11-01", "نص آخر."),
    );
    site
}

/// Files below `dir/photos/`, with their modification times.
fn photo_times(dir: &Path) -> BTreeMap<String, SystemTime> {
    let mut times = modification_times(dir);
    times.retain(|f, _| f.starts_with("photos/"));
    times
}

#[test]
fn the_lead_photo_is_resized_and_shown_with_sizes() {
    let site = photo_site();
    site.build_ok(&[]);
    let html = site.page("2022/12/with-photo/");
    let figure = between(&html, "<figure class=\"lead-photo\">", "</figure>");
    // Turned upright (48 × 64), so the widths are 16, 32 and 48 (itself).
    let srcset = attribute_values(figure, "srcset=\"");
    assert_eq!(srcset.len(), 1, "{figure}");
    let widths: Vec<&str> = srcset[0]
        .split(", ")
        .map(|s| s.rsplit(' ').next().unwrap_or(""))
        .collect();
    assert_eq!(widths, vec!["16w", "32w", "48w"], "{figure}");
    assert!(figure.contains("<source type=\"image/webp\""), "{figure}");
    assert!(figure.contains("sizes=\""), "{figure}");
    assert!(figure.contains("width=\"48\" height=\"64\""), "{figure}");
    assert!(figure.contains("fetchpriority=\"high\""), "{figure}");
    assert!(
        !figure.contains("loading=\"lazy\""),
        "the lead photo is not lazy: {figure}"
    );
    assert!(figure.contains("alt=\"وصف الصورة\""), "{figure}");
    assert!(
        figure.contains("تعليق الصورة") && figure.contains("تصوير فلان"),
        "{figure}"
    );
    // Every address in the page names a file of the output.
    for url in srcset[0].split(", ").map(|s| s.split(' ').next().unwrap_or("")) {
        let path = url.strip_prefix('/').expect("site path");
        assert!(site.public().join(path).is_file(), "{path} is not in the output");
    }
    // The file name is content-addressed: 16 hex digits, then the width.
    let first = srcset[0].split(' ').next().unwrap_or("");
    let name = first.rsplit('/').next().unwrap_or("");
    assert!(
        name.len() == 16 + "-16.webp".len() && name.ends_with("-16.webp"),
        "{name}"
    );
}

#[test]
fn social_and_search_metadata_name_the_crops() {
    let site = photo_site();
    site.build_ok(&[]);
    let html = site.page("2022/12/with-photo/");
    let og = attribute_values(&html, "<meta property=\"og:image\" content=\"");
    assert_eq!(og.len(), 1, "{html}");
    assert!(
        og[0].starts_with("https://news.example/photos/") && og[0].ends_with("-16x9.jpg"),
        "{og:?}"
    );
    assert!(
        html.contains("<meta property=\"og:image:width\" content=\"48\">"),
        "{html}"
    );
    assert!(
        html.contains("<meta property=\"og:image:height\" content=\"27\">"),
        "{html}"
    );
    assert!(html.contains("<meta property=\"og:image:alt\" content=\"وصف الصورة\">"));
    assert!(html.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
    let json = between(&html, "<script type=\"application/ld+json\">", "</script>");
    let data: serde_json::Value = serde_json::from_str(json).expect("JSON-LD");
    let images = data["image"].as_array().expect("image list");
    let shapes: Vec<(u64, u64)> = images
        .iter()
        .map(|i| {
            assert_eq!(i["@type"], "ImageObject");
            (i["width"].as_u64().unwrap_or(0), i["height"].as_u64().unwrap_or(0))
        })
        .collect();
    assert_eq!(shapes, vec![(48, 27), (48, 36), (48, 48)]);
    for image in images {
        let url = image["url"].as_str().unwrap_or("");
        let path = url.strip_prefix("https://news.example/").expect("absolute");
        let bytes = std::fs::read(site.public().join(path)).expect("crop in the output");
        let decoded = image::load_from_memory(&bytes).expect("decodable crop");
        assert_eq!(
            (u64::from(decoded.width()), u64::from(decoded.height())),
            (
                image["width"].as_u64().unwrap_or(0),
                image["height"].as_u64().unwrap_or(0)
            )
        );
    }
    // The article without a photo keeps the small card and no og:image.
    let plain = site.page("2022/11/without/");
    assert!(plain.contains("<meta name=\"twitter:card\" content=\"summary\">"));
    assert!(!plain.contains("og:image"));
    // Feeds carry the photo.
    let atom = std::fs::read_to_string(site.public().join("atom.xml")).expect("atom");
    assert_eq!(count(&atom, "rel=\"enclosure\""), 1, "{atom}");
    assert!(atom.contains(&og[0]), "{atom}");
    let rss = std::fs::read_to_string(site.public().join("rss.xml")).expect("rss");
    assert!(
        rss.contains(&format!("<media:content medium=\"image\" url=\"{}\"", og[0])),
        "{rss}"
    );
    assert_well_formed_xml("rss.xml", rss.as_bytes());
}

#[test]
fn listings_show_thumbnails_lazily() {
    let site = photo_site();
    site.build_ok(&[]);
    let home = site.page("");
    let with = between(&home, "<article class=\"summary with-photo\">", "</article>");
    assert!(
        with.contains("loading=\"lazy\"") && with.contains("decoding=\"async\""),
        "{with}"
    );
    assert!(with.contains("srcset=\""), "{with}");
    assert_eq!(count(&home, "<article class=\"summary with-photo\">"), 1, "{home}");
    let month = site.page("2022/12/");
    assert!(month.contains("class=\"thumb\""), "{month}");
}

#[test]
fn output_photos_are_upright_and_carry_no_metadata() {
    let site = photo_site();
    // The source does carry them (or the test proves nothing).
    let source = std::fs::read(site.root.join("content/2022/lead.jpg")).expect("source");
    assert!(source.windows(SECRET.len()).any(|w| w == SECRET));
    site.build_ok(&[]);
    let files: Vec<String> = tree(&site.public())
        .into_iter()
        .filter(|f| f.starts_with("photos/"))
        .collect();
    assert_eq!(files.len(), 3 + 1 + 3, "{files:?}");
    for file in &files {
        let bytes = std::fs::read(site.public().join(file)).expect("photo");
        assert!(
            !bytes.windows(SECRET.len()).any(|w| w == SECRET),
            "{file} keeps the EXIF text"
        );
        assert!(
            !bytes.windows(4).any(|w| w == b"Exif" || w == b"EXIF"),
            "{file} has an EXIF block"
        );
        let decoded = image::load_from_memory(&bytes).expect("decodable");
        if file.ends_with(".webp") {
            assert!(bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP", "{file}");
            // Portrait: the orientation was applied.
            assert!(
                decoded.height() > decoded.width(),
                "{file}: {}x{}",
                decoded.width(),
                decoded.height()
            );
        }
        if file.ends_with("-48.jpg") {
            // Stored red left, blue right, turned a quarter clockwise: red on top.
            let rgb = decoded.to_rgb8();
            let top = rgb.get_pixel(24, 4);
            let bottom = rgb.get_pixel(24, 60);
            assert!(top[0] > 150 && top[2] < 100, "top {top:?}");
            assert!(bottom[2] > 150 && bottom[0] < 100, "bottom {bottom:?}");
        }
    }
}

#[test]
fn bad_photos_are_all_reported_and_the_output_kept() {
    let site = photo_site();
    site.build_ok(&[]);
    let before = site.snapshot();
    let whole = jpeg(64, 48);
    site.write("content/2022/cut.jpg", &whole[..whole.len() / 2]);
    site.write("content/2022/bomb.png", png_declaring(30_000, 30_000));
    site.write("content/2022/not-a-photo.jpg", "hello");
    let article = |name: &str, image: &str| {
        site.write(
            &format!("content/2022/2022-10-0{}-{name}.md", name.len() % 9 + 1),
            format!("---\ntitle: خبر {name}\ndate: 2022-10-01\n\nimage: {image}\n---\n\nنص.\n"),
        );
    };
    article("missing", "nowhere.jpg");
    article("cut", "cut.jpg");
    article("bomb", "bomb.png");
    article("text", "not-a-photo.jpg");
    let run = site.build(&[]);
    run.assert_failed();
    let out = run.to_string();
    for (name, image, what) in [
        ("missing", "nowhere.jpg", "is not there"),
        ("cut", "cut.jpg", "cut short"),
        ("bomb", "bomb.png", "30000 × 30000 pixels, more than image_max_pixels"),
        ("text", "not-a-photo.jpg", "is not a JPEG, PNG, GIF, WebP or SVG"),
    ] {
        let line = out
            .lines()
            .find(|l| l.contains(&format!("-{name}.md:5")))
            .unwrap_or_else(|| panic!("no error at line 5 of the {name} article:\n{out}"));
        assert!(line.contains(image), "{line}");
        assert!(line.contains(what), "{line}");
    }
    assert_same_files(&before, &site.snapshot(), "a failed build left the output as it was");
}

#[test]
fn a_corrupt_photo_is_reported_with_its_article() {
    let site = photo_site();
    // A whole WebP (its RIFF length is right) whose image data is garbage.
    let mut bytes = Vec::new();
    let pixels: Vec<u8> = (0..64 * 48 * 3).map(|i| (i * 37 % 251) as u8).collect();
    image::ImageEncoder::write_image(
        image::codecs::webp::WebPEncoder::new_lossless(&mut bytes),
        &pixels,
        64,
        48,
        image::ExtendedColorType::Rgb8,
    )
    .expect("encode a WebP");
    let len = bytes.len();
    for byte in &mut bytes[40..len - 4] {
        *byte = 0xff;
    }
    site.write("content/2022/lead.jpg", &bytes);
    let run = site.build_fails_without_output(&[]);
    let out = run.to_string();
    let line = out
        .lines()
        .find(|l| l.contains("with-photo.md:4"))
        .unwrap_or_else(|| panic!("no error at the image line:\n{out}"));
    assert!(line.contains("lead.jpg") && line.contains("corrupt"), "{line}");
}

#[test]
fn svg_is_copied_and_remote_photos_used_as_they_are() {
    let site = photo_site();
    let svg =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>";
    site.write("static/images/map.svg", svg);
    site.write(
        "content/2022/2022-12-02-map.md",
        md(
            "title: خريطة\ndate: 2022-12-02\nimage: /images/map.svg\nimage_alt: خريطة",
            "نص.",
        ),
    );
    site.write(
        "content/2022/2022-12-03-remote.md",
        md("title: بعيد\ndate: 2022-12-03\nimage: https://cdn.example/a.jpg", "نص."),
    );
    site.build_ok(&[]);
    let map = site.page("2022/12/map/");
    let figure = between(&map, "<figure class=\"lead-photo\">", "</figure>");
    assert!(!figure.contains("<picture>") && !figure.contains("<object") && !figure.contains("<svg"));
    let src = attribute_values(figure, "src=\"");
    assert_eq!(src.len(), 1, "{figure}");
    assert!(src[0].ends_with(".svg"), "{src:?}");
    let copied = std::fs::read_to_string(site.public().join(src[0].trim_start_matches('/'))).expect("svg");
    assert_eq!(copied, svg);
    assert!(!map.contains("og:image"), "no social card from an SVG");
    let remote = site.page("2022/12/remote/");
    assert!(remote.contains("<img src=\"https://cdn.example/a.jpg\""), "{remote}");
    assert!(remote.contains("<meta property=\"og:image\" content=\"https://cdn.example/a.jpg\">"));
}

#[test]
fn incremental_builds_leave_photo_files_alone_and_equal_clean_builds() {
    let site = photo_site();
    site.build_ok(&[]);
    let first = photo_times(&site.public());
    assert_eq!(first.len(), 7);
    std::thread::sleep(std::time::Duration::from_millis(20));
    // An edit that does not touch the photo.
    site.write(
        "content/2022/2022-12-01-with-photo.md",
        md(
            "title: خبر مع صورة معدل\ndate: 2022-12-01\nimage: lead.jpg\nimage_alt: وصف الصورة\nimage_caption: تعليق الصورة\nimage_credit: تصوير فلان",
            "نص الخبر بعد التعديل.",
        ),
    );
    site.build_ok(&[]);
    assert_eq!(photo_times(&site.public()), first, "photo files were written again");
    assert_like_clean_build(&site, "after an edit that keeps the photo");
    // A new photo for the article: new names, the old files gone.
    site.write("content/2022/lead.jpg", with_exif(&jpeg(80, 40)));
    site.build_ok(&[]);
    let second = photo_times(&site.public());
    assert_eq!(second.len(), 7);
    assert!(
        first.keys().all(|old| !second.contains_key(old)),
        "{first:?} {second:?}"
    );
    assert_like_clean_build(&site, "after the photo changed");
    // A photo added to the other article.
    site.write("content/2022/other.jpg", jpeg(40, 40));
    site.write(
        "content/2022/2022-11-01-without.md",
        md("title: خبر بلا صورة\ndate: 2022-11-01\nimage: other.jpg", "نص آخر."),
    );
    site.build_ok(&[]);
    assert!(site.page("").matches("with-photo").count() >= 2);
    assert_like_clean_build(&site, "after a photo was added");
    // And removed again.
    site.write(
        "content/2022/2022-11-01-without.md",
        md("title: خبر بلا صورة\ndate: 2022-11-01", "نص آخر."),
    );
    site.build_ok(&[]);
    assert_eq!(photo_times(&site.public()).len(), 7);
    assert_like_clean_build(&site, "after a photo was removed");
}

#[test]
fn folder_articles_text_articles_and_markdown_figures_have_their_photos() {
    let site = photo_site();
    // An article in a folder with its photos, one of them a figure of its text.
    site.write("content/2022/12/putin-xi/photo.jpg", jpeg(64, 48));
    site.write("content/2022/12/putin-xi/map.jpg", jpeg(40, 30));
    site.write(
        "content/2022/12/putin-xi/index.md",
        md(
            "title: بوتين وشي\ndate: 2022-12-05\nimage: photo.jpg",
            "فقرة أولى.\n\n![خريطة المنطقة](map.jpg \"الخريطة كما نشرتها الوكالة\")\n\nفقرة ثانية فيها ![رمز](map.jpg) صغير.\n",
        ),
    );
    // A text article with a photo of the same name beside it, and its caption lines.
    site.write(
        "content/2022/2022-12-06-summit.txt",
        "قمة في يريفان\nالقادة يجتمعون.\nصورة: القادة قبيل الجلسة\nتصوير: وكالة الأنباء\nنص الخبر.\n",
    );
    site.write("content/2022/2022-12-06-summit.jpg", jpeg(48, 48));
    site.build_ok(&[]);

    let folder = site.page("2022/12/putin-xi/");
    assert!(between(&folder, "<figure class=\"lead-photo\">", "</figure>").contains("<picture>"));
    let body = between(&folder, "<div class=\"article-body\">", "</div>");
    let figure = between(body, "<figure>", "</figure>");
    assert!(figure.contains("<source type=\"image/webp\""), "{body}");
    assert!(figure.contains("alt=\"خريطة المنطقة\""), "{body}");
    assert!(figure.contains("width=\"40\" height=\"30\""), "{body}");
    assert!(figure.contains("loading=\"lazy\""), "{body}");
    let caption = between(figure, "<figcaption>", "</figcaption>");
    assert!(caption.contains("الخريطة كما نشرتها الوكالة"), "{body}");
    // The inline image points at the resized copy, never at content/.
    let sources = attribute_values(body, "src=\"");
    assert!(sources.iter().all(|s| s.starts_with("/photos/")), "{sources:?}");
    assert_eq!(count(body, "<figure>"), 1, "{body}");

    let text = site.page("2022/12/summit/");
    let lead = between(&text, "<figure class=\"lead-photo\">", "</figure>");
    assert!(lead.contains("width=\"48\" height=\"48\""), "{lead}");
    assert!(
        lead.contains("القادة قبيل الجلسة") && lead.contains("وكالة الأنباء"),
        "{lead}"
    );
    let body = between(&text, "<div class=\"article-body\">", "</div>");
    assert!(!body.contains("صورة:") && !body.contains("تصوير:"), "{body}");
    assert_like_clean_build(&site, "with folder, text and figure photos");
}

#[test]
fn a_missing_image_in_the_text_is_a_warning_and_left_as_written() {
    let site = photo_site();
    site.write(
        "content/2022/2022-11-01-without.md",
        md("title: خبر بلا صورة\ndate: 2022-11-01", "نص.\n\n![قديمة](gone.jpg)\n"),
    );
    let run = site.build_ok(&[]);
    let out = run.to_string();
    assert!(
        out.lines()
            .any(|l| l.contains("without.md:8") && l.contains("gone.jpg") && l.contains("warning")),
        "{out}"
    );
    assert!(site
        .page("2022/11/without/")
        .contains("<img src=\"gone.jpg\" alt=\"قديمة\""));
}
