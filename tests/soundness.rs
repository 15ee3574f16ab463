//! Checks that must stay silent where the configuration is right (the bad fixtures cover the
//! other side): a diagnostic on a correct config is a false alarm a team learns to ignore.

use ccmon::diag::Diags;
use ccmon::diag::source::Source;

const SLO_INHIBIT: &str = r#"
[project]
name = "shop"

[[job]]
name = "shop"
targets = ["localhost:8080"]

[[dimension]]
name = "availability"
title = "Availability"

[[dimension.slo]]
name = "checkout"
kind = "availability"
target = "99.9%"
errors = 'http_requests_total{code=~"5.."}'
total = "http_requests_total"

[[receiver]]
name = "ops"
[[receiver.webhook]]
url = "http://127.0.0.1:9095/alerts"

# The page silences the ticket of the same SLO.
[[inhibit]]
source = ['alertname="CheckoutFastBurn"']
target = ['alertname="CheckoutSlowBurn"']
equal = ["slo"]

[[route.routes]]
matchers = ['alertname="CheckoutFastBurn"']
receiver = "ops"
"#;

#[test]
fn inhibit_rules_and_routes_that_name_slo_alerts_are_not_reported_as_matching_nothing() {
    let src = Source::new("slo-inhibit.toml", SLO_INHIBIT);
    let mut diags = Diags::default();
    let model = ccmon::compile(&src, &mut diags);
    let printed = ccmon::diag::render_all_human(&src, &diags);
    assert!(model.is_some(), "{printed}");
    assert!(
        !printed.contains("CM603") && !printed.contains("CM610"),
        "false alarm on alerts the SLO defines:\n{printed}"
    );
    let names: Vec<&str> = model.as_ref().unwrap().slos[0]
        .tiers
        .iter()
        .map(|t| t.alert.as_str())
        .collect();
    assert_eq!(names, ["CheckoutFastBurn", "CheckoutSlowBurn"]);
}
