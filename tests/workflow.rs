//! Integration tests of the newsroom's workflow commands: `check`, `new`
//! and `init`, with the real binary on temporary sites.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

/// Runs `arshif ARGS…` from the folder beside the site.
fn arshif_in(site: &Site, args: &[&str]) -> Run {
    let mut command = arshif();
    command.args(args).current_dir(&site.outer);
    run(command)
}

/// Runs `arshif check --root SITE` with extra arguments.
fn check(site: &Site, extra: &[&str]) -> Run {
    let mut command = arshif();
    command.arg("check").arg("--root").arg(&site.root).args(extra);
    command.current_dir(&site.outer);
    run(command)
}

/// Runs `check --format json` and parses every line of its output.
fn check_json(site: &Site, extra: &[&str]) -> (Run, Vec<Value>) {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let run = check(site, &args);
    let problems = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("not JSON: {line}: {err}\n{run}")))
        .collect();
    (run, problems)
}

/// The problems of one kind.
fn of_kind<'a>(problems: &'a [Value], kind: &str) -> Vec<&'a Value> {
    problems.iter().filter(|p| p["kind"] == kind).collect()
}

/// Asserts the check failed with exit status 1 (problems found, not a crash).
fn assert_problems(run: &Run) {
    assert_eq!(run.code, Some(1), "expected exit 1:\n{run}");
    assert!(!run.stderr.contains("panicked"), "{run}");
}

/// Asserts that nothing was written into or beside the site folder.
fn assert_wrote_nothing(site: &Site, before: &Snapshot) {
    assert!(!site.public().exists(), "check created public/");
    assert_same_files(before, &snapshot(&site.outer), "files around the site after check");
    assert_eq!(entries(&site.outer), vec!["site"]);
    assert!(
        !entries(&site.root).iter().any(|e| e.contains("arshif")),
        "check left a staging folder: {:?}",
        entries(&site.root)
    );
}

/// A dated Markdown article.
fn dated(title: &str, date: &str) -> String {
    md(&format!("title: {title}\ndate: {date}"), "نص المقال.")
}

// check ------------------------------------------------------------------

#[test]
fn check_passes_the_sample_archive_and_writes_nothing() {
    let site = sample_site();
    let before = snapshot(&site.outer);
    let run = check(&site, &[]);
    run.assert_ok();
    assert_eq!(run.stdout, "", "{run}");
    assert!(run.stderr.contains("check: no problems in 12 articles"), "{run}");
    assert_wrote_nothing(&site, &before);
    let quiet = check(&site, &["--quiet"]);
    quiet.assert_ok();
    assert_eq!((quiet.stdout.as_str(), quiet.stderr.as_str()), ("", ""), "{quiet}");
}

#[test]
fn check_reports_bad_front_matter_of_every_file_at_file_line() {
    let site = Site::new();
    site.write(
        "content/2022/bad-date.md",
        "---\ntitle: عنوان\ndate: قريباً\n---\n\nنص.\n",
    );
    site.write("content/2022/unclosed.md", "---\ntitle: عنوان\n\nنص.\n");
    site.write("content/2022/good.md", dated("سليم", "2022-12-01"));
    let before = snapshot(&site.outer);
    let run = check(&site, &[]);
    assert_problems(&run);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{run}");
    let bad_date = format!(
        "{}:3: error: `date: قريباً` is not a date",
        site.path("content/2022/bad-date.md")
    );
    assert!(lines[0].starts_with(&bad_date), "{run}");
    assert!(lines[0].ends_with("[front-matter]"), "{run}");
    assert!(
        lines[1].starts_with(&format!("{}:1: error: ", site.path("content/2022/unclosed.md"))),
        "{run}"
    );
    // Loading failed, so linking could not run: the output says so.
    assert!(
        run.stderr.contains("note: articles with errors stop the linking"),
        "{run}"
    );
    assert!(run.stderr.contains("check: 2 errors and 0 warnings"), "{run}");
    assert_wrote_nothing(&site, &before);
}

