//! Item 2: raw HTML in Markdown, sanitised by default, passed with `unsafe_html: true`.

use crate::common::*;

const BODY: &str = "\
فقرة فيها <b>عريض</b> و<em>مائل</em> و<a href=\"https://example.org/x\" onclick=\"steal()\">رابط ملصوق</a> \
و<a href=\"javascript:alert(1)\">رابط خطر</a> و<a href=\"JaVaScRiPt:alert(2)\">آخر</a> <img src=x onerror=alert(3)>.

<script>alert(4)</script>

<div onmouseover=\"alert(5)\" style=\"position:fixed\"><p>داخل div</p></div>

<iframe src=\"https://evil.example/\">نص الإطار</iframe>
<object data=\"x.swf\">كائن</object>
<form action=\"https://evil.example/\"><input name=\"p\">نموذج</form>
<style>body{display:none}</style>

<table><tr><td onclick=\"x()\">خلية</td></tr></table>

<figure><img src=\"https://example.org/p.jpg\" alt=\"صورة\"><figcaption>تعليق H<sub>2</sub>O</figcaption></figure>

</div></div></main>

[رابط ماركداون](other.md) و<span dir=\"ltr\">Power of Siberia</span>

اقرأ أيضاً: مقال آخر
";

fn site_with(config: &str) -> Site {
    let site = Site::new();
    site.write("site.yaml", config);
    site.write("content/2022/a.md", md("title: مقال\ndate: 2022-12-29", BODY));
    site.write("content/2022/other.md", md("title: مقال آخر\ndate: 2022-12-01", "نص."));
    site
}

#[test]
fn raw_html_is_sanitised_by_default() {
    let site = site_with("");
    let run = site.build_ok(&[]);
    assert_eq!(run.stderr, "", "{run}");
    let page = site.page("2022/12/a/");
    let body = main_of(&page);
    for kept in [
        "<b>عريض</b>",
        "<em>مائل</em>",
        // A pasted link arrives as separate start and end pieces: still one link.
        "<a href=\"https://example.org/x\" rel=\"noopener\">رابط ملصوق</a>",
        "<a rel=\"noopener\">رابط خطر</a>",
        "<a rel=\"noopener\">آخر</a>",
        "<img src=\"x\">",
        "<div><p>داخل div</p></div>",
        "<td>خلية</td>",
        "<figure><img src=\"https://example.org/p.jpg\" alt=\"صورة\"><figcaption>تعليق H<sub>2</sub>O</figcaption></figure>",
        // Our own output survives the cleaning.
        "<a href=\"/2022/12/other/\" rel=\"noopener\">رابط ماركداون</a>",
        "<span dir=\"ltr\"><bdi>Power of Siberia</bdi></span>",
        "<aside class=\"read-also-ref\"><span>اقرأ أيضاً:</span> <a href=\"/2022/12/other/\" rel=\"noopener\">مقال آخر</a></aside>",
    ] {
        assert!(body.contains(kept), "missing {kept} in\n{body}");
    }
    for gone in [
        "نص الإطار",
        "كائن",
        "نموذج",
        "display:none",
        "alert",
        "steal",
        "position:fixed",
    ] {
        assert!(!body.contains(gone), "`{gone}` survived in\n{body}");
    }
    // Stray closing tags cannot close the page's own elements.
    assert_eq!(count(&page, "</main>"), 1, "{page}");
    assert_eq!(count(&page, "<div"), count(&page, "</div>"), "{page}");
    for (path, bytes) in site.snapshot() {
        // The only script elements are the page's own JSON-LD metadata and
        // the theme's copy-link button (a file of the theme, not the text's);
        // the only form the 404 page's search box.
        let text = without_json_ld(&String::from_utf8_lossy(&bytes))
            .replace("<script src=\"/share.js\" defer></script>", "")
            .replace(
                "<form class=\"search-box\" role=\"search\" action=\"/search/\" method=\"get\">",
                "",
            )
            .to_lowercase();
        for needle in [
            "<script",
            "javascript:",
            "onerror",
            "onclick",
            "onmouseover",
            "<iframe",
            "<object",
            "<form",
            "<style",
        ] {
            assert!(!text.contains(needle), "public/{path} holds `{needle}`");
        }
    }
    // Sanitising is deterministic.
    let first = site.snapshot();
    site.build_ok(&[]);
    assert_same_files(&first, &site.snapshot(), "a second build");
}

#[test]
fn unsafe_html_true_passes_raw_html_unchanged() {
    let site = site_with("unsafe_html: true\n");
    let run = site.build_ok(&[]);
    assert_eq!(run.stderr, "", "{run}");
    // The raw `</main>` in the body closes the page's <main> early: what trusting editors means.
    let body = site.page("2022/12/a/");
    for raw in [
        "<script>alert(4)</script>",
        "<a href=\"https://example.org/x\" onclick=\"steal()\">رابط ملصوق</a>",
        "<img src=x onerror=alert(3)>",
        "<iframe src=\"https://evil.example/\">نص الإطار</iframe>",
        "<style>body{display:none}</style>",
        "<div onmouseover=\"alert(5)\" style=\"position:fixed\"><p>داخل div</p></div>",
    ] {
        assert!(body.contains(raw), "missing {raw} in\n{body}");
    }
    // Markdown links are still rewritten; our links carry no added rel.
    assert!(body.contains("<a href=\"/2022/12/other/\">رابط ماركداون</a>"), "{body}");
}

#[test]
fn a_javascript_link_that_looks_like_a_missing_article_is_neutralised() {
    let site = Site::new();
    site.write(
        "content/2022/a.md",
        md(
            "title: مقال\ndate: 2022-12-29",
            "[أ](javascript:alert(1)//nothere.md) و[ب](JavaScript:x.txt#y) و[ج](missing.md)",
        ),
    );
    let run = site.build_ok(&[]);
    let body = main_of(&site.page("2022/12/a/")).to_string();
    assert!(
        body.contains("<a href=\"#\">أ</a> و<a href=\"#\">ب</a> و<a href=\"missing.md\">ج</a>"),
        "{body}"
    );
    // Each is still reported as a link to no article.
    for dest in ["javascript:alert(1)//nothere.md", "JavaScript:x.txt#y", "missing.md"] {
        assert_eq!(
            run.stderr_lines(&format!("link to `{dest}` matches no article")).len(),
            1,
            "{run}"
        );
    }
}
