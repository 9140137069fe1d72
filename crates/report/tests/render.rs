//! Browser-free checks of the rendered page: self-contained, well-formed
//! sections, atomic writes.

mod common;

use rankday_report::{render, write_report, ReportData, ReportError};

/// Every place an HTML page can pull a resource from the network, with the
/// URL that follows. Why a scanner and not a regex crate: the patterns are few
/// and the page is one string; a dependency would not make this clearer.
fn external_refs(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for pat in [
        "src=", "href=", "srcset=", "action=", "poster=", "@import", "url(", "fetch(", "import(",
    ] {
        for (at, _) in lower.match_indices(pat) {
            let rest = lower[at + pat.len()..]
                .trim_start_matches(|c: char| c.is_whitespace() || "\"'`(".contains(c));
            if ["http:", "https:", "//", "ftp:", "ws:", "wss:"]
                .iter()
                .any(|p| rest.starts_with(p))
            {
                found.push(lower[at..(at + 60).min(lower.len())].to_string());
            }
        }
    }
    for api in [
        "xmlhttprequest",
        "websocket",
        "eventsource",
        "sendbeacon",
        "<link",
        "<iframe",
        "<img",
    ] {
        if lower.contains(api) {
            found.push(api.to_string());
        }
    }
    found
}

#[test]
fn the_page_references_nothing_on_the_network() {
    let page = render(&common::full()).unwrap();
    assert_eq!(external_refs(&page), Vec::<String>::new());
    assert!(!page.contains("<script src"), "scripts are inline");
    // The CSP makes the browser enforce it too.
    assert!(page.contains("default-src 'none'"));
}

#[test]
fn the_network_scanner_finds_what_it_should() {
    // Negative control: the check above can fail.
    for bad in [
        r#"<script src="https://cdn.example/u.js"></script>"#,
        "<link rel=stylesheet href='//fonts.example/css'>",
        "<style>@import url(http://x/y.css);</style>",
        "<style>body{background:url( 'https://x/y.png')}</style>",
        "<script>fetch(\"https://x/api\")</script>",
        "<script>new XMLHttpRequest()</script>",
    ] {
        assert!(!external_refs(bad).is_empty(), "missed: {bad}");
    }
    assert!(
        external_refs("<a href=\"#flows\">Flows</a><style>a{background:url(data:x)}</style>")
            .is_empty()
    );
}

#[test]
fn every_section_and_chart_is_present_with_formatted_numbers() {
    let page = render(&common::full()).unwrap();
    for chart in common::CHARTS {
        assert_eq!(
            page.matches(&format!("data-chart=\"{chart}\"")).count(),
            1,
            "{chart}"
        );
    }
    for id in ["summary", "levels", "relative", "recons", "flows", "fund"] {
        assert!(page.contains(&format!("<section id=\"{id}\">")), "{id}");
        assert!(page.contains(&format!("<a href=\"#{id}\">")), "nav to {id}");
    }
    // 2021 recon: #1000 at $4.6B, #3000 at $170M; numbers right-aligned.
    assert!(
        page.contains("<td class=\"n\">$4.6B</td>"),
        "breakpoint formatted"
    );
    assert!(page.contains("<td class=\"n\">$170M</td>"));
    assert!(
        page.contains("<td class=\"n\">2,000</td>"),
        "counts grouped"
    );
    assert!(
        page.contains("<td class=\"n\">23.1%</td>"),
        "turnover as percent"
    );
    assert!(page.contains("−$1.9B"), "sells signed");
    // Escaped in the header, not injected.
    assert!(page.contains("synthetic market &lt;test&gt;"));
    // The decile chart's label says what `rankday_flows` computes: decile 1
    // holds the smallest caps (tested there); every table heading carries
    // its unit.
    assert!(page.contains("decile 1 = smallest caps"));
    for head in [
        "Demand (USD)",
        "Impact (bp)",
        "Days of volume",
        "#1000 cap (USD)",
        "Adds (lines)",
        "Last PR (points)",
        "Turnover (%)",
    ] {
        assert!(page.contains(head), "{head}");
    }
}

#[test]
fn sections_without_data_are_left_out() {
    let mut data = common::full();
    data.flows = None;
    data.fund = None;
    data.recons.clear();
    let page = render(&data).unwrap();
    for gone in ["flows_deciles", "fund_td", "breakpoints"] {
        assert!(!page.contains(&format!("data-chart=\"{gone}\"")), "{gone}");
    }
    assert!(!page.contains("href=\"#flows\""));
    assert!(page.contains("data-chart=\"levels\""));
}

#[test]
fn write_report_replaces_atomically_and_leaves_no_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    std::fs::write(&path, "old").unwrap();
    let data = common::full();
    write_report(&path, &data).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        render(&data).unwrap()
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("report.html")]);
}

#[test]
fn a_failed_write_is_a_typed_error_and_keeps_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir").join("report.html");
    let err = write_report(&missing, &ReportData::default()).unwrap_err();
    assert!(matches!(err, ReportError::Write(_)), "{err}");
    assert!(
        err.to_string().contains("no-such-dir"),
        "names the path: {err}"
    );

    // Invalid data: nothing is written, the previous report stays.
    let path = dir.path().join("report.html");
    std::fs::write(&path, "previous").unwrap();
    let mut bad = common::full();
    bad.levels[0].price_return.pop();
    assert!(matches!(
        write_report(&path, &bad),
        Err(ReportError::LengthMismatch { .. })
    ));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "previous");
}