#[test]
fn check_reports_duplicate_urls() {
    let site = Site::new();
    site.write("content/2022/same.md", dated("أول", "2022-12-01"));
    site.write("content/other/same.md", dated("ثان", "2022-12-05"));
    let (run, problems) = check_json(&site, &[]);
    assert_problems(&run);
    let duplicates = of_kind(&problems, "duplicate-url");
    assert_eq!(duplicates.len(), 1, "{run}");
    assert_eq!(duplicates[0]["severity"], "error");
    assert!(
        duplicates[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("/2022/12/same/"),
        "{run}"
    );
}

#[test]
fn check_reports_broken_markdown_links_with_their_line() {
    let site = Site::new();
    site.write("content/2022/target.md", dated("الهدف", "2022-12-01"));
    site.write(
        "content/2022/a.md",
        md(
            "title: مقال\ndate: 2022-12-02",
            "رابط [صحيح](target.md).\n\nورابط [مكسور](missing.md).",
        ),
    );
    let (run, problems) = check_json(&site, &[]);
    assert_problems(&run);
    assert_eq!(problems.len(), 1, "{run}");
    let broken = &problems[0];
    assert_eq!(broken["kind"], "broken-link");
    assert_eq!(broken["severity"], "warning");
    assert_eq!(broken["file"], "content/2022/a.md");
    assert_eq!(broken["line"], 8, "{run}");
    assert!(
        broken["message"].as_str().unwrap_or_default().contains("missing.md"),
        "{run}"
    );
}

#[test]
fn check_reports_unresolved_read_also_references() {
    let site = Site::new();
    site.write(
        "content/2022/a.md",
        md("title: مقال\ndate: 2022-12-02\nread_also: [خبر لم يكتبه أحد]", "نص."),
    );
    let (run, problems) = check_json(&site, &[]);
    assert_problems(&run);
    let unresolved = of_kind(&problems, "unresolved-read-also");
    assert_eq!(unresolved.len(), 1, "{run}");
    assert_eq!(unresolved[0]["line"], 4);
    assert!(
        unresolved[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("خبر لم يكتبه أحد"),
        "{run}"
    );
}

#[test]
fn check_reports_undated_articles_and_allow_accepts_them() {
    let site = Site::new();
    site.write("content/misc/undated.md", md("title: بلا تاريخ", "نص."));
    let (run, problems) = check_json(&site, &[]);
    assert_problems(&run);
    assert_eq!(problems.len(), 1, "{run}");
    assert_eq!(problems[0]["kind"], "undated");
    assert_eq!(problems[0]["file"], "content/misc/undated.md");
    assert_eq!(problems[0]["line"], Value::Null);

    let allowed = check(&site, &["--allow", "undated"]);
    allowed.assert_ok();
    assert!(allowed.stderr.contains("1 warning accepted with --allow"), "{allowed}");
    let unknown = check(&site, &["--allow", "no-such-kind"]);
    assert_eq!(unknown.code, Some(2), "{unknown}");
}

#[test]
fn check_reports_topics_site_yaml_does_not_define() {
    let site = Site::new();
    site.write("site.yaml", "topics:\n  - slug: karabakh\n    name: ناغورنو كاراباخ\n");
    site.write(
        "content/2022/a.md",
        md(
            "title: مقال\ndate: 2022-12-02\ntopics:\n  - karabakh\n  - no-such-topic",
            "نص.",
        ),
    );
    let (run, problems) = check_json(&site, &[]);
    assert_problems(&run);
    assert_eq!(problems.len(), 1, "{run}");
    assert_eq!(problems[0]["kind"], "unknown-topic");
    assert_eq!(problems[0]["line"], 6, "{run}");
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("no-such-topic"),
        "{run}"
    );
}

#[test]
fn check_reports_template_errors_in_the_sites_templates() {
    let site = Site::new();
    site.write("content/2022/a.md", dated("مقال", "2022-12-01"));
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ article.title }</h1>\n{% endblock content %}\n",
    );
    let before = snapshot(&site.outer);
    let (run, problems) = check_json(&site, &[]);
    assert_problems(&run);
    assert_eq!(problems.len(), 1, "{run}");
    assert_eq!(problems[0]["kind"], "template");
    assert_eq!(problems[0]["file"], "templates/article.html");
    assert_eq!(problems[0]["line"], 3);
    assert!(run.stderr.contains("note: the templates do not compile"), "{run}");
    assert_wrote_nothing(&site, &before);

    // A template that compiles but fails while rendering a page.
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}\n\n<h1>{{ article.no_such_field }}</h1>\n{% endblock content %}\n",
    );
    let (run, problems) = check_json(&site, &[]);
    assert_problems(&run);
    assert_eq!(problems.len(), 1, "{run}");
    assert_eq!(problems[0]["kind"], "template");
    assert_eq!(problems[0]["line"], 4, "{run}");
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("no_such_field"),
        "{run}"
    );
}

