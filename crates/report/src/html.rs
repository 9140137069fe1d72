//! Page assembly: the template, the embedded assets and JSON, and the
//! server-rendered sections and tables.

use std::fmt::Write as _;

use crate::fmt::{esc, int, num, pct, signed_pct, usd, DASH};
use crate::model::{FlowName, FlowsSection, FundSection, LevelSeries, ReportData};
use crate::ReportError;

const TEMPLATE: &str = include_str!("../assets/report.html");
const CSS: &str = include_str!("../assets/report.css");
const JS: &str = include_str!("../assets/report.js");
const UPLOT_JS: &str = include_str!("../assets/vendor/uPlot.iife.min.js");
const UPLOT_CSS: &str = include_str!("../assets/vendor/uPlot.min.css");

/// Serializes `data` for a `<script type="application/json">` element.
///
/// Why escape `<`, `>` and `&` as `\u003c`...: the HTML parser ends a script
/// element at the first `</script` whatever the quoting, and `<!--` switches
/// it into an escaped state; unicode escapes are invisible to `JSON.parse` but
/// leave no markup in the element. U+2028/2029 are escaped for older JS
/// engines that treat them as line terminators.
pub fn embed_json(data: &ReportData) -> Result<String, ReportError> {
    let raw = serde_json::to_string(data)?;
    let mut out = String::with_capacity(raw.len() + 64);
    for c in raw.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// Fills `{{NAME}}` placeholders of the template in one pass, so text inserted
/// for one placeholder (the data, uPlot's source) is never scanned for others.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|v| v.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}").and_then(|end| {
            let key = &after[..end];
            values
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (end, *v))
        }) {
            Some((end, value)) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The complete page.
pub fn page(data: &ReportData) -> Result<String, ReportError> {
    let json = embed_json(data)?;
    let title = if data.title.is_empty() {
        "rankday report"
    } else {
        &data.title
    };
    let body = body(data, title);
    Ok(fill(
        TEMPLATE,
        &[
            ("TITLE", &esc(title)),
            ("GENERATOR", &esc(&data.generated_by)),
            ("UPLOT_CSS", UPLOT_CSS),
            ("CSS", CSS),
            ("BODY", &body),
            ("DATA", &json),
            ("UPLOT_JS", UPLOT_JS),
            ("JS", JS),
        ],
    ))
}

/// One chart card; the script finds it by `data-chart`.
fn chart(out: &mut String, name: &str, caption: &str, note: &str) {
    let _ = write!(
        out,
        "<figure class=\"card\"><figcaption>{}<span class=\"note\">{}</span></figcaption>\
         <div class=\"chart\" data-chart=\"{}\"></div></figure>",
        esc(caption),
        esc(note),
        esc(name)
    );
}

/// A table: header cells prefixed `>` are right-aligned numeric columns.
fn table(out: &mut String, class: &str, head: &[&str], rows: &[Vec<String>]) {
    let numeric: Vec<bool> = head.iter().map(|h| h.starts_with('>')).collect();
    let _ = write!(
        out,
        "<div class=\"tablewrap\"><table class=\"{class}\"><thead><tr>"
    );
    for h in head {
        let (cls, label) = match h.strip_prefix('>') {
            Some(l) => (" class=\"n\"", l),
            None => ("", *h),
        };
        let _ = write!(out, "<th{cls}>{}</th>", esc(label));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let cls = if numeric.get(i).copied().unwrap_or(false) {
                " class=\"n\""
            } else {
                ""
            };
            // Cells arrive escaped (some carry markup such as demand bars).
            let _ = write!(out, "<td{cls}>{cell}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
}

fn section_open(out: &mut String, id: &str, heading: &str) {
    let _ = write!(out, "<section id=\"{id}\"><h2>{}</h2>", esc(heading));
}

fn body(data: &ReportData, title: &str) -> String {
    let mut nav: Vec<(&str, &str)> = Vec::new();
    let mut main = String::new();
    if !data.market_summary.is_empty() {
        nav.push(("summary", "Summary"));
        section_open(&mut main, "summary", "Summary");
        main.push_str("<dl class=\"facts\">");
        for (k, v) in &data.market_summary {
            let _ = write!(main, "<div><dt>{}</dt><dd>{}</dd></div>", esc(k), esc(v));
        }
        main.push_str("</dl></section>");
    }
    if !data.levels.is_empty() {
        nav.push(("levels", "Levels"));
        section_open(&mut main, "levels", "Index levels");
        chart(
            &mut main,
            "levels",
            "Index levels",
            "log scale · solid: price return · dashed: total return",
        );
        let rows: Vec<Vec<String>> = data.levels.iter().map(level_row).collect();
        table(
            &mut main,
            "",
            &[
                "Index",
                "From",
                "To",
                ">Trading days",
                ">Last PR (points)",
                ">Last TR (points)",
                ">PR return (%)",
                ">TR return (%)",
                ">TR ann. (%/yr)",
            ],
            &rows,
        );
        main.push_str("</section>");
    }
    if let Some(r) = data.relative.as_ref().filter(|r| !r.dates.is_empty()) {
        nav.push(("relative", "Relative"));
        section_open(&mut main, "relative", "Relative performance");
        chart(
            &mut main,
            "relative",
            &r.name,
            "rebased to 100 at the first date",
        );
        main.push_str("</section>");
    }
    if !data.recons.is_empty() {
        nav.push(("recons", "Reconstitutions"));
        section_open(&mut main, "recons", "Reconstitutions");
        chart(
            &mut main,
            "breakpoints",
            "Breakpoints by rank day",
            "total market cap, log scale",
        );
        recon_table(&mut main, data);
        main.push_str("</section>");
    }
    if let Some(f) = &data.flows {
        nav.push(("flows", "Flows"));
        section_open(
            &mut main,
            "flows",
            &format!("Reconstitution flows · effective {}", f.effective_date),
        );
        flows(&mut main, f);
        main.push_str("</section>");
    }
    if let Some(f) = &data.fund {
        nav.push(("fund", "Fund"));
        section_open(&mut main, "fund", "Tracking fund");
        fund(&mut main, f);
        main.push_str("</section>");
    }
    if nav.is_empty() {
        main.push_str("<p class=\"empty\">This report has no sections: no data was supplied.</p>");
    }

    let mut out = String::new();
    let _ = write!(
        out,
        "<header><div class=\"brand\"><h1>{}</h1><span class=\"meta\">{}{}</span></div><nav>",
        esc(title),
        esc(&data.generated_by),
        span(data).map(|s| format!(" · {s}")).unwrap_or_default()
    );
    for (id, label) in &nav {
        let _ = write!(out, "<a href=\"#{id}\">{label}</a>");
    }
    let _ = write!(out, "</nav></header><main>{main}</main>");
    out
}

/// "2015-01-02 – 2024-12-31" over all level series, for the header.
fn span(data: &ReportData) -> Option<String> {
    let first = data.levels.iter().filter_map(|s| s.dates.first()).min()?;
    let last = data.levels.iter().filter_map(|s| s.dates.last()).max()?;
    Some(format!("{first} – {last}"))
}

/// First and last finite (date index, value) of a series.
fn ends(values: &[f64]) -> Option<((usize, f64), (usize, f64))> {
    let ok = |v: &f64| v.is_finite() && *v > 0.0;
    let first = values.iter().enumerate().find(|(_, v)| ok(v))?;
    let last = values.iter().enumerate().rev().find(|(_, v)| ok(v))?;
    Some(((first.0, *first.1), (last.0, *last.1)))
}

fn level_row(s: &LevelSeries) -> Vec<String> {
    let pr = ends(&s.price_return);
    let tr = ends(&s.total_return);
    let ret = |e: Option<((usize, f64), (usize, f64))>| {
        e.map_or(f64::NAN, |((_, a), (_, b))| b / a - 1.0)
    };
    let ann = tr.map_or(f64::NAN, |((i, a), (j, b))| {
        let years = s.dates[j].days_since(s.dates[i]) as f64 / 365.25;
        if years > 0.25 {
            (b / a).powf(1.0 / years) - 1.0
        } else {
            f64::NAN
        }
    });
    let date = |i: Option<&rankday_core::Date>| i.map_or(DASH.to_string(), |d| d.to_string());
    vec![
        esc(&s.index),
        date(s.dates.first()),
        date(s.dates.last()),
        int(s.dates.len() as u64),
        pr.map_or(DASH.into(), |(_, (_, v))| num(v, 2)),
        tr.map_or(DASH.into(), |(_, (_, v))| num(v, 2)),
        signed_pct(ret(pr)),
        signed_pct(ret(tr)),
        signed_pct(ann),
    ]
}

fn recon_table(out: &mut String, data: &ReportData) {
    let mut indexes: Vec<&str> = Vec::new();
    for r in &data.recons {
        for (name, _) in &r.counts {
            if !indexes.contains(&name.as_str()) {
                indexes.push(name);
            }
        }
    }
    let count_heads: Vec<String> = indexes.iter().map(|i| format!(">{i} (lines)")).collect();
    let mut head: Vec<&str> = vec!["Rank day", "Effective"];
    head.extend(count_heads.iter().map(String::as_str));
    head.extend([
        ">#1000 cap (USD)",
        ">#3000 cap (USD)",
        ">Band low (USD)",
        ">Band high (USD)",
        ">Adds (lines)",
        ">Deletes (lines)",
        ">Ups (lines)",
        ">Downs (lines)",
    ]);
    let rows: Vec<Vec<String>> = data
        .recons
        .iter()
        .map(|r| {
            let mut row = vec![r.rank_date.to_string(), r.effective_date.to_string()];
            for i in &indexes {
                let c = r.counts.iter().find(|(n, _)| n == i);
                row.push(c.map_or(DASH.into(), |(_, c)| int(u64::from(*c))));
            }
            row.extend([
                usd(r.cap_rank_1000),
                usd(r.cap_rank_3000),
                usd(r.band_lower_usd),
                usd(r.band_upper_usd),
            ]);
            row.extend([r.adds, r.deletes, r.ups, r.downs].map(|v| int(u64::from(v))));
            row
        })
        .collect();
    table(out, "", &head, &rows);
}

/// A flow table with an inline bar scaled to the largest |demand| of both
/// sides, so buys and sells compare at a glance.
fn flow_table(out: &mut String, title: &str, names: &[FlowName], max_abs: f64, sell: bool) {
    let _ = write!(out, "<div class=\"card\"><h3>{}</h3>", esc(title));
    let rows: Vec<Vec<String>> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let w = if max_abs > 0.0 && n.demand_usd.is_finite() {
                (n.demand_usd.abs() / max_abs * 100.0).clamp(0.0, 100.0)
            } else {
                0.0
            };
            let cls = if sell { "bar sell" } else { "bar buy" };
            vec![
                int(i as u64 + 1),
                esc(&n.ticker),
                format!(
                    "<span class=\"{cls}\" style=\"width:{w:.1}%\"></span>{}",
                    usd(n.demand_usd)
                ),
                num(n.days_of_volume, 1),
                num(n.impact_bps, 0),
            ]
        })
        .collect();
    if rows.is_empty() {
        out.push_str("<p class=\"empty\">None.</p>");
    } else {
        table(
            out,
            "flowtable",
            &[
                ">#",
                "Ticker",
                ">Demand (USD)",
                ">Days of volume",
                ">Impact (bp)",
            ],
            &rows,
        );
    }
    out.push_str("</div>");
}

fn flows(out: &mut String, f: &FlowsSection) {
    out.push_str("<div class=\"grid3\">");
    if !f.decile_net_usd.is_empty() {
        chart(
            out,
            "flows_deciles",
            "Net demand by size decile",
            "USD · decile 1 = smallest caps, 10 = largest",
        );
    }
    if !f.dov_histogram.is_empty() {
        chart(
            out,
            "flows_dov",
            "Days of volume",
            "|demand| ÷ 20-day ADV, in days · number of securities",
        );
    }
    if !f.turnover.is_empty() {
        chart(out, "flows_turnover", "One-way turnover", "% of each index");
    }
    out.push_str("</div><div class=\"grid2\">");
    let max_abs = f
        .top_buys
        .iter()
        .chain(&f.top_sells)
        .map(|n| n.demand_usd.abs())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    flow_table(out, "Top buys", &f.top_buys, max_abs, false);
    flow_table(out, "Top sells", &f.top_sells, max_abs, true);
    out.push_str("</div>");
    if !f.turnover.is_empty() {
        let rows: Vec<Vec<String>> = f
            .turnover
            .iter()
            .map(|(i, t)| vec![esc(i), pct(*t)])
            .collect();
        table(out, "narrow", &["Index", ">Turnover (%)"], &rows);
    }
}

fn fund(out: &mut String, f: &FundSection) {
    if !f.dates.is_empty() {
        out.push_str("<div class=\"grid2\">");
        chart(
            out,
            "fund_td",
            "Cumulative tracking difference",
            "fund − index, bp",
        );
        chart(out, "fund_nav", "Net asset value", "USD");
        out.push_str("</div>");
    }
    if !f.stats.is_empty() {
        out.push_str("<dl class=\"facts\">");
        for (k, v) in &f.stats {
            let _ = write!(out, "<div><dt>{}</dt><dd>{}</dd></div>", esc(k), esc(v));
        }
        out.push_str("</dl>");
    }
}
