//! Unit tests of the page assembly that need crate internals.

use super::*;
use rankday_core::Date;

#[test]
fn json_embedding_cannot_close_the_script_element() {
    let data = ReportData {
        title: "</script><script>alert(1)</script><!-- & \u{2028}".into(),
        ..Default::default()
    };
    let json = html::embed_json(&data).unwrap();
    assert!(
        !json.contains('<') && !json.contains('>') && !json.contains('&'),
        "{json}"
    );
    assert!(!json.contains('\u{2028}'));
    // The escapes are transparent to a JSON parser: the data survives exactly.
    let back: ReportData = serde_json::from_str(&json).unwrap();
    assert_eq!(back, data);

    let page = render(&data).unwrap();
    let open = "<script type=\"application/json\" id=\"rankday-data\">";
    let start = page.find(open).unwrap() + open.len();
    let end = start + page[start..].find("</script>").unwrap();
    assert_eq!(
        &page[start..end],
        json,
        "the data element ends exactly where the JSON ends"
    );
    // The title is escaped as text in <title> and the header.
    assert!(page.contains("<title>&lt;/script&gt;&lt;script&gt;alert(1)"));
    assert!(!page.contains("<script>alert(1)"));
}

#[test]
fn embedded_assets_cannot_end_their_elements_early() {
    for (name, text) in [
        (
            "uPlot js",
            include_str!("../assets/vendor/uPlot.iife.min.js"),
        ),
        ("report js", include_str!("../assets/report.js")),
    ] {
        let lower = text.to_ascii_lowercase();
        assert!(
            !lower.contains("</script") && !lower.contains("<!--"),
            "{name}"
        );
    }
    for (name, text) in [
        ("uPlot css", include_str!("../assets/vendor/uPlot.min.css")),
        ("report css", include_str!("../assets/report.css")),
    ] {
        assert!(!text.to_ascii_lowercase().contains("</style"), "{name}");
    }
}

#[test]
fn every_placeholder_is_filled_once() {
    let page = render(&ReportData::default()).unwrap();
    for key in [
        "TITLE",
        "GENERATOR",
        "UPLOT_CSS",
        "CSS",
        "BODY",
        "DATA",
        "UPLOT_JS",
        "JS",
    ] {
        assert!(
            !page.contains(&format!("{{{{{key}}}}}")),
            "{key} left unfilled"
        );
    }
    assert_eq!(page.matches("var uPlot=function").count(), 1);
    assert!(page.contains("no data was supplied"));
    assert!(page.contains("<title>rankday report</title>"));
}

#[test]
fn mismatched_lengths_are_typed_errors() {
    let d = Date::ymd(2024, 1, 2);
    let mut data = ReportData {
        levels: vec![LevelSeries {
            index: "R2000".into(),
            dates: vec![d, d.add_days(1)],
            price_return: vec![1.0],
            total_return: vec![],
        }],
        ..Default::default()
    };
    match render(&data) {
        Err(ReportError::LengthMismatch {
            field: "price_return",
            expected: 2,
            got: 1,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    data.levels[0].price_return = vec![1.0, 2.0];
    assert!(render(&data).is_ok(), "an empty total return is allowed");
    data.fund = Some(FundSection {
        dates: vec![d],
        tracking_difference_bp: vec![0.0],
        nav: vec![],
        stats: vec![],
    });
    assert!(matches!(
        render(&data),
        Err(ReportError::LengthMismatch { field: "nav", .. })
    ));
}

#[test]
fn unordered_dates_are_typed_errors() {
    let d = Date::ymd(2024, 1, 2);
    let data = ReportData {
        relative: Some(RelativeSeries {
            name: "R2000/R1000".into(),
            dates: vec![d, d.add_days(1), d.add_days(1)],
            ratio: vec![100.0, 101.0, 102.0],
        }),
        ..Default::default()
    };
    let err = render(&data).unwrap_err();
    assert!(
        matches!(err, ReportError::DatesNotIncreasing { position: 2, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("2024-01-03"));
}

#[test]
fn non_finite_values_render_as_dashes_and_json_nulls() {
    let d = Date::ymd(2024, 1, 2);
    let data = ReportData {
        levels: vec![LevelSeries {
            index: "R2000".into(),
            dates: vec![d, d.add_days(1)],
            price_return: vec![f64::NAN, f64::NAN],
            total_return: vec![],
        }],
        ..Default::default()
    };
    let page = render(&data).unwrap();
    assert!(page.contains("\"price_return\":[null,null]"));
    assert!(!page.contains("NaN"));
}