#[test]
fn check_still_reads_the_articles_when_site_yaml_is_broken() {
    let site = Site::new();
    site.write("site.yaml", "title: أرشيف\ncolour: red\n");
    site.write("content/2022/a.md", "---\ntitle: x\ndraft: maybe\n---\n");
    let (run, problems) = check_json(&site, &[]);
    assert_problems(&run);
    let kinds: Vec<&str> = problems.iter().filter_map(|p| p["kind"].as_str()).collect();
    assert_eq!(kinds, ["front-matter", "config"], "{run}");
    assert_eq!(problems[1]["file"], "site.yaml");
    assert_eq!(problems[1]["line"], 2);
    assert!(run.stderr.contains("note: site.yaml has errors"), "{run}");
}

#[test]
fn check_json_lines_hold_every_field() {
    let site = Site::new();
    site.write("content/misc/undated.md", md("title: بلا تاريخ", "[مكسور](nothing.md)"));
    site.write(
        "content/2022/a.md",
        md("title: مقال\ndate: 2022-12-02\ntopics: [nope]", "نص."),
    );
    let (run, problems) = check_json(&site, &[]);
    assert_problems(&run);
    assert_eq!(problems.len(), 3, "{run}");
    for problem in &problems {
        let object = problem.as_object().expect("a JSON object");
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        // Every line has the five common fields; some kinds add the values
        // they are about, so that no tool has to parse the message.
        let extra: &[&str] = match problem["kind"].as_str() {
            Some("unknown-topic") => &["key", "slug"],
            Some("broken-link") => &["target"],
            _ => &[],
        };
        let mut expected = vec!["file", "kind", "line", "message", "severity"];
        expected.extend_from_slice(extra);
        expected.sort_unstable();
        assert_eq!(keys, expected);
        let file = problem["file"].as_str().expect("file is text");
        assert!(file.starts_with("content/") && site.root.join(file).is_file(), "{file}");
        assert!(problem["line"].is_null() || problem["line"].as_u64().is_some_and(|l| l >= 1));
        assert!(!problem["message"].as_str().unwrap_or_default().is_empty());
        assert!(["error", "warning"].contains(&problem["severity"].as_str().unwrap_or_default()));
    }
    let kinds: Vec<&str> = problems.iter().filter_map(|p| p["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        ["unknown-topic", "undated", "broken-link"],
        "sorted by file, then line"
    );
    assert_eq!(
        (problems[0]["key"].as_str(), problems[0]["slug"].as_str()),
        (Some("topics"), Some("nope"))
    );
    assert_eq!(problems[0]["line"], 4, "the line of `topics:`");
    assert_eq!(problems[2]["target"], "nothing.md");
    assert_eq!(problems[2]["line"], 5, "the line of the link");
    // The summary goes to standard error, keeping standard output pure JSON lines.
    assert!(
        run.stderr.contains("check: 0 errors and 3 warnings in 2 articles"),
        "{run}"
    );
}

#[test]
fn check_cannot_run_without_content_exits_2() {
    let site = Site::new();
    std::fs::remove_dir(site.root.join("content")).expect("remove content/");
    let run = check(&site, &[]);
    assert_eq!(run.code, Some(2), "{run}");
    assert!(run.stderr.contains("has no content/ folder"), "{run}");
    assert_eq!(run.stdout, "");

    let missing = arshif_in(&site, &["check", "--root", "no-such-folder"]);
    assert_eq!(missing.code, Some(2), "{missing}");
    assert!(missing.stderr.contains("does not exist"), "{missing}");
    assert_eq!(entries(&site.outer), vec!["site"]);
}

#[test]
fn check_drafts_are_checked_only_with_drafts() {
    let site = Site::new();
    site.write("content/2022/a.md", dated("منشور", "2022-12-02"));
    site.write(
        "content/2022/draft.md",
        md("title: مسودة\ndate: 2022-12-03\ndraft: true", "[مكسور](nothing.md)"),
    );
    check(&site, &[]).assert_ok();
    let (run, problems) = check_json(&site, &["--drafts"]);
    assert_problems(&run);
    assert_eq!(of_kind(&problems, "broken-link").len(), 1, "{run}");
}

// new --------------------------------------------------------------------

#[test]
fn new_writes_a_draft_that_builds_and_prints_its_path() {
    let site = Site::new();
    let run = arshif_in(
        &site,
        &["new", "بوتين وشي يلتقيان", "--date", "2023-03-20", "--root", "site"],
    );
    run.assert_ok();
    let path = Path::new("site/content/2023/بوتين-وشي-يلتقيان.md");
    assert_eq!(run.stdout.trim_end(), path.display().to_string(), "{run}");
    let text = std::fs::read_to_string(site.outer.join(path)).expect("the new article");
    assert!(text.starts_with("---\n"), "{text}");
    assert!(text.contains("\ndate: 2023-03-20\n"), "{text}");
    assert!(text.contains("\nsummary: ''\n"), "{text}");
    assert!(text.contains("\ndraft: true\n"), "{text}");

    check(&site, &["--drafts"]).assert_ok();
    site.build_ok(&[]);
    assert!(!site.has_page("2023/03/بوتين-وشي-يلتقيان/"), "a draft was published");
    site.build_ok(&["--drafts"]);
    let page = site.page("2023/03/بوتين-وشي-يلتقيان/");
    assert!(page.contains("<h1>بوتين وشي يلتقيان</h1>"), "{page}");
}

#[test]
fn new_never_overwrites() {
    let site = Site::new();
    let args = ["new", "خبر", "--date", "2023-01-01", "--root", "site"];
    arshif_in(&site, &args).assert_ok();
    let file = site.root.join("content/2023/خبر.md");
    std::fs::write(&file, "edited by hand").expect("edit");
    let again = arshif_in(&site, &args);
    again.assert_failed();
    assert!(again.stderr.contains("exists"), "{again}");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "edited by hand");
}

#[test]
fn new_titles_with_quotes_and_colons_stay_valid_yaml() {
    let site = Site::new();
    let title = "قمة: \"شراكة بلا حدود\" و'تحالف' #1";
    let run = arshif_in(&site, &["new", title, "--date", "2023-03-21", "--root", "site"]);
    run.assert_ok();
    assert_eq!(
        run.stdout.trim_end(),
        Path::new("site/content/2023/قمة-شراكة-بلا-حدود-و-تحالف-1.md")
            .display()
            .to_string()
    );
    check(&site, &["--drafts"]).assert_ok();
    site.build_ok(&["--drafts"]);
    let page = site.page("2023/03/قمة-شراكة-بلا-حدود-و-تحالف-1/");
    assert!(
        page.contains("قمة: &quot;شراكة بلا حدود&quot; و&#39;تحالف&#39; #"),
        "{page}"
    );
}

#[test]
fn new_with_a_slug_and_today_as_default_date() {
    let site = Site::new();
    let before = chrono::Local::now().date_naive();
    let run = arshif_in(&site, &["new", "عنوان", "--slug", "../My Slug", "--root", "site"]);
    run.assert_ok();
    let after = chrono::Local::now().date_naive();
    let printed = run.stdout.trim_end().to_string();
    let candidates: Vec<String> = [before, after]
        .iter()
        .map(|d| {
            Path::new("site/content")
                .join(d.format("%Y").to_string())
                .join("my-slug.md")
                .display()
                .to_string()
        })
        .collect();
    assert!(candidates.contains(&printed), "{printed} not in {candidates:?}");
    let text = std::fs::read_to_string(site.outer.join(&printed)).expect("the new article");
    let dates = [before, after].map(|d| format!("\ndate: {}\n", d.format("%Y-%m-%d")));
    assert!(dates.iter().any(|d| text.contains(d.as_str())), "{text}");
}

#[test]
fn new_refuses_what_it_cannot_name_or_place() {
    let site = Site::new();
    let no_slug = arshif_in(&site, &["new", "!!!", "--root", "site"]);
    no_slug.assert_failed();
    assert!(no_slug.stderr.contains("--slug"), "{no_slug}");
    let bad_date = arshif_in(&site, &["new", "عنوان", "--date", "2023-02-30", "--root", "site"]);
    bad_date.assert_failed();
    assert!(bad_date.stderr.contains("YYYY-MM-DD"), "{bad_date}");
    let not_a_site = arshif_in(&site, &["new", "عنوان", "--root", "."]);
    not_a_site.assert_failed();
    assert!(not_a_site.stderr.contains("arshif init"), "{not_a_site}");
    assert_eq!(tree(&site.root), Vec::<String>::new(), "nothing was written");
}

// init -------------------------------------------------------------------

/// Runs `arshif init DIR` from a temporary folder, DIR relative to it.
fn init(outer: &Path, args: &[&str]) -> Run {
    let mut command = arshif();
    command.arg("init").args(args).current_dir(outer);
    run(command)
}

#[test]
fn init_creates_an_archive_that_builds_and_checks() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let run = init(dir.path(), &["news"]);
    run.assert_ok();
    let root = dir.path().join("news");
    let files = tree(&root);
    let year = files
        .iter()
        .find_map(|f| f.strip_prefix("content/")?.strip_suffix("/welcome.md"))
        .unwrap_or_else(|| panic!("no example article in {files:?}"))
        .to_string();
    assert_eq!(
        files,
        [
            ".gitignore".to_string(),
            format!("content/{year}/welcome.md"),
            "site.yaml".to_string(),
            "static/.gitkeep".to_string()
        ]
    );
    let ignored = std::fs::read_to_string(root.join(".gitignore")).expect(".gitignore");
    assert_eq!(
        ignored, "/public/\n/.arshif-cache/\n",
        "the output and the cache are not sources"
    );
    let site_yaml = std::fs::read_to_string(root.join("site.yaml")).expect("site.yaml");
    assert!(site_yaml.contains("#   - slug: russia-china"), "{site_yaml}");
    assert!(site_yaml.contains("#   - slug: karabakh"), "{site_yaml}");

    let mut check = arshif();
    check.args(["check", "--root", "news"]).current_dir(dir.path());
    run_ok(check);
    let mut build = arshif();
    build.args(["build", "--root", "news"]).current_dir(dir.path());
    let built = run_ok(build);
    assert!(built.stdout.starts_with("built 1 articles"), "{built}");
    let home = std::fs::read_to_string(root.join("public/index.html")).expect("home page");
    assert!(home.contains("مرحباً بكم في أرشيفكم الجديد"), "{home}");
    assert!(home.contains("<html lang=\"ar\" dir=\"rtl\">"));
}

fn run_ok(command: std::process::Command) -> Run {
    let run = run(command);
    run.assert_ok();
    run
}

#[test]
fn init_with_templates_copies_every_default_template() {
    let dir = tempfile::tempdir().expect("temporary folder");
    init(dir.path(), &["plain"]).assert_ok();
    init(dir.path(), &["themed", "--with-templates"]).assert_ok();
    let defaults = snapshot(&Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"));
    assert!(defaults.len() >= 10, "{:?}", defaults.keys());
    let copied = snapshot(&dir.path().join("themed/templates"));
    assert_same_files(&defaults, &copied, "templates/ after init --with-templates");
    // The copied theme builds the same site as the embedded one.
    for name in ["plain", "themed"] {
        let mut build = arshif();
        build.args(["build", "--root", name]).current_dir(dir.path());
        run_ok(build);
    }
    assert_same_files(
        &snapshot(&dir.path().join("plain/public")),
        &snapshot(&dir.path().join("themed/public")),
        "the sites built with the embedded and the copied theme",
    );
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write_file(&dir.path().join("busy/notes.txt"), "keep me");
    let run = init(dir.path(), &["busy"]);
    run.assert_failed();
    assert!(run.stderr.contains("not empty"), "{run}");
    assert_eq!(tree(&dir.path().join("busy")), ["notes.txt"]);

    std::fs::create_dir(dir.path().join("empty")).expect("create empty folder");
    init(dir.path(), &["empty"]).assert_ok();
    assert!(dir.path().join("empty/site.yaml").is_file());
}

// help -------------------------------------------------------------------

#[test]
fn every_command_has_help_with_an_example() {
    for command in [&[][..], &["build"], &["check"], &["import"], &["new"], &["init"]] {
        let mut help = arshif();
        help.args(command).arg("--help");
        let run = run_ok(help);
        assert!(run.stdout.contains("Example"), "no example in:\n{run}");
    }
}
